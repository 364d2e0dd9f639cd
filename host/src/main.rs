//! `sso-bridge`: the command-line tool and (when a browser launches it) the native-messaging helper.
//!
//! Thin on purpose: argument parsing and dispatch only; everything else is in the library.

use clap::Parser;
use sso_bridge_host::platform::{Os, ProcessEnv};
use sso_bridge_host::{caller, cli, native_host};
use std::path::PathBuf;
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
    /// Register the native-messaging helper with your browsers (host manifests; registry on Windows).
    Install {
        /// chrome, chromium, edge, brave, vivaldi, firefox or all (default: every browser found).
        #[arg(long = "browser", value_name = "BROWSER")]
        browsers: Vec<String>,
        /// The extension's ID (Chromium: 32 letters a-p; Firefox: name@domain). Repeatable.
        #[arg(long = "extension-id", value_name = "ID")]
        extension_ids: Vec<String>,
        /// Install for every user of this machine (needs administrator rights).
        #[arg(long)]
        system: bool,
        /// A Chromium started with --user-data-dir DIR reads manifests from DIR/NativeMessagingHosts.
        #[arg(long = "user-data-dir", value_name = "DIR")]
        user_data_dirs: Vec<PathBuf>,
    },
    /// Remove the host manifests (and registry keys) that `install` wrote.
    Uninstall {
        /// Remove the system-wide install instead of this user's.
        #[arg(long)]
        system: bool,
    },
    /// Check the installation per browser and the AWS directories, with the fix for each problem.
    Doctor,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(caller) = caller::detect(&args) {
        return ExitCode::from(native_host::run(caller, Os::current(), &ProcessEnv));
    }
    let cli = Cli::parse();
    let (os, env) = (Os::current(), &ProcessEnv);
    let result = match cli.command {
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            return ExitCode::from(2);
        }
        Some(Command::Install { browsers, extension_ids, system, user_data_dirs }) => {
            let options =
                sso_bridge_host::install::InstallOptions { browsers, extension_ids, system, user_data_dirs };
            cli::install(&options, os, env)
        }
        Some(Command::Uninstall { system }) => cli::uninstall(system, os, env),
        Some(Command::Doctor) => cli::doctor(os, env),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("sso-bridge: {}", error.message);
            ExitCode::from(1)
        }
    }
}
