//! TypeScript declarations for everything that crosses the boundary as JSON. They mirror the serde
//! shapes of the core types; `tsc --strict` checks them against a usage file in the build, and the
//! wasm tests check the runtime shapes.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const ERRORS: &str = r#"
/** Every error this package throws or rejects with. */
export interface SsoBridgeError extends Error {
  name: "SsoBridgeError";
  /** Stable snake_case code, e.g. "authorization_pending", "access_denied", "invalid_argument". */
  code: string;
  /** The Rust error variant's name, e.g. "AccessDenied". */
  variant: string;
  /** Whether trying the same call again later can succeed. */
  retryable: boolean;
  /** For SSO call errors: the AWS operation, e.g. "CreateToken" (or "authorize", "sign-in"). */
  operation?: string;
  /** For SSO call errors: the HTTP status, when the service answered. */
  status?: number;
  /** For config syntax errors: the file's display name ("~/.aws/config") and 1-based line. */
  file?: string;
  line?: number;
}
"#;

#[wasm_bindgen(typescript_custom_section)]
const CACHE: &str = r#"
/** Timestamps as the AWS CLI writes them: "2026-01-02T03:04:05Z" (other ISO 8601 UTC forms are read too). */
export type Timestamp = string;

/** A token cache file (~/.aws/sso/cache/<tokenCacheKey>.json). Absent fields are left out. */
export interface TokenFile {
  startUrl?: string | null;
  region?: string | null;
  accessToken: string;
  expiresAt: Timestamp;
  clientId?: string | null;
  clientSecret?: string | null;
  registrationExpiresAt?: Timestamp | null;
  refreshToken?: string | null;
}

/** A client-registration cache file (~/.aws/sso/cache/<registrationCacheKey>.json). */
export interface RegistrationFile {
  clientId: string;
  clientSecret: string;
  expiresAt: Timestamp;
  /** Present for PKCE registrations and when sso_registration_scopes is configured. */
  scopes?: string[] | null;
  /** ["authorization_code", "refresh_token"] for PKCE registrations. */
  grantTypes?: string[] | null;
}

/** The inputs of the AWS CLI's client-registration cache key. */
export interface RegistrationCacheKeyInput {
  /** The configured start URL (not a resolved vanity URL). */
  startUrl: string;
  region: string;
  /** Parsed sso_registration_scopes; null/absent when not configured (a different key from []). */
  scopes?: string[] | null;
  /** The sso-session name; null/absent for legacy profiles. */
  sessionName?: string | null;
}
"#;

#[wasm_bindgen(typescript_custom_section)]
const CONFIG: &str = r#"
/** Where something is: the file's display name ("~/.aws/config", "~/.aws/credentials") and 1-based line. */
export interface Origin {
  file: string;
  line: number;
}

export interface ConfigProperty {
  key: string;
  /** Sub-property blocks (e.g. `s3 =` followed by indented lines) keep their raw text here. */
  value: string;
  origin: Origin;
}

/** A `[profile NAME]`/`[default]` or `[sso-session NAME]` section; keys are lower-cased. */
export interface ConfigSection {
  name: string;
  origin: Origin;
  properties: Record<string, ConfigProperty>;
}

/** Any other `[prefix NAME]` section (e.g. `[services NAME]`), with its sub-properties. */
export interface OtherConfigSection {
  prefix: string;
  name: string;
  origin: Origin;
  properties: Record<string, Record<string, ConfigProperty>>;
}

/** Something the SDKs ignore, or that the AWS CLI / boto3 read differently. */
export interface Diagnostic {
  /** Stable kebab-case identifier, e.g. "duplicate-key", "inline-comment". */
  code: string;
  severity: "warning" | "error";
  origin: Origin;
  message: string;
}

export interface ParsedConfig {
  /** Profiles by name, the credentials file's values winning for the same key (as in the SDKs). */
  profiles: Record<string, ConfigSection>;
  /** `[sso-session NAME]` sections by name. */
  sessions: Record<string, ConfigSection>;
  /** Other sections by "prefix name". */
  otherSections: Record<string, OtherConfigSection>;
  diagnostics: Diagnostic[];
}

/** A profile resolved for SSO sign-in. */
export interface SsoProfile {
  name: string;
  origin: Origin;
  /** null for a legacy profile (start URL and region in the profile itself). */
  session: { name: string; origin: Origin } | null;
  startUrl: string;
  /** sso_region: where IAM Identity Center lives. */
  region: string;
  accountId: string | null;
  roleName: string | null;
  /** sso_registration_scopes, parsed. */
  scopes: string[];
  /** What tokenCacheKey() hashes: the session name, or the legacy start URL. */
  tokenCacheIdentifier: string;
  /** The profile's own `region` (default region for AWS calls). */
  defaultRegion: string | null;
  kind: "roleCredentials" | "bearerToken";
  diagnostics: Diagnostic[];
}

/** Why a profile cannot be used for SSO, as data. */
export interface ConfigProblem {
  /** e.g. "missing_keys", "session_not_found", "inconsistent". */
  code: string;
  variant: string;
  message: string;
}

export interface SsoProfileEntry {
  name: string;
  profile: SsoProfile | null;
  error: ConfigProblem | null;
}
"#;

#[wasm_bindgen(typescript_custom_section)]
const EXPORT: &str = r#"
/** AWS credentials, as getRoleCredentials returns them and exportCredentials takes them. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | null;
  expiration?: Timestamp | null;
  accountId?: string | null;
}

/** The `--format` choices of `aws configure export-credentials`. */
export type ExportFormat = "process" | "env" | "env-no-export" | "powershell" | "windows-cmd" | "fish";
"#;
