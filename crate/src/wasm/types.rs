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
}
"#;
