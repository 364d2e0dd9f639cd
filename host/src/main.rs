//! `sso-bridge`: the command-line tool and (when a browser launches it) the native-messaging helper.

use clap::Parser;
use sso_bridge_host::cli;
use std::process::ExitCode;

/// AWS IAM Identity Center (SSO) sign-in from the browser: reads and writes the files the AWS CLI
/// and SDKs use (~/.aws/config, ~/.aws/sso/cache).
#[derive(Parser, Debug)]
#[command(name = "sso-bridge", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Print the SSO token cache key (the file name in ~/.aws/sso/cache without `.json`).
    ///
    /// The key is the SHA-1 of an sso-session name, or of a legacy profile's sso_start_url exactly
    /// as configured, as the AWS CLI and SDKs compute it.
    CacheKey {
        /// The sso-session name (as in `[sso-session NAME]`), or a legacy profile's start URL.
        session_name_or_start_url: String,
    },
    /// List your AWS profiles with their SSO session, account, role, region and token status.
    ///
    /// Reads the config and credentials files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, else
    /// ~/.aws/…) and each session's cached token in ~/.aws/sso/cache (valid until …, expiring,
    /// expired, none). Never prints tokens or keys.
    Profiles,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result: Result<(), String> = match cli.command {
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            return ExitCode::from(2);
        }
        Some(Command::CacheKey { session_name_or_start_url }) => {
            cli::cache_key::run(&session_name_or_start_url, &mut out).map_err(|e| e.to_string())
        }
        Some(Command::Profiles) => cli::profiles::run(
            &cli::process_environment(),
            sso_bridge::config::Platform::current(),
            cli::system_now(),
            &mut out,
        )
        .map_err(|e| e.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
