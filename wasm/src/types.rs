//! The package's TypeScript declarations. The objects the bindings read and write are declared in
//! [`crate::shapes`], which renders `shapes.ts`, included here. Two are written here by hand: the
//! error object (built property by property, not from JSON) and the `Timestamp` alias. `tsc --strict` checks all of them against a usage file in the
//! build, and the wasm and node tests check the runtime shapes.

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
