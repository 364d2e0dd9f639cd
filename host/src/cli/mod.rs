//! The command-line subcommands, one module each. `main.rs` parses arguments with clap and calls
//! the `run` function here; every `run` takes its environment, clock and output stream as
//! arguments, so tests drive them with a temporary HOME and a fixed time.

pub mod cache_key;
pub mod console;
pub mod credentials;
pub mod login;
pub mod parse;
pub mod populate;
pub mod profiles;
pub mod setup;
pub mod sso_session;

use std::collections::BTreeMap;

/// The process environment as a map the core's `Environment` trait reads (variables that are not
/// valid UTF-8 are left out: none of the AWS variables can use them).
pub fn process_environment() -> BTreeMap<String, String> {
    std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))).collect()
}

/// The current time from the system clock.
pub fn system_now() -> sso_bridge::time::UtcTime {
    let seconds = match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    };
    sso_bridge::time::UtcTime::from_unix_seconds(seconds)
}
