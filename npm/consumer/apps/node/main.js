// npm/README.md, section Node: the plain import resolves to the package's Node entry, which loads
// the module from disk; `await init()` is then a no-op kept for code shared with the browser.
import init, * as api from "sso-bridge";
import { exercise } from "../check.js";

await init();
process.stdout.write(JSON.stringify(exercise(api)));
