// Turns anything thrown in the worker into a `UserError`: what happened and what to do next.

import type { UserError } from '../messages.js';

/** An error that already carries the user-facing sentence. */
export class WorkerError extends Error {
  constructor(readonly userError: UserError) {
    super(userError.message);
    this.name = 'WorkerError';
  }
}

export function fail(code: string, message: string, action: string, command?: string): never {
  throw new WorkerError(command === undefined ? { code, message, action } : { code, message, action, command });
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

let resetCore: (() => void) | undefined;
const resetFor = new WeakSet<object>();

/** How to replace the core's wasm instance after a trap (core.ts registers it; no import cycle). */
export function onCoreTrap(reset: () => void): void {
  resetCore = reset;
}

/**
 * A trap (`WebAssembly.RuntimeError`: a Rust panic, a memory fault) stops a call part-way, so the
 * instance's memory may hold a half-done state: the core is re-instantiated before anything calls
 * it again (once per trap, however often the error is mapped), and the call fails with a plain
 * sentence (the trap's own message and stack say nothing a user can act on).
 */
function coreTrapped(error: WebAssembly.RuntimeError): UserError {
  let restarted = true;
  if (!resetFor.has(error)) {
    resetFor.add(error);
    try {
      resetCore?.();
    } catch {
      restarted = false;
    }
  }
  return restarted
    ? {
        code: 'core-restarted',
        message: 'The sign-in engine stopped on an internal error and has been restarted.',
        action: 'Try again; if it happens again, reload the extension.',
      }
    : {
        code: 'core-failed',
        message: 'The sign-in engine stopped on an internal error and could not be restarted.',
        action: 'Reload the extension.',
      };
}

/**
 * Maps anything thrown in the worker to a `UserError`. The core's errors (`SsoBridgeError`, with a
 * stable `code`) already end with what to do next, so they get no extra action line.
 */
export function toUserError(error: unknown): UserError {
  if (error instanceof WorkerError) return error.userError;
  if (error instanceof WebAssembly.RuntimeError) return coreTrapped(error);
  if (typeof error === 'object' && error !== null) {
    const fields = error as { name?: unknown; code?: unknown; message?: unknown; action?: unknown };
    const code = str(fields.code);
    const message = str(fields.message) ?? 'Something went wrong.';
    if (fields.name === 'SsoBridgeError' && code) return { code, message, action: '' };
    if (code) {
      return { code, message, action: str(fields.action) ?? 'Try again; if it keeps failing, sign in again.' };
    }
    return { code: 'unexpected', message, action: 'Try again; if it keeps failing, reload the extension.' };
  }
  return {
    code: 'unexpected',
    message: String(error),
    action: 'Try again; if it keeps failing, reload the extension.',
  };
}
