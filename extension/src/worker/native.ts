// The native helper (`sso-bridge` binary) over one long-lived native-messaging port.
// Protocol: host/PROTOCOL.md. An open port also keeps the Chrome MV3 service worker alive.

import type { HelperRequests, HelperRequestType } from '../helper-protocol.js';
import type { UserError } from '../messages.js';
import { WorkerError } from './errors.js';

/** The native-messaging host name the helper registers (host/PROTOCOL.md). */
export const HOST_NAME = 'com.sso_bridge.helper';

/** How long one request may take before we give up on the helper. */
const REQUEST_TIMEOUT_MS = 20_000;

export function installCommand(): string {
  // Firefox passes the add-on (gecko) ID, Chromium browsers the extension ID; runtime.id is the right one.
  const browser = chrome.runtime.getURL('').startsWith('moz-extension:') ? 'firefox' : 'chromium';
  return `sso-bridge install --browser ${browser} --extension-id ${chrome.runtime.id}`;
}

/** Helper error numbers the worker reacts to (host/PROTOCOL.md, append-only). */
export const HELPER_ERROR = {
  unknownType: 21,
  invalidValue: 24,
  callerNotAllowed: 40,
  tokenNotFound: 50,
  fileUnreadable: 51,
  busy: 54,
  configInvalid: 55,
} as const;

/** A helper reply's error (numbered, host/PROTOCOL.md); its message already says what to do. */
function helperError(error: { code?: unknown; message?: unknown; name?: unknown }): UserError {
  const code = typeof error.code === 'number' ? error.code : -1;
  const message = typeof error.message === 'string' ? error.message : 'The helper refused the request.';
  const action =
    code === HELPER_ERROR.callerNotAllowed
      ? 'Register the helper for this extension with this command:'
      : code === HELPER_ERROR.busy
        ? 'Another sso-bridge process is writing: try again in a moment.'
        : code === HELPER_ERROR.configInvalid
          ? 'Fix the config file at the line the message names, then try again.'
          : 'Fix what the message says, then try again; `sso-bridge doctor` checks the installation.';
  return {
    code: `helper-${code}`,
    message,
    action,
    ...(code === HELPER_ERROR.callerNotAllowed ? { command: installCommand() } : {}),
  };
}

/** True when `error` is the helper's numbered error `code`. */
export function isHelperError(error: unknown, code: number): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'userError' in error &&
    (error as { userError: UserError }).userError.code === `helper-${code}`
  );
}

/** The browser's own reason for a closed port, as a user error with the exact fix. */
function disconnectError(reason: string | undefined): UserError {
  const command = installCommand();
  const text = reason ?? 'the helper closed the connection';
  // Chromium: "Specified native messaging host not found."; Firefox: "No such native application …".
  if (/not found|no such native application/i.test(text)) {
    return {
      code: 'helper-missing',
      message: 'The sso-bridge helper is not installed for this browser, so tokens cannot be saved for the AWS CLI.',
      action: 'Install the helper (the `sso-bridge` binary), then run this command and reopen the popup:',
      command,
    };
  }
  // Chromium: "Access to the specified native messaging host is forbidden."; Firefox: "… does not have permission …".
  if (/forbidden|not have permission/i.test(text)) {
    return {
      code: 'helper-forbidden',
      message: 'The sso-bridge helper is installed, but not for this extension ID.',
      action: 'Register it for this extension with this command, then reopen the popup:',
      command,
    };
  }
  return {
    code: 'helper-exited',
    message: `The sso-bridge helper stopped (${text}).`,
    action: 'Run `sso-bridge doctor` to check the installation, or reinstall it with:',
    command,
  };
}

interface Pending {
  /** Chunk texts of a reply over 1 MiB (PROTOCOL.md "Chunked reply"), in arrival order. */
  chunks: string[];
  /** The reply as it arrived; its type is the one `request` promised for the request type. */
  resolve: (value: never) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class NativeHelper {
  private port: chrome.runtime.Port | undefined;
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();

  /**
   * Sends one request; resolves with the reply (its envelope fields aside). The fields and the reply
   * have the types generated from the helper's own declarations (`helper-protocol.ts`).
   */
  request<T extends HelperRequestType>(type: T, fields: HelperRequests[T]['request']): Promise<HelperRequests[T]['reply']> {
    const port = this.connect();
    const id = `${Date.now().toString(36)}-${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new WorkerError({
            code: 'helper-timeout',
            message: `The sso-bridge helper did not answer "${type}" within ${REQUEST_TIMEOUT_MS / 1000} s.`,
            action: 'Run `sso-bridge doctor`, then try again.',
          }),
        );
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject, timer, chunks: [] });
      try {
        port.postMessage({ ...fields, type, id });
      } catch (e) {
        clearTimeout(timer);
        this.pending.delete(id);
        this.port = undefined;
        reject(new WorkerError(disconnectError(String(e))));
      }
    });
  }

  private connect(): chrome.runtime.Port {
    if (this.port) return this.port;
    const port = chrome.runtime.connectNative(HOST_NAME);
    port.onMessage.addListener((message: unknown) => this.onMessage(message));
    port.onDisconnect.addListener(() => {
      const reason = chrome.runtime.lastError?.message;
      if (this.port === port) this.port = undefined;
      const error = disconnectError(reason);
      for (const [id, pending] of this.pending) {
        clearTimeout(pending.timer);
        pending.reject(new WorkerError(error));
        this.pending.delete(id);
      }
    });
    this.port = port;
    return port;
  }

  private onMessage(message: unknown): void {
    if (typeof message !== 'object' || message === null) return;
    const reply = message as { id?: unknown; ok?: unknown; error?: unknown; chunk?: unknown };
    const id = typeof reply.id === 'string' || typeof reply.id === 'number' ? String(reply.id) : undefined;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (!pending || id === undefined) return;
    if (reply.ok === true && typeof reply.chunk === 'object' && reply.chunk !== null) {
      const chunk = reply.chunk as { index?: unknown; count?: unknown; data?: unknown };
      if (typeof chunk.data === 'string') pending.chunks.push(chunk.data);
      if (typeof chunk.count !== 'number' || pending.chunks.length < chunk.count) return;
      this.pending.delete(id);
      clearTimeout(pending.timer);
      try {
        pending.resolve(JSON.parse(pending.chunks.join('')) as never);
      } catch {
        pending.reject(
          new WorkerError({
            code: 'helper-bad-chunks',
            message: 'The helper sent a long reply that could not be put back together.',
            action: 'Try again; if it keeps failing, update the sso-bridge helper.',
          }),
        );
      }
      return;
    }
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (reply.ok === true) {
      pending.resolve(message as never);
    } else {
      const error = typeof reply.error === 'object' && reply.error !== null ? reply.error : {};
      pending.reject(new WorkerError(helperError(error as Record<string, unknown>)));
    }
  }
}

export const helper = new NativeHelper();
