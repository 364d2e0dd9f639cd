// The popup's account browser through the real extension, helper and emulator: Access keys for a role
// no profile names, Add profile (the exact section previewed, then written; boto3 and the AWS CLI v2
// use it; a name clash refused with the config byte-identical), favourites kept across reopening the
// popup, and the roles the worker listed kept for the session (reopening lists nothing again).

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { reloadAndSignIn, sessionCard, setup, waitForStatus, writeSessionConfig } from '../lib/popup.mjs';
import { awsCliCredentials, boto3Credentials } from '../lib/system.mjs';

const SANDBOX = '444455556666';
const PRODUCTION = '111122223333';
const row = (accountId, roleName, section = '[data-account-list]') =>
  `${section} [data-role-row="${roleName}"][data-account-id="${accountId}"]`;

/** The portal operations the emulator answered, in order. */
async function operations(t) {
  return (await t.emulator.requests()).map((r) => r.operation).filter(Boolean);
}

async function openAccounts(t) {
  await t.popup.locator('[data-session="session:e2e"]').waitFor();
  await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Accounts' }).click();
  await t.popup.locator(`[data-account="${PRODUCTION}"]`).waitFor();
}

/** Shows an account's roles (a click on a shown account hides them again). */
async function expand(t, accountId) {
  const button = t.popup.locator(`[data-account-list] [data-account="${accountId}"]`);
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
}

/** Waits until every account's roles are listed (then a search by role name sees them all). */
async function rolesListed(t) {
  await t.popup.waitForFunction(() => /listed/.test(document.querySelector('[data-listed]')?.textContent ?? '') && !/listing roles/.test(document.querySelector('[data-listed]')?.textContent ?? ''));
}

describe('account browser: access keys and profiles for any role, favourites, the kept directory', () => {
  let t;
  let configBefore;
  before(async () => {
    t = await setup();
    configBefore = writeSessionConfig(t.home.env, { startUrl: t.emulator.startUrl, profile: 'prod-ro' });
    writeFileSync(t.home.configPath, configBefore);
    await reloadAndSignIn(t);
  });
  after(async () => t?.close());

  it('lists every role once, 6 at a time, and finds accounts by role name', async () => {
    await openAccounts(t);
    await rolesListed(t);
    const ops = await operations(t);
    assert.equal(ops.filter((op) => op === 'ListAccountRoles').length, 2, `one role listing per account: ${ops}`);
    await t.popup.fill('[data-account-search]', 'develop');
    await t.popup.locator(row(SANDBOX, 'Developer')).waitFor();
    assert.equal(await t.popup.locator(`[data-account="${PRODUCTION}"]`).count(), 0, 'Production has no such role');
    assert.match(await t.popup.textContent('[data-account-count]'), /^1 account of 2 match\.$/);
    await t.popup.fill('[data-account-search]', 'prod@example');
    await t.popup.locator(`[data-account="${PRODUCTION}"]`).waitFor();
    assert.equal(await t.popup.locator(`[data-account="${SANDBOX}"]`).count(), 0, 'search by e-mail');
    await t.popup.fill('[data-account-search]', '');
  });

  it('Access keys for a role no profile names equal what GetRoleCredentials returned', async () => {
    assert.ok(!readFileSync(t.home.configPath, 'utf8').includes(SANDBOX), 'no profile names the Sandbox account');
    const issued = new Promise((resolve) => {
      t.context.on('response', async (response) => {
        if (response.url().includes('/federation/credentials') && response.url().includes(SANDBOX) && response.status() === 200) {
          resolve((await response.json()).roleCredentials);
        }
      });
    });
    await expand(t, SANDBOX);
    await t.popup.click(`${row(SANDBOX, 'Developer')} [data-action="keys"]`);
    await t.popup.locator('[data-format="env"]').waitFor();
    await t.shot('account-browser-keys');
    await t.popup.click('[data-reveal]');
    const env = await t.popup.textContent('[data-format="env"][data-revealed="true"]');
    const creds = await Promise.race([issued, new Promise((r) => setTimeout(() => r(undefined), 5000))]);
    assert.ok(creds, 'the emulator answered GetRoleCredentials for the Sandbox account');
    assert.ok(env.includes(`AWS_ACCESS_KEY_ID=${creds.accessKeyId}\n`), 'the access key id GetRoleCredentials returned');
    assert.ok(env.includes(`AWS_SECRET_ACCESS_KEY=${creds.secretAccessKey}\n`), 'the export text has the secret');
    const asked = (await t.emulator.requests()).filter((r) => r.operation === 'GetRoleCredentials').at(-1);
    assert.match(asked.query, new RegExp(`account_id=${SANDBOX}`));
    assert.match(asked.query, /role_name=Developer/);

    // Escape: back to the accounts, where it was, and the role is now recently used.
    await t.popup.keyboard.press('Escape');
    await t.popup.locator(row(SANDBOX, 'Developer', '[data-recent]')).waitFor();
    assert.ok(await t.popup.evaluate(() => document.activeElement?.dataset?.action === 'keys'), 'focus returns to the Access keys button');
  });

  it('Add profile previews the exact section, writes it, the home view lists it, boto3 and the AWS CLI use it', async () => {
    await t.popup.click(`${row(SANDBOX, 'Developer')} [data-action="add-profile"]`);
    const preview = t.popup.locator('[data-profile-preview="Sandbox.Developer"]');
    await preview.waitFor();
    const section = await preview.textContent();
    assert.equal(section, '[profile Sandbox.Developer]\nsso_session = e2e\nsso_account_id = 444455556666\nsso_role_name = Developer\nregion = us-east-1\n');
    await t.shot('account-browser-add-profile');
    await t.popup.getByRole('button', { name: 'Write profile' }).click();
    await t.popup.locator('[data-profile="Sandbox.Developer"]').waitFor();
    assert.match(await t.popup.textContent('#status'), /^Added profile Sandbox\.Developer/);
    const written = readFileSync(t.home.configPath, 'utf8');
    assert.equal(written, configBefore + section, 'every other byte kept; the section as previewed');

    const viaBoto3 = await boto3Credentials(t.home, 'Sandbox.Developer', t.emulator.baseUrl);
    assert.match(viaBoto3.accessKeyId, /^ASIA/);
    assert.ok(viaBoto3.secretAccessKey && viaBoto3.sessionToken);
    const viaCli = await awsCliCredentials(t.home, 'Sandbox.Developer', t.emulator.baseUrl);
    assert.match(viaCli.accessKeyId, /^ASIA/);
    const asked = (await t.emulator.requests()).filter((r) => r.operation === 'GetRoleCredentials').slice(-2);
    for (const request of asked) {
      assert.match(request.query, new RegExp(`account_id=${SANDBOX}`), 'the referees asked for the Sandbox account');
      assert.match(request.query, /role_name=Developer/);
    }
  });

  it('Add profile says when it is already there, and refuses a name taken by other values (config byte-identical)', async () => {
    await openAccounts(t);
    await t.popup.fill('[data-account-search]', 'Developer');
    await t.popup.click(`${row(SANDBOX, 'Developer')} [data-action="add-profile"]`);
    await t.popup.locator('[data-profile-exists="Sandbox.Developer"]').waitFor();
    assert.equal(await t.popup.getByRole('button', { name: 'Write profile' }).isDisabled(), true);

    const clash = `${readFileSync(t.home.configPath, 'utf8')}\n[profile Production.ReadOnly]\nsso_session = e2e\nsso_account_id = 999988887777\nsso_role_name = ReadOnly\n`;
    writeFileSync(t.home.configPath, clash);
    const files = t.home.awsFiles();
    await t.popup.keyboard.press('Escape');
    await t.popup.fill('[data-account-search]', 'Production');
    await expand(t, PRODUCTION);
    await t.popup.click(`${row(PRODUCTION, 'ReadOnly')} [data-action="add-profile"]`);
    const refusal = t.popup.locator('[data-preview] [data-error-code]');
    await refusal.waitFor();
    assert.equal(await refusal.getAttribute('data-error-code'), 'profile-name-taken');
    assert.match(await refusal.textContent(), /A profile named "Production\.ReadOnly" already exists with other values, so it was not written/);
    assert.equal(await t.popup.getByRole('button', { name: 'Write profile' }).isDisabled(), true, 'nothing to write');
    await t.shot('account-browser-add-profile-clash');
    // Submitting anyway (Enter in the field) writes nothing either.
    await t.popup.press('#profile-template', 'Enter');
    await t.popup.waitForTimeout(300);
    assert.deepEqual(t.home.awsFiles(), files, 'the config is byte-identical');
    // Another template gives a free name.
    await t.popup.fill('#profile-template', '{account_name}-{account_id}.{role_name}');
    await t.popup.locator('[data-profile-preview="Production-111122223333.ReadOnly"]').waitFor();
    assert.equal(await t.popup.getByRole('button', { name: 'Write profile' }).isDisabled(), false);
    await t.popup.keyboard.press('Escape');
  });

  it('favourites survive reopening the popup; the kept roles make reopening list nothing', async () => {
    await t.popup.fill('[data-account-search]', '');
    await expand(t, PRODUCTION);
    await t.popup.click(`${row(PRODUCTION, 'Admin')} [data-action="pin"]`);
    await t.popup.locator(row(PRODUCTION, 'Admin', '[data-pinned]')).waitFor();
    assert.equal(await t.popup.getAttribute(`${row(PRODUCTION, 'Admin')} [data-action="pin"]`, 'aria-pressed'), 'true');
    const stored = await t.worker.evaluate(() => chrome.storage.local.get(['favouriteRoles', 'recentRoles']));
    assert.deepEqual(stored.favouriteRoles, [{ sessionKey: 'session:e2e', accountId: PRODUCTION, accountName: 'Production', roleName: 'Admin' }]);
    assert.deepEqual(Object.keys(stored.recentRoles[0]).sort(), ['accountId', 'accountName', 'roleName', 'sessionKey'], 'ids and names only');
    await t.shot('account-browser-pinned');

    await t.emulator.control('POST', 'requests/clear');
    await t.popup.reload();
    const opened = Date.now();
    await openAccounts(t);
    await t.popup.locator(row(PRODUCTION, 'Admin', '[data-pinned]')).waitFor();
    await t.popup.fill('[data-account-search]', 'develop');
    await t.popup.locator(row(SANDBOX, 'Developer')).waitFor();
    const elapsed = Date.now() - opened;
    const ops = await operations(t);
    assert.deepEqual(ops.filter((op) => op === 'ListAccountRoles' || op === 'ListAccounts'), [], `reopening lists nothing: ${ops}`);
    console.log(`reopen → accounts and roles searchable from the kept directory: ${elapsed} ms`);

    // Unpinned: gone from the top, and from storage.
    await t.popup.fill('[data-account-search]', '');
    await t.popup.click(`${row(PRODUCTION, 'Admin', '[data-pinned]')} [data-action="pin"]`);
    await t.popup.locator(row(PRODUCTION, 'Admin', '[data-pinned]')).waitFor({ state: 'detached' });
    assert.deepEqual((await t.worker.evaluate(() => chrome.storage.local.get('favouriteRoles'))).favouriteRoles, []);
  });

  it('Refresh lists the accounts and roles again, backing off when throttled', async () => {
    await t.emulator.control('POST', 'requests/clear');
    // The next two role listings answer 429: the core's backoff retries them.
    await t.emulator.control('POST', 'faults', { operation: 'ListAccountRoles', kind: 'throttle', count: 2 });
    await t.popup.click('[data-action="refresh-directory"]');
    await t.popup.waitForFunction(() => document.getElementById('status')?.textContent === 'Accounts listed again.');
    await rolesListed(t);
    const log = (await t.emulator.requests()).filter((r) => r.operation === 'ListAccountRoles');
    assert.equal(log.filter((r) => r.status === 429).length, 2, 'two throttled answers');
    assert.equal(log.filter((r) => r.status === 200).length, 2, `each account's roles listed once it was let through: ${log.map((r) => r.status)}`);
    assert.ok((await operations(t)).includes('ListAccounts'));
    assert.equal(await t.popup.locator('[data-browser] [data-error-code]').count(), 0, 'no error shown');
    await t.popup.fill('[data-account-search]', 'develop');
    await t.popup.locator(row(SANDBOX, 'Developer')).waitFor();
  });

  it('signing out forgets the kept directory', async () => {
    await t.popup.click('#nav-home');
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign out' }).click();
    await waitForStatus(t.popup, 'e2e', 'never');
    const kept = await t.worker.evaluate(() => chrome.storage.session.get(null));
    assert.deepEqual(Object.keys(kept).filter((key) => key.startsWith('directory:')), []);
  });
});
