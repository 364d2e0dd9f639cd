// A keyboard-only walk through the popup: configure → sign in → access keys → copy → the account
// browser (filter, arrows, K, Enter) → sign out,
// with Tab, Shift+Tab, Enter, arrow keys and Escape only (no clicks in the popup).

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { activate, tabTo } from '../lib/keyboard.mjs';
import { setup, signInTab, waitForStatus } from '../lib/popup.mjs';

/** Allows access on the emulator's authorize page with the keyboard too. */
async function allowByKeyboard(page) {
  await page.waitForSelector('#signin-form');
  await page.bringToFront();
  await page.focus('#username');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('alice');
  await tabTo(page, '#allow');
  await page.keyboard.press('Enter');
}

describe('keyboard only: configure, sign in, access keys, copy, sign out', () => {
  let t;
  before(async () => {
    t = await setup();
    writeFileSync(t.home.configPath, '');
    await t.context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => {});
    await t.popup.reload();
  });
  after(async () => t?.close());

  it('walks the whole flow without a mouse', async () => {
    const { popup } = t;
    // An empty config: the first control is "Configure a session".
    await popup.getByRole('button', { name: 'Configure a session' }).waitFor();
    await activate(popup, 'main button.primary');
    await popup.locator('#session-name').waitFor();
    await tabTo(popup, '#session-name');
    await popup.keyboard.type('acme');
    await tabTo(popup, '#start-url');
    await popup.keyboard.type(t.emulator.startUrl);
    const tab = signInTab(t.context, t.emulator.baseUrl);
    await activate(popup, 'button[type=submit]');
    await allowByKeyboard(await tab);
    await popup.bringToFront();

    // Account and role, by keyboard: the search field first, then the account, then its first role.
    await popup.locator('[data-account="111122223333"]').waitFor({ timeout: 30_000 });
    await activate(popup, '[data-account="111122223333"]');
    await popup.locator('[data-role="ReadOnly"]').waitFor();
    await tabTo(popup, '[data-role="ReadOnly"]');
    await popup.keyboard.press('Enter');
    await popup.locator('#profile-name').waitFor();
    await activate(popup, 'button[type=submit]');
    await popup.locator('[data-done]').waitFor();
    await activate(popup, 'button.primary'); // Done

    // Sessions: signed in; the profile's access keys.
    await waitForStatus(popup, 'acme', 'valid');
    await activate(popup, '[data-profile="ReadOnly-111122223333"] button');
    await popup.locator('[data-format="env"]').waitFor();
    await tabTo(popup, '[data-tab="env"]');
    await popup.keyboard.press('End');
    assert.equal(await popup.getAttribute('[data-tab="credentials-file"]', 'aria-selected'), 'true', 'End selects the last tab');
    await popup.keyboard.press('Home');
    assert.equal(await popup.getAttribute('[data-tab="env"]', 'aria-selected'), 'true', 'Home selects the first tab');
    await tabTo(popup, 'pre[data-format="env"]');
    await activate(popup, '[data-reveal]');
    await popup.locator('[data-format="env"][data-revealed="true"]').waitFor();
    await activate(popup, '#keys-panel [data-copy]', { backwards: true });
    await popup.waitForFunction(() => /^Copied bash\/zsh\.$|^Could not copy/.test(document.getElementById('status')?.textContent ?? ''));
    const announced = await popup.textContent('#status');
    assert.equal(announced, 'Copied bash/zsh.');
    const copied = await popup.evaluate(() => navigator.clipboard.readText()).catch(() => undefined);
    if (copied !== undefined) assert.match(copied, /AWS_SECRET_ACCESS_KEY=/, 'the real text is copied, not the masked one');

    // The account browser by keyboard: type to filter, arrows between rows, K for the access keys,
    // Enter on a role row (the console when the row has it, else the access keys).
    await popup.keyboard.press('Escape');
    await popup.locator('[data-session="session:acme"]').waitFor();
    assert.ok(await popup.evaluate(() => document.activeElement?.closest('[data-profile]') !== null), 'focus returns to the profile');
    await activate(popup, '[data-session="session:acme"] [data-action="accounts"]', { backwards: true });
    await popup.locator('[data-account="444455556666"]').waitFor();
    await tabTo(popup, '[data-account-search]');
    await popup.keyboard.type('develop');
    await popup.locator('[data-account-list] [data-role-row="Developer"]').waitFor({ timeout: 30_000 });
    await popup.keyboard.press('ArrowDown');
    assert.equal(await popup.evaluate(() => document.activeElement?.dataset?.account), '444455556666', 'ArrowDown: the first row');
    await popup.keyboard.press('ArrowDown');
    assert.equal(await popup.evaluate(() => document.activeElement?.dataset?.roleRow), 'Developer', 'ArrowDown: the role under it');
    await popup.keyboard.press('ArrowUp');
    await popup.keyboard.press('ArrowUp');
    assert.equal(await popup.evaluate(() => document.activeElement?.id), 'account-search', 'ArrowUp from the first row: the search');
    await popup.keyboard.press('ArrowDown');
    await popup.keyboard.press('ArrowDown');
    await popup.keyboard.press('k');
    await popup.locator('[data-keys="Developer in Sandbox"] [data-format="env"]').waitFor();
    await popup.keyboard.press('Escape');
    await popup.locator('[data-account-list] [data-role-row="Developer"]').waitFor();
    assert.equal(await popup.evaluate(() => document.activeElement?.dataset?.action), 'keys', 'back on the row\'s Access keys');
    // Typing on a row goes to the search.
    await popup.keyboard.press('ArrowUp');
    await popup.keyboard.type('x');
    assert.equal(await popup.inputValue('[data-account-search]'), 'developx');
    await popup.keyboard.press('Backspace');
    await popup.locator('[data-account-list] [data-role-row="Developer"]').waitFor();
    await popup.keyboard.press('ArrowDown');
    await popup.keyboard.press('ArrowDown');
    // Enter on a role row opens its console in a new tab.
    const consoleTab = t.context.waitForEvent('page', { timeout: 20_000 });
    await popup.keyboard.press('Enter');
    const consolePage = await consoleTab;
    await consolePage.waitForURL(/\/console\?/);
    assert.match(await consolePage.textContent('#console-role'), /^Developer$/);
    await consolePage.close();
    // Focus and animation frames run in the page in front.
    await popup.bringToFront();
    await popup.locator('[data-account-list] [data-role-row="Developer"]').waitFor();
    await popup.keyboard.press('Escape');

    // Escape back to Sessions, focus on the profile's button; then sign out.
    await popup.locator('[data-session="session:acme"]').waitFor();
    assert.equal(await popup.evaluate(() => document.activeElement?.dataset?.action), 'accounts', 'focus returns to Accounts');
    await activate(popup, '[data-session="session:acme"] [data-action="sign-out"]', { backwards: true });
    await waitForStatus(popup, 'acme', 'never');
    await popup.waitForFunction(() => document.activeElement?.dataset?.action === 'sign-in');
  });
});
