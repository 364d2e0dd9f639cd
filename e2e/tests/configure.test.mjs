// The configure wizard (like `aws configure sso`): session → sign in → account → role → details →
// profile, written through the helper; the config file's bytes are checked.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { decideAuthorize, setup, signInTab } from '../lib/popup.mjs';

describe('configure a new session and profile from the popup', () => {
  let t;
  const existing = '# my settings\n[default]\nregion = eu-west-1\n';
  before(async () => {
    t = await setup();
    writeFileSync(t.home.configPath, existing);
  });
  after(async () => t?.close());

  it('walks the wizard and writes exactly the sections the CLI would', async () => {
    const { popup } = t;
    await popup.click('#nav-configure');
    await popup.fill('#session-name', 'acme');
    await popup.fill('#start-url', t.emulator.startUrl);
    await popup.fill('#sso-region', 'us-east-1');
    await t.shot('20-configure-session');
    const tabPromise = signInTab(t.context, t.emulator.baseUrl);
    await popup.getByRole('button', { name: 'Sign in and continue' }).click();
    const tab = await tabPromise;
    await decideAuthorize(tab, 'allow').catch(() => {});
    await popup.bringToFront();
    await popup.locator('[data-account="111122223333"]').waitFor({ timeout: 30_000 });
    await t.shot('21-configure-account');
    await popup.click('[data-account="111122223333"]');
    await popup.click('[data-role="Admin"]');
    await popup.locator('#profile-name').waitFor();
    assert.equal(await popup.inputValue('#profile-name'), 'Admin-111122223333', 'suggested <role>-<account>');
    await popup.fill('#default-region', 'eu-central-1');
    await t.shot('22-configure-details');
    await popup.getByRole('button', { name: 'Write profile' }).click();
    await popup.locator('[data-done]').waitFor();
    await t.shot('23-configure-done');

    // What the AWS CLI's ConfigFileWriter does: the old bytes untouched, new sections appended
    // without blank lines (refereed for the core's writer in crate/tests).
    const written = readFileSync(t.home.configPath, 'utf8');
    const expected =
      existing +
      '[sso-session acme]\n' +
      `sso_start_url = ${t.emulator.startUrl}\n` +
      'sso_region = us-east-1\n' +
      'sso_registration_scopes = sso:account:access\n' +
      '[profile Admin-111122223333]\n' +
      'sso_session = acme\n' +
      'sso_account_id = 111122223333\n' +
      'sso_role_name = Admin\n' +
      'region = eu-central-1\n' +
      'output = json\n';
    assert.equal(written, expected);
  });

  it('shows the new session and profile, signed in', async () => {
    await t.popup.click('#nav-home');
    await t.popup.locator('[data-session="session:acme"] [data-status="valid"]').waitFor();
    await t.popup.locator('[data-profile="Admin-111122223333"]').waitFor();
  });
});
