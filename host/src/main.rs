//! `sso-bridge`: the command-line tool and (when a browser launches it) the native-messaging helper.
//!
//! Thin on purpose: argument parsing and dispatch only; everything else is in the library.

use clap::Parser;
use sso_bridge_host::native::NativeEffects;
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
    /// Print the SSO token cache key (the file name in ~/.aws/sso/cache without `.json`).
    ///
    /// The key is the SHA-1 of an sso-session name, or of a legacy profile's sso_start_url exactly
    /// as configured, as the AWS CLI and SDKs compute it.
    CacheKey {
        /// The sso-session name (as in `[sso-session NAME]`), or a legacy profile's start URL.
        session_name_or_start_url: String,
    },
    /// Print the profiles and sso-sessions the AWS SDKs read from your config and credentials files,
    /// as JSON.
    ///
    /// Output: {"profiles": {NAME: {KEY: VALUE}}, "sso_sessions": {…}}, the shape of the AWS SDKs'
    /// config-parser conformance tables. Warnings about lines the SDKs ignore, or that the AWS CLI
    /// reads differently or refuses, go to stderr. Exits 1, naming the file and line, on a line the
    /// SDKs cannot parse.
    Parse {
        /// The config file (default: AWS_CONFIG_FILE, else ~/.aws/config).
        #[arg(long, value_name = "FILE")]
        config: Option<String>,
        /// The credentials file (default: AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials).
        #[arg(long, value_name = "FILE")]
        credentials: Option<String>,
    },
    /// List your AWS profiles with their SSO session, account, role, region and token status.
    ///
    /// Reads the config and credentials files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, else
    /// ~/.aws/…) and each session's cached token in ~/.aws/sso/cache (valid until …, expiring,
    /// expired, none). Never prints tokens or keys.
    Profiles,
    /// Register the native-messaging helper with your browsers (host manifests; registry on Windows).
    Install {
        /// chrome, chromium, edge, brave, vivaldi, firefox or all (default: every browser found).
        #[arg(long = "browser", value_name = "BROWSER")]
        browsers: Vec<String>,
        /// The extension's ID (Chromium: 32 letters a-p, see chrome://extensions; Firefox:
        /// name@domain, see about:debugging). Repeatable. Only these IDs may call the helper.
        #[arg(long = "extension-id", value_name = "ID")]
        extension_ids: Vec<String>,
        /// Also trust the development build's IDs (from the public key in manifest.json: anyone can
        /// load an unpacked copy with them). The extension is in no store yet, so install needs
        /// --extension-id or --dev.
        #[arg(long)]
        dev: bool,
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
    /// Print role credentials as `credential_process` JSON (for tools that do not speak SSO).
    ///
    /// Use in ~/.aws/config: `credential_process = sso-bridge credential-process --profile P`.
    /// Reuses the AWS CLI's role-credential cache, refreshes the SSO token when it is about to
    /// expire, and caches new role credentials like the CLI.
    CredentialProcess {
        #[arg(long, value_name = "PROFILE")]
        profile: String,
    },
    /// Print role credentials for a profile, like `aws configure export-credentials`.
    Export {
        #[arg(long, value_name = "PROFILE")]
        profile: String,
        /// process, env, env-no-export, fish, powershell or windows-cmd.
        #[arg(long, default_value = "process")]
        format: String,
    },
    /// Sign in like `aws sso login`: authorization code + PKCE through your browser (a listener on
    /// 127.0.0.1 takes the callback), or device code; writes the token file the AWS CLI and SDKs use.
    ///
    /// Exit codes: 0 signed in, 1 failed, 3 the browser did not come back, 4 the config does not
    /// name this session or profile.
    Login {
        /// The sso-session to sign in (as in `[sso-session NAME]`).
        #[arg(long, value_name = "SESSION", conflicts_with = "profile")]
        session: Option<String>,
        /// Sign in the session (or legacy start URL) of this profile (default: AWS_PROFILE, else default).
        #[arg(long, value_name = "PROFILE")]
        profile: Option<String>,
        /// Use the device-code flow (a code to confirm in any browser) instead of PKCE.
        #[arg(long)]
        device_code: bool,
        /// Print the URL to open instead of opening the system browser.
        #[arg(long)]
        no_browser: bool,
    },
    /// Write a profile for every account and role of an sso-session into the config file.
    ///
    /// One atomic write with a backup (`config.sso-bridge.bak`); profiles carry
    /// `sso_bridge_populate = SESSION` so later runs and --prune touch only them. Exit codes: 0 done,
    /// 1 AWS failed (nothing written), 3 sign in first, 4 refused (config unreadable, bad template,
    /// name taken by another profile; nothing written).
    Populate {
        #[arg(long, value_name = "SESSION")]
        session: String,
        /// Profile name template; placeholders {account_name}, {account_id}, {role_name}, {session},
        /// {region}. Default: {account_name}.{role_name}.
        #[arg(long, value_name = "TEMPLATE")]
        template: Option<String>,
        /// `region` of the profiles; repeat for one profile per region.
        #[arg(long = "region", value_name = "REGION")]
        regions: Vec<String>,
        /// Remove profiles populate wrote whose account or role is no longer assigned.
        #[arg(long)]
        prune: bool,
        /// Print the changes without writing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Open the AWS console signed in as a profile's role (or print the single-use sign-in URL).
    Console {
        #[arg(long, value_name = "PROFILE")]
        profile: String,
        /// An https:// console URL or a console path such as /ec2/home (default: the console home).
        #[arg(long, value_name = "URL_OR_PATH")]
        destination: Option<String>,
        /// The console region (default: the profile's region, else us-east-1).
        #[arg(long, value_name = "REGION")]
        region: Option<String>,
        /// Print the URL instead of opening the browser.
        #[arg(long)]
        print: bool,
    },
    /// Sign out like `aws sso logout`: portal Logout, then delete cached tokens and role credentials.
    Logout {
        /// Only this sso-session (default: every session).
        #[arg(long, value_name = "SESSION")]
        session: Option<String>,
    },
}

/// The SSO commands' exit codes (`cli::sso_session`): the message on stderr, the code by kind.
fn sso_exit(result: Result<u8, sso_bridge_host::error_codes::HostError>) -> u8 {
    result.unwrap_or_else(|error| {
        eprintln!("error: {}", error.message);
        cli::sso_session::exit_code(&error)
    })
}

fn main() -> ExitCode {
    // A browser launch has no subcommand: argv is the caller's origin (or manifest path + add-on ID).
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(caller) = caller::detect(&args) {
        return ExitCode::from(native_host::run(caller, Os::current(), &ProcessEnv));
    }
    let cli = Cli::parse();
    let (os, env) = (Os::current(), &ProcessEnv);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result: Result<u8, String> = match cli.command {
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            return ExitCode::from(2);
        }
        Some(Command::CacheKey { session_name_or_start_url }) => {
            cli::cache_key::run(&session_name_or_start_url, &mut out).map(|()| 0).map_err(|e| e.to_string())
        }
        Some(Command::Parse { config, credentials }) => cli::parse::run(
            &cli::parse::ParseArgs { config, credentials },
            &cli::process_environment(),
            sso_bridge::config::Platform::current(),
            &mut out,
            &mut std::io::stderr().lock(),
        )
        .map(|()| 0)
        .map_err(|e| e.to_string()),
        Some(Command::Profiles) => cli::profiles::run(
            &cli::process_environment(),
            sso_bridge::config::Platform::current(),
            cli::system_now(),
            &mut out,
        )
        .map(|()| 0)
        .map_err(|e| e.to_string()),
        Some(Command::Install { browsers, extension_ids, dev, system, user_data_dirs }) => {
            let options = sso_bridge_host::install::InstallOptions {
                browsers,
                extension_ids,
                dev,
                system,
                user_data_dirs,
            };
            cli::setup::install(&options, os, env).map_err(|e| e.message)
        }
        Some(Command::Uninstall { system }) => cli::setup::uninstall(system, os, env).map_err(|e| e.message),
        Some(Command::Doctor) => cli::setup::doctor(os, env).map_err(|e| e.message),
        Some(Command::CredentialProcess { profile }) => {
            let effects = NativeEffects::new();
            cli::credentials::export(&profile, "process", os, env, effects.transport(), &effects, &mut out)
                .map_err(|e| e.message)
        }
        Some(Command::Export { profile, format }) => {
            let effects = NativeEffects::new();
            cli::credentials::export(&profile, &format, os, env, effects.transport(), &effects, &mut out)
                .map_err(|e| e.message)
        }
        Some(Command::Login { session, profile, device_code, no_browser }) => {
            let effects = NativeEffects::new();
            let args = cli::login::LoginArgs { session, profile, device_code, no_browser };
            Ok(sso_exit(cli::login::run(&args, os, env, effects.transport(), &effects, &mut out)))
        }
        Some(Command::Populate { session, template, regions, prune, dry_run }) => {
            use std::io::IsTerminal;
            let effects = NativeEffects::new();
            let args = cli::populate::PopulateArgs { session, template, regions, prune, dry_run };
            let progress = std::io::stderr().is_terminal();
            Ok(sso_exit(cli::populate::run(
                &args,
                os,
                env,
                effects.transport(),
                &effects,
                progress,
                &mut out,
            )))
        }
        Some(Command::Console { profile, destination, region, print }) => {
            let effects = NativeEffects::new();
            let args = cli::console::ConsoleArgs { profile, destination, region, print };
            Ok(sso_exit(cli::console::run(&args, os, env, effects.transport(), &effects, &mut out)))
        }
        Some(Command::Logout { session }) => {
            let effects = NativeEffects::new();
            cli::credentials::logout(session.as_deref(), os, env, effects.transport(), &mut out)
                .map_err(|e| e.message)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
