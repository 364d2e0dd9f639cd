// The parts around the browser: the emulator process, a throw-away HOME with the helper installed,
// and the real AWS clients (boto3, /usr/bin/aws) as referees. Paths come from the environment set by
// `cargo xtask test` / `cargo xtask demo` (SSO_BRIDGE_BIN, SSO_BRIDGE_EMULATOR_BIN, ...).

import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const REPO = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e tests through \`cargo xtask test\`.`);
  return value;
}

export const HELPER_BIN = () => required('SSO_BRIDGE_BIN');
export const EMULATOR_BIN = () => required('SSO_BRIDGE_EMULATOR_BIN');
export const EXTENSION_DIR = () => required('SSO_BRIDGE_EXTENSION_DIR');
export const EXTENSION_ID = () => required('SSO_BRIDGE_EXTENSION_ID');

/** The default scenario: one start URL, two named accounts with two roles each, fixed seed. */
export function scenario(overrides = {}) {
  return {
    region: 'us-east-1',
    start_urls: ['https://e2e.awsapps.com/start'],
    seed: 7,
    users: [{ username: 'alice' }],
    accounts: [
      { account_id: '111122223333', account_name: 'Production', email_address: 'prod@example.com', roles: ['ReadOnly', 'Admin'] },
      { account_id: '444455556666', account_name: 'Sandbox', email_address: 'sandbox@example.com', roles: ['Developer', 'ReadOnly'] },
    ],
    ...overrides,
  };
}

/** Starts `sso-bridge-emulator --port 0 --control` with a scenario; resolves once it printed its URL. */
export async function startEmulator(scenarioValue = scenario(), extraArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'sso-bridge-emu-'));
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenarioValue, null, 2));
  const child = spawn(EMULATOR_BIN(), ['--port', '0', '--control', '--scenario', file, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the emulator did not print its URL within 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code} before it started`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim().replace(/\/+$/, ''));
    });
  });
  lines.on('line', () => {}); // keep draining stdout
  const control = async (method, path, body) => {
    const response = await fetch(`${baseUrl}/_emulator/${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator control ${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return {
    baseUrl,
    startUrl: scenarioValue.start_urls?.[0] ?? 'https://e2e.awsapps.com/start',
    control,
    requests: async () => {
      const log = await control('GET', 'requests?redacted=1');
      return Array.isArray(log) ? log : (log.requests ?? []);
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh HOME with `~/.aws/` and a Chromium profile directory; optionally the helper installed. */
export async function tempHome({ install = true } = {}) {
  const home = mkdtempSync(join(tmpdir(), 'sso-bridge-home-'));
  const userDataDir = join(home, 'chromium-profile');
  mkdirSync(join(home, '.aws'), { recursive: true });
  mkdirSync(userDataDir, { recursive: true });
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
  };
  if (install) {
    await run(
      HELPER_BIN(),
      ['install', '--browser', 'chromium', '--user-data-dir', userDataDir, '--extension-id', EXTENSION_ID()],
      { env: { ...process.env, ...env } },
    );
  }
  return {
    home,
    userDataDir,
    env,
    configPath: env.AWS_CONFIG_FILE,
    cacheDir: join(home, '.aws', 'sso', 'cache'),
    /** Every file under ~/.aws with its bytes, to check what changed (or that nothing did). */
    awsFiles() {
      const found = {};
      const walk = (dir) => {
        if (!existsSync(dir)) return;
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) walk(path);
          else found[path.slice(home.length + 1)] = readFileSync(path, 'utf8');
        }
      };
      walk(join(home, '.aws'));
      return found;
    },
    cleanup() {
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The project's Python venv with pinned boto3 (`.venv/`, made by the xtask; see xtask/src/python.rs). */
export async function boto3Python() {
  return required('SSO_BRIDGE_PYTHON');
}

/** Role credentials through boto3's SSO provider, from the files in `home` only. */
export async function boto3Credentials(home, profile, emulatorUrl) {
  const python = await boto3Python();
  const script = `
import json, boto3
session = boto3.Session(profile_name=${JSON.stringify(profile)})
c = session.get_credentials().get_frozen_credentials()
print(json.dumps({"accessKeyId": c.access_key, "secretAccessKey": c.secret_key, "sessionToken": c.token}))
`;
  const { stdout } = await run(python, ['-c', script], {
    env: {
      PATH: process.env.PATH,
      ...home.env,
      AWS_ENDPOINT_URL_SSO: emulatorUrl,
      AWS_ENDPOINT_URL_SSO_OIDC: emulatorUrl,
    },
  });
  return JSON.parse(stdout);
}

/**
 * Role credentials through the real AWS CLI v2 (/usr/bin/aws, 2.9.19: predates AWS_ENDPOINT_URL_*, so
 * the emulator is named through an endpoints data file loaded with AWS_DATA_PATH).
 */
export async function awsCliCredentials(home, profile, emulatorUrl, region = 'us-east-1') {
  const dataDir = join(home.home, 'aws-data');
  const endpoints = {
    version: 3,
    partitions: [
      {
        partition: 'aws',
        partitionName: 'AWS Standard',
        dnsSuffix: 'amazonaws.com',
        regionRegex: '^(us|eu|ap|sa|ca|me|af|il|mx)\\-\\w+\\-\\d+$',
        defaults: { hostname: '{service}.{region}.{dnsSuffix}', protocols: ['https'], signatureVersions: ['v4'] },
        regions: { [region]: { description: 'e2e' } },
        services: {
          oidc: { endpoints: { [region]: { hostname: new URL(emulatorUrl).host, protocols: ['http'] } } },
          'portal.sso': { endpoints: { [region]: { hostname: new URL(emulatorUrl).host, protocols: ['http'] } } },
        },
      },
    ],
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'endpoints.json'), JSON.stringify(endpoints));
  const { stdout } = await run('/usr/bin/aws', ['configure', 'export-credentials', '--profile', profile, '--format', 'process'], {
    env: { PATH: process.env.PATH, ...home.env, AWS_DATA_PATH: dataDir },
  });
  const parsed = JSON.parse(stdout);
  return { accessKeyId: parsed.AccessKeyId, secretAccessKey: parsed.SecretAccessKey, sessionToken: parsed.SessionToken };
}
