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
    // Firefox grants MV3 host permissions only on request, so the emulator also allows the
    // extension's origin by CORS (as it does for the www demo).
    emulator = await startEmulator(scenario({ cors: { allowed_origins: ['moz-extension://*'] } }));
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
