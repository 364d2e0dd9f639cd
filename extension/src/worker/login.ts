// The two sign-in flows, run by the core (wasm) and driven here: PKCE (default) with the loopback
// redirect caught as a browser navigation (no local listener), and the device code as the fallback.
// Every step that must survive the worker being killed is saved in chrome.storage.session first.

import type { LoginView, SignInMethod } from '../messages.js';
import * as core from './core.js';
import { fail, toUserError } from './errors.js';
import { HELPER_ERROR, helper, isHelperError } from './native.js';
import { allPending, getPending, removePending, savePending, setLastError, setTokenIssuer, type PendingLogin } from './session-store.js';

/** The CLI gives the browser 10 minutes to come back to the loopback redirect. */
const PKCE_TIMEOUT_MS = 10 * 60 * 1000;

/** The path the core registers for the loopback redirect (RFC 8252 port flexibility). */
export const CALLBACK_PATH = '/oauth/callback';

/** Called after any change the popup shows (token stored, login started or ended). */
type Changed = () => void;

interface PkceState {
  registration: core.Registration;
  /** The core's pending PKCE state: verifier, state, client secret, redirect URI with our port. */
  pending: core.PkcePending;
}

interface DeviceState {
  registration: core.Registration;
  device: core.DeviceAuthorization;
}

/** Device-code polls running in this worker instance (lost when it dies; `resumeLogins` restarts them). */
const polls = new Map<string, AbortController>();

function randomLoopbackPort(): number {
  // An ephemeral port nobody is expected to listen on; the navigation is caught before it matters.
  const bytes = new Uint16Array(1);
  crypto.getRandomValues(bytes);
  return 49152 + ((bytes[0] ?? 0) % 16384);
}

/**
 * The client registration cached under the CLI's key for this session (by `aws sso login` or an
 * earlier sign-in here), as file text for the core, or null. An unreadable file counts as none, as
 * it does for the CLI: the new registration then replaces it. An older helper without
 * `readRegistration` means registering anew, as before.
 */
async function cachedRegistration(session: core.SessionDef): Promise<string | null> {
  try {
    const reply = await helper.request('readRegistration', core.registrationKeyFields(session));
    return reply.registration ? JSON.stringify(reply.registration) : null;
  } catch (error) {
    if (isHelperError(error, HELPER_ERROR.unknownType) || isHelperError(error, HELPER_ERROR.fileUnreadable)) {
      return null;
    }
    throw error;
  }
}

export async function startSignIn(
  session: core.SessionDef,
  method: SignInMethod,
  changed: Changed,
): Promise<LoginView> {
  await cancelSignIn(session.key);
  await setLastError(session.key, undefined);
  if (method === 'pkce' && !session.name) {
    fail(
      'pkce-needs-session',
      'This profile uses the legacy sso_start_url settings, which only support the device-code sign-in.',
      'Use "Sign in with a code", or create an sso-session for it with Configure.',
    );
  }
  return method === 'pkce' ? startPkce(session, changed) : startDevice(session, changed);
}

async function startPkce(session: core.SessionDef, changed: Changed): Promise<LoginView> {
  const registration = await core.registerClient(session, 'pkce', await cachedRegistration(session));
  const { authorizeUrl, pending } = core.pkceStart(session, registration, randomLoopbackPort());
  const view: LoginView = { method: 'pkce', sessionKey: session.key, startedAt: Date.now(), authorizeUrl };
  const state: PkceState = { registration, pending };
  const login: PendingLogin = {
    sessionKey: session.key,
    view,
    state,
    session,
    deadline: Date.now() + PKCE_TIMEOUT_MS,
  };
  await savePending(login);
  await blockCallback(pending.redirectUri);
  const tab = await chrome.tabs.create({ url: authorizeUrl, active: true });
  // An unreachable endpoint can fail the tab's navigation before its ID is saved: then the
  // navigation-error handler has already ended this sign-in (matched by the authorize URL), and it
  // must not come back.
  if (tab.id !== undefined && (await getPending(session.key))) await savePending({ ...login, tabId: tab.id });
  changed();
  return view;
}

/**
 * The loopback redirect carries the authorization code and state. It must never leave the browser:
 * whatever listens on 127.0.0.1:<port> (any local process can) would see them. A session rule blocks
 * the exact callback URL for every request type; webNavigation still reports the blocked navigation
 * (onErrorOccurred with the URL), which is all the worker needs. The rule ID is the port (one
 * sign-in per port; the rule goes when the sign-in ends).
 */
const CALLBACK_RESOURCE_TYPES = ['main_frame', 'sub_frame', 'xmlhttprequest', 'ping', 'image', 'script', 'other'] as chrome.declarativeNetRequest.ResourceType[];

async function blockCallback(redirectUri: string): Promise<void> {
  const port = Number(new URL(redirectUri).port);
  await chrome.declarativeNetRequest.updateSessionRules({
    removeRuleIds: [port],
    addRules: [
      {
        id: port,
        priority: 1,
        action: { type: 'block' as chrome.declarativeNetRequest.RuleActionType },
        condition: {
          urlFilter: `|${redirectUri}`,
          requestDomains: ['127.0.0.1'],
          // Without resourceTypes a rule skips main_frame, the very navigation to block.
          resourceTypes: CALLBACK_RESOURCE_TYPES,
        },
      },
    ],
  });
}

async function unblockCallback(login: PendingLogin): Promise<void> {
  if (login.view.method !== 'pkce') return;
  const port = Number(new URL((login.state as PkceState).pending.redirectUri).port);
  await chrome.declarativeNetRequest.updateSessionRules({ removeRuleIds: [port] }).catch(() => undefined);
}

async function startDevice(session: core.SessionDef, changed: Changed): Promise<LoginView> {
  const registration = await core.registerClient(session, 'device', await cachedRegistration(session));
  const device = await core.startDeviceAuthorization(session, registration);
  const expiresAt = Date.now() + device.expiresIn * 1000;
  const verificationUri = checkedVerificationUri(device.verificationUri, session);
  // A complete URI that fails the check is dropped: the plain one still works with the code shown.
  const verificationUriComplete = trustedVerificationUri(device.verificationUriComplete ?? undefined, session);
  const view: LoginView = {
    method: 'device',
    sessionKey: session.key,
    startedAt: Date.now(),
    userCode: device.userCode,
    verificationUri,
    expiresAt,
    ...(verificationUriComplete ? { verificationUriComplete } : {}),
  };
  const state: DeviceState = { registration, device };
  const login: PendingLogin = { sessionKey: session.key, view, state, session, deadline: expiresAt };
  await savePending(login);
  const tab = await chrome.tabs.create({ url: verificationUriComplete ?? verificationUri, active: true });
  const withTab = tab.id !== undefined ? { ...login, tabId: tab.id } : login;
  await savePending(withTab);
  pollDevice(withTab, changed);
  changed();
  return view;
}

/**
 * Hosts a device verification page may be on: the AWS sign-in hosts (`*.awsapps.com`, the AWS
 * `signin`/`device` pages and their partitions' domains) and the host of the OIDC endpoint this
 * session talks to (the configured endpoint, e.g. the emulator). The URI comes from the OIDC
 * answer: a hostile or broken endpoint must not make the extension open or link anything else
 * (another scheme such as `javascript:`, or another site).
 */
const VERIFICATION_DOMAINS = [
  'awsapps.com',
  'awsapps.cn',
  'amazonaws.com',
  'amazonaws.com.cn',
  'amazonaws.eu',
  'aws.amazon.com',
  'signin.aws',
  'c2s.ic.gov',
  'sc2s.sgov.gov',
  'cloud.adc-e.uk',
  'csp.hci.ic.gov',
];

/** `uri` when it may be opened for this session, else undefined. */
export function trustedVerificationUri(uri: string | undefined, session: core.SessionDef): string | undefined {
  if (!uri) return undefined;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  const endpoint = new URL(session.endpoints.oidc);
  // The configured endpoint's own host, with its own scheme (http only for loopback, as Settings allows).
  if (url.origin === endpoint.origin) return url.href;
  if (url.protocol !== 'https:' || url.username || url.password) return undefined;
  const host = url.hostname;
  return VERIFICATION_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`)) ? url.href : undefined;
}

function checkedVerificationUri(uri: string, session: core.SessionDef): string {
  const trusted = trustedVerificationUri(uri, session);
  if (!trusted) {
    fail(
      'untrusted-verification-uri',
      'The sign-in service answered with a verification page that is not on an AWS sign-in host or the configured endpoint, so it was not opened.',
      'Check the endpoint in Settings and the sso_region of this session, then sign in again.',
    );
  }
  return trusted;
}

function pollDevice(login: PendingLogin, changed: Changed): void {
  if (polls.has(login.sessionKey)) return;
  const controller = new AbortController();
  polls.set(login.sessionKey, controller);
  const state = login.state as DeviceState;
  const session = login.session as core.SessionDef;
  const run = async () => {
    try {
      const token = await core.pollDeviceToken(session, state.registration, state.device, controller.signal);
      await finishWithToken(login, token);
    } catch (error) {
      if (controller.signal.aborted) return;
      await failLogin(login, error);
    } finally {
      if (polls.get(login.sessionKey) === controller) polls.delete(login.sessionKey);
      changed();
    }
  };
  void run();
}

/**
 * The token goes to the helper, which writes the cache file the CLI reads, and the client
 * registration file when we registered a new client (so the CLI can reuse it, as after `aws sso login`).
 */
async function finishWithToken(login: PendingLogin, token: core.TokenFile): Promise<void> {
  const session = login.session as core.SessionDef;
  const { registration } = login.state as { registration: core.Registration };
  await helper.request('storeToken', {
    ...(session.name ? { sessionName: session.name } : {}),
    token: core.tokenForHelper(token),
    ...(registration.newCacheFile !== null ? { registration: core.registrationForHelper(session, registration) } : {}),
  });
  await setTokenIssuer(login.sessionKey, session.endpoints.oidc);
  await removePending(login.sessionKey);
  await unblockCallback(login);
  await setLastError(login.sessionKey, undefined);
  await closeTab(login.tabId);
}

async function failLogin(login: PendingLogin, error: unknown): Promise<void> {
  await removePending(login.sessionKey);
  await unblockCallback(login);
  await setLastError(login.sessionKey, toUserError(error));
  await closeTab(login.tabId);
}

async function closeTab(tabId: number | undefined): Promise<void> {
  if (tabId === undefined) return;
  try {
    await chrome.tabs.remove(tabId);
  } catch {
    // The user closed it already.
  }
}

/** True when `url` is exactly the registered redirect (same port and path), not any 127.0.0.1 page. */
function isRedirectFor(url: URL, redirectUri: string): boolean {
  const expected = new URL(redirectUri);
  return (
    url.protocol === expected.protocol &&
    url.hostname === expected.hostname &&
    url.port === expected.port &&
    url.pathname === expected.pathname
  );
}

/** Navigation events arrive in bursts (before-navigate, error, commit): handle them one at a time. */
let navigationQueue: Promise<unknown> = Promise.resolve();

/** A navigation to the loopback host: if it is one of our PKCE redirects, finish that sign-in. */
export function onLoopbackNavigation(urlText: string, tabId: number, changed: Changed): Promise<boolean> {
  const next = navigationQueue.then(() => handleLoopbackNavigation(urlText, tabId, changed));
  navigationQueue = next.catch(() => undefined);
  return next;
}

async function handleLoopbackNavigation(urlText: string, tabId: number, changed: Changed): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    return false;
  }
  const logins = await allPending();
  // Only the tab this sign-in opened may answer it: another tab (or a page that guessed the port)
  // navigating to the callback URL is ignored, whatever its query says.
  const login = logins.find(
    (l) =>
      l.view.method === 'pkce' &&
      l.tabId === tabId &&
      isRedirectFor(url, (l.state as PkceState).pending.redirectUri),
  );
  if (!login) return false;
  // Claim it first, so a second event for the same navigation (or a restart) does not reuse the code.
  await removePending(login.sessionKey);
  await unblockCallback(login);
  // The tab has done its job: close it at once rather than leave the callback URL on screen.
  await closeTab(tabId);
  const state = login.state as PkceState;
  const session = login.session as core.SessionDef;
  try {
    const token = await core.pkceFinish(session, state.registration, state.pending, urlText);
    await finishWithToken({ ...login, tabId }, token);
  } catch (error) {
    await failLogin({ ...login, tabId }, error);
  }
  changed();
  return true;
}

/**
 * A navigation error in a PKCE sign-in tab (the authorize page cannot be reached: DNS, refused
 * connection, TLS, offline) ends that sign-in at once with the browser's reason, instead of
 * waiting for the user to close the tab or the 10-minute deadline. The blocked callback itself
 * (ERR_BLOCKED_BY_CLIENT on the redirect URI) is the success path, handled by onLoopbackNavigation;
 * ERR_ABORTED is a navigation replaced by another one (the user typed a URL, a redirect), not a failure.
 */
/** True when `urlText` carries `state` (the authorize URL of that sign-in). */
function sameState(urlText: string, state: string): boolean {
  try {
    return new URL(urlText).searchParams.get('state') === state;
  } catch {
    return false;
  }
}

export function onSignInTabError(details: { tabId: number; frameId: number; url: string; error: string }, changed: Changed): Promise<void> {
  const next = navigationQueue.then(() => handleSignInTabError(details, changed));
  navigationQueue = next.catch(() => undefined);
  return next;
}

async function handleSignInTabError(
  details: { tabId: number; frameId: number; url: string; error: string },
  changed: Changed,
): Promise<void> {
  // Firefox reports a replaced navigation as "Error code 2152398850" (NS_BINDING_ABORTED).
  if (details.frameId !== 0 || /ERR_ABORTED|NS_BINDING_ABORTED|2152398850/.test(details.error)) return;
  // By tab, or (before the tab's ID is saved) by the exact authorize URL, which holds this sign-in's state.
  const login = (await allPending()).find(
    (l) =>
      l.view.method === 'pkce' &&
      (l.tabId === details.tabId || (l.tabId === undefined && sameState(details.url, (l.state as PkceState).pending.state))),
  );
  if (!login) return;
  let url: URL | undefined;
  try {
    url = new URL(details.url);
  } catch {
    url = undefined;
  }
  if (url && isRedirectFor(url, (login.state as PkceState).pending.redirectUri)) return;
  await failLogin({ ...login, tabId: details.tabId }, {
    code: 'network',
    message: `The sign-in page${url ? ` at ${url.host}` : ''} could not be opened (${details.error}).`,
    action: 'Check your network connection and the endpoint in Settings, then click "Sign in" again.',
  });
  changed();
}

export async function cancelSignIn(sessionKey: string): Promise<void> {
  polls.get(sessionKey)?.abort();
  polls.delete(sessionKey);
  const login = await getPending(sessionKey);
  if (login) {
    await removePending(sessionKey);
    await unblockCallback(login);
    await closeTab(login.tabId);
  }
}

/** A sign-in tab closed by the user ends that sign-in (so the popup stops waiting for it). */
export async function onTabClosed(tabId: number, changed: Changed): Promise<void> {
  for (const login of await allPending()) {
    if (login.tabId === tabId && login.view.method === 'pkce') {
      await removePending(login.sessionKey);
      await unblockCallback(login);
      await setLastError(login.sessionKey, {
        code: 'sign-in-tab-closed',
        message: 'The sign-in tab was closed before the sign-in finished.',
        action: 'Click "Sign in" to start again.',
      });
      changed();
    }
  }
}

/**
 * After the worker (re)starts: restart device-code polls, finish PKCE logins whose redirect
 * happened while it was dead (the tab still shows the loopback URL), and fail expired ones.
 */
export async function resumeLogins(changed: Changed): Promise<void> {
  const now = Date.now();
  for (const login of await allPending()) {
    if (login.deadline <= now) {
      await failLogin(login, {
        code: 'sign-in-timeout',
        message: 'The sign-in was not completed in time.',
        action: 'Click "Sign in" to start again.',
      });
      changed();
      continue;
    }
    if (login.view.method === 'device') {
      pollDevice(login, changed);
    } else if (login.tabId !== undefined) {
      try {
        const tab = await chrome.tabs.get(login.tabId);
        const url = tab.url ?? tab.pendingUrl;
        if (url) await onLoopbackNavigation(url, login.tabId, changed);
      } catch {
        // The tab is gone: the tab-closed handler (or the deadline) ends this login.
      }
    }
  }
}

export async function pendingViews(): Promise<Map<string, LoginView>> {
  const views = new Map<string, LoginView>();
  for (const login of await allPending()) views.set(login.sessionKey, login.view);
  return views;
}
