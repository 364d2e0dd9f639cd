// Accessibility of every popup state the suite reaches, in light and dark mode: axe-core finds no
// serious or moderate violation, no text is below 12 px in Chromium, nothing scrolls sideways at
// 320 px, and focus lands on a control (never <body>) after sign-in, cancel, sign-out and save.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { checkState, focused, scrollsSideways } from '../lib/a11y.mjs';
import { decideAuthorize, sessionCard, setup, signInTab, waitForStatus, writeSessionConfig } from '../lib/popup.mjs';
import { scenario } from '../lib/system.mjs';

/** 2,000 accounts with two roles each: more than the popup draws at once. */
function bigDirectory() {
  const accounts = [];
  for (let i = 0; i < 2000; i++) {
    accounts.push({ account_id: String(200000000000 + i), account_name: `Team ${i}`, email_address: `team${i}@example.com`, roles: ['ReadOnly', 'Admin'] });
  }
  accounts[0] = { account_id: '111122223333', account_name: 'Production', email_address: 'prod@example.com', roles: ['ReadOnly', 'Admin'] };
  return scenario({ accounts });
}

async function assertFocusOnControl(popup, after) {
  const where = await focused(popup);
  assert.notEqual(where, 'body', `focus is lost to <body> after ${after}`);
  return where;
}

describe('accessibility of every popup state, light and dark', () => {
  let t;
  const problems = {};
  before(async () => {
    t = await setup({ scenario: bigDirectory() });
    writeFileSync(t.home.configPath, writeSessionConfig(t.home.env, { startUrl: t.emulator.startUrl, profile: 'prod-ro' }));
    await t.popup.reload();
    await waitForStatus(t.popup, 'e2e', 'never');
  });
  after(async () => t?.close());

  it('sessions, signing in (PKCE and code), signed in, cancel, sign-out: no violations, focus kept', async () => {
    const { popup } = t;
    await checkState(popup, 'home-signed-out', problems);

    // Start a PKCE sign-in, then cancel it.
    const firstTab = signInTab(t.context, t.emulator.baseUrl);
    await sessionCard(popup, 'e2e').getByRole('button', { name: 'Sign in', exact: true }).click();
    const pkceTab = await firstTab;
    await popup.bringToFront();
    await popup.locator('[data-login="pkce"]').waitFor();
    await popup.waitForFunction(() => document.activeElement?.dataset?.action === 'cancel');
    await assertFocusOnControl(popup, 'starting a sign-in');
    await checkState(popup, 'pkce-waiting', problems);
    await sessionCard(popup, 'e2e').getByRole('button', { name: 'Cancel' }).click();
    await popup.locator('[data-login]').waitFor({ state: 'detached' });
    await popup.waitForFunction(() => document.activeElement?.dataset?.action === 'sign-in');
    await assertFocusOnControl(popup, 'cancel');
    await pkceTab.close();

    // The device code.
    const codeTab = signInTab(t.context, t.emulator.baseUrl);
    await sessionCard(popup, 'e2e').getByRole('button', { name: 'Sign in with a code' }).click();
    const deviceTab = await codeTab;
    await popup.bringToFront();
    await popup.locator('[data-user-code]').waitFor();
    await checkState(popup, 'device-code', problems);
    await sessionCard(popup, 'e2e').getByRole('button', { name: 'Cancel' }).click();
    await popup.locator('[data-login]').waitFor({ state: 'detached' });
    await deviceTab.close();

    // A finished sign-in.
    const tab = signInTab(t.context, t.emulator.baseUrl);
    await sessionCard(popup, 'e2e').getByRole('button', { name: 'Sign in', exact: true }).click();
    await decideAuthorize(await tab, 'allow').catch(() => {});
    await popup.bringToFront();
    await waitForStatus(popup, 'e2e', 'valid');
    await popup.waitForFunction(() => document.activeElement && document.activeElement !== document.body);
    await assertFocusOnControl(popup, 'a finished sign-in');
    await checkState(popup, 'home-signed-in', problems);

    // The big directory: 50 rows drawn at a time, the rest behind "Show more"; roles under the
    // shown account; a pinned and a recently used role at the top; Add profile with its preview and
    // with a refusal.
    await sessionCard(popup, 'e2e').getByRole('button', { name: 'Accounts' }).click();
    await popup.locator('[data-account="111122223333"]').waitFor();
    assert.equal(await popup.textContent('[data-account-count]'), '2,000 accounts');
    assert.equal(await popup.textContent('[data-show-more]'), 'Show more (1,950 more rows)');
    await checkState(popup, 'accounts', problems);
    await popup.waitForFunction(() => /listed/.test(document.querySelector('[data-listed]')?.textContent ?? '') && !/listing roles/.test(document.querySelector('[data-listed]')?.textContent ?? ''), null, { timeout: 60_000 });
    const role = (name, section = '[data-account-list]') => `${section} [data-role-row="${name}"][data-account-id="111122223333"]`;
    await popup.click('[data-account="111122223333"]');
    await popup.locator(role('Admin')).waitFor();
    assert.equal(await popup.getAttribute('[data-account="111122223333"]', 'aria-expanded'), 'true');
    await popup.click(`${role('Admin')} [data-action="pin"]`);
    await popup.locator(role('Admin', '[data-pinned]')).waitFor();
    await assertFocusOnControl(popup, 'pinning a role');
    await popup.click(`${role('ReadOnly')} [data-action="keys"]`);
    await popup.locator('[data-format="env"]').waitFor();
    await popup.keyboard.press('Escape');
    await popup.locator(role('ReadOnly', '[data-recent]')).waitFor();
    await assertFocusOnControl(popup, 'Escape from the access keys of a role');
    await checkState(popup, 'accounts-roles', problems);
    // "Open console" with its region-and-page form open (prefilled by the worker), also at 320 px.
    const consoleForm = popup.locator(`${role('Admin')} [data-console="111122223333/Admin"]`);
    await consoleForm.locator('summary').click();
    await popup.waitForFunction((el) => el.value !== '', await consoleForm.locator('[data-console-region]').elementHandle());
    await checkState(popup, 'accounts-console-options', problems);
    await popup.setViewportSize({ width: 320, height: 640 });
    assert.equal(await scrollsSideways(popup), false, 'accounts at 320 px: no sideways scrolling');
    await popup.setViewportSize({ width: 420, height: 640 });
    await popup.fill('[data-account-search]', 'readonly');
    await popup.locator(role('ReadOnly')).waitFor();
    assert.equal(await popup.textContent('[data-account-count]'), '2,000 accounts of 2,000 match.', 'a search by role name');
    await popup.fill('[data-account-search]', 'Production');
    await popup.click(`${role('Admin')} [data-action="add-profile"]`);
    await popup.locator('[data-profile-preview="Production.Admin"]').waitFor();
    await checkState(popup, 'add-profile', problems);
    // `{region}` with no region: the name prod-ro, taken by Production's ReadOnly profile.
    await popup.fill('#profile-region', '');
    await popup.fill('#profile-template', 'prod-ro{region}');
    await popup.locator('[data-preview] [data-error-code]').waitFor();
    await checkState(popup, 'add-profile-refused', problems);
    await popup.keyboard.press('Escape');
    await popup.locator(role('Admin')).waitFor();
    await assertFocusOnControl(popup, 'Escape from Add profile');
    await popup.keyboard.press('Escape');
    await popup.locator('[data-session="session:e2e"]').waitFor();
    await assertFocusOnControl(popup, 'Escape from the accounts');

    // Access keys, masked and revealed.
    await popup.locator('[data-profile="prod-ro"]').getByRole('button', { name: 'Access keys' }).click();
    await popup.locator('[data-format="env"]').waitFor();
    assert.doesNotMatch(await popup.textContent('[data-format="env"]'), /AWS_SECRET_ACCESS_KEY=[A-Za-z0-9/+]{12,}/, 'the secret is masked');
    await checkState(popup, 'access-keys', problems);
    await popup.click('[data-reveal]');
    await popup.locator('[data-format="env"][data-revealed="true"]').waitFor();
    await popup.setViewportSize({ width: 320, height: 640 });
    assert.equal(await scrollsSideways(popup), false, 'access keys at 320 px: no sideways scrolling');
    await checkState(popup, 'access-keys-320px', problems);
    await popup.setViewportSize({ width: 420, height: 640 });
    await popup.keyboard.press('Escape');
    await popup.locator('[data-session="session:e2e"]').waitFor();

    // Add all: the form, the listing's progress bar, a refused template, the preview, the result.
    await sessionCard(popup, 'e2e').getByRole('button', { name: 'Add all…' }).click();
    await popup.locator('#populate-template').waitFor();
    await checkState(popup, 'populate-form', problems);
    // The first role listings are held for a while, so the progress bar stays on screen for the checks.
    await t.emulator.control('POST', 'faults', { operation: 'ListAccountRoles', kind: 'delay', delay_ms: 15_000, count: 4 });
    await popup.getByRole('button', { name: 'Preview' }).click();
    await popup.locator('progress#populate-progress[value]').waitFor({ timeout: 30_000 });
    assert.match(await popup.textContent('#populate-progress-label'), /of 2,000 accounts/);
    await checkState(popup, 'populate-progress', problems);
    await popup.locator('[data-action="populate-apply"]').waitFor({ timeout: 60_000 });
    await checkState(popup, 'populate-preview', problems);
    await popup.fill('#populate-template', '{role_name}]');
    await popup.getByRole('button', { name: 'Preview' }).click();
    await popup.locator('[data-populate-panel] [data-error-code]').waitFor({ timeout: 60_000 });
    await checkState(popup, 'populate-error', problems);
    await popup.fill('#populate-template', '{account_name}.{role_name}');
    await popup.getByRole('button', { name: 'Preview' }).click();
    await popup.locator('[data-action="populate-apply"]').waitFor({ timeout: 60_000 });
    await popup.click('[data-action="populate-apply"]');
    await popup.locator('[data-populate-result]').waitFor({ timeout: 60_000 });
    await checkState(popup, 'populate-done', problems);
    await popup.keyboard.press('Escape');
    await popup.locator('[data-session="session:e2e"]').waitFor();
    await popup.waitForFunction(() => document.activeElement?.dataset?.action === 'populate');
    await assertFocusOnControl(popup, 'Escape from Add all');

    // Sign out.
    await sessionCard(popup, 'e2e').getByRole('button', { name: 'Sign out' }).click();
    await waitForStatus(popup, 'e2e', 'never');
    await popup.waitForFunction(() => document.activeElement?.dataset?.action === 'sign-in');
    await assertFocusOnControl(popup, 'sign-out');
    await popup.setViewportSize({ width: 320, height: 640 });
    assert.equal(await scrollsSideways(popup), false, 'sessions at 320 px: no sideways scrolling');
    await popup.setViewportSize({ width: 420, height: 640 });
  });

  it('settings and save: "Saved." announced, focus on Save', async () => {
    const { popup } = t;
    await popup.click('#nav-settings');
    await popup.locator('#endpoint').waitFor();
    await checkState(popup, 'settings', problems);
    await popup.click('button[type=submit]');
    await popup.waitForFunction(() => document.getElementById('status')?.textContent === 'Saved.');
    assert.equal(await popup.getAttribute('#status', 'aria-live'), 'polite');
    const where = await assertFocusOnControl(popup, 'save');
    assert.match(where, /Save/);

    // An override added and removed again: the Remove button names its session, focus stays in the list.
    await popup.fill('#endpoint-session', 'spare');
    await popup.fill('#endpoint', t.emulator.baseUrl);
    await popup.click('button[type=submit]');
    const remove = popup.getByRole('button', { name: 'Remove override for spare' });
    await remove.waitFor();
    await remove.click();
    await popup.locator('[data-override="session:spare"]').waitFor({ state: 'detached' });
    await popup.waitForFunction(() => document.getElementById('status')?.textContent === 'Removed the override for spare.');
    const afterRemove = await assertFocusOnControl(popup, 'remove');
    assert.match(afterRemove, /Remove override for /, 'focus moves to the next Remove button');
    assert.equal(await popup.locator('[data-override="session:e2e"]').count(), 1, 'the other overrides stay');
  });

  it('the configure wizard: step indicator, Back, every step', async () => {
    const { popup } = t;
    await popup.click('#nav-configure');
    await popup.locator('#session-name').waitFor();
    assert.match(await popup.textContent('[data-step-indicator]'), /Step 1 of 4/);
    await checkState(popup, 'configure-session', problems);
    await popup.fill('#session-name', 'acme');
    await popup.fill('#start-url', t.emulator.startUrl);
    const tab = signInTab(t.context, t.emulator.baseUrl);
    await popup.getByRole('button', { name: 'Sign in and continue' }).click();
    await decideAuthorize(await tab, 'allow').catch(() => {});
    await popup.bringToFront();
    await popup.locator('[data-account="111122223333"]').waitFor({ timeout: 30_000 });
    await checkState(popup, 'configure-account', problems);
    await popup.click('[data-account="111122223333"]');
    await popup.click('[data-role="Admin"]');
    await popup.locator('#profile-name').waitFor();
    await checkState(popup, 'configure-details', problems);
    await popup.getByRole('button', { name: 'Back' }).click();
    await popup.locator('[data-wizard-step="account"]').waitFor();
    await popup.click('[data-account="111122223333"]');
    await popup.click('[data-role="Admin"]');
    await popup.getByRole('button', { name: 'Write profile' }).click();
    await popup.locator('[data-done]').waitFor();
    await assertFocusOnControl(popup, 'writing the profile');
    await checkState(popup, 'configure-done', problems);
  });

  it('errors: the service unreachable with the override named, a broken config file', async () => {
    const { popup } = t;
    await popup.click('#nav-home');
    await waitForStatus(popup, 'acme', 'valid');
    await t.emulator.stop();
    // The device code needs the service at once (a PKCE sign-in with a kept registration only opens a tab).
    await sessionCard(popup, 'e2e').getByRole('button', { name: 'Sign in with a code' }).click();
    const box = sessionCard(popup, 'e2e').locator('[data-error-code]');
    await box.waitFor({ timeout: 45_000 });
    const text = await box.textContent();
    assert.ok(text.includes(`The endpoint override ${t.emulator.baseUrl} is in use`), `override named: ${text}`);
    await sessionCard(popup, 'e2e').getByRole('button', { name: 'Try again' }).waitFor();
    await checkState(popup, 'error-unreachable', problems);

    writeFileSync(t.home.configPath, '[profile broken\nregion = us-east-1\n');
    await popup.reload();
    await popup.locator('[data-error-code]').waitFor();
    assert.equal(await popup.getByRole('button', { name: 'Configure a session' }).count(), 0, 'nothing is offered that writes into the broken file');
    await checkState(popup, 'error-config', problems);
  });

  it('has no serious or moderate violation and no text below 12 px in any state', () => {
    assert.deepEqual(problems, {});
  });
});

describe('accessibility: the helper is not installed', () => {
  let t;
  before(async () => {
    t = await setup({ install: false });
  });
  after(async () => t?.close());

  it('shows the whole install command, without Markdown, with no violations', async () => {
    await t.popup.locator('[data-command]').waitFor();
    const text = await t.popup.textContent('[data-error-code]');
    assert.doesNotMatch(text, /`/, 'no literal backticks');
    const problems = {};
    await checkState(t.popup, 'error-helper-missing', problems);
    assert.deepEqual(problems, {});
  });
});
