// The secret check every scenario's teardown runs (lib/secrets.mjs) finds what it must find.

import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ARTIFACTS } from '../lib/browser.mjs';
import { assertNoSecretIn, scenarioSecrets } from '../lib/secrets.mjs';
import { tempHome } from '../lib/system.mjs';

describe('the artifact secret check', () => {
  it('finds a cached token in an artifact and in the helper log, and token-shaped text anywhere', async () => {
    const home = await tempHome({ install: false });
    const probe = join(ARTIFACTS, 'zz-secret-check-probe.txt');
    const helperLog = join(home.home, '.local', 'state', 'sso-bridge', 'helper.log');
    try {
      const token = `aoa${'Q'.repeat(120)}`;
      const clientSecret = 'a-client-secret-from-the-cache';
      mkdirSync(join(home.home, '.aws', 'sso', 'cache'), { recursive: true });
      writeFileSync(join(home.home, '.aws', 'sso', 'cache', 'x.json'), JSON.stringify({ accessToken: token, clientSecret }));
      const offline = { control: async () => { throw new Error('stopped'); } };
      const secrets = await scenarioSecrets({ emulator: offline, home });
      assert.ok(secrets.has(token) && secrets.has(clientSecret));
      mkdirSync(ARTIFACTS, { recursive: true });
      assert.ok(assertNoSecretIn(secrets, home) >= 0, 'nothing found while nothing leaked');
      writeFileSync(probe, `error: ${clientSecret}\n`);
      assert.throws(() => assertNoSecretIn(secrets, home), /zz-secret-check-probe\.txt contains a secret/);
      rmSync(probe);
      mkdirSync(join(home.home, '.local', 'state', 'sso-bridge'), { recursive: true });
      writeFileSync(helperLog, `request storeToken failed: aor${'z'.repeat(120)}\n`);
      assert.throws(() => assertNoSecretIn(new Set(), home), /helper\.log contains something shaped like an emulator token/);
    } finally {
      rmSync(probe, { force: true });
      home.cleanup();
    }
  });
});
