//! `sso-bridge`: the command-line tool and (when a browser launches it) the native-messaging helper.

use clap::Parser;
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
enum Command {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            ExitCode::from(2)
        }
    }
}
