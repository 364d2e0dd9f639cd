// `node www/bench/run.mjs`: the 5,000-profile parser benchmark through the wasm API in headless
// Chromium (needs pkg/: cargo xtask dist --npm-only). Compare with the native figure from
// `cargo bench -p sso-bridge --bench parse_config`.
import { chromium } from "playwright-core";
import { startServer } from "../serve.mjs";

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
  console.log(JSON.stringify(await page.evaluate(() => window.benchResult), null, 2));
} finally {
  await browser.close();
  server.close();
}
