// "Add all…" in the popup against an emulator with 1,000 accounts × 3 roles: progress while the
// worker lists, a preview, one write of 3,000 profiles that botocore's own loader reads back, a prune
// that removes exactly the profiles of an account taken out of the directory (and never a profile
// written by hand), and every bad input (template, throttling storm, session ended, unreadable
// config) a clear message with the config file byte-identical.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { reloadAndSignIn, sessionCard, setup, stopWorker, writeSessionConfig } from '../lib/popup.mjs';
import { boto3Python, EXTENSION_ID, HELPER_BIN, scenario } from '../lib/system.mjs';

const run = promisify(execFile);
const ACCOUNTS = 1000;
const ROLES = ['AdministratorAccess', 'ReadOnlyAccess', 'PowerUserAccess'];

/** Every profile as botocore's config loader sees the file (the loader boto3 and the AWS CLI use). */
async function botocoreProfiles(home) {
  const script = `
import json
from botocore.configloader import load_config
print(json.dumps(load_config(${JSON.stringify(home.configPath)}).get("profiles", {})))
`;
  const { stdout } = await run(await boto3Python(), ['-c', script], {
    env: { PATH: process.env.PATH, ...home.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}

/** The helper processes the browser started for this HOME (found by executable and HOME, stopped by id). */
function helperProcesses(home) {
  const binary = realpathSync(HELPER_BIN());
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (realpathSync(`/proc/${entry}/exe`) !== binary) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`HOME=${home}`)) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

function ours(profiles) {
  return Object.entries(profiles).filter(([, values]) => values.sso_bridge_populate === 'e2e');
}

describe('Add all: every account and role of a session as profiles', () => {
  let t;
  let handWritten;
  let directory;
  const view = () => t.popup.locator('[data-populate="session:e2e"]');

  async function openAddAll() {
    const { popup } = t;
    if (!(await view().count())) {
      await popup.click('#nav-home');
      await sessionCard(popup, 'e2e').getByRole('button', { name: 'Add all…' }).click();
    }
    await view().waitFor();
  }

  /** Fills the form and clicks Preview; resolves once the job has left the listing phases. */
  async function preview({ template = '{account_name}.{role_name}', regions = '', prune = false } = {}) {
    await openAddAll();
    const { popup } = t;
    await popup.fill('#populate-template', template);
    await popup.fill('#populate-regions', regions);
    await popup.setChecked('#populate-prune', prune);
    await startJob(popup.getByRole('button', { name: 'Preview' }));
    await popup.waitForFunction(
      () => ['planned', 'done', 'failed', 'cancelled', 'refused'].includes(document.querySelector('[data-populate-panel]')?.dataset.populatePhase),
      null,
      { timeout: 120_000 },
    );
  }

  /** Clicks `button` and waits until the worker has answered it, so the panel shows this job, not the last one. */
  async function startJob(button) {
    const panel = t.popup.locator('[data-populate-panel]');
    const previous = await panel.getAttribute('data-populate-answered');
    await button.click();
    await t.popup.waitForFunction(
      (old) => document.querySelector('[data-populate-panel]')?.dataset.populateAnswered !== old,
      previous,
    );
  }

  async function failure() {
    const box = t.popup.locator('[data-populate-panel] [data-error-code]');
    await box.waitFor();
    return { code: await box.getAttribute('data-error-code'), text: await box.textContent() };
  }

  before(async () => {
    t = await setup({
      scenario: scenario({
        accounts: [],
        generated_accounts: ACCOUNTS,
        roles_per_account: 3,
        // A throttled answer says "retry now", so the storm below gives up after its attempts in
        // seconds rather than after the minute of backoff a real storm costs.
        throttling: { retry_after_seconds: 0 },
      }),
    });
    directory = (await t.emulator.control('GET', 'accounts')).accounts;
    assert.equal(directory.length, ACCOUNTS);
    // A profile written by hand for the account that is removed later: prune must leave it alone.
    handWritten = writeSessionConfig(t.home.env, {
      startUrl: t.emulator.startUrl,
      profile: 'mine',
      accountId: directory[499].account_id,
      roleName: 'ReadOnlyAccess',
    });
    writeFileSync(t.home.configPath, `# my own notes\n${handWritten}`);
    await reloadAndSignIn(t);
  });
  after(async () => t?.close());

  it('a template that gives an invalid name, or names no placeholder: a clear message, the file untouched', async () => {
    const before = readFileSync(t.home.configPath);
    await preview({ template: '{role_name}]' });
    let error = await failure();
    assert.equal(error.code, 'populate-refused');
    assert.match(error.text, /cannot be a profile name/);
    assert.match(error.text, /^The name template gives "\w+\]" for account \d{12} role \w+/);
    assert.match(error.text, /change the template/);
    assert.match(error.text, /Nothing was written/);
    await t.shot('populate-bad-template');

    await preview({ template: '{account}' });
    error = await failure();
    assert.match(error.text, /unknown placeholder \{account\}/);
    assert.match(error.text, /\{account_name\}/, 'the placeholders are named');
    assert.deepEqual(readFileSync(t.home.configPath), before, 'the config file is byte-identical');
    assert.equal(existsSync(`${t.home.configPath}.sso-bridge.bak`), false, 'no backup either: nothing was written');
  });

  it('lists 1,000 accounts with a progress bar, previews 3,000 profiles, writes them in one go', async () => {
    const { popup } = t;
    await openAddAll();
    await popup.fill('#populate-template', '{account_name}.{role_name}');
    await popup.fill('#populate-regions', '');
    await popup.setChecked('#populate-prune', false);
    await startJob(popup.getByRole('button', { name: 'Preview' }));
    // The progress bar, sampled while the worker lists: its values only grow, towards 1,000.
    const seen = [];
    const deadline = Date.now() + 120_000;
    let reopened = false;
    for (;;) {
      const phase = await popup.locator('[data-populate-panel]').getAttribute('data-populate-phase').catch(() => null);
      if (phase === 'planned' || phase === 'failed') break;
      const bar = popup.locator('progress#populate-progress[value]');
      if (await bar.count()) {
        const sample = await bar.evaluate((el) => ({ value: el.value, max: el.max, label: el.labels?.[0]?.textContent ?? document.getElementById(el.getAttribute('aria-labelledby'))?.textContent })).catch(() => null);
        if (sample) seen.push(sample);
        if (!reopened && sample && sample.value > 0) {
          // The popup closes and reopens while the worker goes on listing.
          reopened = true;
          await t.shot('populate-progress');
          await popup.reload();
          await openAddAll();
        }
      }
      if (Date.now() > deadline) throw new Error(`no preview within 120 s (progress seen: ${JSON.stringify(seen.slice(-3))})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(reopened, `the progress bar showed accounts listed (seen: ${JSON.stringify(seen)})`);
    assert.ok(seen.length >= 2, `progress seen more than once: ${JSON.stringify(seen)}`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].value >= seen[i - 1].value, `progress never goes back: ${JSON.stringify(seen)}`);
    assert.ok(seen.every((s) => s.max === ACCOUNTS), 'the bar counts accounts out of 1,000');
    assert.ok(new Set(seen.map((s) => s.value)).size >= 2, 'the bar moved');
    assert.match(seen[0].label, /of 1,000 accounts/);

    const counts = await popup.textContent('[data-populate-counts]');
    assert.match(counts, /3,000 to add, 0 to update, 0 to remove, 0 unchanged/);
    assert.match(counts, /1,000 accounts, 3,000 roles/);
    assert.equal(await popup.locator('[data-populate-changes] [data-change="add"]').count(), 20, 'the first 20 names');
    assert.match(await popup.textContent('[data-populate-changes]'), /and 2,980 more/);
    assert.match(await popup.textContent('[data-populate-changes]'), /account-0001\.AdministratorAccess/);
    await t.shot('populate-preview');

    const before = readFileSync(t.home.configPath, 'utf8');
    await startJob(popup.getByRole('button', { name: 'Write 3,000 changes' }));
    await popup.locator('[data-populate-result]').waitFor({ timeout: 60_000 });
    assert.match(await popup.textContent('[data-populate-result]'), /3,000 added, 0 updated, 0 removed/);
    assert.equal(await popup.textContent('[data-populate-path]'), t.home.configPath);
    assert.equal(await popup.textContent('[data-populate-backup]'), `${t.home.configPath}.sso-bridge.bak`);
    assert.equal(readFileSync(`${t.home.configPath}.sso-bridge.bak`, 'utf8'), before, 'the backup is the file as it was');
    await t.shot('populate-done');

    const after = readFileSync(t.home.configPath, 'utf8');
    assert.ok(after.startsWith(`# my own notes\n${handWritten}`), 'every byte that was there is kept');
    const profiles = await botocoreProfiles(t.home);
    const written = ours(profiles);
    assert.equal(written.length, 3000, 'botocore reads 3,000 profiles');
    const expected = new Set(directory.flatMap((a) => ROLES.map((role) => `${a.account_name}.${role}`)));
    for (const [name, values] of written) {
      assert.ok(expected.has(name), `${name} is an account × role of the directory`);
      assert.equal(values.sso_session, 'e2e');
      const account = directory.find((a) => a.account_id === values.sso_account_id);
      assert.equal(`${account.account_name}.${values.sso_role_name}`, name);
    }
    assert.deepEqual(profiles.mine, { sso_session: 'e2e', sso_account_id: directory[499].account_id, sso_role_name: 'ReadOnlyAccess', region: 'us-east-1', output: 'json' });
  });

  it('prune removes exactly the profiles of an account that is gone, never a hand-written one', async () => {
    const gone = directory[499];
    await t.emulator.control('POST', 'accounts/remove', { account_id: gone.account_id });
    const before = await botocoreProfiles(t.home);
    await preview({ prune: true });
    assert.match(await t.popup.textContent('[data-populate-counts]'), /0 to add, 0 to update, 3 to remove, 2,997 unchanged/);
    const removedNames = await t.popup.locator('[data-populate-changes] [data-change="remove"] code').allTextContents();
    assert.deepEqual(removedNames.sort(), ROLES.map((role) => `${gone.account_name}.${role}`).sort());
    await t.shot('populate-prune-preview');
    await startJob(t.popup.getByRole('button', { name: 'Write 3 changes' }));
    await t.popup.locator('[data-populate-result]').waitFor({ timeout: 60_000 });

    const afterPrune = await botocoreProfiles(t.home);
    const removed = Object.keys(before).filter((name) => !(name in afterPrune));
    assert.deepEqual(removed.sort(), ROLES.map((role) => `${gone.account_name}.${role}`).sort());
    assert.equal(ours(afterPrune).length, 2997);
    assert.deepEqual(afterPrune.mine, before.mine, 'the hand-written profile of the removed account stays');
    assert.ok(readFileSync(t.home.configPath, 'utf8').startsWith(`# my own notes\n${handWritten}`));
  });

  it('a sign-in that ends part-way through the listing: a clear message, the file untouched', async () => {
    const before = readFileSync(t.home.configPath);
    // AWS answers 401 once the session is gone: here the first role listing after the account list.
    await t.emulator.control('POST', 'faults', { operation: 'ListAccountRoles', kind: 'expired_token', count: 1 });
    await preview();
    const error = await failure();
    assert.equal(error.code, 'populate-session-expired', error.text);
    assert.match(error.text, /The sign-in for "e2e" ended while its accounts were being listed \(\d+ of 999 accounts listed\); nothing was written/);
    assert.match(error.text, /Sign in again/);
    assert.deepEqual(readFileSync(t.home.configPath), before);
  });

  it('a config file the AWS CLI cannot read: the message names the line, the file stays as it is', async () => {
    const good = readFileSync(t.home.configPath, 'utf8');
    // Edited by another program between the preview and the write.
    await preview({ template: '{account_id}-{role_name}' });
    const broken = `${good}\n[profile broken\nregion = us-east-1\n`;
    writeFileSync(t.home.configPath, broken);
    await startJob(t.popup.getByRole('button', { name: 'Write 2,997 changes' }));
    const error = await failure();
    assert.match(error.text, /line \d+/, error.text);
    assert.equal(readFileSync(t.home.configPath, 'utf8'), broken, 'byte-identical');
    await t.shot('populate-config-error');
    writeFileSync(t.home.configPath, good);
  });

  it('Cancel stops the listing; nothing is written', async () => {
    const before = readFileSync(t.home.configPath);
    await t.emulator.control('POST', 'faults', { operation: 'ListAccountRoles', kind: 'delay', delay_ms: 3000, count: 4 });
    await openAddAll();
    await startJob(t.popup.getByRole('button', { name: 'Preview' }));
    await t.popup.locator('[data-populate-panel][data-populate-phase="listing"]').waitFor();
    await t.popup.getByRole('button', { name: 'Cancel' }).click();
    await t.popup.locator('[data-populate-cancelled]').waitFor();
    assert.match(await t.popup.textContent('[data-populate-cancelled]'), /Cancelled; nothing was written/);
    // Focus moved on from the Cancel button that went away.
    assert.notEqual(await t.popup.evaluate(() => document.activeElement?.tagName), 'BODY');
    await new Promise((resolve) => setTimeout(resolve, 3500));
    assert.equal(await t.popup.getAttribute('[data-populate-panel]', 'data-populate-phase'), 'cancelled', 'the held listings do not bring it back');
    assert.deepEqual(readFileSync(t.home.configPath), before);
  });

  it('the browser stops the worker mid-listing: the reopened popup says so, and Preview works again', async () => {
    const before = readFileSync(t.home.configPath);
    await t.emulator.control('POST', 'faults', { operation: 'ListAccountRoles', kind: 'delay', delay_ms: 3000, count: 4 });
    await openAddAll();
    await startJob(t.popup.getByRole('button', { name: 'Preview' }));
    await t.popup.locator('[data-populate-panel][data-populate-phase="listing"]').waitFor();
    await stopWorker(t);
    await t.popup.reload();
    await openAddAll();
    const error = await failure();
    assert.equal(error.code, 'populate-interrupted', error.text);
    assert.match(error.text, /stopped the extension while it was adding the profiles; nothing was written/);
    assert.deepEqual(readFileSync(t.home.configPath), before);
    await preview();
    assert.match(await t.popup.textContent('[data-populate-counts]'), /0 to add, 0 to update, 0 to remove, 2,997 unchanged/);
  });

  it('the helper gone while the accounts are listed: the install command, the file untouched', async () => {
    const before = readFileSync(t.home.configPath);
    // The first role listings are held, so the helper can go while the worker lists.
    await t.emulator.control('POST', 'faults', { operation: 'ListAccountRoles', kind: 'delay', delay_ms: 3000, count: 4 });
    await openAddAll();
    await t.popup.fill('#populate-template', '{account_name}.{role_name}');
    await startJob(t.popup.getByRole('button', { name: 'Preview' }));
    await t.popup.locator('[data-populate-panel][data-populate-phase="listing"]').waitFor();
    const manifest = join(t.home.userDataDir, 'NativeMessagingHosts', 'com.sso_bridge.helper.json');
    assert.ok(existsSync(manifest));
    rmSync(manifest);
    for (const pid of helperProcesses(t.home.home)) process.kill(pid);
    const error = await failure();
    assert.equal(error.code, 'helper-missing', error.text);
    assert.match(error.text, /sso-bridge install --browser chromium --extension-id/);
    assert.deepEqual(readFileSync(t.home.configPath), before);
    await t.shot('populate-helper-missing');
    // Installed again for what follows.
    await run(HELPER_BIN(), ['install', '--browser', 'chromium', '--user-data-dir', t.home.userDataDir, '--extension-id', EXTENSION_ID()], {
      env: { ...process.env, ...t.home.env },
    });
  });

  it('a throttling storm the backoff gives up on: a clear message, the file untouched', async () => {
    const before = readFileSync(t.home.configPath);
    // More 429s than the listing's attempts (8 per request, 4 requests at a time) can wait out.
    await t.emulator.control('POST', 'faults', { operation: 'ListAccountRoles', kind: 'throttle', count: 400 });
    await preview();
    const error = await failure();
    assert.equal(error.code, 'populate-throttled', error.text);
    assert.match(error.text, /too many requests/);
    assert.match(error.text, /nothing was written/);
    await t.shot('populate-throttled');
    assert.deepEqual(readFileSync(t.home.configPath), before);
  });
});

describe('Add all: a directory too big for one helper message', () => {
  let t;
  before(async () => {
    // 9,000 accounts × 3 roles are about 1.1 MB as the helper's request: over its 1 MiB limit.
    t = await setup({ scenario: scenario({ accounts: [], generated_accounts: 9000, roles_per_account: 3 }) });
    writeFileSync(t.home.configPath, writeSessionConfig(t.home.env, { startUrl: t.emulator.startUrl }));
    await reloadAndSignIn(t);
  });
  after(async () => t?.close());

  it('says so and gives the sso-bridge populate command; the file untouched', async () => {
    const before = readFileSync(t.home.configPath);
    const { popup } = t;
    await sessionCard(popup, 'e2e').getByRole('button', { name: 'Add all…' }).click();
    await popup.locator('#populate-template').waitFor();
    await popup.getByRole('button', { name: 'Preview' }).click();
    const box = popup.locator('[data-populate-panel] [data-error-code]');
    await box.waitFor({ timeout: 180_000 });
    assert.equal(await box.getAttribute('data-error-code'), 'populate-too-large');
    const text = await box.textContent();
    assert.match(text, /9,000 accounts, 27,000 roles\) is 1\.\d MiB to send to the helper, over its 1 MiB message limit; nothing was written/);
    assert.equal(await popup.textContent('[data-populate-panel] [data-command]'), "sso-bridge populate --session e2e --template '{account_name}.{role_name}'");
    assert.deepEqual(readFileSync(t.home.configPath), before);
    await t.shot('populate-too-large');
  });
});

describe('Add all against a service throttled at 20 requests a second', () => {
  let t;
  before(async () => {
    // As `cargo xtask bench-populate` throttles the emulator: 20 requests a second, `Retry-After: 1`.
    t = await setup({
      scenario: scenario({
        accounts: [],
        generated_accounts: ACCOUNTS,
        roles_per_account: 3,
        throttling: { requests_per_second: 20, retry_after_seconds: 1 },
      }),
    });
    writeFileSync(t.home.configPath, writeSessionConfig(t.home.env, { startUrl: t.emulator.startUrl }));
    await reloadAndSignIn(t);
  });
  after(async () => t?.close());

  it('lists 1,000 accounts × 3 roles through the 429s with no failure and writes 3,000 profiles', async () => {
    const { popup } = t;
    await sessionCard(popup, 'e2e').getByRole('button', { name: 'Add all…' }).click();
    await popup.locator('#populate-template').waitFor();
    await popup.getByRole('button', { name: 'Preview' }).click();
    // 1,000 role listings and the account pages at 20 a second: about a minute.
    await popup.waitForFunction(
      () => ['planned', 'failed'].includes(document.querySelector('[data-populate-panel]')?.dataset.populatePhase),
      null,
      { timeout: 240_000 },
    );
    const failed = popup.locator('[data-populate-panel] [data-error-code]');
    assert.equal(await failed.count(), 0, `no failure: ${await failed.textContent().catch(() => '')}`);
    assert.match(await popup.textContent('[data-populate-counts]'), /3,000 to add/);
    const log = await t.emulator.requests();
    const throttled = log.filter((r) => r.operation === 'ListAccountRoles' && r.status === 429).length;
    assert.ok(throttled > 0, 'the emulator did throttle the listing');
    await popup.getByRole('button', { name: 'Write 3,000 changes' }).click();
    await popup.locator('[data-populate-result]').waitFor({ timeout: 60_000 });
    assert.equal(ours(await botocoreProfiles(t.home)).length, 3000, 'botocore reads 3,000 profiles');
  });
});
