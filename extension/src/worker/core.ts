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
  /** Base URLs of SSO OIDC and the portal API (from the config's endpoint settings or the override). */
  oidcEndpoint: string;
  portalEndpoint: string;
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
