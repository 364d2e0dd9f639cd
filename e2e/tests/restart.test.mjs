// MV3 may stop the service worker at any moment: pending sign-ins must resume from
// chrome.storage.session after a restart (PKCE redirect wakes it; device-code polling restarts).

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { decideAuthorize, decideDevice, sessionCard, setup, signInTab, stopWorker, waitForStatus, writeSessionConfig } from '../lib/popup.mjs';

describe('sign-ins survive the service worker being stopped', () => {
  let t;
  before(async () => {
    t = await setup();
    writeFileSync(t.home.configPath, writeSessionConfig(t.home.env, { startUrl: t.emulator.startUrl }));
    await t.popup.reload();
    await waitForStatus(t.popup, 'e2e', 'never');
  });
  after(async () => t?.close());

  it('PKCE: the redirect after a restart still finishes the sign-in', async () => {
    const tabPromise = signInTab(t.context, t.emulator.baseUrl);
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in', exact: true }).click();
    const tab = await tabPromise;
    await t.popup.locator('[data-login="pkce"]').waitFor();
    await stopWorker(t);
    await decideAuthorize(tab, 'allow').catch(() => {});
    await t.popup.bringToFront();
    await t.popup.reload();
    await waitForStatus(t.popup, 'e2e', 'valid');
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign out' }).click();
    await waitForStatus(t.popup, 'e2e', 'never');
  });

  it('device code: polling resumes after a restart', async () => {
    const tabPromise = signInTab(t.context, t.emulator.baseUrl);
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in with a code' }).click();
    const tab = await tabPromise;
    const code = (await t.popup.locator('[data-user-code]').textContent())?.trim();
    await stopWorker(t);
    assert.equal(await decideDevice(tab, 'allow'), code);
    // Opening the popup wakes the worker, which resumes the poll from chrome.storage.session.
    await t.popup.reload();
    await waitForStatus(t.popup, 'e2e', 'valid');
  });
});
