// The demo page in Debian's Chromium, driven by playwright-core: config parsing with diagnostics and
// errors, and a device-code sign-in against the emulator (auto-approved), and its cancellation.
// Needs pkg/ (cargo xtask dist --npm-only) and the emulator binary (target/debug, or
// SSO_BRIDGE_EMULATOR_BIN); `cargo xtask test` provides both.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "../serve.mjs";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const emulatorBin = process.env.SSO_BRIDGE_EMULATOR_BIN ?? `${repo}target/debug/sso-bridge-emulator`;
const children = [];

/** Starts an emulator on a free port; resolves to its base URL (first stdout line). */
function startEmulator(args) {
  const child = spawn(emulatorBin, ["--port", "0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    createInterface({ input: child.stdout }).once("line", (line) => resolve(line.trim()));
  });
}

let browser, server, autoEmulator, manualEmulator;

before(async () => {
  [autoEmulator, manualEmulator] = await Promise.all([
    startEmulator(["--auto-approve", "--accounts", "25"]),
    startEmulator(["--control"]),
  ]);
  server = await startServer(0);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
  for (const child of children) child.kill();
});

async function openPage(query = "") {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  await page.goto(server.url + query);
  await page.waitForSelector("body[data-ready=true]");
  return { page, errors };
}

test("parses the pasted config: SSO profiles, diagnostics with lines, and syntax errors", async () => {
  const { page, errors } = await openPage();
  // The default text is parsed on load.
  assert.deepEqual(
    await page.locator("#profiles tbody tr").first().locator("td").allTextContents(),
    ["dev", "corp", "https://d-abc123.awsapps.com/start", "us-east-1", "111122223333", "Admin", ""],
  );
  assert.match(await page.locator("#diagnostics li[data-code=unprefixed-config-section]").textContent(), /line 11:.*\[profile tools\]/);

  await page.fill(
    "#config",
    "[profile legacy]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\n" +
      "sso_account_id = 1\nsso_role_name = R\n\n[profile broken]\nsso_session = nowhere\n",
  );
  await page.click("#parse");
  const rows = page.locator("#profiles tbody tr");
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(0).textContent(), /does not exist: "nowhere"/);
  assert.match(await rows.nth(1).textContent(), /legacy\(legacy\)https:\/\/x\.awsapps\.com\/start/);
  assert.equal(await page.textContent("#profile-count"), "2 profiles, 0 sso-sessions, 2 using SSO");

  await page.fill("#config", "[profile dev]\nregion = us-east-1\nno equals sign here\n");
  await page.click("#parse");
  assert.equal(await page.getAttribute("#config-error", "data-code"), "missing_equals");
  assert.match(await page.textContent("#config-error"), /^~\/\.aws\/config line 3: /);
  assert.deepEqual(errors, []);
  await page.close();
});

test("signs in with a device code against the emulator and lists the accounts", async () => {
  const { page, errors } = await openPage(`?endpoint=${encodeURIComponent(autoEmulator)}`);
  await page.click("#sign-in");
  await page.waitForSelector("#status:has-text('25 accounts')", { timeout: 20_000 });
  assert.match(await page.textContent("#status"), /^Signed in; the token is valid until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
  assert.equal(await page.locator("#accounts li").count(), 25);
  assert.deepEqual(errors, []);
  await page.close();
});

test("shows the user code while waiting, and Cancel stops the sign-in", async () => {
  const { page } = await openPage(`?endpoint=${encodeURIComponent(manualEmulator)}`);
  await page.click("#sign-in");
  await page.waitForSelector("#device:not([hidden])");
  assert.match(await page.textContent("#user-code"), /^[A-Z0-9]{4}-?[A-Z0-9]{4}$/);
  assert.match(await page.getAttribute("#verification", "href"), new RegExp(`^${manualEmulator}/`));
  await page.click("#cancel");
  await page.waitForSelector("#status[data-code=cancelled]", { timeout: 5_000 });
  assert.equal(await page.isDisabled("#sign-in"), false);
  await page.close();
});
