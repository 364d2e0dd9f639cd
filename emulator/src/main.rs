//! `sso-bridge-emulator`: run the local IAM Identity Center on 127.0.0.1.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use sso_bridge_emulator::{Options, RunningEmulator, Scenario, ServerConfig};

/// A local AWS IAM Identity Center (SSO OIDC + portal) for tests and demos. Prints its base URL as
/// the first line of standard output, then serves until stopped.
#[derive(Parser, Debug)]
#[command(name = "sso-bridge-emulator", version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Scenario file (TOML or JSON) describing the directory and behaviour.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Approve every device code and authorization request without a person.
    #[arg(long)]
    auto_approve: bool,
    /// Number of generated accounts (overrides the scenario).
    #[arg(long, value_name = "N")]
    accounts: Option<usize>,
    /// Roles in each generated account (overrides the scenario).
    #[arg(long, value_name = "M")]
    roles_per_account: Option<usize>,
    /// Seed for deterministic ids and tokens (overrides the scenario).
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Enable the test-control API under /_emulator/.
    #[arg(long)]
    control: bool,
    /// Accepted start URL (repeatable; overrides the scenario's list).
    #[arg(long = "start-url", value_name = "URL")]
    start_urls: Vec<String>,
    /// Allowed CORS origin pattern (repeatable; overrides the scenario's list).
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    cors_origins: Vec<String>,
    /// Append each request, secrets redacted, as a JSON line to this file.
    #[arg(long, value_name = "FILE")]
    request_log: Option<PathBuf>,
    /// Print one line per request to standard error (secrets never printed).
    #[arg(long)]
    verbose: bool,
    /// Connections served at once (one thread each).
    #[arg(long, default_value_t = 512)]
    max_connections: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sso-bridge-emulator: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> Result<(), String> {
    let mut scenario = match &args.scenario {
        Some(path) => Scenario::from_path(path)?,
        None => Scenario::default(),
    };
    if args.auto_approve {
        scenario.auto_approve = true;
    }
    if let Some(n) = args.accounts {
        scenario.accounts.clear();
        scenario.generated_accounts = Some(n);
    }
    if let Some(m) = args.roles_per_account {
        scenario.roles_per_account = m;
    }
    if args.seed.is_some() {
        scenario.seed = args.seed;
    }
    if !args.start_urls.is_empty() {
        scenario.start_urls = args.start_urls;
    }
    if !args.cors_origins.is_empty() {
        scenario.cors.allowed_origins = args.cors_origins;
    }
    scenario.validate()?;
    let config = ServerConfig {
        port: args.port,
        max_connections: args.max_connections,
        options: Options {
            control_over_http: args.control,
            verbose: args.verbose,
            request_log: args.request_log,
        },
    };
    let emulator = RunningEmulator::start_with(scenario, config)?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{}", emulator.base_url())
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))?;
    eprintln!(
        "sso-bridge-emulator: serving SSO OIDC and the portal at {} (test control {})",
        emulator.base_url(),
        if args.control { "on at /_emulator/" } else { "off" }
    );
    emulator.wait();
    Ok(())
}
