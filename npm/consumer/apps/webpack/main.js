// npm/README.md, section webpack 5: the plain import; webpack emits the .wasm as an asset from the
// glue's `new URL(…, import.meta.url)`.
import init, * as api from "sso-bridge";
import { runInPage } from "../check.js";

runInPage(async () => {
  await init();
  return api;
});
