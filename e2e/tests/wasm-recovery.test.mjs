// A trap in the core (a Rust panic, a memory fault: `WebAssembly.RuntimeError`) must not leave the
// service worker on a dead wasm instance until the browser stops it: the failed call reports a plain
// sentence, the worker re-instantiates the module, and the popup's next actions run on the fresh
// instance. The trap is real: the development worker's hook (absent from the store zips, see
// package.test.mjs) hands the core an object handle past the end of its memory.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { serviceWorker } from '../lib/browser.mjs';
import { decideAuthorize, sessionCard, setup, signInTab, waitForStatus, writeSessionConfig } from '../lib/popup.mjs';
import { EXTENSION_ID } from '../lib/system.mjs';

async function trap(t) {
  const worker = await serviceWorker(t.context, EXTENSION_ID());
  return worker.evaluate(() => globalThis.ssoBridgeTestTrap());
}

describe('the worker recovers from a trap in the wasm core', () => {
  let t;
  before(async () => {
    t = await setup();
    writeFileSync(t.home.configPath, writeSessionConfig(t.home.env, { startUrl: t.emulator.startUrl }));
    await t.popup.reload();
    await waitForStatus(t.popup, 'e2e', 'never');
  });
  after(async () => t?.close());

  it('the trapped call fails with a plain sentence and the worker runs a fresh instance', async () => {
    const result = await trap(t);
    assert.equal(result.trapped, true, 'the hook made the module trap');
    assert.equal(result.error.code, 'core-restarted');
    assert.match(result.error.message, /^The sign-in engine stopped on an internal error and has been restarted\.$/);
    assert.doesNotMatch(JSON.stringify(result.error), /RuntimeError|out of bounds|wasm|\bat\b.*:\d+/i, 'no trap text, no stack');
    assert.equal(result.freshInstance, true, 'the trapped instance was replaced');
  });

  it('the popup works again on the fresh instance: the overview parses the config, a sign-in finishes', async () => {
    await t.popup.reload();
    await waitForStatus(t.popup, 'e2e', 'never');
    const tabPromise = signInTab(t.context, t.emulator.baseUrl);
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in', exact: true }).click();
    await decideAuthorize(await tabPromise, 'allow');
    await t.popup.bringToFront();
    await waitForStatus(t.popup, 'e2e', 'valid');
  });

  it('a trap no call sees (in a microtask, as in one of the core\'s futures) replaces the instance too', async () => {
    const worker = await serviceWorker(t.context, EXTENSION_ID());
    const result = await worker.evaluate(() => globalThis.ssoBridgeTestTrapInMicrotask());
    assert.equal(result.freshInstance, true);
    await t.popup.reload();
    await waitForStatus(t.popup, 'e2e', 'valid');
  });

  it('a second trap is recovered from as well', async () => {
    const result = await trap(t);
    assert.equal(result.trapped, true);
    assert.equal(result.error.code, 'core-restarted');
    assert.equal(result.freshInstance, true);
    await t.popup.reload();
    await waitForStatus(t.popup, 'e2e', 'valid');
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign out' }).click();
    await waitForStatus(t.popup, 'e2e', 'never');
  });
});
