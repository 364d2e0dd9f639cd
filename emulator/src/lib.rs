//! sso-bridge-emulator: a local AWS IAM Identity Center (SSO OIDC + portal) for tests, demos and
//! benchmarks. It is the referee the sso-bridge core is tested against, so it shares no code with it;
//! its own fidelity is checked by boto3 and the AWS CLI v2 (see `emulator/referee/`).
//!
//! ```no_run
//! use sso_bridge_emulator::{RunningEmulator, Scenario};
//! let emulator = RunningEmulator::start(Scenario { auto_approve: true, ..Scenario::default() }).unwrap();
//! let base = emulator.base_url(); // point AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL_SSO_OIDC here
//! emulator.control().advance_clock(3600);
//! # let _ = base;
//! ```

mod control;
mod federation;
mod pages;
mod rng;
pub mod scenario;
mod server;
mod service;
mod urlenc;
pub mod wire;

pub use control::Control;
pub use federation::{destination_region, ConsoleSession, SIGNIN_TOKEN_LIFETIME_SECONDS};
pub use scenario::{
    Account, AccountSpec, Cors, Fault, FaultKind, Lifetimes, Operation, Scenario, Throttling, User,
};
pub use server::{RunningEmulator, ServerConfig};
pub use service::{
    pkce_challenge, redact, redirect_matches, AuthorizationInfo, DecisionStatus, DeviceAuthorizationInfo,
    Emulator, LoggedRequest, Options,
};

/// Starts an emulator on an ephemeral loopback port (also spelled `Emulator::start`).
pub fn start(scenario: Scenario) -> Result<RunningEmulator, String> {
    RunningEmulator::start(scenario)
}
