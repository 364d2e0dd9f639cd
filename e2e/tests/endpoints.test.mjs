// Where tokens may go (issue 14, Low 7): the Settings endpoint override belongs to one session and
// shows on its card; other sessions keep their own endpoints; a refresh token goes only to the
// endpoint that issued it.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { decideAuthorize, sessionCard, setEndpoint, setup, signInTab, waitForStatus, writeSessionConfig } from '../lib/popup.mjs';
import { startProxy } from '../lib/proxy.mjs';
import { scenario } from '../lib/system.mjs';

describe('endpoint overrides are per session', () => {
  let t;
  const closers = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await t?.close();
    t = undefined;
  });

  it('the override applies to its session only, and its card says so', async () => {
    t = await setup();
    // Session "other" names its own endpoint in the config (a profile's endpoint_url): a proxy that
    // counts what reaches it. The Settings override of session "e2e" must not capture it.
    const own = await startProxy(t.emulator.baseUrl);
    closers.push(own.close);
    writeFileSync(
      t.home.configPath,
      writeSessionConfig(t.home.env, { startUrl: t.emulator.startUrl, profile: 'p' }) +
        `\n[sso-session other]\nsso_start_url = ${t.emulator.startUrl}\nsso_region = us-east-1\n` +
        `\n[profile q]\nsso_session = other\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nendpoint_url = ${own.baseUrl}\n`,
    );
    await t.popup.reload();
    await waitForStatus(t.popup, 'other', 'never');
    assert.equal(await sessionCard(t.popup, 'e2e').locator('[data-endpoint-override]').getAttribute('data-endpoint-override'), t.emulator.baseUrl);
    assert.equal(await sessionCard(t.popup, 'other').locator('[data-endpoint-override]').count(), 0);
    await t.shot('31-endpoint-override-on-card');
    const tabPromise = signInTab(t.context, own.baseUrl);
    await sessionCard(t.popup, 'other').getByRole('button', { name: 'Sign in', exact: true }).click();
    await decideAuthorize(await tabPromise, 'allow');
    await t.popup.bringToFront();
    await waitForStatus(t.popup, 'other', 'valid');
    const ops = own.calls.map((c) => `${c.method} ${c.path}`);
    assert.ok(ops.includes('POST /client/register') && ops.includes('POST /token'), `session "other" used its own endpoint: ${ops}`);
  });

  it('a refresh token goes only to the endpoint that issued it', async () => {
    // Access tokens of 20 min 30 s: the refresh is due about 30 s after sign-in.
    t = await setup({ scenario: scenario({ lifetimes: { access_token_seconds: 1230 } }) });
    const issuer = await startProxy(t.emulator.baseUrl);
    const other = await startProxy(t.emulator.baseUrl);
    closers.push(issuer.close, other.close);
    writeFileSync(t.home.configPath, writeSessionConfig(t.home.env, { startUrl: t.emulator.startUrl }));
    await setEndpoint(t.popup, issuer.baseUrl);
    await t.popup.reload();
    const tabPromise = signInTab(t.context, issuer.baseUrl);
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in', exact: true }).click();
    await decideAuthorize(await tabPromise, 'allow');
    await t.popup.bringToFront();
    await waitForStatus(t.popup, 'e2e', 'valid');
    // The session now resolves elsewhere: its refresh must not go there.
    await setEndpoint(t.popup, other.baseUrl);
    const box = sessionCard(t.popup, 'e2e').locator('[data-error-code]');
    await box.waitFor({ timeout: 90_000 });
    assert.equal(await box.getAttribute('data-error-code'), 'endpoint-changed');
    const refreshes = (proxy) => proxy.calls.filter((c) => c.path === '/token' && c.body.includes('refresh_token'));
    assert.deepEqual(refreshes(other), [], 'the new endpoint never saw the refresh token');
    assert.deepEqual(refreshes(issuer), [], 'nor was it refreshed behind the user\'s back');
  });
});
