// What the worker persists. Secrets (client secrets, PKCE verifiers, device codes) only in
// `chrome.storage.session` (memory, cleared when the browser quits); nothing secret in `local`.

import type { LoginView, UserError } from '../messages.js';

/** A sign-in in progress, enough to resume it after the service worker was killed. */
export interface PendingLogin {
  sessionKey: string;
  view: LoginView;
  /** The core's serialized login state (registration, verifier/state or device code): secret. */
  state: unknown;
  /** The session definition the login is for (from the config, or the configure wizard's draft). */
  session: unknown;
  /** Browser tab opened for the sign-in, closed when it completes. */
  tabId?: number;
  /** Epoch ms after which the login is abandoned. */
  deadline: number;
}

const PENDING = 'pending:';
const ERROR = 'error:';

export async function savePending(login: PendingLogin): Promise<void> {
  await chrome.storage.session.set({ [PENDING + login.sessionKey]: login });
}

export async function removePending(sessionKey: string): Promise<void> {
  await chrome.storage.session.remove(PENDING + sessionKey);
}

export async function allPending(): Promise<PendingLogin[]> {
  const all = await chrome.storage.session.get(null);
  return Object.entries(all)
    .filter(([key]) => key.startsWith(PENDING))
    .map(([, value]) => value as PendingLogin);
}

export async function getPending(sessionKey: string): Promise<PendingLogin | undefined> {
  const key = PENDING + sessionKey;
  const found = await chrome.storage.session.get(key);
  return found[key] as PendingLogin | undefined;
}

export async function setLastError(sessionKey: string, error: UserError | undefined): Promise<void> {
  if (error) await chrome.storage.session.set({ [ERROR + sessionKey]: error });
  else await chrome.storage.session.remove(ERROR + sessionKey);
}

export async function lastErrors(): Promise<Map<string, UserError>> {
  const all = await chrome.storage.session.get(null);
  const errors = new Map<string, UserError>();
  for (const [key, value] of Object.entries(all)) {
    if (key.startsWith(ERROR)) errors.set(key.slice(ERROR.length), value as UserError);
  }
  return errors;
}

/**
 * `issuer:<session key>` in chrome.storage.local → the OIDC endpoint that issued the session's
 * current token (a URL, not a secret). Its refresh token goes to that endpoint and no other, even
 * when the config or the Settings override now resolve the session elsewhere.
 */
const ISSUER = 'issuer:';

export async function setTokenIssuer(sessionKey: string, oidcEndpoint: string | undefined): Promise<void> {
  if (oidcEndpoint) await chrome.storage.local.set({ [ISSUER + sessionKey]: oidcEndpoint });
  else await chrome.storage.local.remove(ISSUER + sessionKey);
}

export async function tokenIssuer(sessionKey: string): Promise<string | undefined> {
  const found = await chrome.storage.local.get(ISSUER + sessionKey);
  const value = found[ISSUER + sessionKey];
  return typeof value === 'string' ? value : undefined;
}
