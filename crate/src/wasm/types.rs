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
