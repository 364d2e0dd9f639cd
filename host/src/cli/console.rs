//! `sso-bridge console --profile P [--destination D] [--region R] [--print]`: the AWS console,
//! signed in as the profile's role. Role credentials come the way `credential-process` gets them
//! (cached, refreshed token); the core turns them into a single-use sign-in URL (`console`), which
//! is printed or opened in the system browser. Only that URL leaves this process, never the keys.
//!
//! The sign-in endpoint is the partition's (`signin.aws.amazon.com`, …), or `AWS_ENDPOINT_URL_SIGNIN`
//! + `/federation` when set (the emulator in tests).

use super::credentials::resolve_credentials;
use crate::aws_files::AwsFiles;
use crate::error_codes::{ErrorCode, HostError};
use crate::platform::{Env, Os};
use sso_bridge::config::resolve_sso_profile;
use sso_bridge::console::{console_signin_url, destination_url, federation_url, DEFAULT_ISSUER};
use sso_bridge::http::{Clock, Random, Sleep, Transport};
use std::io::Write;

/// Where the console opens when neither `--region` nor the profile's `region` says.
pub const FALLBACK_REGION: &str = "us-east-1";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConsoleArgs {
    pub profile: String,
    pub destination: Option<String>,
    pub region: Option<String>,
    /// Print the URL instead of opening it.
    pub print: bool,
}

/// The sign-in URL for `args` (a secret until it is opened: it signs whoever opens it in).
pub fn signin_url<T, E>(
    args: &ConsoleArgs,
    os: Os,
    env: &impl Env,
    transport: &T,
    effects: &E,
) -> Result<String, HostError>
where
    T: Transport,
    E: Clock + Sleep + Random,
{
    let files = AwsFiles::from_env(os, env)?;
    let set = crate::handlers::load_config(&files)??;
    let profile = resolve_sso_profile(&set, &args.profile)
        .map_err(|e| HostError::new(ErrorCode::ProfileNotFound, e.to_string()))?;
    let region =
        args.region.clone().or(profile.default_region.clone()).unwrap_or_else(|| FALLBACK_REGION.to_string());
    let invalid =
        |e: sso_bridge::console::ConsoleError| HostError::new(ErrorCode::InvalidValue, e.to_string());
    let destination = destination_url(args.destination.as_deref(), &region).map_err(invalid)?;
    let endpoint_override = env.var("AWS_ENDPOINT_URL_SIGNIN").filter(|v| !v.is_empty());
    let federation = federation_url(&region, endpoint_override.as_deref()).map_err(invalid)?;
    let credentials = resolve_credentials(&args.profile, os, env, transport, effects)?;
    let url = pollster::block_on(console_signin_url(
        transport,
        &federation,
        &credentials,
        DEFAULT_ISSUER,
        &destination,
    ))
    .map_err(|e| HostError::new(ErrorCode::AwsRequestFailed, e.to_string()))?;
    Ok(url.expose().to_string())
}

/// `sso-bridge console`.
pub fn run<T, E>(
    args: &ConsoleArgs,
    os: Os,
    env: &impl Env,
    transport: &T,
    effects: &E,
    out: &mut impl Write,
) -> Result<u8, HostError>
where
    T: Transport,
    E: Clock + Sleep + Random,
{
    let url = signin_url(args, os, env, transport, effects)?;
    if args.print {
        out.write_all(format!("{url}\n").as_bytes())
            .map_err(|e| HostError::new(ErrorCode::Internal, format!("cannot write to stdout: {e}")))?;
        return Ok(0);
    }
    open::that_detached(&url).map_err(|e| {
        HostError::new(
            ErrorCode::Internal,
            format!("cannot open a browser ({e}); run again with --print and open the URL yourself"),
        )
    })?;
    out.write_all(
        format!("opened the AWS console for profile {} in your browser\n", args.profile).as_bytes(),
    )
    .map_err(|e| HostError::new(ErrorCode::Internal, format!("cannot write to stdout: {e}")))?;
    Ok(0)
}
