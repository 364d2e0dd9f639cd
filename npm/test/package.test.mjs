// Tests of the built npm package in pkg/ (run by `cargo xtask test` after `cargo xtask dist`'s
// package step): its manifest, its files, and that the web build loads and answers in Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";

const pkg = new URL("../../pkg/", import.meta.url);
const manifest = JSON.parse(await readFile(new URL("package.json", pkg), "utf8"));
const cargoToml = await readFile(new URL("../../Cargo.toml", import.meta.url), "utf8");

test("package.json is named sso-bridge and its version equals the crate's", async () => {
  assert.equal(manifest.name, "sso-bridge");
  const workspaceVersion = cargoToml.match(/\[workspace\.package\][^[]*?\nversion = "([^"]+)"/)?.[1];
  assert.ok(workspaceVersion, "workspace version not found in Cargo.toml");
  assert.equal(manifest.version, workspaceVersion);

  const web = await import(fileURLToPath(new URL("web/sso_bridge.js", pkg)));
  web.initSync({ module: await readFile(new URL("web/sso_bridge_bg.wasm", pkg)) });
  assert.equal(web.version(), manifest.version, "the wasm module reports the crate version");
});

test("every file the manifest points at exists, with types for both targets", async () => {
  const targets = [manifest.main, manifest.types];
  const collect = (entry) => {
    if (typeof entry === "string") targets.push(entry);
    else Object.values(entry).forEach(collect);
  };
  Object.values(manifest.exports).forEach(collect);
  assert.ok(targets.includes("./node/sso_bridge.js"), "the Node entry is exported");
  for (const file of targets) {
    const info = await stat(new URL(file, pkg));
    assert.ok(info.size > 0, `${file} is empty`);
  }
  const dts = await readFile(new URL("web/sso_bridge.d.ts", pkg), "utf8");
  // Everything before wasm-bindgen's loader section is our API; the loader's raw export table
  // (`InitOutput`) is typed with `any` by wasm-bindgen and is not for callers.
  const api = dts.split("export type InitInput")[0];
  assert.ok(api.length < dts.length, "the loader section was not found in the web .d.ts");
  assert.doesNotMatch(api, /\bany\b/, "the public types must not use `any`");
  assert.match(await readFile(new URL("README.md", pkg), "utf8"), /^# sso-bridge/);
  assert.match(await readFile(new URL("LICENSE", pkg), "utf8"), /Apache License\s+Version 2\.0/);
});

test("the type-check usage file calls every export", async () => {
  const dts = await readFile(new URL("web/sso_bridge.d.ts", pkg), "utf8");
  const usage = await readFile(new URL("../usage.ts", import.meta.url), "utf8");
  // `start` is wasm-bindgen's start hook (the panic hook), already run by init().
  const exported = [...dts.matchAll(/^export (?:function|class) (\w+)/gm)]
    .map((m) => m[1])
    .filter((name) => name !== "start");
  assert.ok(exported.length > 15, `only ${exported.length} exports found`);
  const missing = exported.filter((name) => !new RegExp(`\\b${name}\\(|new ${name}\\(`).test(usage));
  assert.deepEqual(missing, [], "exports that npm/usage.ts never calls");
});


test("wrong arguments and a missing init() get the package's typed error, not a trap", async () => {
  const web = await import(fileURLToPath(new URL("web/sso_bridge.js", pkg)));
  // This test file's first test may have initialised the module already; the Node entry's import
  // does it otherwise. Before init, see npm/consumer (a fresh module instance).
  await import(fileURLToPath(new URL("node/sso_bridge.js", pkg)));
  const typed = { name: "SsoBridgeError", code: "invalid_argument", retryable: false };
  assert.throws(() => web.parseConfig(42), typed);
  assert.throws(() => web.parseConfig("[profile a]\n", 42), typed);
  assert.throws(() => web.resolveProfile({}, ""), typed);
  assert.throws(() => web.tokenCacheKey(null), typed);
  assert.throws(() => new web.OidcClient(7), typed);
  // The module still works afterwards: nothing trapped.
  assert.equal(web.tokenCacheKey("admin"), "d033e22ae348aeb5660fc2140aec35850c4da997");
});

test("the bundler build loads through WebAssembly ESM integration (as webpack's asyncWebAssembly does)", () => {
  const script = `const m = await import(${JSON.stringify(fileURLToPath(new URL("bundler/sso_bridge.js", pkg)))});
    process.stdout.write(JSON.stringify([m.tokenCacheKey("admin"), Object.keys(m.parseConfig("[profile a]\\nregion = x\\n").profiles)]));`;
  const output = execFileSync(process.execPath, ["--experimental-wasm-modules", "--no-warnings", "--input-type=module", "-e", script], {
    encoding: "utf8",
  });
  assert.deepEqual(JSON.parse(output), ["d033e22ae348aeb5660fc2140aec35850c4da997", ["a"]]);
});
