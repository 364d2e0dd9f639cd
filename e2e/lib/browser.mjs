// Debian Chromium with the built extension loaded, driven by playwright-core (never a downloaded browser).

import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const EXECUTABLE = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(dirname(dirname(fileURLToPath(import.meta.url))), 'artifacts');

/**
 * Launches Chromium with its own profile `userDataDir` (so it reads native-messaging hosts from
 * `userDataDir/NativeMessagingHosts/`) and the unpacked extension in `extensionDir`.
 * `headed` shows a window (the demo with a display); otherwise new headless.
 */
export async function launch({ userDataDir, extensionDir, env = {}, headed = false }) {
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--load-extension=${extensionDir}`,
    `--disable-extensions-except=${extensionDir}`,
    // Chromium 137+ ignores --load-extension unless this switch-disabling feature is off.
    '--disable-features=DisableLoadExtensionCommandLineSwitch',
  ];
  if (!headed) args.unshift('--headless=new');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: EXECUTABLE,
    headless: false, // the flag above chooses new headless; Playwright's own switch would pick old flags
    args,
    ignoreDefaultArgs: ['--disable-extensions', '--disable-component-extensions-with-background-pages'],
    env: { ...process.env, ...env },
    viewport: { width: 420, height: 640 },
  });
  return context;
}

/** The extension's service worker (waits for it to start). */
export async function serviceWorker(context, extensionId) {
  const match = (w) => w.url().startsWith(`chrome-extension://${extensionId}/`);
  const existing = context.serviceWorkers().find(match);
  if (existing) return existing;
  return context.waitForEvent('serviceworker', { predicate: match, timeout: 20_000 });
}

/** Opens the popup page in a tab (the same document the toolbar button shows). */
export async function openPopup(context, extensionId) {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/popup/popup.html`);
  return page;
}

/** Saves a screenshot of the popup as a test artifact (e2e/artifacts/, gitignored). */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
