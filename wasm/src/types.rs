//! The package's TypeScript declarations. The objects the bindings read and write are declared in
//! [`crate::shapes`], which renders `shapes.ts`, included here. The rest are written here by hand:
//! the errors, the objects the core writes itself (the config reading, the endpoints, the pending
//! PKCE sign-in), the tagged unions and the options that carry an `AbortSignal`. `tsc --strict`
//! checks all of them against a usage file in the build, and the wasm and node tests check the
//! runtime shapes.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const SHAPES: &str = include_str!("shapes.ts");

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
  /** sso_registration_scopes, parsed; null when not configured (registrationCacheKey hashes null, not []). */
  scopes: string[] | null;
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
/** The `--format` choices of `aws configure export-credentials`. */
export type ExportFormat = "process" | "env" | "env-no-export" | "powershell" | "windows-cmd" | "fish";
"#;

#[wasm_bindgen(typescript_custom_section)]
const SSO: &str = r#"
/** Where requests go, and why (which setting chose it). */
export interface ResolvedEndpoint {
  url: string;
  source:
    | { kind: "serviceEnvironment"; variable: string }
    | { kind: "globalEnvironment" }
    | { kind: "servicesSection"; section: string; origin: Origin }
    | { kind: "profileEndpointUrl"; origin: Origin }
    | { kind: "awsDefault"; partition: string };
}

export interface Endpoints {
  oidc: ResolvedEndpoint;
  portal: ResolvedEndpoint;
}

/** A PKCE sign-in waiting for its callback. Holds the code verifier and client secret: keep it private. */
export interface PendingPkce {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  state: string;
  codeVerifier: string;
  /** Epoch seconds after which the sign-in is abandoned (10 minutes). */
  expiresAt: number;
}

export type RefreshPlan =
  | { action: "notYet"; refreshAt: Timestamp }
  | { action: "due" }
  | { action: "wait"; retryAt: Timestamp }
  | { action: "signInAgain"; code: "not_refreshable" | "registration_expired"; expiresAt: Timestamp };

"#;
