// Each failure shows its own message with what to do next, and leaves the AWS files untouched.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { decideAuthorize, sessionCard, setup, signInTab, waitForStatus, writeSessionConfig } from '../lib/popup.mjs';
import { EXTENSION_ID } from '../lib/system.mjs';

/** The error box shown for the session (or anywhere in the popup). */
async function errorShown(popup, scope = '', timeout = 45_000) {
  const box = popup.locator(`${scope} [data-error-code]`).first();
  await box.waitFor({ timeout });
  return { code: await box.getAttribute('data-error-code'), text: (await box.textContent()) ?? '' };
}

describe('failures', () => {
  let t;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function withSession(options = {}) {
    t = await setup(options);
    writeFileSync(t.home.configPath, writeSessionConfig(t.home.env, { startUrl: t.emulator.startUrl, profile: 'p' }));
    await t.popup.reload();
    await waitForStatus(t.popup, 'e2e', 'never');
    return t.home.awsFiles();
  }

  it('helper not installed: the exact install command with this extension ID', async () => {
    t = await setup({ install: false });
    const before = t.home.awsFiles();
    const { code, text } = await errorShown(t.popup);
    assert.equal(code, 'helper-missing');
    const command = await t.popup.textContent('[data-command]');
    assert.equal(command, `sso-bridge install --browser chromium --extension-id ${EXTENSION_ID()}`);
    assert.match(text, /not installed/);
    await t.shot('10-error-helper-missing');
    assert.deepEqual(t.home.awsFiles(), before);
  });

  it('emulator down: a network message, nothing written', async () => {
    const before = await withSession();
    await t.emulator.stop();
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in', exact: true }).click();
    const { text } = await errorShown(t.popup);
    assert.match(text, /network|connect|reach/i);
    await t.shot('11-error-emulator-down');
    assert.deepEqual(t.home.awsFiles(), before);
  });

  it('denied on the authorize page: says so, nothing written', async () => {
    const before = await withSession();
    const tabPromise = signInTab(t.context, t.emulator.baseUrl);
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in', exact: true }).click();
    const tab = await tabPromise;
    await decideAuthorize(tab, 'deny').catch(() => {});
    await t.popup.bringToFront();
    const { text } = await errorShown(t.popup, '[data-session="session:e2e"]');
    assert.match(text, /denied/i);
    await t.shot('12-error-denied');
    assert.deepEqual(t.home.awsFiles(), before);
  });

  it('expired device code: says to start again, nothing written', async () => {
    const before = await withSession();
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in with a code' }).click();
    await t.popup.bringToFront();
    await t.popup.locator('[data-user-code]').waitFor();
    await t.emulator.control('POST', 'clock/advance', { seconds: 3600 });
    const { text } = await errorShown(t.popup, '[data-session="session:e2e"]');
    assert.match(text, /expired/i);
    await t.shot('13-error-code-expired');
    assert.deepEqual(t.home.awsFiles(), before);
  });

  it('429 storm while listing accounts: says AWS is throttling, nothing written', async () => {
    await withSession();
    const tabPromise = signInTab(t.context, t.emulator.baseUrl);
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in', exact: true }).click();
    await decideAuthorize(await tabPromise, 'allow').catch(() => {});
    await t.popup.bringToFront();
    await waitForStatus(t.popup, 'e2e', 'valid');
    const before = t.home.awsFiles();
    await t.emulator.control('POST', 'faults', { operation: 'ListAccounts', kind: 'throttle', count: 1000 });
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Accounts' }).click();
    // The default retry policy (8 attempts, 0.5 s doubling to 20 s, half of each delay random)
    // gives up after 26 to 52 s of backoff: wait past the longest.
    const { text } = await errorShown(t.popup, '', 75_000);
    assert.match(text, /throttl|too many/i);
    await t.shot('14-error-throttled');
    assert.deepEqual(t.home.awsFiles(), before);
  });
});
