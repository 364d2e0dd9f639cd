// The development builds' service worker (build.mjs points their manifests here; the store builds
// have neither this file nor the hook): the worker, plus a hook for e2e/tests/wasm-recovery.test.mjs
// that makes the core's wasm instance trap for real.

import init, * as sso from '../wasm/sso_bridge.js';
import './background.js';
import * as core from './core.js';
import { toUserError } from './errors.js';

/**
 * Calls the core with an object handle that points past the end of its memory: the export reads
 * the Rust object there and traps ("memory access out of bounds"). Returns what the popup would be
 * told, and whether the worker now runs a different instance.
 */
async function trapCore(): Promise<{ trapped: boolean; error: ReturnType<typeof toUserError>; freshInstance: boolean }> {
  await core.ready();
  const before = await init();
  const client = new sso.OidcClient('https://oidc.us-east-1.amazonaws.com');
  const handle = client as unknown as { __wbg_ptr: number; __destroy_into_raw(): number };
  handle.__wbg_ptr = 0xffff_fff0;
  let caught: unknown;
  try {
    void client.endpointUrl;
  } catch (error) {
    caught = error;
  }
  // Never hand the bad handle to the module again (its finalizer would free it).
  handle.__destroy_into_raw();
  const error = toUserError(caught);
  return { trapped: caught instanceof WebAssembly.RuntimeError, error, freshInstance: (await init()) !== before };
}

(globalThis as { ssoBridgeTestTrap?: typeof trapCore }).ssoBridgeTestTrap = trapCore;
