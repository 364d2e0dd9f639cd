// Benchmark: popup open → first session card drawn, with a warm service worker, for a 5,000-profile
// config (1,000 accounts × 5 roles, what populating a big directory produces) against a 2-profile
// config as the baseline in the same run. Not a test: it prints medians and their ratio.
//
//   cargo xtask bench-popup [--runs N] [--warmup N]   (on dist/chromium; build it first to measure a change)
//
// Options: --runs N (default 25), --warmup N (default 5).

import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launch, openPopup, serviceWorker } from '../lib/browser.mjs';
import { EXTENSION_DIR, EXTENSION_ID, tempHome } from '../lib/system.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '25' }, warmup: { type: 'string', default: '5' } } });
const RUNS = Number(values.runs);
const WARMUP = Number(values.warmup);

/** One sso-session with `accounts × roles` profiles, as `aws configure sso` would write them. */
function bigConfig(accounts, roles) {
  const lines = ['[sso-session big]', 'sso_start_url = https://big.awsapps.com/start', 'sso_region = us-east-1', 'sso_registration_scopes = sso:account:access', ''];
  for (let a = 0; a < accounts; a++) {
    const accountId = String(100000000000 + a * 7919);
    for (let r = 0; r < roles; r++) {
      lines.push(`[profile role${r}-${accountId}]`, 'sso_session = big', `sso_account_id = ${accountId}`, `sso_role_name = Role${r}`, 'region = us-east-1', 'output = json', '');
    }
  }
  return lines.join('\n');
}

/** A token cache entry for the session, so the card shows "signed in" with every profile's buttons. */
function signedInToken(home) {
  mkdirSync(home.cacheDir, { recursive: true });
  const expiresAt = new Date(Date.now() + 8 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  // The CLI names the file after the SHA-1 of the sso-session name.
  writeFileSync(
    join(home.cacheDir, `${createHash('sha1').update('big').digest('hex')}.json`),
    JSON.stringify({ startUrl: 'https://big.awsapps.com/start', region: 'us-east-1', accessToken: 'bench', expiresAt }),
  );
}

async function measure(configText) {
  const home = await tempHome({ install: true });
  writeFileSync(home.configPath, configText);
  signedInToken(home);
  const context = await launch({ userDataDir: home.userDataDir, extensionDir: EXTENSION_DIR(), env: home.env });
  try {
    await serviceWorker(context, EXTENSION_ID());
    const page = await openPopup(context, EXTENSION_ID());
    const url = page.url();
    const times = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const start = performance.now();
      await page.goto(url);
      await page.locator('[data-session]').first().waitFor({ timeout: 60_000 });
      const elapsed = performance.now() - start;
      if (i >= WARMUP) times.push(elapsed);
    }
    const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    return { times, nodes };
  } finally {
    await context.close().catch(() => {});
    home.cleanup();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const small = await measure(bigConfig(1, 2));
const big = await measure(bigConfig(1000, 5));
const row = (name, r) =>
  `${name.padEnd(22)} ${median(r.times).toFixed(0).padStart(6)} ms  (min ${Math.min(...r.times).toFixed(0)}, max ${Math.max(...r.times).toFixed(0)}, ${r.nodes} DOM elements)`;
console.log(`popup open → first session card, warm worker, median of ${RUNS} runs after ${WARMUP} warm-up`);
console.log(row('2 profiles (baseline)', small));
console.log(row('5,000 profiles', big));
console.log(`ratio 5,000 / 2: ${(median(big.times) / median(small.times)).toFixed(2)}×`);
