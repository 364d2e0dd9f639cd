// The package's Node entry (package.json `exports` condition "node"): Node's fetch cannot read
// file: URLs, so the web build's `init()` would fail here. This reads the module from disk and
// instantiates it synchronously; `init()` and `initSync()` then return at once, so code written
// for the browser runs unchanged.
import { readFileSync } from "node:fs";
import { initSync } from "../web/sso_bridge.js";

initSync({ module: readFileSync(new URL("../web/sso_bridge_bg.wasm", import.meta.url)) });

export * from "../web/sso_bridge.js";
export { default } from "../web/sso_bridge.js";
