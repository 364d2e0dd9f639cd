// What the zips carry: the store builds no development key and no loopback host permission; the
// development builds both (the e2e tests and the demo need them), and their worker has the e2e
// tests' trap hook (a separate entry file the store builds lack); otherwise the same files.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from '../lib/system.mjs';

const { version } = JSON.parse(readFileSync(join(REPO, 'manifest.json'), 'utf8'));
const zipPath = (name) => join(REPO, 'dist', `sso-bridge-${name}-${version}.zip`);

/** The names in a zip and the parsed manifest.json inside it (read with Python's zipfile). */
function zipContents(name) {
  const script = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    print(json.dumps({"names": sorted(z.namelist()), "manifest": json.loads(z.read("manifest.json"))}))
`;
  return JSON.parse(execFileSync('python3', ['-c', script, zipPath(name)], { encoding: 'utf8' }));
}

const LOOPBACK = 'http://127.0.0.1/*';
/** The development worker: the plain one plus the e2e tests' trap hook (wasm-recovery.test.mjs). */
const DEV_WORKER = 'worker/dev-background.js';
const HOOK = 'ssoBridgeTestTrap';

/** One file of a zip, as text. */
function zipText(zipName, name) {
  const script = `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    sys.stdout.write(z.read(sys.argv[2]).decode("utf-8", "replace"))
`;
  return execFileSync('python3', ['-c', script, join(REPO, 'dist', `${zipName}-${version}.zip`), name], { encoding: 'utf8', maxBuffer: 1 << 26 });
}

describe('the store and development zips', () => {
  const store = { chromium: zipContents('chromium'), firefox: zipContents('firefox') };
  const dev = { chromium: zipContents('chromium-dev'), firefox: zipContents('firefox-dev') };

  it('the store zips carry no public key and no loopback host permission', () => {
    for (const [browser, { manifest }] of Object.entries(store)) {
      assert.equal(manifest.key, undefined, `${browser} store zip has no "key"`);
      assert.ok(!manifest.host_permissions.includes(LOOPBACK), `${browser} store zip cannot reach loopback`);
      assert.ok(!manifest.host_permissions.some((host) => host.startsWith('http:')), `${browser}: https hosts only`);
    }
  });

  it('the Chromium development zip keeps the key (the stable development ID) and the loopback permission', () => {
    const source = JSON.parse(readFileSync(join(REPO, 'manifest.json'), 'utf8'));
    assert.ok(source.key, 'manifest.json has the development key');
    assert.equal(dev.chromium.manifest.key, source.key);
    assert.ok(dev.chromium.manifest.host_permissions.includes(LOOPBACK));
    assert.ok(dev.firefox.manifest.host_permissions.includes(LOOPBACK));
    assert.equal(dev.firefox.manifest.key, undefined, 'Firefox ignores "key"; its ID is the gecko id');
  });

  it('the store zips have no test hook: no development worker, no file naming the hook', () => {
    for (const [browser, { names, manifest }] of Object.entries(store)) {
      assert.ok(!names.includes(DEV_WORKER), `${browser} store zip has no ${DEV_WORKER}`);
      const worker = manifest.background.service_worker ?? manifest.background.scripts?.[0];
      assert.equal(worker, 'worker/background.js', `${browser} store zip runs the plain worker`);
      for (const name of names.filter((n) => /\.(js|html|json)$/.test(n))) {
        assert.ok(!zipText(`sso-bridge-${browser}`, name).includes(HOOK), `${browser} store zip: ${name} names ${HOOK}`);
      }
    }
    assert.ok(zipText('sso-bridge-chromium-dev', DEV_WORKER).includes(HOOK), 'the development worker has the hook');
  });

  it('store and development builds have the same files and differ only in those manifest fields', () => {
    for (const browser of ['chromium', 'firefox']) {
      assert.deepEqual(store[browser].names, dev[browser].names.filter((name) => name !== DEV_WORKER));
      const { key: _k, host_permissions: devHosts, background: devBackground, ...devRest } = dev[browser].manifest;
      const { host_permissions: storeHosts, background: storeBackground, ...storeRest } = store[browser].manifest;
      assert.deepEqual(storeRest, devRest);
      assert.deepEqual(devHosts.filter((host) => host !== LOOPBACK), storeHosts);
      const devWorker = (b) => (b.service_worker ? { ...b, service_worker: DEV_WORKER } : { ...b, scripts: [DEV_WORKER] });
      assert.deepEqual(devBackground, devWorker(storeBackground));
    }
  });
});
