//! The `sso-bridge` binary's library: command-line subcommands, the native-messaging helper,
//! file writes and the native effects (HTTP, clock, sleep, randomness) the core is given.
//!
//! `main.rs` only parses arguments and dispatches here, so integration tests can use every part.

pub mod native;
