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

/** What to do next for the core's stable error codes (the core's own message says what happened). */
const NEXT_STEP: Record<string, string> = {
  authorization_pending: 'Finish the sign-in in the browser tab, then wait a moment.',
  slow_down: 'Wait a few seconds; sso-bridge slows down by itself.',
  expired_token: 'The code or token expired: start the sign-in again.',
  access_denied: 'The sign-in was denied. Start it again and choose "Allow" if this was you.',
  invalid_grant: 'The session has ended: sign in again.',
  invalid_client: 'The client registration is no longer valid: sign in again.',
  unauthorized_client: 'Sign in again; the client registration was refused.',
  unauthorized: 'The session has ended or was signed out: sign in again.',
  too_many_requests: 'AWS is throttling requests: wait a minute and try again.',
  internal: 'AWS had an internal error: try again in a moment.',
  invalid_request: 'Check the start URL, region and scopes of this session.',
  invalid_scope: 'Check the scopes of this session (e.g. sso:account:access).',
  invalid_redirect_uri: 'Use the device-code sign-in for this session.',
  resource_not_found: 'Check the account and role of this profile: they were not found.',
  network: 'Check your network connection (and the endpoint, if you set one) and try again.',
  connect: 'Check your network connection (and the endpoint, if you set one) and try again.',
  cancelled: 'Start the sign-in again when you are ready.',
};

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Maps an error thrown by the core (a JS Error with `code`, `variant`, `retryable`) or anything else. */
export function toUserError(error: unknown): UserError {
  if (error instanceof WorkerError) return error.userError;
  if (typeof error === 'object' && error !== null) {
    const fields = error as { code?: unknown; variant?: unknown; message?: unknown; action?: unknown };
    const code = str(fields.code) ?? str(fields.variant);
    const message = str(fields.message) ?? 'Something went wrong.';
    const action = str(fields.action) ?? (code ? NEXT_STEP[code] : undefined);
    if (code) {
      return { code, message, action: action ?? 'Try again; if it keeps failing, sign in again.' };
    }
    return { code: 'unexpected', message, action: 'Try again; if it keeps failing, reload the extension.' };
  }
  return {
    code: 'unexpected',
    message: String(error),
    action: 'Try again; if it keeps failing, reload the extension.',
  };
}
