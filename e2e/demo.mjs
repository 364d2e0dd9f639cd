// `cargo xtask demo`: try everything without an AWS account. Starts the emulator with a small demo
// directory, installs the helper into a throw-away HOME, writes a demo config, and launches Chromium
// with the extension pointed at the emulator. With a display the window stays open until you close
// it; without one (headless) the demo signs in by itself and saves screenshots of each step.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, openPopup, serviceWorker } from './lib/browser.mjs';
import { decideAuthorize, setEndpoint, signInTab, writeSessionConfig } from './lib/popup.mjs';
import { EXTENSION_DIR, EXTENSION_ID, REPO, scenario, startEmulator, tempHome } from './lib/system.mjs';

const headed = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) && process.env.SSO_BRIDGE_DEMO_HEADLESS !== '1';
const shots = join(REPO, 'target', 'demo');

const emulator = await startEmulator(
  scenario({
    start_urls: ['https://demo.awsapps.com/start'],
    generated_accounts: 8,
    roles_per_account: 3,
  }),
);
const home = await tempHome();
writeFileSync(home.configPath, writeSessionConfig(home.env, { session: 'demo', startUrl: emulator.startUrl, profile: 'demo-readonly' }));
console.log(`emulator:   ${emulator.baseUrl} (start URL ${emulator.startUrl})`);
console.log(`HOME:       ${home.home}  (AWS files in ${join(home.home, '.aws')})`);
console.log(`extension:  ${EXTENSION_ID()}`);

const context = await launch({ userDataDir: home.userDataDir, extensionDir: EXTENSION_DIR(), env: home.env, headed });
await serviceWorker(context, EXTENSION_ID());
const popup = await openPopup(context, EXTENSION_ID());
// The demo session (and a configure-wizard session named "acme") talk to the emulator.
await setEndpoint(popup, emulator.baseUrl, ['demo', 'acme']);

const shutdown = async () => {
  await context.close().catch(() => {});
  await emulator.stop();
  home.cleanup();
};

if (headed) {
  console.log('Chromium is open with the popup in a tab. Sign in as "alice" on the emulator page. Close the window to stop.');
  await new Promise((resolve) => context.on('close', resolve));
  await shutdown();
} else {
  mkdirSync(shots, { recursive: true });
  const shot = async (name) => {
    const path = join(shots, `${name}.png`);
    await popup.screenshot({ path, fullPage: true });
    console.log(`screenshot: ${path}`);
  };
  await popup.locator('[data-session="session:demo"]').waitFor();
  await shot('1-signed-out');
  const tab = signInTab(context, emulator.baseUrl);
  await popup.locator('[data-session="session:demo"]').getByRole('button', { name: 'Sign in', exact: true }).click();
  await decideAuthorize(await tab, 'allow').catch(() => {});
  await popup.bringToFront();
  await popup.locator('[data-session="session:demo"] [data-status="valid"]').waitFor({ timeout: 30_000 });
  await shot('2-signed-in');
  await popup.locator('[data-profile="demo-readonly"]').getByRole('button', { name: 'Access keys' }).click();
  await popup.locator('[data-format="env"]').waitFor();
  await shot('3-access-keys');
  console.log(`No display: the demo signed in headless (the throw-away HOME is removed now). Screenshots in ${shots}.`);
  await shutdown();
}
