// Firefox ESR: the Firefox build signs in with PKCE (redirect caught by webNavigation in Firefox),
// and the helper, registered for the gecko id, writes the token file; Open console uses one
// container per account when Settings asks for it.

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

  it('opens each account\'s console in its own container, made once and reused', async () => {
    const { bidi, context } = firefox;
    // Settings: the containers option exists in the Firefox build; turn it on.
    await bidi.evaluate(context, `document.getElementById('nav-settings').click()`);
    await until('the containers option', () => bidi.evaluate(context, `!!document.getElementById('console-containers')`));
    await bidi.evaluate(context, `(() => { document.getElementById('console-containers').checked = true; document.querySelector('button[type=submit]').click(); })()`);
    await until('the setting saved', () => bidi.evaluate(context, `browser.storage.local.get('settings').then((s) => s.settings?.consoleContainers === true)`));
    await bidi.evaluate(context, `document.getElementById('nav-home').click()`);
    await until('the Accounts button', () => bidi.evaluate(context, `!!document.querySelector('[data-session="session:e2e"] [data-action="accounts"]')`));
    await bidi.evaluate(context, `document.querySelector('[data-session="session:e2e"] [data-action="accounts"]').click()`);
    /** Clicks Open console for a role; resolves with the console tab's container (its cookie store). */
    const open = async (accountId, roleName) => {
      await until(`the account ${accountId}`, () => bidi.evaluate(context, `!!document.querySelector('[data-account="${accountId}"]')`));
      // The account list's row (a recently used role is also listed at the top); a click on an
      // account that is open already would close it.
      const control = `[data-account-list] [data-console="${accountId}/${roleName}"] [data-action="console"]`;
      await bidi.evaluate(context, `document.querySelector('${control}') || document.querySelector('[data-account="${accountId}"]').click()`);
      await until(`Open console for ${roleName}`, () => bidi.evaluate(context, `!!document.querySelector('${control}')`));
      const before = await bidi.evaluate(context, `browser.tabs.query({}).then((tabs) => tabs.map((t) => t.id))`);
      await bidi.evaluate(context, `document.querySelector('${control}').click()`);
      return until('the console tab', () =>
        bidi.evaluate(
          context,
          `browser.tabs.query({}).then((tabs) => tabs.find((t) => !${JSON.stringify(before)}.includes(t.id) && (t.url ?? '').startsWith(${JSON.stringify(`${emulator.baseUrl}/console?`)}))?.cookieStoreId ?? false)`,
        ),
      );
    };
    const sandbox = await open('444455556666', 'Developer');
    assert.notEqual(sandbox, 'firefox-default', 'the console opened in a container');
    const named = await bidi.evaluate(context, `browser.contextualIdentities.query({ name: 'AWS Sandbox (444455556666)' }).then((c) => c.map((i) => i.cookieStoreId))`);
    assert.deepEqual(named, [sandbox], 'the container is named after the account');
    assert.equal(await open('444455556666', 'ReadOnly'), sandbox, 'the same account reuses its container');
    const production = await open('111122223333', 'ReadOnly');
    assert.notEqual(production, sandbox, 'another account gets its own container');
    assert.notEqual(production, 'firefox-default');
    const all = await bidi.evaluate(context, `browser.contextualIdentities.query({}).then((c) => c.filter((i) => i.name.startsWith('AWS ')).length)`);
    assert.equal(all, 2, 'one container per account');
  });
});
