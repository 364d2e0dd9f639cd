// npm/README.md, section esbuild: esbuild does not follow `new URL(…, import.meta.url)`, so the
// .wasm is imported with the `file` loader (`--loader:.wasm=file`), which copies it and gives its URL.
import init, * as api from "sso-bridge";
import wasmUrl from "sso-bridge/web/sso_bridge_bg.wasm";
import { runInPage } from "../check.js";

runInPage(async () => {
  await init({ module_or_path: wasmUrl });
  return api;
});
