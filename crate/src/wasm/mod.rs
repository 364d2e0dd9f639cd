//! Browser bindings: the core's API as a camelCase, Promise-based JavaScript module with TypeScript
//! types (the npm package `sso-bridge`).
//!
//! This layer only converts. Values cross as JSON (the core's serde shapes, mirrored by the
//! hand-written TypeScript declarations in [`types`]); the browser's effects come in through
//! [`effects`] (`fetch`, `setTimeout`, `crypto.getRandomValues`, `Date.now`); core errors leave as
//! JS `Error`s carrying `code`, `variant` and `retryable` ([`convert::JsFailure`]). Any logic that is
//! not conversion belongs in the core, where it is tested natively.

pub mod cache;
pub mod config;
pub mod convert;
pub mod effects;
pub mod export;
pub mod sso;
mod types;

use wasm_bindgen::prelude::*;

/// Runs once when the module is instantiated: a panic becomes a readable `console.error` line
/// instead of a bare `unreachable` trap.
#[wasm_bindgen(start)]
fn start() {
    effects::install_panic_hook();
}

/// The package version (equal to the Rust crate's version).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
