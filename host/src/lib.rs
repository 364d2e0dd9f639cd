//! The `sso-bridge` binary's library: command-line subcommands, the native-messaging helper,
//! file writes and the native effects (HTTP, clock, sleep, randomness) the core is given.
//!
//! `main.rs` only parses arguments and dispatches here, so integration tests can use every part.
//!
//! Module map:
//! - [`cli`]: the command-line subcommands (one module each).
//! - [`native_host`], [`handlers`], [`protocol`], [`caller`]: native-messaging mode — the request
//!   loop, one handler per request type, envelopes and chunking, and the caller-origin check.
//! - [`install`], [`browsers`]: host manifests per browser and OS, install/uninstall/doctor.
//! - [`log`]: the helper's log file, secrets redacted.
//! - [`framing`]: the native-messaging length-prefixed frames and their size limits.
//! - [`error_codes`]: the protocol's numbered, append-only error codes (`host/PROTOCOL.md`).
//! - [`native`]: the native effects given to the core: HTTPS transport, clock, sleep, randomness.
//! - [`platform`]: home, state and config directories per OS.
//! - [`aws_files`]: the closed set of files the helper writes, written atomically and confined to
//!   `~/.aws`, and the one-writer lock.

pub mod aws_files;
pub mod browsers;
pub mod caller;
pub mod cli;
pub mod console_message;
pub mod error_codes;
pub mod framing;
pub mod handlers;
pub mod install;
pub mod log;
pub mod messages;
pub mod native;
pub mod native_host;
pub mod platform;
pub mod populate_message;
pub mod protocol;
pub mod role_profile_message;
