// Builds the extension from the one manifest at the repository root, as store and development builds:
//   dist/chromium/, dist/sso-bridge-chromium-<version>.zip    store build: no `key`, no loopback host
//   dist/firefox/, dist/sso-bridge-firefox-<version>.zip      store build: background scripts, gecko id
//   dist/chromium-dev/, dist/sso-bridge-chromium-dev-<version>.zip
//       development build: the public `key` (a stable development ID the helper can be told to trust
//       with `install --dev`) and `http://127.0.0.1/*` for the local emulator
//   dist/firefox-dev/, dist/sso-bridge-firefox-dev-<version>.zip   the same for Firefox
// A store build must not carry the key (anyone could load an unpacked copy with the store's ID) nor
// reach loopback services, nor the development worker's test hook (a way to make the core trap);
// e2e/tests/package.test.mjs checks the zips.
// Steps: copy the core's module and glue (target/extension-wasm/web/, built by `cargo xtask dist`) next to the sources, type-check and
// compile with tsc (plain ES modules, no bundler), assemble both trees, zip them deterministically.
// Run through `cargo xtask dist` (which runs `npm ci` here first) or `node build.mjs` after it.

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const dist = join(root, 'dist');
// The extension's own web build of the core (xtask/src/wasm.rs, build_extension_glue): the package's
// module with glue that can re-instantiate it after a trap. `cargo xtask` sets the variable.
const pkg = process.env.SSO_BRIDGE_PKG_DIR ?? join(root, 'target', 'extension-wasm', 'web');
const WASM_FILES = ['sso_bridge.js', 'sso_bridge.d.ts', 'sso_bridge_bg.wasm'];

function die(message) {
  console.error(`extension build: ${message}`);
  process.exit(1);
}

// 1. The manifest's version must equal the Rust workspace version (one version for everything).
const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
const workspaceVersion = /\[workspace\.package\][^[]*?\bversion\s*=\s*"([^"]+)"/s.exec(cargo)?.[1];
if (workspaceVersion && workspaceVersion !== manifest.version) {
  die(`manifest.json version ${manifest.version} differs from the workspace version ${workspaceVersion}; make them equal.`);
}

// 2. The wasm package, copied next to the sources so tsc type-checks against its .d.ts.
for (const file of WASM_FILES) {
  if (!existsSync(join(pkg, file))) {
    die(`${join(pkg, file)} is missing: build the wasm package first (cargo xtask dist).`);
  }
}
const wasmSrc = join(here, 'src', 'wasm');
rmSync(wasmSrc, { recursive: true, force: true });
mkdirSync(wasmSrc, { recursive: true });
for (const file of WASM_FILES) cpSync(join(pkg, file), join(wasmSrc, file));
// wasm-bindgen's JS snippets (the fetch and timer helpers of wasm/src/effects.rs), imported by the glue.
const snippets = join(pkg, 'snippets');
if (existsSync(snippets)) cpSync(snippets, join(wasmSrc, 'snippets'), { recursive: true });

// 3. Type-check and compile.
const build = join(here, 'build');
rmSync(build, { recursive: true, force: true });
const tsc = join(here, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(tsc)) die('TypeScript is not installed: run `npm ci` in extension/.');
try {
  execFileSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.json')], { stdio: 'inherit' });
} catch {
  die('tsc reported errors (above).');
}

// 4. Assemble the two trees.
/** The development builds' service worker: the worker plus the e2e tests' trap hook (src/worker/dev-background.ts). */
const DEV_WORKER = 'worker/dev-background.js';
function assemble(target, browserManifest) {
  const dev = target.endsWith('-dev');
  const out = join(dist, target);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(browserManifest, null, 2)}\n`);
  cpSync(join(here, 'icons'), join(out, 'icons'), { recursive: true });
  cpSync(build, out, {
    recursive: true,
    filter: (src) => !src.endsWith('.d.ts') && (dev || relative(build, src).split(sep).join('/') !== DEV_WORKER),
  });
  for (const file of ['popup.html', 'popup.css']) cpSync(join(here, 'src', 'popup', file), join(out, 'popup', file));
  mkdirSync(join(out, 'wasm'), { recursive: true });
  for (const file of ['sso_bridge.js', 'sso_bridge_bg.wasm']) cpSync(join(pkg, file), join(out, 'wasm', file));
  if (existsSync(snippets)) cpSync(snippets, join(out, 'wasm', 'snippets'), { recursive: true });
  // The licence travels with the code (Apache-2.0 §4), and so do those of the crates in the module.
  cpSync(join(root, 'LICENSE'), join(out, 'LICENSE'));
  cpSync(join(pkg, 'THIRD-PARTY-NOTICES.md'), join(out, 'THIRD-PARTY-NOTICES.md'));
  return out;
}

const { browser_specific_settings: gecko, ...common } = manifest;
/** Host permissions only the development builds have: the local emulator on loopback. */
const DEV_ONLY_HOSTS = new Set(['http://127.0.0.1/*']);
const { key: _key, ...keyless } = common;
const storeBase = { ...keyless, host_permissions: common.host_permissions.filter((host) => !DEV_ONLY_HOSTS.has(host)) };
/**
 * Firefox only: "open each account's console in its own container" (Settings) makes and finds the
 * account's container (`contextualIdentities`) and opens the tab in it (`cookieStoreId` needs `cookies`).
 * Chromium has neither API and would warn about the unknown permission.
 */
const FIREFOX_ONLY_PERMISSIONS = ['contextualIdentities', 'cookies'];
// Firefox: event-page background scripts (no service worker in its MV3 yet), the gecko id, no `key`.
function forFirefox(base) {
  const { key: _k, minimum_chrome_version: _min, background, ...rest } = base;
  return {
    ...rest,
    permissions: [...rest.permissions, ...FIREFOX_ONLY_PERMISSIONS],
    background: { scripts: [background.service_worker], type: background.type },
    browser_specific_settings: gecko,
  };
}

const devBase = { ...common, background: { ...common.background, service_worker: DEV_WORKER } };

mkdirSync(dist, { recursive: true });
const trees = {
  chromium: assemble('chromium', storeBase),
  firefox: assemble('firefox', forFirefox(storeBase)),
  'chromium-dev': assemble('chromium-dev', devBase),
  'firefox-dev': assemble('firefox-dev', forFirefox(devBase)),
};

// 5. Zips: stored in a fixed order with a fixed timestamp, so the same sources give the same bytes.
function files(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
}

function zip(dir, target) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  const DOS_TIME = 0; // 00:00:00
  const DOS_DATE = (2020 - 1980) << 9 | 1 << 5 | 1; // 2020-01-01
  for (const path of files(dir)) {
    const name = Buffer.from(relative(dir, path).split(sep).join('/'), 'utf8');
    const data = readFileSync(path);
    const packed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, packed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(0o100644 << 16 >>> 0, 38); // regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(target, Buffer.concat([...locals, directory, end]));
}

for (const [name, dir] of Object.entries(trees)) {
  const target = join(dist, `sso-bridge-${name}-${manifest.version}.zip`);
  zip(dir, target);
  console.error(`extension build: ${relative(root, target)} (${statSync(target).size} bytes), unpacked in ${relative(root, dir)}/`);
}
