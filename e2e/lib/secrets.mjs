// No secret in any log, error or screenshot: after each scenario, every file under e2e/artifacts/
// and the helper's log (in the temporary HOME's state directory) is searched for the secrets of
// that scenario, and for anything shaped like the emulator's tokens.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS } from './browser.mjs';

/**
 * The emulator's token shapes (emulator/src/service.rs): access tokens `aoa` + 120 letters and
 * digits, refresh tokens `aor` + 120, session tokens `IQoJb3JpZ2luX2VjE` + 220.
 */
const TOKEN_SHAPES = [/aoa[A-Za-z0-9]{120}/, /aor[A-Za-z0-9]{120}/, /IQoJb3JpZ2luX2VjE[A-Za-z0-9]{40}/];

/** Secret members of the JSON bodies the emulator received and of the files the helper wrote. */
const SECRET_MEMBERS = ['accessToken', 'refreshToken', 'clientSecret', 'codeVerifier', 'deviceCode', 'code', 'secretAccessKey', 'sessionToken'];

function collect(json, into) {
  if (Array.isArray(json)) json.forEach((item) => collect(item, into));
  else if (json && typeof json === 'object') {
    for (const [key, value] of Object.entries(json)) {
      if (SECRET_MEMBERS.includes(key) && typeof value === 'string' && value.length >= 8) into.add(value);
      else collect(value, into);
    }
  }
}

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** The secrets this scenario produced: from the emulator's (unredacted) request log and ~/.aws/sso/cache. */
export async function scenarioSecrets({ emulator, home }) {
  const secrets = new Set();
  try {
    const log = await emulator.control('GET', 'requests');
    for (const request of Array.isArray(log) ? log : (log.requests ?? [])) {
      for (const [name, value] of request.headers ?? []) {
        if (/bearer|authorization/i.test(name) && value.length >= 8) secrets.add(value.replace(/^Bearer /i, ''));
      }
      try {
        collect(JSON.parse(request.body), secrets);
      } catch {
        // not JSON
      }
    }
  } catch {
    // The emulator was stopped by the test: the cache files still hold what was issued.
  }
  for (const path of files(join(home.home, '.aws', 'sso', 'cache'))) {
    try {
      collect(JSON.parse(readFileSync(path, 'utf8')), secrets);
    } catch {
      // not JSON
    }
  }
  return secrets;
}

/** Throws naming the file (never the value) when an artifact or the helper's log holds a secret. */
export function assertNoSecretIn(secrets, home) {
  const places = [...files(ARTIFACTS), ...files(join(home.home, '.local', 'state')), ...files(join(home.home, '.config', 'sso-bridge'))];
  for (const path of places) {
    const text = readFileSync(path).toString('latin1');
    for (const secret of secrets) {
      if (text.includes(secret)) throw new Error(`${path} contains a secret of this scenario (${secret.length} characters)`);
    }
    for (const shape of TOKEN_SHAPES) {
      if (shape.test(text)) throw new Error(`${path} contains something shaped like an emulator token (${shape})`);
    }
  }
  return places.length;
}
