// Firefox ESR: the Firefox build signs in with PKCE (redirect caught by webNavigation in Firefox),
// and the helper, registered for the gecko id, writes the token file.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { launchFirefox, POPUP_URL } from '../lib/firefox.mjs';
import { writeSessionConfig } from '../lib/popup.mjs';
import { assertNoSecretIn, scenarioSecrets } from '../lib/secrets.mjs';
import { HELPER_BIN, scenario, startEmulator, tempHome } from '../lib/system.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what, check, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(300);
  }
}

describe('Firefox ESR: PKCE sign-in with the Firefox build', () => {
  let emulator;
  let home;
  let firefox;
  before(async () => {
    // No CORS escape hatch for moz-extension:// origins: the extension asks for its host
    // permissions (Firefox grants MV3 host permissions only when the user agrees) and then needs none.
    emulator = await startEmulator(scenario());
    home = await tempHome({ install: false });
    execFileSync(HELPER_BIN(), ['install', '--browser', 'firefox', '--extension-id', 'sso-bridge@sso-bridge.dev'], {
      env: { ...process.env, ...home.env },
    });
    writeFileSync(home.configPath, writeSessionConfig(home.env, { startUrl: emulator.startUrl }));
    const profileDir = join(home.home, 'firefox-profile');
    mkdirSync(profileDir, { recursive: true });
    firefox = await launchFirefox({ profileDir, env: home.env });
  });
  after(async () => {
    await firefox?.close();
    const secrets = emulator && home ? await scenarioSecrets({ emulator, home }) : new Set();
    await emulator?.stop();
    try {
      if (home) assertNoSecretIn(secrets, home);
    } finally {
      home?.cleanup();
    }
  });

  it('signs in and the helper writes the token file', async () => {
    const { bidi, context } = firefox;
    await bidi.send('browsingContext.navigate', { context, url: POPUP_URL, wait: 'complete' });
    // Settings: point the extension at the emulator.
    await until('the popup', () => bidi.evaluate(context, `!!document.getElementById('nav-settings')`));
    await bidi.evaluate(context, `document.getElementById('nav-settings').click()`);
    await until('the settings form', () => bidi.evaluate(context, `!!document.getElementById('endpoint')`));
    await bidi.evaluate(
      context,
      `(() => { document.getElementById('endpoint-session').value = 'e2e'; document.getElementById('endpoint').value = ${JSON.stringify(emulator.baseUrl)}; document.querySelector('button[type=submit]').click(); })()`,
    );
    await sleep(500);
    await bidi.evaluate(context, `document.getElementById('nav-home').click()`);
    await until('the signed-out session', () =>
      bidi.evaluate(context, `!!document.querySelector('[data-session="session:e2e"] [data-status="never"]')`),
    );
    // Firefox ESR grants the manifest's host permissions at install, and the user can take them back
    // (about:addons → Permissions): do that, as a user would, then the popup must ask again.
    assert.equal(await bidi.evaluate(context, `browser.permissions.remove({ origins: ['http://127.0.0.1/*'] })`), true);
    await bidi.evaluate(context, `document.getElementById('nav-home').click()`);
    // The popup names the host it needs and asks for it from a click.
    await until('the host permission request', () => bidi.evaluate(context, `!!document.getElementById('grant-hosts')`));
    const asked = await bidi.evaluate(context, `document.querySelector('[data-missing-hosts]').getAttribute('data-missing-hosts')`);
    assert.equal(asked, 'http://127.0.0.1/*');
    await bidi.click(context, '#grant-hosts');
    await until('the permission granted', () => bidi.evaluate(context, `!document.getElementById('grant-hosts')`));
    // The worker opens the authorize URL in a new tab.
    const created = new Promise((resolve) => {
      bidi.listeners.push((m) => {
        if (m.method === 'browsingContext.contextCreated') resolve(m.params.context);
      });
    });
    await bidi.evaluate(
      context,
      `[...document.querySelectorAll('[data-session="session:e2e"] button')].find((b) => b.textContent === 'Sign in').click()`,
    );
    const tab = await created;
    await until('the authorize page', () =>
      bidi.evaluate(tab, `!!document.getElementById('signin-form')`).catch(() => false),
    );
    await bidi.evaluate(tab, `(() => { document.getElementById('username').value = 'alice'; document.getElementById('allow').click(); })()`);
    await until('the signed-in session', () =>
      bidi.evaluate(context, `!!document.querySelector('[data-session="session:e2e"] [data-status="valid"]')`),
    );
    const tokens = Object.entries(home.awsFiles()).filter(([path]) => path.startsWith('.aws/sso/cache/'));
    assert.ok(tokens.some(([, text]) => JSON.parse(text).accessToken), 'a token cache file was written');
  });
});
