// Sign-in, credentials, refresh and sign-out through the real extension, helper and emulator.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { decideAuthorize, decideDevice, sessionCard, setup, signInTab, waitForStatus, writeSessionConfig } from '../lib/popup.mjs';
import { awsCliCredentials, boto3Credentials, scenario } from '../lib/system.mjs';

/** Cache file contents (parsed) keyed by file name, under ~/.aws/sso/cache. */
function tokenFiles(home) {
  return Object.fromEntries(
    Object.entries(home.awsFiles())
      .filter(([path]) => path.startsWith('.aws/sso/cache/'))
      .map(([path, text]) => [path, JSON.parse(text)])
      .filter(([, json]) => 'accessToken' in json),
  );
}

describe('PKCE sign-in, access keys, referees, sign out', () => {
  let t;
  before(async () => {
    t = await setup();
    writeFileSync(t.home.configPath, writeSessionConfig(t.home.env, { startUrl: t.emulator.startUrl, profile: 'prod-ro' }));
    await t.popup.reload();
  });
  after(async () => t?.close());

  it('shows the session from the real config as signed out', async () => {
    await waitForStatus(t.popup, 'e2e', 'never');
    await t.shot('01-home-signed-out');
  });

  it('signs in with PKCE: authorize page in a tab, redirect caught, token stored by the helper', async () => {
    const tabPromise = signInTab(t.context, t.emulator.baseUrl);
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in', exact: true }).click();
    const tab = await tabPromise;
    await t.popup.bringToFront();
    await t.popup.locator('[data-login="pkce"]').waitFor();
    await t.shot('02-pkce-waiting');
    await tab.bringToFront();
    // Listening before the click: the worker may close the tab as soon as the redirect comes.
    const closed = tab.isClosed() ? Promise.resolve() : tab.waitForEvent('close', { timeout: 30_000 });
    await decideAuthorize(tab, 'allow');
    await closed;
    await t.popup.bringToFront();
    await waitForStatus(t.popup, 'e2e', 'valid');
    await t.shot('03-home-signed-in');
    const badge = await t.worker.evaluate(() => chrome.action.getBadgeText({}));
    assert.match(badge, /^(7h|8h)$/, `the badge shows the time left until the soonest expiry: ${badge}`);
    await t.popup.emulateMedia({ colorScheme: 'dark' });
    await t.shot('03-home-signed-in-dark');
    await t.popup.emulateMedia({ colorScheme: 'light' });
    const files = tokenFiles(t.home);
    const tokens = Object.values(files);
    assert.equal(tokens.length, 1, 'one token cache file');
    assert.equal(tokens[0].startUrl, t.emulator.startUrl);
    assert.ok(tokens[0].refreshToken, 'the token can be refreshed by the CLI');
    const ops = (await t.emulator.requests()).map((r) => r.operation).filter(Boolean);
    assert.ok(ops.includes('Authorize') || ops.includes('CreateToken'), `emulator saw the PKCE flow: ${ops}`);
  });

  it('lists accounts and roles with search', async () => {
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Accounts' }).click();
    await t.popup.locator('[data-account="111122223333"]').waitFor();
    await t.popup.fill('input[type=search]', 'sand');
    await t.popup.locator('[data-account="111122223333"]').waitFor({ state: 'detached' });
    await t.popup.click('[data-account="444455556666"]');
    await t.popup.locator('[data-role="Developer"]').waitFor();
    await t.shot('04-accounts-roles');
    await t.popup.click('#nav-home');
  });

  it('shows access keys equal to what the emulator issued', async () => {
    const issued = new Promise((resolve) => {
      t.context.on('response', async (response) => {
        if (response.url().includes('/federation/credentials') && response.status() === 200) {
          resolve((await response.json()).roleCredentials);
        }
      });
    });
    await t.popup.locator('[data-profile="prod-ro"]').getByRole('button', { name: 'Access keys' }).click();
    await t.popup.locator('[data-format="env"]').waitFor();
    await t.shot('05-access-keys');
    await t.popup.click('[data-reveal]'); // the secrets are masked until shown
    const env = await t.popup.textContent('[data-format="env"][data-revealed="true"]');
    const creds = await Promise.race([issued, new Promise((r) => setTimeout(() => r(undefined), 5000))]);
    // The GetRoleCredentials answer the service worker received, as the emulator sent it.
    assert.ok(creds, 'the emulator answered GetRoleCredentials');
    assert.ok(env.includes(`AWS_ACCESS_KEY_ID=${creds.accessKeyId}\n`), 'access key id shown');
    assert.ok(env.includes(`AWS_SECRET_ACCESS_KEY=${creds.secretAccessKey}\n`), 'secret shown');
    assert.ok(env.includes(`AWS_SESSION_TOKEN=${creds.sessionToken}`), 'session token shown');
    for (const id of ['fish', 'powershell', 'windows-cmd', 'credentials-file']) {
      await t.popup.click(`[data-tab="${id}"]`);
      await t.popup.locator(`[data-format="${id}"]`).waitFor();
    }
    await t.popup.click('#nav-home');
  });

  it('boto3 and the AWS CLI v2 get role credentials using only the files written', async () => {
    const viaBoto3 = await boto3Credentials(t.home, 'prod-ro', t.emulator.baseUrl);
    assert.match(viaBoto3.accessKeyId, /^ASIA/);
    const viaCli = await awsCliCredentials(t.home, 'prod-ro', t.emulator.baseUrl);
    assert.match(viaCli.accessKeyId, /^ASIA/);
  });

  it('signs out: token files gone, the emulator saw Logout', async () => {
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign out' }).click();
    await waitForStatus(t.popup, 'e2e', 'never');
    await t.shot('06-signed-out');
    assert.deepEqual(tokenFiles(t.home), {});
    const ops = (await t.emulator.requests()).map((r) => r.operation);
    assert.ok(ops.includes('Logout'), `emulator saw Logout: ${ops}`);
  });

  it('"Sign out of all" removes every token file and logs out', async () => {
    const tabPromise = signInTab(t.context, t.emulator.baseUrl);
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in', exact: true }).click();
    await decideAuthorize(await tabPromise, 'allow').catch(() => {});
    await t.popup.bringToFront();
    await waitForStatus(t.popup, 'e2e', 'valid');
    assert.equal(Object.keys(tokenFiles(t.home)).length, 1);
    await t.emulator.control('POST', 'requests/clear');
    await t.popup.getByRole('button', { name: 'Sign out of all' }).click();
    await waitForStatus(t.popup, 'e2e', 'never');
    assert.deepEqual(tokenFiles(t.home), {});
    const ops = (await t.emulator.requests()).map((r) => r.operation);
    assert.ok(ops.includes('Logout'), `emulator saw Logout: ${ops}`);
  });
});

describe('legacy profile (sso_start_url in the profile): device code, token keyed by the start URL', () => {
  let t;
  before(async () => {
    t = await setup();
    writeFileSync(
      t.home.configPath,
      `[profile old]\nsso_start_url = ${t.emulator.startUrl}\nsso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n`,
    );
    await t.popup.reload();
  });
  after(async () => t?.close());

  it('signs in with the device code and the AWS CLI v2 uses the token', async () => {
    const card = t.popup.locator(`[data-session="legacy:${t.emulator.startUrl}"]`);
    await card.waitFor();
    assert.equal(await card.getByRole('button', { name: 'Sign in', exact: true }).count(), 0, 'no PKCE for legacy profiles');
    const tabPromise = signInTab(t.context, t.emulator.baseUrl);
    await card.getByRole('button', { name: 'Sign in with a code' }).click();
    await decideDevice(await tabPromise, 'allow');
    await t.popup.bringToFront();
    await card.locator('[data-status="valid"]').waitFor({ timeout: 30_000 });
    const files = Object.keys(tokenFiles(t.home));
    const sha1 = createHash('sha1').update(t.emulator.startUrl).digest('hex');
    assert.deepEqual(files, [`.aws/sso/cache/${sha1}.json`]);
    const viaCli = await awsCliCredentials(t.home, 'old', t.emulator.baseUrl);
    assert.match(viaCli.accessKeyId, /^ASIA/);
  });
});

describe('device-code sign-in approved on the emulator page, refresh by alarm', () => {
  let t;
  before(async () => {
    // Access tokens of 20 min 30 s: the core refreshes 20 min before expiry, so the alarm fires
    // about 30 s after sign-in.
    t = await setup({ scenario: scenario({ lifetimes: { access_token_seconds: 1230 } }) });
    writeFileSync(t.home.configPath, writeSessionConfig(t.home.env, { startUrl: t.emulator.startUrl }));
    await t.popup.reload();
  });
  after(async () => t?.close());

  it('shows the user code in the popup and signs in when it is approved', async () => {
    const tabPromise = signInTab(t.context, t.emulator.baseUrl);
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in with a code' }).click();
    const tab = await tabPromise;
    await t.popup.bringToFront();
    const code = (await t.popup.locator('[data-user-code]').textContent())?.trim();
    await t.shot('07-device-code');
    await tab.bringToFront();
    const shownOnPage = await decideDevice(tab, 'allow');
    assert.equal(shownOnPage, code, 'the verification page shows the code the popup shows');
    await t.popup.bringToFront();
    await waitForStatus(t.popup, 'e2e', 'valid');
    assert.equal(Object.keys(tokenFiles(t.home)).length, 1);
  });

  it('refreshes the token by alarm before it expires', async () => {
    const before = Object.values(tokenFiles(t.home))[0];
    const deadline = Date.now() + 75_000;
    let after = before;
    while (Date.now() < deadline && after.accessToken === before.accessToken) {
      await new Promise((r) => setTimeout(r, 1000));
      after = Object.values(tokenFiles(t.home))[0] ?? after;
    }
    assert.notEqual(after.accessToken, before.accessToken, 'a new access token was stored');
    assert.ok(Date.parse(after.expiresAt) > Date.parse(before.expiresAt), 'the expiry moved forward');
    const ops = (await t.emulator.requests()).filter((r) => r.operation === 'CreateToken' && r.body.includes('refresh_token'));
    assert.ok(ops.length >= 1, 'the emulator saw a refresh_token grant');
  });

  it('a refresh the service refuses ends in a notification and a message to sign in again', async () => {
    await t.emulator.control('POST', 'faults', { operation: 'CreateToken', kind: 'invalid_grant', count: 100 });
    await sessionCard(t.popup, 'e2e').locator('[data-error-code]').waitFor({ timeout: 90_000 });
    const text = await sessionCard(t.popup, 'e2e').locator('[data-error-code]').textContent();
    assert.match(text, /sign in/i);
    await t.shot('08-refresh-failed');
    const worker = t.context.serviceWorkers().find((w) => w.url().includes('/worker/'));
    const notifications = await worker.evaluate(() => chrome.notifications.getAll());
    assert.ok(Object.keys(notifications).some((id) => id === 'signin:session:e2e'), 'a sign-in notification is shown');
  });
});
