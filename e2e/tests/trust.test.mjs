// The trust boundaries of the sign-in (issue 14): where the PKCE redirect may go and who may answer
// it, what a hostile or broken endpoint can make the extension do, and what the user sees when a
// sign-in fails.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { decideAuthorize, sessionCard, setEndpoint, setup, signInTab, waitForStatus, writeSessionConfig } from '../lib/popup.mjs';
import { startListener, startProxy } from '../lib/proxy.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The redirect URI and state the worker put into the authorize URL of the sign-in tab. */
function authorizeParams(tab) {
  const url = new URL(tab.url());
  return { redirectUri: url.searchParams.get('redirect_uri'), state: url.searchParams.get('state') };
}

async function cardError(popup, timeout = 20_000) {
  const box = popup.locator('[data-session="session:e2e"] [data-error-code]');
  await box.first().waitFor({ timeout });
  return { count: await box.count(), code: await box.first().getAttribute('data-error-code'), text: (await box.first().textContent()) ?? '' };
}

describe('sign-in trust boundaries', () => {
  let t;
  const closers = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await t?.close();
    t = undefined;
  });

  async function withSession() {
    t = await setup();
    writeFileSync(t.home.configPath, writeSessionConfig(t.home.env, { startUrl: t.emulator.startUrl, profile: 'p' }));
    await t.popup.reload();
    await waitForStatus(t.popup, 'e2e', 'never');
  }

  async function startPkce() {
    const tabPromise = signInTab(t.context, t.emulator.baseUrl);
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in', exact: true }).click();
    const tab = await tabPromise;
    await tab.waitForLoadState('domcontentloaded');
    return tab;
  }

  it('the loopback redirect never reaches a listener on its port; the tab closes at once', async () => {
    await withSession();
    const tab = await startPkce();
    const { redirectUri } = authorizeParams(tab);
    const listener = await startListener(Number(new URL(redirectUri).port));
    closers.push(listener.close);
    const closed = tab.waitForEvent('close', { timeout: 15_000 });
    await decideAuthorize(tab, 'allow');
    await closed;
    await t.popup.bringToFront();
    await waitForStatus(t.popup, 'e2e', 'valid');
    assert.deepEqual(listener.seen, [], 'nothing on 127.0.0.1 saw the code and state');
  });

  it('a callback from another tab is ignored, even with the right state', async () => {
    await withSession();
    const tab = await startPkce();
    const { redirectUri, state } = authorizeParams(tab);
    const other = await t.context.newPage();
    const forged = `${redirectUri}?error=access_denied&error_description=Forged+by+another+page&state=${state}`;
    await other.goto(forged).catch(() => {}); // blocked: the navigation fails, as it should
    await sleep(1500);
    await t.popup.bringToFront();
    await t.popup.locator('[data-session="session:e2e"] [data-login="pkce"]').waitFor({ timeout: 5000 });
    assert.equal(await t.popup.locator('[data-error-code]').count(), 0, 'the forged answer failed nothing');
    await decideAuthorize(tab, 'allow');
    await waitForStatus(t.popup, 'e2e', 'valid');
  });

  it('an unreachable sign-in page fails the sign-in at once with the network reason', async () => {
    await withSession();
    // The API answers; the sign-in page's connection is dropped (what the browser sees of a host it cannot reach).
    const proxy = await startProxy(t.emulator.baseUrl, { answer: ({ path }) => (path.startsWith('/authorize') ? { drop: true } : undefined) });
    closers.push(proxy.close);
    await setEndpoint(t.popup, proxy.baseUrl);
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in', exact: true }).click();
    const { code, text } = await cardError(t.popup);
    assert.equal(code, 'network');
    assert.match(text, /could not be opened.*ERR_/);
    await t.shot('30-error-signin-page-unreachable');
  });

  it('the session card shows the latest failure, also after the popup is reopened', async () => {
    await withSession();
    const tab = await startPkce();
    await decideAuthorize(tab, 'deny').catch(() => {});
    await t.popup.bringToFront();
    assert.match((await cardError(t.popup)).text, /denied/i);
    await t.emulator.stop();
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in', exact: true }).click();
    await t.popup.waitForFunction(() => !/denied/i.test(document.querySelector('[data-session="session:e2e"]')?.textContent ?? ''), null, { timeout: 45_000 });
    let shown = await cardError(t.popup);
    assert.equal(shown.count, 1, 'one message on the card');
    assert.match(shown.text, /network|connect|reach/i);
    assert.equal(await t.popup.locator('[data-error-code]').count(), 1, 'and not a second copy above it');
    await t.popup.reload();
    shown = await cardError(t.popup);
    assert.match(shown.text, /network|connect|reach/i, 'still shown after reopening the popup');
  });

  it('the browser transport never follows a redirect (a POST is not re-sent elsewhere)', async () => {
    await withSession();
    const proxy = await startProxy(t.emulator.baseUrl, {
      answer: ({ path }) => (path.startsWith('/client/register') ? { status: 307, headers: { location: `${t.emulator.baseUrl}/client/register` } } : undefined),
    });
    closers.push(proxy.close);
    await setEndpoint(t.popup, proxy.baseUrl);
    await t.emulator.control('POST', 'requests/clear');
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in', exact: true }).click();
    await cardError(t.popup, 60_000);
    const ops = (await t.emulator.requests()).map((r) => r.operation).filter(Boolean);
    assert.ok(!ops.includes('RegisterClient'), `the redirect target saw nothing: ${ops}`);
  });

  it('a device verification URI off the AWS sign-in hosts and the endpoint is neither opened nor linked', async () => {
    await withSession();
    const hostile = 'http://127.0.0.2:9/device';
    const proxy = await startProxy(t.emulator.baseUrl, {
      rewrite: ({ path }, json) => (path.startsWith('/device_authorization') ? { ...json, verificationUri: hostile, verificationUriComplete: `${hostile}?user_code=X` } : json),
    });
    closers.push(proxy.close);
    await setEndpoint(t.popup, proxy.baseUrl);
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in with a code' }).click();
    const { code } = await cardError(t.popup);
    assert.equal(code, 'untrusted-verification-uri');
    await sleep(500);
    assert.ok(!t.context.pages().some((page) => page.url().startsWith('http://127.0.0.2')), 'no tab opened it');
    assert.equal(await t.popup.locator('a[href^="http://127.0.0.2"]').count(), 0, 'no link to it');
  });
});
