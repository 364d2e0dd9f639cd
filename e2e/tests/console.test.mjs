// "Open console" through the real extension, helper and emulator: GetRoleCredentials and
// getSigninToken in the worker's core, the federation login in a new tab, landing on the
// emulator's console page for exactly the role that was picked. The tab's navigations carry only
// the single-use sign-in token; nothing secret reaches chrome.storage.local or the popup.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decideAuthorize, sessionCard, setup, signInTab, waitForStatus, writeSessionConfig } from '../lib/popup.mjs';

/** The emulator's request log (unredacted: the test needs the credentials to look for them). */
async function requestLog(emulator) {
  const log = await emulator.control('GET', 'requests');
  return (Array.isArray(log) ? log : (log.requests ?? [])).map((request) => ({
    ...request,
    url: new URL(`${emulator.baseUrl}${request.path}?${request.query ?? ''}`),
    navigation: (request.headers ?? []).some(([name, value]) => name.toLowerCase() === 'sec-fetch-mode' && value === 'navigate'),
  }));
}

/** The console tab: the page whose navigation reached the emulator's /console page. */
async function consolePage(context, baseUrl, before, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = context.pages().find((page) => !before.has(page) && page.url().startsWith(`${baseUrl}/console?`));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no console tab within ${timeout} ms (tabs: ${context.pages().map((p) => p.url()).join(', ')})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The role credentials in getSigninToken requests (the worker's exchange). */
function exchangedCredentials(requests) {
  return requests
    .filter((request) => request.url.pathname === '/federation' && request.url.searchParams.get('Action') === 'getSigninToken')
    .flatMap((request) => {
      const session = JSON.parse(request.url.searchParams.get('Session'));
      return [session.sessionId, session.sessionKey, session.sessionToken];
    });
}

/** The text of the token cache file the helper wrote for the `e2e` session, and its path. */
function tokenFile(home) {
  const dir = join(home.home, '.aws', 'sso', 'cache');
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    if ('accessToken' in json) return { path, json };
  }
  throw new Error('no token cache file');
}

describe('Open console', () => {
  let t;
  before(async () => {
    t = await setup();
    // A profile for Production/ReadOnly (its region eu-central-1); Sandbox has no profile at all.
    const config = writeSessionConfig(t.home.env, { startUrl: t.emulator.startUrl, profile: 'prod-ro' }).replace('region = us-east-1\noutput', 'region = eu-central-1\noutput');
    writeFileSync(t.home.configPath, config);
    await t.popup.reload();
    const tab = signInTab(t.context, t.emulator.baseUrl);
    await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in', exact: true }).click();
    const signIn = await tab;
    await t.popup.bringToFront();
    await t.popup.locator('[data-login="pkce"]').waitFor();
    await signIn.bringToFront();
    // Listening before the click: the worker may close the tab as soon as the redirect comes.
    const closed = signIn.isClosed() ? Promise.resolve() : signIn.waitForEvent('close', { timeout: 30_000 });
    await decideAuthorize(signIn, 'allow');
    await closed;
    await t.popup.bringToFront();
    await waitForStatus(t.popup, 'e2e', 'valid');
  });
  after(async () => t?.close());

  it('opens the console of a role without a profile, in the chosen region and page; the tab sees only the sign-in token', async () => {
    const { popup, context, emulator } = t;
    await sessionCard(popup, 'e2e').getByRole('button', { name: 'Accounts' }).click();
    await popup.click('[data-account="444455556666"]');
    const control = popup.locator('[data-account-list] [data-console="444455556666/Developer"]');
    await control.waitFor();
    // The form starts with the session's region (no profile names one) and the console home.
    await control.locator('summary').click();
    const region = control.locator('[data-console-region]');
    await popup.waitForFunction((el) => el.value !== '', await region.elementHandle());
    assert.equal(await region.inputValue(), 'us-east-1');
    assert.equal(await control.locator('[data-console-destination]').inputValue(), '');
    await t.shot('console-options');
    await region.fill('eu-west-1');
    await control.locator('[data-console-destination]').fill('/ec2/home#Instances');

    const tabsBefore = new Set(context.pages());
    const seqBefore = Math.max(0, ...(await requestLog(emulator)).map((request) => request.seq));
    await control.locator('[data-action="console"]').click();
    const page = await consolePage(context, emulator.baseUrl, tabsBefore);
    assert.equal(await page.textContent('#console-account'), '444455556666');
    assert.equal(await page.textContent('#console-role'), 'Developer');
    assert.equal(await page.textContent('#console-region'), 'eu-west-1');
    assert.equal(
      await page.textContent('#console-destination'),
      'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances',
    );
    assert.equal(await page.textContent('#console-issuer'), 'sso-bridge');

    // What reached the emulator since the click: the worker's GetRoleCredentials and getSigninToken
    // (fetches), then the tab's navigations: the federation login (the single-use token only) and
    // the console page it redirected to.
    const since = (await requestLog(emulator)).filter((request) => request.seq > seqBefore);
    assert.deepEqual(
      since.map((request) => `${request.navigation ? 'tab' : 'worker'} ${request.url.pathname} ${request.url.searchParams.get('Action') ?? ''}`.trim()),
      ['worker /federation/credentials', 'worker /federation getSigninToken', 'tab /federation login', 'tab /console'],
    );
    const credentials = exchangedCredentials(since);
    assert.equal(credentials.length, 3, 'the worker exchanged one set of role credentials');
    const login = since.find((request) => request.navigation && request.url.pathname === '/federation').url;
    assert.deepEqual([...login.searchParams.keys()].sort(), ['Action', 'Destination', 'Issuer', 'SigninToken']);
    const signinToken = login.searchParams.get('SigninToken');
    for (const request of since.filter((r) => r.navigation)) {
      for (const secret of credentials) {
        assert.ok(!request.url.href.includes(secret) && !request.url.href.includes(encodeURIComponent(secret)), 'no credential in a tab URL');
      }
    }
    assert.ok(!page.url().includes(signinToken), 'the console page URL has no token');
    // The token is single-use: the same login URL again is refused.
    const replay = await context.request.get(login.href, { maxRedirects: 0 });
    assert.equal(replay.status(), 400);

    // chrome.storage.local: the remembered choice (ids, names, region, page), nothing secret.
    const stored = JSON.stringify(await t.worker.evaluate(() => chrome.storage.local.get(null)));
    const { json: token } = tokenFile(t.home);
    for (const secret of [...credentials, signinToken, token.accessToken, token.refreshToken]) {
      assert.ok(!stored.includes(secret), 'nothing secret in chrome.storage.local');
    }
    const choices = JSON.parse(stored).consoleChoices;
    assert.deepEqual(Object.keys(choices), ['444455556666/Developer']);
    assert.equal(choices['444455556666/Developer'].region, 'eu-west-1');
    assert.equal(choices['444455556666/Developer'].destination, '/ec2/home#Instances');
    // The popup never got the URL.
    const popupText = await popup.evaluate(() => document.documentElement.outerHTML);
    assert.ok(!popupText.includes(signinToken), 'the sign-in URL never reaches the popup');
    await page.close();
  });

  it('remembers the last region and page per role; a configured profile opens in its region', async () => {
    const { popup, context, emulator } = t;
    await popup.bringToFront();
    await popup.reload();
    await sessionCard(popup, 'e2e').getByRole('button', { name: 'Accounts' }).click();
    // The role opened in the test before is among the recently used ones at the top.
    await popup.locator('[data-recent] [data-role-row="Developer"][data-account-id="444455556666"]').waitFor();
    await popup.click('[data-account="444455556666"]');
    const control = popup.locator('[data-account-list] [data-console="444455556666/Developer"]');
    // Without opening the form: the remembered choice.
    let tabsBefore = new Set(context.pages());
    await control.locator('[data-action="console"]').click();
    let page = await consolePage(context, emulator.baseUrl, tabsBefore);
    assert.equal(await page.textContent('#console-region'), 'eu-west-1');
    assert.match(await page.textContent('#console-destination'), /\/ec2\/home\?region=eu-west-1#Instances$/);
    await page.close();
    await popup.bringToFront();
    await control.locator('summary').click();
    const region = control.locator('[data-console-region]');
    await popup.waitForFunction((el) => el.value !== '', await region.elementHandle());
    assert.equal(await region.inputValue(), 'eu-west-1');
    assert.equal(await control.locator('[data-console-destination]').inputValue(), '/ec2/home#Instances');

    // The profile row on the home view: Production/ReadOnly in the profile's region.
    await popup.click('#nav-home');
    tabsBefore = new Set(context.pages());
    await popup.locator('[data-profile="prod-ro"] [data-action="console"]').click();
    page = await consolePage(context, emulator.baseUrl, tabsBefore);
    assert.equal(await page.textContent('#console-account'), '111122223333');
    assert.equal(await page.textContent('#console-role'), 'ReadOnly');
    assert.equal(await page.textContent('#console-region'), 'eu-central-1');
    assert.match(await page.textContent('#console-destination'), /^https:\/\/eu-central-1\.console\.aws\.amazon\.com\/console\/home\?region=eu-central-1$/);
    await page.close();
  });

  it('a bad page, an expired and a missing session: a clear message, no tab', async () => {
    const { popup, context } = t;
    await popup.bringToFront();
    await sessionCard(popup, 'e2e').getByRole('button', { name: 'Accounts' }).click();
    await popup.click('[data-account="111122223333"]');
    const control = popup.locator('[data-account-list] [data-console="111122223333/Admin"]');
    await control.waitFor();
    const tabsBefore = context.pages().length;

    await control.locator('summary').click();
    const destination = control.locator('[data-console-destination]');
    await popup.waitForFunction((el) => el.value !== '', await control.locator('[data-console-region]').elementHandle());
    await destination.fill('ec2');
    await control.locator('[data-action="console"]').click();
    const box = control.locator('[data-error-code]');
    await box.waitFor();
    assert.equal(await box.getAttribute('data-error-code'), 'invalid_destination');
    assert.match(await box.textContent(), /neither an https:\/\/ URL nor a console path/);
    await destination.fill('');

    const { path, json } = tokenFile(t.home);
    writeFileSync(path, JSON.stringify({ ...json, expiresAt: '2020-01-01T00:00:00Z' }));
    await control.locator('[data-action="console"]').click();
    await popup.waitForFunction(() => document.querySelector('[data-console="111122223333/Admin"] [data-error-code]')?.getAttribute('data-error-code') === 'token-expired');
    assert.match(await box.textContent(), /The sign-in for "e2e" has expired/);
    await t.shot('console-error');

    rmSync(path);
    await control.locator('[data-action="console"]').click();
    await popup.waitForFunction(() => document.querySelector('[data-console="111122223333/Admin"] [data-error-code]')?.getAttribute('data-error-code') === 'not-signed-in');
    assert.match(await box.textContent(), /You are not signed in to "e2e"/);
    assert.equal(context.pages().length, tabsBefore, 'no console tab opened');
  });
});
