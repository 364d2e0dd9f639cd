// `node www/bench/run.mjs`: the 5,000-profile parser benchmark through the wasm API in headless
// Chromium (needs pkg/: cargo xtask dist --npm-only), read against our native parser on the same
// file and machine, with the same work (`check_files`: the SDK reading plus the AWS CLI check, as
// parseConfig does), measured first in the same command (`cargo bench -p sso-bridge --bench
// parse_config -- --native-figure`). Prints the wasm time, the native time, their ratio, and where
// the wasm time goes (see bench.html).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "../serve.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const nativeOutput = execFileSync(
  "cargo",
  ["bench", "--quiet", "-p", "sso-bridge", "--bench", "parse_config", "--", "--native-figure"],
  { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
);
const native = JSON.parse(nativeOutput.trim().split("\n").pop());

const server = await startServer(0);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  page.on("pageerror", (error) => console.error(error));
  await page.goto(server.url.replace("/www/index.html", "/www/bench/bench.html"));
  await page.waitForFunction(() => window.benchResult, null, { timeout: 120_000 });
  const wasm = await page.evaluate(() => window.benchResult);
  if (wasm.bytes !== native.bytes) {
    throw new Error(`the browser parsed ${wasm.bytes} bytes and the native benchmark ${native.bytes}: not the same file`);
  }
  const ratio = wasm.parseConfig.medianMs / native.checkFilesMs;
  console.log(JSON.stringify({ wasm, native, wasmToNative: Number(ratio.toFixed(2)) }, null, 2));
  console.log(`parseConfig in Chromium: ${wasm.parseConfig.medianMs.toFixed(2)} ms; native check_files (the same work): ` +
    `${native.checkFilesMs.toFixed(2)} ms; wasm/native = ${ratio.toFixed(2)}x (goal: at most 1.5x)`);
} finally {
  await browser.close();
  server.close();
}
