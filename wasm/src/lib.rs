//! The browser bindings of the sso-bridge core ([`sso_bridge`]): its API as a camelCase,
//! Promise-based JavaScript module with TypeScript types (the npm package `sso-bridge`).
//!
//! This layer only converts. Values cross as JSON, in the shapes declared once in [`shapes`] (each
//! declaration gives the Rust struct, its reader or writer and its TypeScript); the browser's
//! effects come in through [`effects`] (`fetch`, `setTimeout`, `crypto.getRandomValues`,
//! `Date.now`); core errors leave as JS `Error`s carrying `code`, `variant` and `retryable`
//! ([`convert::JsFailure`]). Any logic that is not conversion belongs in the core, where it is tested
//! natively.
//!
//! This crate, not the core, owns everything a WebAssembly program can have only once: the global
//! allocator, the start function (panic hook) and the exports; so a Rust wasm program can depend on
//! the core with its own. Natively only [`shapes`] compiles, for its tests.

#[cfg(target_arch = "wasm32")]
pub mod cache;
#[cfg(target_arch = "wasm32")]
pub mod config;
#[cfg(target_arch = "wasm32")]
pub mod convert;
#[cfg(target_arch = "wasm32")]
pub mod effects;
#[cfg(target_arch = "wasm32")]
pub mod export;
pub mod shapes;
#[cfg(target_arch = "wasm32")]
pub mod sso;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::*;

/// Every TypeScript declaration of the package, rendered from [`shapes`] (whose test keeps the file
/// equal to the declarations).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(typescript_custom_section)]
const TYPESCRIPT: &str = include_str!("shapes.ts");

/// Runs once when the module is instantiated: a panic becomes a readable `console.error` line
/// instead of a bare `unreachable` trap.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(start)]
fn start() {
    effects::install_panic_hook();
}

/// The package version (equal to the Rust crate's version).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The module's allocator: rlsf's TLSF (bounded, O(1) allocation and free) instead of the standard
/// library's dlmalloc, smaller with the same parser benchmark figures (www/bench). The
/// specialised `realloc` is left out for size; freed pools are coalesced, so the large buffers of
/// a big config file are reused rather than piling up in a long-lived service worker
/// (tests-wasm/tests/config.rs checks that memory stops growing over repeated parses).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: rlsf::GlobalTlsf<AllocatorOptions> = rlsf::GlobalTlsf::new();

#[cfg(target_arch = "wasm32")]
struct AllocatorOptions;

#[cfg(target_arch = "wasm32")]
impl rlsf::GlobalTlsfOptions for AllocatorOptions {
    const ENABLE_REALLOCATION: bool = false;
    const COALESCE_POOLS: bool = true;
}
