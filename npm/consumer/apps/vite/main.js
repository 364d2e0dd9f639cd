// npm/README.md, section Vite: the web build, with the module's URL from Vite's `?url` import
// (works in the dev server, whose dependency pre-bundling moves the JS away from the .wasm, and in
// the production build).
import init, * as api from "sso-bridge";
import wasmUrl from "sso-bridge/web/sso_bridge_bg.wasm?url";
import { runInPage } from "../check.js";

runInPage(async () => {
  await init({ module_or_path: wasmUrl });
  return api;
});
