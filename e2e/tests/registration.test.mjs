// Client-registration reuse, as `aws sso login` does it (spec §2): the extension reads the cached
// registration through the helper's `readRegistration` and the core reuses it while more than 15
// minutes remain and its kind (PKCE or device code) matches the flow. The emulator's request log
// shows whether RegisterClient was called.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { decideAuthorize, decideDevice, sessionCard, setup, signInTab, waitForStatus, writeSessionConfig } from '../lib/popup.mjs';

/** The CLI's registration file name: sha1 of Python's `json.dumps({...}, sort_keys=True)`. */
function registrationFileName(startUrl, sessionName, scopes) {
  const keyJson =
    `{"region": "us-east-1", "scopes": ${JSON.stringify(scopes).replaceAll('","', '", "')}, ` +
    `"session_name": ${JSON.stringify(sessionName)}, "startUrl": ${JSON.stringify(startUrl)}, "tool": "botocore"}`;
  return `.aws/sso/cache/${createHash('sha1').update(keyJson).digest('hex')}.json`;
}

async function operations(t) {
  return (await t.emulator.requests()).map((r) => r.operation).filter(Boolean);
}

async function signInPkce(t) {
  const tabPromise = signInTab(t.context, t.emulator.baseUrl);
  await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in', exact: true }).click();
  await decideAuthorize(await tabPromise, 'allow');
  await t.popup.bringToFront();
  await waitForStatus(t.popup, 'e2e', 'valid');
}

async function signInDevice(t) {
  const tabPromise = signInTab(t.context, t.emulator.baseUrl);
  await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign in with a code' }).click();
  await decideDevice(await tabPromise, 'allow');
  await t.popup.bringToFront();
  await waitForStatus(t.popup, 'e2e', 'valid');
}

async function signOut(t) {
  await sessionCard(t.popup, 'e2e').getByRole('button', { name: 'Sign out' }).click();
  await waitForStatus(t.popup, 'e2e', 'never');
}

describe('client registration reuse (RegisterClient only when the CLI would call it)', () => {
  let t;
  let registrationFile;
  before(async () => {
    t = await setup();
    writeFileSync(t.home.configPath, writeSessionConfig(t.home.env, { startUrl: t.emulator.startUrl }));
    await t.popup.reload();
    registrationFile = registrationFileName(t.emulator.startUrl, 'e2e', ['sso:account:access']);
  });
  after(async () => t?.close());

  it('a first PKCE sign-in registers a client and caches it under the CLI key, in the CLI format', async () => {
    await waitForStatus(t.popup, 'e2e', 'never');
    await t.emulator.control('POST', 'requests/clear');
    await signInPkce(t);
    const ops = await operations(t);
    assert.equal(ops.filter((o) => o === 'RegisterClient').length, 1, `one RegisterClient: ${ops}`);
    const text = t.home.awsFiles()[registrationFile];
    assert.ok(text, `the registration file is ${registrationFile}: ${Object.keys(t.home.awsFiles())}`);
    assert.match(
      text,
      /^\{"clientId": "[^"]+", "clientSecret": "[^"]+", "expiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "scopes": \["sso:account:access"\], "grantTypes": \["authorization_code", "refresh_token"\]\}$/,
    );
  });

  it('a second PKCE sign-in for the same session reuses it: no RegisterClient', async () => {
    await signOut(t);
    const before = t.home.awsFiles()[registrationFile];
    assert.ok(before, 'signing out keeps the registration, as `aws sso logout` does');
    await t.emulator.control('POST', 'requests/clear');
    await signInPkce(t);
    const ops = await operations(t);
    assert.ok(ops.includes('CreateToken'), `the sign-in happened: ${ops}`);
    assert.ok(!ops.includes('RegisterClient'), `no RegisterClient on reuse: ${ops}`);
    assert.equal(t.home.awsFiles()[registrationFile], before, 'the registration file is untouched');
    const token = Object.entries(t.home.awsFiles())
      .filter(([path]) => path.startsWith('.aws/sso/cache/'))
      .map(([, text]) => JSON.parse(text))
      .find((json) => 'accessToken' in json);
    assert.equal(token.clientId, JSON.parse(before).clientId, 'the token names the reused client');
  });

  it('a device-code sign-in after a PKCE one registers anew (kind mismatch), then reuses that', async () => {
    await signOut(t);
    await t.emulator.control('POST', 'requests/clear');
    await signInDevice(t);
    let ops = await operations(t);
    assert.equal(ops.filter((o) => o === 'RegisterClient').length, 1, `the device flow registered: ${ops}`);
    const deviceRegistration = JSON.parse(t.home.awsFiles()[registrationFile]);
    assert.equal(deviceRegistration.grantTypes, undefined, 'a device-code registration has no grantTypes');

    await signOut(t);
    await t.emulator.control('POST', 'requests/clear');
    await signInDevice(t);
    ops = await operations(t);
    assert.ok(ops.includes('CreateToken'), `the sign-in happened: ${ops}`);
    assert.ok(!ops.includes('RegisterClient'), `the device registration is reused: ${ops}`);
  });
});

// The CLI's registration key hashes `"scopes": null` when sso_registration_scopes is absent and
// `"scopes": []` when it is present but empty; the extension must find and write the same files.
for (const [label, scopesLine, keyScopes] of [
  ['absent', null, null],
  ['empty', '', []],
]) {
  describe(`registration cache key with sso_registration_scopes ${label}`, () => {
    let t;
    before(async () => {
      t = await setup();
      writeFileSync(
        t.home.configPath,
        writeSessionConfig(t.home.env, { startUrl: t.emulator.startUrl, scopes: scopesLine }),
      );
      await t.popup.reload();
    });
    after(async () => t?.close());

    it(`a PKCE sign-in caches the registration under the key with "scopes": ${JSON.stringify(keyScopes)}`, async () => {
      await waitForStatus(t.popup, 'e2e', 'never');
      await signInPkce(t);
      const file = registrationFileName(t.emulator.startUrl, 'e2e', keyScopes);
      const files = t.home.awsFiles();
      assert.ok(files[file], `expected ${file}: ${Object.keys(files)}`);
      // PKCE registers the default scope when none are configured, as the CLI does.
      assert.match(files[file], /"scopes": \["sso:account:access"\]/);
    });
  });
}
