// The core (Rust compiled to wasm, the npm package `sso-bridge` from pkg/web) as the worker uses it.
// All AWS logic (requests, PKCE, polling, refresh rules, config parsing, export formats) lives in the
// core; this module only adapts shapes between the core, the helper protocol and the popup's views.

import init, * as sso from '../wasm/sso_bridge.js';
import type { AccountView, ExportFormatId, ProfileDraft, RoleView, SessionDraft } from '../messages.js';
import { fail } from './errors.js';

let loading: Promise<void> | undefined;

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
  scopes: string[];
  /**
   * One base URL for both SSO OIDC and the portal (the Settings override, e.g. the local emulator);
   * absent means the core resolves the AWS endpoints of `region` (all partitions).
   */
  endpoint?: string;
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

export type TokenFile = sso.CachedToken;
export type Registration = sso.ClientRegistration;
export type DeviceAuthorization = sso.DeviceAuthorization;
export type PkcePending = sso.PkcePending;
export type RoleCredentials = sso.RoleCredentials;

// ---------------------------------------------------------------------------------------------
// The helper's replies (host/PROTOCOL.md) and requests

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function obj(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

export interface ConfigFiles {
  configText: string;
  credentialsText?: string;
  tokens: TokenStatusEntry[];
  info: HelperInfo;
}

/** `readConfig` → the two files' text and the token-cache status entries (never tokens). */
export function readConfigReply(reply: Record<string, unknown>): ConfigFiles {
  const config = obj(reply['config']);
  const credentials = obj(reply['credentials']);
  const tokens = Array.isArray(reply['tokens']) ? reply['tokens'] : [];
  const credentialsText = str(credentials['content']);
  const configPath = str(config['path']);
  const credentialsPath = str(credentials['path']);
  return {
    configText: str(config['content']) ?? '',
    ...(credentialsText !== undefined ? { credentialsText } : {}),
    tokens: tokens.map((entry) => {
      const e = obj(entry);
      const sessionName = str(e['sessionName']);
      const startUrl = str(e['startUrl']);
      const expiresAt = str(e['expiresAt']);
      return {
        ...(sessionName ? { sessionName } : {}),
        ...(startUrl ? { startUrl } : {}),
        ...(expiresAt ? { expiresAt } : {}),
        refreshable: e['refreshable'] === true,
      };
    }),
    info: {
      ...(configPath ? { configPath } : {}),
      ...(credentialsPath ? { credentialsPath } : {}),
    },
  };
}

/** `writeSsoSession` fields for a wizard draft. */
export function ssoSessionRequest(draft: SessionDraft): Record<string, unknown> {
  return {
    name: draft.name,
    startUrl: draft.startUrl,
    region: draft.region,
    ...(draft.scopes.length ? { registrationScopes: draft.scopes.join(',') } : {}),
  };
}

/** `writeProfile` fields for a wizard draft. */
export function profileRequest(draft: ProfileDraft): Record<string, unknown> {
  return {
    name: draft.name,
    ssoSession: draft.sessionName,
    accountId: draft.accountId,
    roleName: draft.roleName,
    ...(draft.region ? { region: draft.region } : {}),
    ...(draft.output ? { output: draft.output } : {}),
  };
}

export function configPathFromReply(reply: Record<string, unknown>): { configPath?: string } {
  const path = str(reply['path']);
  return path ? { configPath: path } : {};
}

/** The wizard's session before it is in the config file. */
export function sessionFromDraft(draft: SessionDraft, endpointOverride: string): SessionDef {
  if (!/^[A-Za-z0-9_.@+-]+$/.test(draft.name)) {
    fail('bad-session-name', `"${draft.name}" cannot be a session name.`, 'Use letters, digits and - _ . @ + only.');
  }
  if (!/^https:\/\/\S+$/.test(draft.startUrl)) {
    fail('bad-start-url', `"${draft.startUrl}" is not an https start URL.`, 'Copy the start URL from your AWS access portal, e.g. https://my-company.awsapps.com/start.');
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(draft.region)) {
    fail('bad-region', `"${draft.region}" is not an AWS region.`, 'Enter the region where IAM Identity Center runs, e.g. us-east-1.');
  }
  return {
    key: `session:${draft.name}`,
    name: draft.name,
    startUrl: draft.startUrl,
    region: draft.region,
    scopes: draft.scopes,
    ...(endpointOverride ? { endpoint: endpointOverride } : {}),
  };
}

// TEMPORARY signatures until the wasm OIDC/portal API lands.
export declare function parseConfig(configText: string, credentialsText: string | undefined, endpointOverride: string): ParsedConfig;
export declare function registerClient(session: SessionDef, kind: 'pkce' | 'device'): Promise<Registration>;
export declare function pkceStart(session: SessionDef, registration: Registration, redirectUri: string): Promise<{ authorizeUrl: string; pending: PkcePending }>;
export declare function pkceFinish(session: SessionDef, registration: Registration, pending: PkcePending, url: string): Promise<TokenFile>;
export declare function startDeviceAuthorization(session: SessionDef, registration: Registration): Promise<DeviceAuthorization>;
export declare function pollDeviceToken(session: SessionDef, registration: Registration, device: DeviceAuthorization, signal: AbortSignal): Promise<TokenFile>;
export declare function refreshToken(session: SessionDef, token: TokenFile): Promise<TokenFile>;
export declare function listAccounts(session: SessionDef, token: TokenFile): Promise<AccountView[]>;
export declare function listAccountRoles(session: SessionDef, token: TokenFile, accountId: string): Promise<RoleView[]>;
export declare function getRoleCredentials(session: SessionDef, token: TokenFile, accountId: string, roleName: string): Promise<RoleCredentials>;
export declare function logout(session: SessionDef, token: TokenFile): Promise<void>;
export declare function exportFormats(c: RoleCredentials, profile: string, region?: string): { id: ExportFormatId; label: string; text: string }[];
export declare function tokenFromReply(reply: Record<string, unknown>, session: SessionDef): TokenFile;
