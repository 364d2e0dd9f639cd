// The one typed channel between the popup (a view) and the service worker (which owns all state).
// Every request names its reply type here, so a change on either side fails the type check.

import type { PopulateJob, PopulateOptions } from './populate-messages.js';

/** An error the popup can show as is: what happened, and what to do next. */
export interface UserError {
  /** Stable machine code, e.g. `helper-missing`, `AccessDeniedException`, `network`. */
  code: string;
  /** What happened, one sentence. */
  message: string;
  /** What the user should do next, one sentence (empty when `message` already says it). */
  action: string;
  /** A command to copy (e.g. the exact `sso-bridge install …` line), when one fixes it. */
  command?: string;
}

export type TokenStatus = 'valid' | 'expiring' | 'expired' | 'never';

/** A place a token is kept: an `[sso-session NAME]`, or a legacy profile's start URL. */
export interface SessionView {
  /** `session:<name>` or `legacy:<startUrl>`: stable key used in every request. */
  key: string;
  /** The sso-session name; absent for legacy (start URL keyed) profiles. */
  name?: string;
  startUrl: string;
  region: string;
  /** Parsed `sso_registration_scopes`; null when not configured. */
  scopes: string[] | null;
  status: TokenStatus;
  /** CLI timestamp (`2026-01-01T00:00:00Z`) of the access token's expiry. */
  expiresAt?: string;
  /** True when a refresh token and a live client registration exist. */
  refreshable: boolean;
  /** Profiles that use this session. */
  profiles: string[];
  /** A sign-in in progress for this session. */
  login?: LoginView;
  /** The last failure for this session (sign-in, refresh), until the next attempt. */
  lastError?: UserError;
  /** The Settings endpoint override this session's requests go to, when one is set. */
  endpointOverride?: string;
}

export interface ProfileView {
  name: string;
  /** Key of the session it signs in with (see `SessionView.key`). */
  sessionKey: string;
  accountId?: string;
  roleName?: string;
  region?: string;
  output?: string;
  legacy: boolean;
}

export type LoginView =
  | { method: 'pkce'; sessionKey: string; startedAt: number; authorizeUrl: string }
  | {
      method: 'device';
      sessionKey: string;
      startedAt: number;
      userCode: string;
      verificationUri: string;
      verificationUriComplete?: string;
      expiresAt: number;
    };

export interface HelperInfo {
  version?: number | string;
  configPath?: string;
  credentialsPath?: string;
  cacheDir?: string;
}

export interface Overview {
  extensionId: string;
  /** The exact command that registers the helper for this extension (shown when the helper is missing). */
  installCommand: string;
  helper: { ok: true; info: HelperInfo } | { ok: false; error: UserError };
  /** The config file cannot be read the way the SDKs read it (file and line in the message). */
  configError?: UserError;
  sessions: SessionView[];
  profiles: ProfileView[];
  /** Warnings about the config file (line numbers included), from the core's parser. */
  diagnostics: string[];
  /**
   * Host permissions (match patterns) the sessions' endpoints need and the browser has not granted
   * (Firefox grants MV3 host permissions only when the user agrees); the popup asks for them.
   */
  missingHostPermissions?: string[];
}

export interface AccountView {
  accountId: string;
  accountName: string;
  emailAddress: string;
}

export interface RoleView {
  accountId: string;
  roleName: string;
}

/**
 * One role of one account of a session, as the account browser's favourites and recently used roles
 * keep it (in `chrome.storage.local`: ids and names only, never anything secret).
 */
export interface RoleRef {
  sessionKey: string;
  accountId: string;
  accountName: string;
  roleName: string;
}

/** A session's accounts and, once listed, their roles: the worker keeps it for the browser session. */
export interface DirectoryView {
  accounts: AccountView[];
  /** Account id → its role names, for every account whose roles are listed. */
  roles: Record<string, string[]>;
  /** Every account's roles are listed (then a search by role name sees them all). */
  rolesComplete: boolean;
  /** When it was listed (epoch ms): the popup says how old what it shows is. */
  listedAt: number;
}

/** The account browser's "Add profile" for a role: the name template and the profile's region. */
export interface RoleProfileRequest extends RoleRef {
  template: string;
  region?: string;
}

/** What "Add profile" writes (`section`, exactly), or that it is already there (`exists`). */
export interface RoleProfilePlan {
  name: string;
  section: string;
  exists: boolean;
  configPath?: string;
}

/** Role credentials and every export format the core renders for them. */
export interface AccessKeysView {
  profile: string;
  accountId: string;
  roleName: string;
  accessKeyId: string;
  /** CLI timestamp (`2026-01-01T00:00:00Z`). */
  expiration?: string;
  formats: { id: ExportFormatId; label: string; text: string }[];
}

export type ExportFormatId = 'env' | 'fish' | 'powershell' | 'windows-cmd' | 'credentials-file';

/** A session being defined in the configure wizard (not yet in the config file). */
export interface SessionDraft {
  name: string;
  startUrl: string;
  region: string;
  scopes: string[];
}

export interface ProfileDraft {
  name: string;
  sessionName: string;
  accountId: string;
  roleName: string;
  region?: string;
  output?: string;
}

export type SignInMethod = 'pkce' | 'device';

export interface Settings {
  /**
   * Per session (its key: `session:<name>` or `legacy:<start URL>`), one base URL that answers both
   * SSO OIDC and the portal API instead of AWS (the local emulator of this repository, `cargo xtask
   * demo`): https, or http on loopback. Only that session's tokens go there; every other session
   * keeps the real AWS endpoints (or the ones the config file names).
   */
  endpointOverrides: Record<string, string>;
  /** Sign in with the device code instead of PKCE by default. */
  preferDeviceCode: boolean;
  /** Firefox: open each account's console in its own container (like Granted Containers). */
  consoleContainers?: boolean;
}

export interface LoginStatus {
  login?: LoginView;
  lastError?: UserError;
  /** Expiry of the stored token, when there is one. */
  expiresAt?: string;
}

/** The configure wizard's progress, kept by the worker because the popup closes when a tab opens. */
export interface WizardState {
  step: 'session' | 'signin' | 'account' | 'details' | 'done';
  draft: SessionDraft;
  method: SignInMethod;
  account?: AccountView;
  role?: RoleView;
  configPath?: string;
}

/** "Open console" for a role: the worker signs in and opens the console in a new tab. */
export interface ConsoleRequest {
  sessionKey: string;
  accountId: string;
  roleName: string;
  /** Names the account's Firefox container, when containers are on. */
  accountName?: string;
  /** Left out or empty: the role's last one, else its profile's region, else the session's. */
  region?: string;
  /** A console path (`/ec2/home`) or https URL; empty: the console home; left out: the last one. */
  destination?: string;
}

/** What "Open console" starts with for a role (remembered per account and role; no secret). */
export interface ConsoleChoice {
  region: string;
  destination: string;
}

/**
 * The console tab opened (the sign-in URL itself never leaves the worker), or the sign-in hosts the
 * browser must grant first (Firefox asks the user; `permissions.request` needs the popup's click).
 */
export type ConsoleReply =
  | { opened: true; region: string; destination: string }
  | { opened: false; needsOrigins: string[] };

/** Request name → [request payload, reply payload]. */
export interface Api {
  getOverview: [Record<string, never>, Overview];
  signIn: [{ sessionKey: string; method: SignInMethod; draft?: SessionDraft }, LoginView];
  cancelSignIn: [{ sessionKey: string }, null];
  signOut: [{ sessionKey: string }, null];
  signOutAll: [Record<string, never>, null];
  /** A draft is the configure wizard's session, not yet written to the config file. */
  loginStatus: [{ sessionKey: string; draft?: SessionDraft }, LoginStatus];
  listAccounts: [{ sessionKey: string; draft?: SessionDraft }, AccountView[]];
  listRoles: [{ sessionKey: string; accountId: string; draft?: SessionDraft }, RoleView[]];
  getAccessKeys: [{ profile: string }, AccessKeysView];
  getSettings: [Record<string, never>, Settings];
  saveSettings: [Settings, Settings];
  getWizard: [Record<string, never>, WizardState | null];
  setWizard: [{ state: WizardState | null }, null];
  writeConfig: [{ session: SessionDraft; profile: ProfileDraft }, { configPath?: string }];
  // The account browser (worker/accounts.ts).
  /** The kept directory at once, else the accounts listed now; `refresh` lists again. */
  getDirectory: [{ sessionKey: string; refresh?: boolean }, DirectoryView];
  /** Waits for every account's roles (listed with bounded concurrency) and keeps them. */
  listDirectoryRoles: [{ sessionKey: string }, DirectoryView];
  getRoleAccessKeys: [RoleRef, AccessKeysView];
  planRoleProfile: [RoleProfileRequest, RoleProfilePlan];
  addRoleProfile: [RoleProfileRequest, RoleProfilePlan];
  getPinnedRoles: [{ sessionKey: string }, { favourites: RoleRef[]; recent: RoleRef[] }];
  setFavourite: [{ role: RoleRef; pinned: boolean }, null];
  /** "Add all…": list every account and role, then plan (preview) or, with `apply`, write (populate.ts). */
  startPopulate: [{ sessionKey: string; options: PopulateOptions; apply: boolean }, PopulateJob];
  populateStatus: [Record<string, never>, PopulateJob | null];
  cancelPopulate: [Record<string, never>, null];
  openConsole: [ConsoleRequest, ConsoleReply];
  consoleChoice: [{ sessionKey: string; accountId: string; roleName: string }, ConsoleChoice];
}

export type RequestName = keyof Api;
export type RequestOf<N extends RequestName> = Api[N][0];
export type ReplyOf<N extends RequestName> = Api[N][1];

export interface RequestEnvelope<N extends RequestName = RequestName> {
  channel: 'sso-bridge';
  name: N;
  payload: RequestOf<N>;
}

export type ReplyEnvelope<N extends RequestName = RequestName> =
  | { ok: true; value: ReplyOf<N> }
  | { ok: false; error: UserError };

/** Pushed by the worker whenever state the popup shows has changed. */
export interface ChangedEvent {
  channel: 'sso-bridge-event';
  kind: 'changed';
}

export function isRequestEnvelope(value: unknown): value is RequestEnvelope {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { channel?: unknown }).channel === 'sso-bridge' &&
    typeof (value as { name?: unknown }).name === 'string'
  );
}

export function isChangedEvent(value: unknown): value is ChangedEvent {
  return (
    typeof value === 'object' && value !== null && (value as { channel?: unknown }).channel === 'sso-bridge-event'
  );
}

/** Thrown in the popup when the worker answers with an error. */
export class RequestError extends Error {
  constructor(readonly userError: UserError) {
    super(userError.message);
    this.name = 'RequestError';
  }
}

/** Sends one typed request to the service worker and returns its reply (or throws `RequestError`). */
export async function call<N extends RequestName>(name: N, payload: RequestOf<N>): Promise<ReplyOf<N>> {
  const envelope: RequestEnvelope<N> = { channel: 'sso-bridge', name, payload };
  let reply: ReplyEnvelope<N> | undefined;
  try {
    reply = (await chrome.runtime.sendMessage(envelope)) as ReplyEnvelope<N> | undefined;
  } catch (e) {
    throw new RequestError({
      code: 'worker-unreachable',
      message: `The extension's background worker did not answer (${String(e)}).`,
      action: 'Close and reopen this popup; if it persists, reload the extension in chrome://extensions.',
    });
  }
  if (!reply) {
    throw new RequestError({
      code: 'worker-no-reply',
      message: 'The background worker gave no answer.',
      action: 'Close and reopen this popup.',
    });
  }
  if (!reply.ok) throw new RequestError(reply.error);
  return reply.value;
}
