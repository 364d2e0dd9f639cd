// Driving the popup and the emulator's pages the way a person would (click, type), plus the setup
// every scenario shares: emulator + temp HOME (+ helper) + Chromium with the extension.

import { launch, openPopup, screenshot, serviceWorker } from './browser.mjs';
import { assertNoSecretIn, scenarioSecrets } from './secrets.mjs';
import { EXTENSION_DIR, EXTENSION_ID, startEmulator, tempHome } from './system.mjs';

/** Everything one scenario needs; `close()` tears it all down. */
export async function setup({ scenario, install = true, emulatorArgs = [] } = {}) {
  const emulator = await startEmulator(scenario, emulatorArgs);
  const home = await tempHome({ install });
  const context = await launch({ userDataDir: home.userDataDir, extensionDir: EXTENSION_DIR(), env: home.env });
  const worker = await serviceWorker(context, EXTENSION_ID());
  const popup = await openPopup(context, EXTENSION_ID());
  // The sessions the scenarios use: `e2e` (config file), `acme` (configure wizard), and the
  // legacy profile keyed by the emulator's start URL.
  await setEndpoint(popup, emulator.baseUrl, ['e2e', 'acme', emulator.startUrl]);
  return {
    emulator,
    home,
    context,
    worker,
    popup,
    shot: (name) => screenshot(popup, name),
    /** Tears everything down; fails when a secret of this scenario reached an artifact or the helper's log. */
    async close() {
      await context.close().catch(() => {});
      const secrets = await scenarioSecrets({ emulator, home });
      await emulator.stop();
      try {
        assertNoSecretIn(secrets, home);
      } finally {
        home.cleanup();
      }
    },
  };
}

/**
 * Points `sessions` (names, or a legacy profile's start URL) at `url` (the emulator, or a proxy in
 * front of it) through the Settings view's per-session endpoint override, as a demo user would.
 */
export async function setEndpoint(popup, url, sessions = ['e2e']) {
  await popup.click('#nav-settings');
  for (const session of sessions) {
    const key = /^https?:/.test(session) ? `legacy:${session}` : `session:${session}`;
    await popup.fill('#endpoint-session', session);
    await popup.fill('#endpoint', url);
    await popup.click('button[type=submit]');
    // Saving shows "Saving…", then "Saved." for a few seconds (or an error in the view), and the
    // list of overrides names the new one.
    await popup.waitForFunction(
      ([k, u]) =>
        !document.getElementById('status')?.textContent?.endsWith('…') &&
        [...document.querySelectorAll('[data-override]')].some((li) => li.getAttribute('data-override') === k && li.textContent.includes(u)),
      [key, url],
    );
  }
  await popup.click('#nav-home');
}

/** Writes a config file with one sso-session (and optionally a profile) for the emulator. */
export function writeSessionConfig(
  env,
  { session = 'e2e', startUrl, profile, accountId = '111122223333', roleName = 'ReadOnly', scopes = 'sso:account:access' },
) {
  // `scopes: null` leaves the sso_registration_scopes line out; `''` writes it empty.
  let text = `[sso-session ${session}]\nsso_start_url = ${startUrl}\nsso_region = us-east-1\n`;
  if (scopes !== null) text += `sso_registration_scopes = ${scopes}\n`.replace(' = \n', ' =\n');
  if (profile) {
    text += `\n[profile ${profile}]\nsso_session = ${session}\nsso_account_id = ${accountId}\nsso_role_name = ${roleName}\nregion = us-east-1\noutput = json\n`;
  }
  return text;
}

/** The session card in the popup's home view. */
export function sessionCard(popup, sessionName) {
  return popup.locator(`[data-session="session:${sessionName}"]`);
}

/** Waits until the session card shows `status` (signed in, signed out, ...). */
export async function waitForStatus(popup, sessionName, status, timeout = 30_000) {
  await popup.locator(`[data-session="session:${sessionName}"] [data-status="${status}"]`).waitFor({ timeout });
}

/**
 * The tab the worker opened for a sign-in (authorize page or device verification page). The worker
 * may open it before its URL is known to the test, so the page is found by its URL, polled.
 */
export async function signInTab(context, baseUrl, timeout = 15_000) {
  const isSignIn = (page) => page.url().startsWith(baseUrl);
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = context.pages().find(isSignIn);
    if (found) return found;
    if (Date.now() > deadline) {
      throw new Error(`no sign-in tab on ${baseUrl} within ${timeout} ms (tabs: ${context.pages().map((p) => p.url()).join(", ")})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Clicks "Allow access" (or "Deny") on the emulator's authorize page. */
export async function decideAuthorize(page, decision = 'allow') {
  await page.waitForSelector('#signin-form');
  await page.fill('#username', 'alice');
  await page.click(`#${decision}`);
}

/**
 * Reloads the popup on the config just written and signs session `sessionName` in with PKCE on the
 * emulator (user "alice" allows), until its card shows it signed in: the start of every test that
 * acts on a signed-in session.
 */
export async function reloadAndSignIn(t, sessionName = 'e2e') {
  await t.popup.reload();
  await waitForStatus(t.popup, sessionName, 'never');
  const tab = signInTab(t.context, t.emulator.baseUrl);
  await sessionCard(t.popup, sessionName).getByRole('button', { name: 'Sign in', exact: true }).click();
  await decideAuthorize(await tab, 'allow');
  await t.popup.bringToFront();
  await waitForStatus(t.popup, sessionName, 'valid');
}

/** Stops the extension's service worker, as Chromium does to an idle MV3 worker (CDP); waits until it has. */
export async function stopWorker(t) {
  const cdp = await t.context.newCDPSession(t.popup);
  const stopped = new Promise((resolve) => {
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      if (versions.some((v) => v.scriptURL.includes('/worker/') && v.runningStatus === 'stopped')) resolve();
    });
  });
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('the worker did not stop')), 10_000));
  await Promise.race([stopped, timeout]);
  await cdp.detach();
}

/** Confirms the device code on the emulator's verification page and allows (or denies). */
export async function decideDevice(page, decision = 'allow') {
  await page.waitForSelector('#device-form');
  const shown = await page.textContent('#user-code-display');
  await page.click('#confirm');
  await page.waitForSelector('#consent-form');
  await page.fill('#username', 'alice');
  await page.click(`#${decision}`);
  return shown?.trim();
}
