//! sso-bridge core: everything AWS IAM Identity Center login needs that is not I/O.
//!
//! The core never touches the network, the clock, files or randomness itself: HTTP is data
//! ([`http::HttpRequest`] executed by an injected [`http::Transport`]), and time, sleep and
//! randomness come in through the traits in [`http`]. The same code runs under `cargo test`,
//! in the native helper (`host/`) and in the browser as WebAssembly.
//!
//! Module map:
//! - [`time`]: UTC timestamps in the CLI's formats (write exact, read lenient).
//! - [`secret`]: a string type for tokens and keys whose `Debug`/`Display` are redacted.
//! - [`sorted_map`]: the ordered map of the config model (small in the wasm module).
//! - [`http`]: request/response values and the injected transport, clock, sleep and randomness.
//! - [`config`]: the shared config/credentials parser (SDK spec), diagnostics where botocore
//!   differs, SSO profile resolution, endpoint resolution, file locations, and the config writer.
//! - [`cache`]: token and client-registration cache files and keys, the CLI role-credential cache.
//! - [`console`]: AWS console sign-in URLs from role credentials (the federation endpoint).
//! - [`populate`]: a profile for every account and role: names, marker, prune, the edit plan.
//! - [`export`]: `aws configure export-credentials` formats and credential_process JSON.
//! - [`json`]: the JSON reader for service responses, cache files and JS API arguments.
//! - [`error`]: errors of the SSO calls and flows (stable codes, retryable, advice).
//! - [`oidc`], [`portal`]: SSO OIDC and portal operations; [`flows`]: login, refresh and listing
//!   state machines built on them.

// Every public item is documented, and the lint keeps it so for new ones.
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod cache;
pub mod config;
pub mod console;
pub mod error;
pub mod export;
pub mod flows;
pub mod http;
pub mod json;
pub mod oidc;
// Native only: it needs the config writer's many-sections entry point, which the wasm module
// does not carry (the popup asks the helper to populate).
#[cfg(not(target_arch = "wasm32"))]
pub mod populate;
pub mod portal;
pub mod secret;
pub mod sorted_map;
mod text;
pub mod time;
pub mod typescript;

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExample;
