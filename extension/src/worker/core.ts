// The core (Rust compiled to wasm: the npm package `sso-bridge`'s module, with the extension's own web
// glue that can re-instantiate it after a trap) as the worker uses it.
// All AWS logic (requests, PKCE, polling, refresh rules, config parsing, export formats) lives in the
// core; this module only adapts shapes between the core, the helper protocol and the popup's views.

import init, * as sso from '../wasm/sso_bridge.js';
import type * as helper from '../helper-protocol.js';
import type { AccountView, ExportFormatId, ProfileDraft, RoleView, SessionDraft } from '../messages.js';
import { fail, onCoreTrap } from './errors.js';

let loading: Promise<void> | undefined;

// After a trap (toUserError sees the `WebAssembly.RuntimeError`): a fresh instance of the same
// compiled module, with fresh glue state. The extension's own glue has this (`cargo xtask` builds it
// with wasm-bindgen's reset-state function; the npm package does not).
onCoreTrap(() => sso.__wbg_reset_state());

/** Instantiates the wasm once per worker start; every handler awaits this promise. */
export function ready(): Promise<void> {
  loading ??= init({ module_or_path: chrome.runtime.getURL('wasm/sso_bridge_bg.wasm') }).then(() => undefined);
  return loading;
}

export interface SessionDef {
  key: string;
  name?: string;
  startUrl: string;
  region: string;
  /**
   * `sso_registration_scopes`, parsed; null when the key is absent (and for legacy profiles). Absent
   * and empty differ: the CLI's client-registration cache key hashes `null` for one, `[]` for the other.
   */
  scopes: string[] | null;
  /** Where SSO OIDC and portal calls go: the Settings override, or what the core resolved. */
  endpoints: { oidc: string; portal: string };
  /** The Settings override for this session, when set (the popup shows it). */
  endpointOverride?: string;
}

export interface ProfileDef {
  name: string;
  sessionKey: string;
  accountId?: string;
  roleName?: string;
  region?: string;
  output?: string;
  legacy: boolean;
}

export interface ParsedConfig {
  sessions: SessionDef[];
  profiles: ProfileDef[];
  diagnostics: string[];
}

export interface TokenStatusEntry {
  sessionName?: string;
  startUrl?: string;
  expiresAt?: string;
  refreshable: boolean;
}

export interface HelperInfo {
  version?: number | string;
  configPath?: string;
  credentialsPath?: string;
  cacheDir?: string;
}

export type TokenFile = sso.TokenFile;
export type RoleCredentials = sso.AwsCredentials;
export type Registration = sso.ObtainedRegistration;
export type DeviceAuthorization = sso.DeviceAuthorization;
export type PkcePending = sso.PendingPkce;

/**
 * The OIDC and portal endpoints: the Settings override when set (one base URL for both, the local
 * emulator), else the core's resolution for the region and the profile's `[services]` /
 * `endpoint_url` settings (AWS defaults for every partition otherwise).
 */
function endpointsFor(region: string, override: string, configText?: string, profileName?: string): SessionDef['endpoints'] {
  if (override) return { oidc: override, portal: override };
  const resolved = sso.resolveEndpoints({
    region,
    ...(configText !== undefined ? { configText } : {}),
    ...(profileName !== undefined ? { profileName } : {}),
  });
  return { oidc: resolved.oidc.url, portal: resolved.portal.url };
}

function withOverride(url: string | undefined): { endpointOverride?: string } {
  return url ? { endpointOverride: url } : {};
}

// ---------------------------------------------------------------------------------------------
// Config: sessions and profiles as the popup shows them, parsed by the core

function diagnosticLine(d: sso.Diagnostic): string {
  return `${d.origin.file}:${d.origin.line}: ${d.message}`;
}

/**
 * Sessions (`[sso-session]` sections, plus one per legacy start URL) and SSO profiles, from the
 * config text. Throws the core's error (with file and line) for a file the SDKs refuse.
 */
export function parseConfig(configText: string, credentialsText: string | undefined, overrides: Record<string, string>): ParsedConfig {
  const parsed = sso.parseConfig(configText, credentialsText);
  const entries = sso.listSsoProfiles(configText, credentialsText);
  const diagnostics = parsed.diagnostics.map(diagnosticLine);
  // A session's endpoints follow the settings of the first profile that uses it (as the CLI does
  // for `aws sso login --profile P`).
  const profileOf = (sessionName: string) =>
    entries.find((e) => e.profile?.session?.name === sessionName)?.name;
  const sessions: SessionDef[] = [];
  for (const section of Object.values(parsed.sessions)) {
    const value = (key: string) => section.properties[key]?.value.trim() ?? '';
    const region = value('sso_region');
    if (!region || !value('sso_start_url')) {
      diagnostics.push(
        `${section.origin.file}:${section.origin.line}: [sso-session ${section.name}] needs sso_start_url and sso_region.`,
      );
      continue;
    }
    const key = `session:${section.name}`;
    sessions.push({
      key,
      ...withOverride(overrides[key]),
      name: section.name,
      startUrl: value('sso_start_url'),
      region,
      scopes: section.properties['sso_registration_scopes']
        ? value('sso_registration_scopes').split(',').map((scope) => scope.trim()).filter(Boolean)
        : null,
      endpoints: endpointsFor(region, overrides[key] ?? '', configText, profileOf(section.name)),
    });
  }
  const profiles: ProfileDef[] = [];
  for (const entry of entries) {
    const profile = entry.profile;
    if (!profile) {
      if (entry.error) diagnostics.push(`profile ${entry.name}: ${entry.error.message}`);
      continue;
    }
    diagnostics.push(...profile.diagnostics.map(diagnosticLine));
    let sessionKey: string;
    if (profile.session) {
      sessionKey = `session:${profile.session.name}`;
    } else {
      sessionKey = `legacy:${profile.startUrl}`;
      if (!sessions.some((s) => s.key === sessionKey)) {
        sessions.push({
          key: sessionKey,
          ...withOverride(overrides[sessionKey]),
          startUrl: profile.startUrl,
          region: profile.region,
          scopes: null,
          endpoints: endpointsFor(profile.region, overrides[sessionKey] ?? '', configText, profile.name),
        });
      }
    }
    profiles.push({
      name: profile.name,
      sessionKey,
      legacy: profile.session === null,
      ...(profile.accountId ? { accountId: profile.accountId } : {}),
      ...(profile.roleName ? { roleName: profile.roleName } : {}),
      ...(profile.defaultRegion ? { region: profile.defaultRegion } : {}),
      ...(parsed.profiles[profile.name]?.properties['output']?.value ? { output: parsed.profiles[profile.name]?.properties['output']?.value } : {}),
    });
  }
  return { sessions, profiles, diagnostics: [...new Set(diagnostics)] };
}

// ---------------------------------------------------------------------------------------------
// Access keys: every format of `aws configure export-credentials`, rendered by the core

const FORMATS: { id: ExportFormatId; label: string; format?: sso.ExportFormat }[] = [
  { id: 'env', label: 'bash/zsh', format: 'env' },
  { id: 'fish', label: 'fish', format: 'fish' },
  { id: 'powershell', label: 'PowerShell', format: 'powershell' },
  { id: 'windows-cmd', label: 'cmd', format: 'windows-cmd' },
  { id: 'credentials-file', label: 'credentials file' },
];

export function exportFormats(credentials: RoleCredentials, profile: string): { id: ExportFormatId; label: string; text: string }[] {
  return FORMATS.map(({ id, label, format }) => ({
    id,
    label,
    text: format ? sso.exportCredentials(credentials, format) : sso.credentialsFileSection(profile, credentials),
  }));
}

/** `readToken` → the token cache file's members. */
export function tokenFromReply(reply: helper.ReadTokenReply): TokenFile {
  const token = reply.token as Partial<helper.TokenFile> | undefined;
  if (typeof token?.accessToken !== 'string' || typeof token.expiresAt !== 'string') {
    fail('token-unreadable', 'The cached token has no access token or expiry.', 'Sign in again.');
  }
  return token as TokenFile;
}

/** A token the core issued or refreshed, as `storeToken` takes it (the CLI's file needs its start URL and region). */
export function tokenForHelper(token: TokenFile): helper.TokenFields {
  const { startUrl, region } = token;
  if (!startUrl || !region) {
    fail('token-incomplete', 'The new token has no start URL or region, so the AWS CLI could not use it.', 'Sign in again.');
  }
  return {
    startUrl,
    region,
    accessToken: token.accessToken,
    expiresAt: token.expiresAt,
    ...(token.clientId ? { clientId: token.clientId } : {}),
    ...(token.clientSecret ? { clientSecret: token.clientSecret } : {}),
    ...(token.registrationExpiresAt ? { registrationExpiresAt: token.registrationExpiresAt } : {}),
    ...(token.refreshToken ? { refreshToken: token.refreshToken } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// The helper's replies and requests (their types: `helper-protocol.ts`, generated from the helper)

export interface ConfigFiles {
  configText: string;
  credentialsText?: string;
  tokens: TokenStatusEntry[];
  info: HelperInfo;
}

/** `readConfig` → the two files' text and the token-cache status entries (never tokens). */
export function readConfigReply(reply: helper.ReadConfigReply): ConfigFiles {
  const credentialsText = reply.credentials.content ?? undefined;
  return {
    configText: reply.config.content ?? '',
    ...(credentialsText !== undefined ? { credentialsText } : {}),
    tokens: reply.tokens.map((entry) => ({
      ...(entry.sessionName ? { sessionName: entry.sessionName } : {}),
      ...(entry.startUrl ? { startUrl: entry.startUrl } : {}),
      ...(entry.expiresAt ? { expiresAt: entry.expiresAt } : {}),
      refreshable: entry.refreshable,
    })),
    info: {
      ...(reply.config.path ? { configPath: reply.config.path } : {}),
      ...(reply.credentials.path ? { credentialsPath: reply.credentials.path } : {}),
    },
  };
}

/** `writeSsoSession` fields for a wizard draft. */
export function ssoSessionRequest(draft: SessionDraft): helper.WriteSsoSessionRequest {
  return {
    name: draft.name,
    startUrl: draft.startUrl,
    region: draft.region,
    ...(draft.scopes.length ? { registrationScopes: draft.scopes.join(',') } : {}),
  };
}

/** `writeProfile` fields for a wizard draft. */
export function profileRequest(draft: ProfileDraft): helper.WriteProfileRequest {
  return {
    name: draft.name,
    ssoSession: draft.sessionName,
    accountId: draft.accountId,
    roleName: draft.roleName,
    ...(draft.region ? { region: draft.region } : {}),
    ...(draft.output ? { output: draft.output } : {}),
  };
}

export function configPathFromReply(reply: { path?: string }): { configPath?: string } {
  return reply.path ? { configPath: reply.path } : {};
}

export function sessionFromDraft(draft: SessionDraft, overrides: Record<string, string>): SessionDef {
  if (!/^[A-Za-z0-9_.@+-]+$/.test(draft.name)) {
    fail('bad-session-name', `"${draft.name}" cannot be a session name.`, 'Use letters, digits and - _ . @ + only.');
  }
  if (!/^https:\/\/\S+$/.test(draft.startUrl)) {
    fail('bad-start-url', `"${draft.startUrl}" is not an https start URL.`, 'Copy the start URL from your AWS access portal, e.g. https://my-company.awsapps.com/start.');
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(draft.region)) {
    fail('bad-region', `"${draft.region}" is not an AWS region.`, 'Enter the region where IAM Identity Center runs, e.g. us-east-1.');
  }
  const key = `session:${draft.name}`;
  return {
    key,
    ...withOverride(overrides[key]),
    name: draft.name,
    startUrl: draft.startUrl,
    region: draft.region,
    // The wizard writes sso_registration_scopes only when some are given (ssoSessionRequest).
    scopes: draft.scopes.length ? draft.scopes : null,
    endpoints: endpointsFor(draft.region, overrides[key] ?? ''),
  };
}




// ---------------------------------------------------------------------------------------------
// Sign-in, refresh, portal: the core's flows (registration rules, PKCE, polling, backoff)

function oidc(session: SessionDef): sso.OidcClient {
  return new sso.OidcClient(session.endpoints.oidc);
}

function portal(session: SessionDef): sso.PortalClient {
  return new sso.PortalClient(session.endpoints.portal);
}

/** What the token file records about the session (the configured start URL and SSO region). */
function sessionInfo(session: SessionDef): sso.SsoSessionInfo {
  return { startUrl: session.startUrl, region: session.region };
}

/**
 * The identifying inputs of the CLI's client-registration cache key (spec §2), as the helper's
 * `readRegistration` takes them: the same values `registerClient` and `storeToken` key the file by.
 */
export function registrationKeyFields(session: SessionDef): helper.ReadRegistrationRequest {
  return {
    sessionName: session.name ?? null,
    startUrl: session.startUrl,
    region: session.region,
    scopes: session.scopes,
  };
}

/**
 * A client registration of the kind the flow needs (PKCE or device code). `cachedFile` is the
 * registration the CLI (or an earlier sign-in) cached for this session, as file text; the core reuses
 * it when the CLI would (right kind, more than 15 minutes left) and registers a new client otherwise.
 */
export function registerClient(
  session: SessionDef,
  kind: 'pkce' | 'device',
  cachedFile: string | null,
): Promise<Registration> {
  return oidc(session).register({
    kind: kind === 'pkce' ? 'authorizationCode' : 'deviceCode',
    startUrl: session.startUrl,
    region: session.region,
    sessionName: session.name ?? null,
    scopes: session.scopes,
    cachedRegistrationFile: cachedFile,
  });
}

/** The authorize URL to open, and the pending state (a secret) for `pkceFinish`. */
export function pkceStart(session: SessionDef, registration: Registration, port: number): sso.PkceStart {
  return oidc(session).pkceStart(registration.registration, {
    port,
    scopes: session.scopes,
  });
}

/** Checks the callback URL (state, error) and exchanges the code; the token file entry to store. */
export async function pkceFinish(
  session: SessionDef,
  registration: Registration,
  pending: PkcePending,
  callbackUrl: string,
): Promise<TokenFile> {
  const issued = await oidc(session).pkceFinish(pending, callbackUrl);
  return sso.tokenFileFor(issued, sessionInfo(session), registration.registration);
}

export function startDeviceAuthorization(session: SessionDef, registration: Registration): Promise<DeviceAuthorization> {
  return oidc(session).startDeviceAuthorization(registration.registration, session.startUrl);
}

export async function pollDeviceToken(
  session: SessionDef,
  registration: Registration,
  device: DeviceAuthorization,
  signal: AbortSignal,
): Promise<TokenFile> {
  const issued = await oidc(session).pollDeviceToken(registration.registration, device, { signal });
  return sso.tokenFileFor(issued, sessionInfo(session), registration.registration);
}

/** The `registration` member of `storeToken`: the client-registration cache file, as the CLI writes it. */
export function registrationForHelper(session: SessionDef, registration: Registration): helper.RegistrationFields {
  const file = registration.registration;
  return {
    clientId: file.clientId,
    clientSecret: file.clientSecret,
    expiresAt: file.expiresAt,
    ...(file.scopes ? { scopes: file.scopes } : {}),
    ...(file.grantTypes ? { grantTypes: file.grantTypes } : {}),
    configuredScopes: session.scopes,
  };
}

export function refreshToken(session: SessionDef, token: TokenFile): Promise<TokenFile> {
  return oidc(session).refresh(token, sessionInfo(session));
}

/** When the core says to refresh this token (20-minute window, at most one attempt a minute). */
export function planRefresh(token: TokenFile, lastAttemptAt?: string): sso.RefreshPlan {
  return sso.planRefresh(token, lastAttemptAt ?? null);
}

export async function listAccounts(session: SessionDef, token: TokenFile, options: sso.ListOptions = {}): Promise<AccountView[]> {
  const accounts = await portal(session).listAccounts(token.accessToken, options);
  return accounts.map((a) => ({
    accountId: a.accountId,
    accountName: a.accountName ?? a.accountId,
    emailAddress: a.emailAddress ?? '',
  }));
}

export async function listAccountRoles(
  session: SessionDef,
  token: TokenFile,
  accountId: string,
  options: sso.ListOptions = {},
): Promise<RoleView[]> {
  const roles = await portal(session).listAccountRoles(token.accessToken, accountId, options);
  return roles.map((r) => ({ accountId: r.accountId, roleName: r.roleName }));
}

/**
 * Every account with its roles, `concurrency` role listings in flight at once; throttled (429) and
 * failed pages are retried with the core's backoff (honouring Retry-After).
 */
export async function listAccountsAndRoles(
  session: SessionDef,
  token: TokenFile,
  concurrency: number,
): Promise<{ account: AccountView; roles: string[] }[]> {
  const listed = await portal(session).listAccountsAndRoles(token.accessToken, { concurrency });
  return listed.map(({ account, roles }) => ({
    account: { accountId: account.accountId, accountName: account.accountName ?? account.accountId, emailAddress: account.emailAddress ?? '' },
    roles: roles.map((r) => r.roleName),
  }));
}

export function getRoleCredentials(
  session: SessionDef,
  token: TokenFile,
  accountId: string,
  roleName: string,
): Promise<RoleCredentials> {
  return portal(session).getRoleCredentials(token, accountId, roleName, {});
}

export function logout(session: SessionDef, token: TokenFile): Promise<void> {
  return portal(session).logout(token.accessToken);
}
