// The Node entry has the web build's API (it only loads the module from disk first).
export * from "../web/sso_bridge.js";
export { default } from "../web/sso_bridge.js";
