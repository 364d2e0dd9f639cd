// The worker answers a popup from the overview it kept (a big config opens fast), then checks it
// against the files: a config changed behind its back (by the AWS CLI, an editor) still shows up.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setup, waitForStatus, writeSessionConfig } from '../lib/popup.mjs';

describe('the kept overview follows the files', () => {
  let t;
  before(async () => {
    t = await setup();
    writeFileSync(t.home.configPath, writeSessionConfig(t.home.env, { startUrl: t.emulator.startUrl, profile: 'first' }));
    await t.popup.reload();
    await waitForStatus(t.popup, 'e2e', 'never');
  });
  after(async () => t?.close());

  it('a session added to the file by another program appears in the open popup', async () => {
    const text = writeSessionConfig(t.home.env, { startUrl: t.emulator.startUrl, profile: 'first' });
    writeFileSync(t.home.configPath, `${text}\n[sso-session other]\nsso_start_url = ${t.emulator.startUrl}\nsso_region = us-east-1\n`);
    // Reopening may first show the kept overview; the worker then re-reads the file and tells the popup.
    await t.popup.reload();
    await waitForStatus(t.popup, 'other', 'never', 15_000);
    assert.equal(await t.popup.locator('[data-session]').count(), 2);
  });

  it('a session removed from the file disappears', async () => {
    writeFileSync(t.home.configPath, writeSessionConfig(t.home.env, { session: 'renamed', startUrl: t.emulator.startUrl }));
    await t.popup.reload();
    await t.popup.locator('[data-session="session:other"]').waitFor({ state: 'detached', timeout: 15_000 });
    await waitForStatus(t.popup, 'renamed', 'never');
  });
});
