// The worker's answers to the popup, token refresh by alarm, the badge and notifications.

import type {
  AccessKeysView,
  Api,
  LoginStatus,
  UserError,
  Overview,
  ProfileView,
  ReplyOf,
  RequestName,
  RequestOf,
  SessionDraft,
  SessionView,
  Settings,
  WizardState,
} from '../messages.js';
import { accountHandlers, forgetDirectory, recordRecentRole } from './accounts.js';
import * as core from './core.js';
import { fail, toUserError, WorkerError } from './errors.js';
import { cancelSignIn, pendingViews, startSignIn } from './login.js';
import { consoleChoice, openConsole } from './console.js';
import { cancelPopulate, populateStatus, startPopulate } from './populate.js';
import { HELPER_ERROR, helper, installCommand, isHelperError } from './native.js';
import { lastErrors, setLastError, setTokenIssuer, tokenIssuer } from './session-store.js';
import { loadSettings, saveSettings } from './settings.js';
import { badgeColor, badgeText, parseExpiry, tokenStatus } from './status.js';

const REFRESH_ALARM = 'refresh:';
const WIZARD_KEY = 'wizard';
/** `noRefresh:<session key>` → the expiresAt of a token whose refresh failed for good. */
const NO_REFRESH = 'noRefresh:';
/** `lastRefresh:<session key>` → when the last refresh attempt started (ISO timestamp). */
const LAST_ATTEMPT = 'lastRefresh:';
/** Fallback retry delay when the core's plan has no parsable time. */
const RETRY_REFRESH_MS = 60 * 1000;
/** Recomputes the badge and re-arms refresh alarms even when nothing else happens. */
export const TICK_ALARM = 'tick';

/**
 * The last overview the popup was given, kept while the worker lives so a popup opens without
 * waiting for the helper to read (and the worker to re-parse) a config that may hold thousands of
 * profiles. Every answer from it is checked against the files right after (`revalidate`); any state
 * change the worker makes drops it (`changed`).
 */
let lastOverview: Overview | undefined;
const REVALIDATE_AFTER_MS = 150;
let revalidating: Promise<void> | undefined;

/** Tells open popups to reload what they show (and forgets the kept overview: it is out of date). */
export function changed(): void {
  lastOverview = undefined;
  notifyPopups();
}

function notifyPopups(): void {
  chrome.runtime.sendMessage({ channel: 'sso-bridge-event', kind: 'changed' }).catch(() => {
    // No popup is open.
  });
}

/** What the config and the token cache say right now (read through the helper each time). */
interface Snapshot {
  config: core.ParsedConfig;
  tokens: core.TokenStatusEntry[];
  info: core.HelperInfo;
  /** Set when the config file cannot be parsed (then `config` is empty). */
  configError?: UserError;
}

/**
 * The last parse, kept while the worker lives: the config is re-parsed only when its text (or an
 * endpoint override) changed. A 5,000-profile config takes hundreds of milliseconds to parse, and the
 * popup asks for the overview on every open and every change. The credentials file (which may hold
 * long-term keys) is remembered by its SHA-256 only, never by its text.
 */
let lastParse: { configText: string; credentialsDigest: string; overridesKey: string; config: core.ParsedConfig } | undefined;

/** The per-session endpoint overrides as one string, the same whatever order their keys were set in. */
function overridesKey(endpointOverrides: Record<string, string>): string {
  return JSON.stringify(Object.keys(endpointOverrides).sort().map((key) => [key, endpointOverrides[key]]));
}

async function sha256(text: string | undefined): Promise<string> {
  if (text === undefined) return '';
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function parseCached(
  configText: string,
  credentialsText: string | undefined,
  endpointOverrides: Record<string, string>,
): Promise<core.ParsedConfig> {
  const credentialsDigest = await sha256(credentialsText);
  const key = overridesKey(endpointOverrides);
  if (lastParse && lastParse.configText === configText && lastParse.credentialsDigest === credentialsDigest && lastParse.overridesKey === key) {
    return lastParse.config;
  }
  const config = core.parseConfig(configText, credentialsText, endpointOverrides);
  lastParse = { configText, credentialsDigest, overridesKey: key, config };
  return config;
}

async function snapshot(): Promise<Snapshot> {
  await core.ready();
  const reply = await helper.request('readConfig', {});
  const files = core.readConfigReply(reply);
  const settings = await loadSettings();
  try {
    const config = await parseCached(files.configText, files.credentialsText, settings.endpointOverrides);
    return { config, tokens: files.tokens, info: files.info };
  } catch (error) {
    const configError: UserError = {
      ...toUserError(error),
      action: `Fix that line of ${files.info.configPath ?? 'the config file'} (the AWS CLI refuses it too), then reopen the popup.`,
    };
    return { config: { sessions: [], profiles: [], diagnostics: [] }, tokens: files.tokens, info: files.info, configError };
  }
}

function tokenFor(snap: Snapshot, session: core.SessionDef): core.TokenStatusEntry | undefined {
  return snap.tokens.find((t) => (session.name ? t.sessionName === session.name : !t.sessionName && t.startUrl === session.startUrl));
}

/** The kept overview at once (then checked against the files), or a fresh one. */
async function cachedOverview(): Promise<Overview> {
  const kept = lastOverview;
  if (!kept) {
    const fresh = await overview();
    lastOverview = fresh;
    return fresh;
  }
  // Checked once the popup has drawn what it was given (not competing with it for the CPU).
  revalidating ??= new Promise((resolve) => setTimeout(resolve, REVALIDATE_AFTER_MS))
    .then(() => overview())
    .then((fresh) => {
      // Only if nothing else changed it meanwhile; then tell the popup when the files said otherwise.
      if (lastOverview !== kept) return;
      lastOverview = fresh;
      if (JSON.stringify(fresh) !== JSON.stringify(kept)) notifyPopups();
    })
    .catch(() => {
      lastOverview = undefined;
    })
    .finally(() => {
      revalidating = undefined;
    });
  return kept;
}

async function overview(): Promise<Overview> {
  const base = { extensionId: chrome.runtime.id, installCommand: installCommand() };
  let snap: Snapshot;
  try {
    snap = await snapshot();
  } catch (error) {
    await updateBadge(undefined);
    return { ...base, helper: { ok: false, error: toUserError(error) }, sessions: [], profiles: [], diagnostics: [] };
  }
  const now = Date.now();
  const logins = await pendingViews();
  const errors = await lastErrors();
  const sessions: SessionView[] = snap.config.sessions.map((session) => {
    const token = tokenFor(snap, session);
    const login = logins.get(session.key);
    const lastError = errors.get(session.key);
    return {
      key: session.key,
      ...(session.name ? { name: session.name } : {}),
      startUrl: session.startUrl,
      region: session.region,
      scopes: session.scopes,
      status: tokenStatus(token?.expiresAt, now),
      ...(token?.expiresAt ? { expiresAt: token.expiresAt } : {}),
      refreshable: token?.refreshable ?? false,
      profiles: snap.config.profiles.filter((p) => p.sessionKey === session.key).map((p) => p.name),
      ...(login ? { login } : {}),
      ...(lastError ? { lastError } : {}),
      ...(session.endpointOverride ? { endpointOverride: session.endpointOverride } : {}),
    };
  });
  // A wizard sign-in for a session not yet in the file still needs its device code shown.
  for (const [key, login] of logins) {
    if (!sessions.some((s) => s.key === key)) {
      sessions.push({
        key,
        name: key.replace(/^session:/, ''),
        startUrl: '',
        region: '',
        scopes: [],
        status: 'never',
        refreshable: false,
        profiles: [],
        login,
      });
    }
  }
  const profiles: ProfileView[] = snap.config.profiles.map((p) => ({
    name: p.name,
    sessionKey: p.sessionKey,
    legacy: p.legacy,
    ...(p.accountId ? { accountId: p.accountId } : {}),
    ...(p.roleName ? { roleName: p.roleName } : {}),
    ...(p.region ? { region: p.region } : {}),
    ...(p.output ? { output: p.output } : {}),
  }));
  await scheduleRefreshes(snap, now);
  const missingHostPermissions = await missingHosts(snap.config.sessions);
  return {
    ...base,
    ...(missingHostPermissions.length ? { missingHostPermissions } : {}),
    helper: { ok: true, info: snap.info },
    ...(snap.configError ? { configError: snap.configError } : {}),
    sessions,
    profiles,
    diagnostics: snap.config.diagnostics,
  };
}

/**
 * The match patterns (`scheme://host/*`) of every session's OIDC and portal endpoints that the
 * browser has not granted. Chromium grants the manifest's host permissions at install; Firefox asks
 * the user, so until then the worker's requests would be cross-origin requests the service refuses.
 */
async function missingHosts(sessions: core.SessionDef[]): Promise<string[]> {
  const patterns = new Set<string>();
  for (const session of sessions) {
    for (const endpoint of [session.endpoints.oidc, session.endpoints.portal]) {
      try {
        const url = new URL(endpoint);
        patterns.add(`${url.protocol}//${url.hostname}/*`);
      } catch {
        // The core refuses such an endpoint with its own message when it is used.
      }
    }
  }
  const missing: string[] = [];
  for (const origin of patterns) {
    if (!(await chrome.permissions.contains({ origins: [origin] }))) missing.push(origin);
  }
  return missing;
}

/**
 * Arms one alarm per refreshable session at the time the core's refresh plan says (20 minutes
 * before expiry, at most one attempt a minute), and sets the badge to the soonest expiry.
 */
async function scheduleRefreshes(snap: Snapshot, now: number): Promise<void> {
  let soonest: number | undefined;
  const wanted = new Set<string>();
  const stored = await chrome.storage.session.get(null);
  for (const session of snap.config.sessions) {
    const entry = tokenFor(snap, session);
    const expiry = parseExpiry(entry?.expiresAt);
    if (expiry === undefined || !entry) continue;
    soonest = soonest === undefined ? expiry : Math.min(soonest, expiry);
    if (!entry.refreshable || stored[NO_REFRESH + session.key] === entry.expiresAt) continue;
    let token: core.TokenFile;
    try {
      token = await readToken(session);
    } catch {
      continue;
    }
    const lastAttempt = stored[LAST_ATTEMPT + session.key] as string | undefined;
    const plan = core.planRefresh(token, lastAttempt);
    let when: number;
    if (plan.action === 'notYet') when = parseExpiry(plan.refreshAt) ?? expiry;
    else if (plan.action === 'wait') when = parseExpiry(plan.retryAt) ?? now + RETRY_REFRESH_MS;
    else if (plan.action === 'due') when = now;
    else continue; // signInAgain: nothing to refresh with; the status shows it expiring
    const name = REFRESH_ALARM + session.key;
    wanted.add(name);
    const existing = await chrome.alarms.get(name);
    if (!existing || Math.abs(existing.scheduledTime - when) > 1000) {
      await chrome.alarms.create(name, { when: Math.max(when, now + 100) });
    }
  }
  for (const alarm of await chrome.alarms.getAll()) {
    if (alarm.name.startsWith(REFRESH_ALARM) && !wanted.has(alarm.name)) await chrome.alarms.clear(alarm.name);
  }
  await updateBadge(soonest);
}

async function updateBadge(soonest: number | undefined): Promise<void> {
  const now = Date.now();
  await chrome.action.setBadgeText({ text: badgeText(soonest, now) });
  await chrome.action.setBadgeBackgroundColor({ color: badgeColor(soonest, now) });
  const title =
    soonest === undefined
      ? 'sso-bridge: not signed in'
      : `sso-bridge: soonest session expiry ${new Date(soonest).toLocaleString()}`;
  await chrome.action.setTitle({ title });
}

/** Refreshes one session's token with the refresh-token grant and stores it through the helper. */
export async function refreshSession(sessionKey: string): Promise<void> {
  const snap = await snapshot();
  const session = snap.config.sessions.find((s) => s.key === sessionKey);
  if (!session) return;
  let token: core.TokenFile | undefined;
  await chrome.storage.session.set({ [LAST_ATTEMPT + sessionKey]: new Date().toISOString() });
  try {
    token = await readToken(session);
    await checkRefreshEndpoint(session);
    const fresh = await core.refreshToken(session, token);
    await helper.request('storeToken', { ...(session.name ? { sessionName: session.name } : {}), token: core.tokenForHelper(fresh) });
    await setTokenIssuer(sessionKey, session.endpoints.oidc);
    await setLastError(sessionKey, undefined);
  } catch (error) {
    const userError = toUserError(error);
    await setLastError(sessionKey, userError);
    if (isRetryable(error) || token === undefined) {
      // Network trouble, throttling, or the helper: the plan retries a minute after this attempt.
      await scheduleRefreshes(await snapshot(), Date.now());
      changed();
      return;
    }
    // The session cannot be refreshed (ended, revoked, registration expired): ask for a sign-in
    // once, and do not retry this token again.
    await chrome.storage.session.set({ [NO_REFRESH + sessionKey]: token.expiresAt });
    await chrome.notifications.create(`signin:${sessionKey}`, {
      type: 'basic',
      iconUrl: chrome.runtime.getURL('icons/icon-128.png'),
      title: `Sign in again: ${session.name ?? session.startUrl}`,
      message: `${userError.message} ${userError.action}`,
      priority: 2,
    });
  }
  await scheduleRefreshes(await snapshot(), Date.now());
  changed();
}

/**
 * A refresh token goes only to the endpoint that issued it. The endpoint a session resolves to can
 * change after sign-in (a config edit, a Settings override added or removed): then the session must
 * be signed in again rather than hand its refresh token to the new endpoint. A token without a
 * recorded issuer came from the AWS CLI, which used the config's endpoints: it may be refreshed
 * there, but never through a Settings override the CLI knew nothing of.
 */
async function checkRefreshEndpoint(session: core.SessionDef): Promise<void> {
  const issuer = await tokenIssuer(session.key);
  const now = session.endpoints.oidc;
  if (issuer ? issuer === now : !session.endpointOverride) return;
  fail(
    'endpoint-changed',
    `The sign-in for "${session.name ?? session.startUrl}" was issued by ${issuer ?? 'the endpoint the AWS CLI used'}, but this session now goes to ${now}; its refresh token is only sent to the endpoint that issued it.`,
    'Click "Sign in" to sign in again at the new endpoint.',
  );
}

function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}

export async function onAlarm(alarm: chrome.alarms.Alarm): Promise<void> {
  if (alarm.name.startsWith(REFRESH_ALARM)) {
    await refreshSession(alarm.name.slice(REFRESH_ALARM.length));
  } else if (alarm.name === TICK_ALARM) {
    await tick();
  }
}

/** Re-arms the refresh alarms and the badge from the files as they are now. */
export async function tick(): Promise<void> {
  try {
    await scheduleRefreshes(await snapshot(), Date.now());
  } catch {
    await updateBadge(undefined);
  }
}

async function readToken(session: core.SessionDef): Promise<core.TokenFile> {
  const reply = await helper.request('readToken', session.name ? { sessionName: session.name } : { startUrl: session.startUrl });
  return core.tokenFromReply(reply);
}

async function findSession(sessionKey: string, draft?: SessionDraft): Promise<core.SessionDef> {
  if (draft) {
    const settings = await loadSettings();
    return core.sessionFromDraft(draft, settings.endpointOverrides);
  }
  const snap = await snapshot();
  // A file the SDKs refuse has no sessions: say so (file and line), not that the session is missing.
  if (snap.configError) throw new WorkerError(snap.configError);
  const session = snap.config.sessions.find((s) => s.key === sessionKey);
  if (!session) {
    fail('unknown-session', `There is no session "${sessionKey}" in the AWS config file.`, 'Reopen the popup; the config file may have changed.');
  }
  return session;
}

/** A signed-in session's access token, or a message saying to sign in. */
export async function accessTokenFor(
  sessionKey: string,
  draft?: SessionDraft,
): Promise<{ session: core.SessionDef; token: core.TokenFile }> {
  const session = await findSession(sessionKey, draft);
  let token: core.TokenFile;
  try {
    token = await readToken(session);
  } catch (error) {
    if (!isHelperError(error, HELPER_ERROR.tokenNotFound)) throw error;
    fail('not-signed-in', `You are not signed in to "${session.name ?? session.startUrl}".`, 'Click "Sign in" first.');
  }
  const expiry = parseExpiry(token.expiresAt);
  if (expiry === undefined || expiry <= Date.now()) {
    fail('token-expired', `The sign-in for "${session.name ?? session.startUrl}" has expired.`, 'Click "Sign in" again.');
  }
  return { session, token };
}

/** The region a role's console opens in by default: its configured profile's, else the session's. */
async function consoleRegion(session: core.SessionDef, accountId: string, roleName: string): Promise<string> {
  const profiles = (await snapshot()).config.profiles;
  const profile = profiles.find((p) => p.sessionKey === session.key && p.accountId === accountId && p.roleName === roleName && p.region);
  return profile?.region ?? session.region;
}

async function loginStatus(sessionKey: string, draft?: SessionDraft): Promise<LoginStatus> {
  const login = (await pendingViews()).get(sessionKey);
  const lastError = (await lastErrors()).get(sessionKey);
  const status: LoginStatus = { ...(login ? { login } : {}), ...(lastError ? { lastError } : {}) };
  if (login || lastError) return status;
  const session = await findSession(sessionKey, draft);
  try {
    const token = await readToken(session);
    return { expiresAt: token.expiresAt };
  } catch (error) {
    if (isHelperError(error, HELPER_ERROR.tokenNotFound)) return {};
    throw error;
  }
}

async function accessKeys(profileName: string): Promise<AccessKeysView> {
  const snap = await snapshot();
  const profile = snap.config.profiles.find((p) => p.name === profileName);
  if (!profile) fail('unknown-profile', `There is no profile "${profileName}".`, 'Reopen the popup; the config file may have changed.');
  if (!profile.accountId || !profile.roleName) {
    fail('profile-incomplete', `Profile "${profileName}" has no sso_account_id or sso_role_name.`, 'Add them with Configure, or edit ~/.aws/config.');
  }
  const { session, token } = await accessTokenFor(profile.sessionKey);
  const credentials = await core.getRoleCredentials(session, token, profile.accountId, profile.roleName);
  return {
    profile: profileName,
    accountId: profile.accountId,
    roleName: profile.roleName,
    accessKeyId: credentials.accessKeyId,
    ...(credentials.expiration ? { expiration: credentials.expiration } : {}),
    formats: core.exportFormats(credentials, profileName),
  };
}

async function signOut(sessionKey: string): Promise<void> {
  await cancelSignIn(sessionKey);
  const session = await findSession(sessionKey);
  // Tell AWS first (like `aws sso logout`), but delete the local files even if that call fails
  // (the token may be expired or already revoked).
  try {
    await core.logout(session, await readToken(session));
  } catch {
    // Nothing to revoke, or AWS unreachable: the local files go regardless.
  }
  await helper.request('deleteTokens', session.name ? { sessionName: session.name } : { startUrl: session.startUrl });
  await setTokenIssuer(sessionKey, undefined);
  await forgetDirectory(sessionKey);
  await chrome.alarms.clear(REFRESH_ALARM + sessionKey);
  await setLastError(sessionKey, undefined);
}

async function signOutAll(): Promise<void> {
  const snap = await snapshot();
  for (const session of snap.config.sessions) {
    await cancelSignIn(session.key);
    if (!tokenFor(snap, session)) continue;
    try {
      await core.logout(session, await readToken(session));
    } catch {
      // The token may already be invalid; the files are deleted below either way.
    }
  }
  await helper.request('deleteTokens', { all: true });
  await forgetDirectory();
  for (const alarm of await chrome.alarms.getAll()) {
    if (alarm.name.startsWith(REFRESH_ALARM)) await chrome.alarms.clear(alarm.name);
  }
}

function checkEndpoint(value: string): void {
  if (!value.trim()) return;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    fail('bad-endpoint', `"${value}" is not a URL.`, 'Enter a base URL such as http://127.0.0.1:4566, or leave it empty.');
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
    fail('bad-endpoint', 'The endpoint must be https, or http on 127.0.0.1.', 'Enter a base URL such as http://127.0.0.1:4566.');
  }
}

type Handlers = { [N in RequestName]: (payload: RequestOf<N>) => Promise<ReplyOf<N>> };

const handlers: Handlers = {
  getOverview: () => cachedOverview(),
  signIn: async ({ sessionKey, method, draft }) => {
    try {
      const session = await findSession(sessionKey, draft);
      return await startSignIn(session, method, changed);
    } catch (error) {
      // The session card shows this attempt's failure (replacing the previous one) until the next
      // attempt, also after the popup is closed and reopened.
      await setLastError(sessionKey, toUserError(error));
      changed();
      throw error;
    }
  },
  cancelSignIn: async ({ sessionKey }) => {
    await cancelSignIn(sessionKey);
    changed();
    return null;
  },
  signOut: async ({ sessionKey }) => {
    await signOut(sessionKey);
    changed();
    return null;
  },
  signOutAll: async () => {
    await signOutAll();
    changed();
    return null;
  },
  loginStatus: ({ sessionKey, draft }) => loginStatus(sessionKey, draft),
  listAccounts: async ({ sessionKey, draft }) => {
    const { session, token } = await accessTokenFor(sessionKey, draft);
    return core.listAccounts(session, token);
  },
  listRoles: async ({ sessionKey, accountId, draft }) => {
    const { session, token } = await accessTokenFor(sessionKey, draft);
    return core.listAccountRoles(session, token, accountId);
  },
  getAccessKeys: ({ profile }) => accessKeys(profile),
  openConsole: async (request) => {
    const { session, token } = await accessTokenFor(request.sessionKey);
    const reply = await openConsole(request, session, token, await consoleRegion(session, request.accountId, request.roleName));
    if (reply.opened) {
      const { sessionKey, accountId, roleName } = request;
      await recordRecentRole({ sessionKey, accountId, roleName, accountName: request.accountName ?? accountId });
    }
    return reply;
  },
  consoleChoice: async ({ sessionKey, accountId, roleName }) =>
    consoleChoice(accountId, roleName, await consoleRegion(await findSession(sessionKey), accountId, roleName)),
  getSettings: () => loadSettings(),
  saveSettings: async (settings: Settings) => {
    for (const url of Object.values(settings.endpointOverrides ?? {})) checkEndpoint(url);
    const saved = await saveSettings(settings);
    changed();
    return saved;
  },
  getWizard: async () => {
    const found = await chrome.storage.session.get(WIZARD_KEY);
    return (found[WIZARD_KEY] as WizardState | undefined) ?? null;
  },
  setWizard: async ({ state }) => {
    if (state) await chrome.storage.session.set({ [WIZARD_KEY]: state });
    else await chrome.storage.session.remove(WIZARD_KEY);
    return null;
  },
  startPopulate: (request) => startPopulate({ accessTokenFor: (key) => accessTokenFor(key), changed }, request),
  populateStatus: () => populateStatus(),
  cancelPopulate: () => cancelPopulate(),
  writeConfig: async ({ session, profile }) => {
    await core.ready();
    const sessionReply = await helper.request('writeSsoSession', core.ssoSessionRequest(session));
    await helper.request('writeProfile', core.profileRequest(profile));
    changed();
    return core.configPathFromReply(sessionReply);
  },
  ...accountHandlers,
};

export async function handle<N extends keyof Api>(name: N, payload: RequestOf<N>): Promise<ReplyOf<N>> {
  const handler = handlers[name] as ((p: RequestOf<N>) => Promise<ReplyOf<N>>) | undefined;
  if (!handler) fail('unknown-request', `Unknown request "${String(name)}".`, 'Reload the extension.');
  return handler(payload);
}
