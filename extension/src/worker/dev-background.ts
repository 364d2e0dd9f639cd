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
  let caught: unknown;
  try {
    trap();
  } catch (error) {
    caught = error;
  }
  const error = toUserError(caught);
  return { trapped: caught instanceof WebAssembly.RuntimeError, error, freshInstance: (await init()) !== before };
}

/** The same trap in a microtask, where a trap in one of the core's futures happens: nobody catches it. */
async function trapCoreInMicrotask(): Promise<{ freshInstance: boolean }> {
  await core.ready();
  const before = await init();
  await new Promise<void>((resolve) => {
    setTimeout(resolve, 100);
    queueMicrotask(trap);
  });
  return { freshInstance: (await init()) !== before };
}

/** A core call on an object handle past the end of the module's memory. */
function trap(): void {
  const client = new sso.OidcClient('https://oidc.us-east-1.amazonaws.com');
  const handle = client as unknown as { __wbg_ptr: number; __destroy_into_raw(): number };
  handle.__wbg_ptr = 0xffff_fff0;
  try {
    void client.endpointUrl;
  } finally {
    // Never hand the bad handle to the module again (its finalizer would free it).
    handle.__destroy_into_raw();
  }
}

Object.assign(globalThis, { ssoBridgeTestTrap: trapCore, ssoBridgeTestTrapInMicrotask: trapCoreInMicrotask });
