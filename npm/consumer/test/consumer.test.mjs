// The npm package as a user gets it: `npm pack` of pkg/ (cargo xtask dist --npm-only), unpacked
// into this folder's node_modules as `npm install <tarball>` would, then used from a tiny app built
// by each toolchain of npm/README.md (Vite build and dev server, webpack 5, esbuild) and loaded in
// Debian's Chromium, and from Node. publint and arethetypeswrong check the tarball's manifest.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, createReadStream, existsSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import * as esbuild from "esbuild";
import webpack from "webpack";
import { build as viteBuild, createServer as viteServer } from "vite";

const here = fileURLToPath(new URL("..", import.meta.url));
const apps = join(here, "apps");
const pkg = fileURLToPath(new URL("../../../pkg/", import.meta.url));
const version = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")).version;
const bin = (name) => join(here, "node_modules/.bin", name);

// What tests-wasm and the CLI agree on: the token cache key of session "admin" is SHA-1("admin").
const expected = {
  version,
  tokenCacheKey: "d033e22ae348aeb5660fc2140aec35850c4da997",
  profiles: ["admin"],
  ssoRegion: "us-east-1",
  wrongArgument: "SsoBridgeError/invalid_argument",
};

let work, tarball, browser;

before(async () => {
  work = mkdtempSync(join(tmpdir(), "sso-bridge-consumer-"));
  const packed = JSON.parse(execFileSync("npm", ["pack", pkg, "--json", "--pack-destination", work], { encoding: "utf8" }));
  tarball = join(work, packed[0].filename);
  const installed = join(here, "node_modules/sso-bridge");
  rmSync(installed, { recursive: true, force: true });
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
});

after(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const mime = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

/** Serves `dir` on loopback (with the .wasm MIME type a static host sends). */
async function serve(dir) {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname));
    const file = join(dir, path.endsWith("/") ? `${path}index.html` : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": mime[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}

/** Opens `url` in Chromium and returns what the app published, failing on any page error. */
async function resultInChromium(url) {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.consumerResult !== undefined, null, { timeout: 30_000 });
    const result = await page.evaluate(() => window.consumerResult);
    assert.deepEqual(errors, [], "errors in the page");
    return result;
  } finally {
    await page.close();
  }
}

const page = (script) =>
  `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body><script type="module" src="${script}"></script></body></html>`;

test("publint finds nothing to fix in the packed package", () => {
  execFileSync(bin("publint"), ["run", "--strict", tarball], { stdio: "inherit" });
});

test("arethetypeswrong: every entry point has types that match it (ESM-only package)", () => {
  execFileSync(bin("attw"), [tarball, "--profile", "esm-only", "--format", "ascii"], { stdio: "inherit" });
});

test("Node: the plain import works (the Node entry loads the module from disk)", () => {
  const output = execFileSync(process.execPath, [join(apps, "node/main.js")], { encoding: "utf8" });
  assert.deepEqual(JSON.parse(output), expected);
});

test("Node: an export called before init() on the web build throws the package's error", async () => {
  const web = await import(join(here, "node_modules/sso-bridge/web/sso_bridge.js"));
  assert.throws(() => web.tokenCacheKey("admin"), { name: "SsoBridgeError", code: "not_initialized", message: /await init\(\)/ });
});

test("Vite: production build, in Chromium", async () => {
  const outDir = join(work, "vite-dist");
  await viteBuild({ root: join(apps, "vite"), logLevel: "warn", build: { outDir, emptyOutDir: true } });
  const server = await serve(outDir);
  try {
    assert.deepEqual(await resultInChromium(server.url), expected);
  } finally {
    server.close();
  }
});

test("Vite: dev server (dependency pre-bundling), in Chromium", async () => {
  const server = await viteServer({
    root: join(apps, "vite"),
    logLevel: "warn",
    cacheDir: join(work, "vite-cache"),
    server: { host: "127.0.0.1", port: 0, strictPort: false, fs: { allow: [here] } },
  });
  await server.listen();
  try {
    const url = server.resolvedUrls.local[0];
    assert.deepEqual(await resultInChromium(url), expected);
  } finally {
    await server.close();
  }
});

test("webpack 5: production build, in Chromium", async () => {
  const outDir = join(work, "webpack-dist");
  const stats = await new Promise((resolve, reject) =>
    webpack(
      { mode: "production", context: here, entry: join(apps, "webpack/main.js"), output: { path: outDir, filename: "main.js" } },
      (error, result) => (error ? reject(error) : resolve(result)),
    ),
  );
  assert.ok(!stats.hasErrors(), stats.toString("errors-only"));
  writeFileSync(join(outDir, "index.html"), page("./main.js"));
  const server = await serve(outDir);
  try {
    assert.deepEqual(await resultInChromium(server.url), expected);
  } finally {
    server.close();
  }
});

test("esbuild: bundle with the file loader for .wasm, in Chromium", async () => {
  const outDir = join(work, "esbuild-dist");
  await esbuild.build({
    entryPoints: [join(apps, "esbuild/main.js")],
    bundle: true,
    format: "esm",
    outdir: outDir,
    loader: { ".wasm": "file" },
    logLevel: "warning",
  });
  writeFileSync(join(outDir, "index.html"), page("./main.js"));
  const server = await serve(outDir);
  try {
    assert.deepEqual(await resultInChromium(server.url), expected);
  } finally {
    server.close();
  }
});
