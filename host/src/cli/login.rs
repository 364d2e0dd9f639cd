//! `sso-bridge login [--session S | --profile P] [--device-code] [--no-browser]`: `aws sso login`
//! without the AWS CLI, writing the same files (the token cache entry and the client registration
//! under `~/.aws/sso/cache`, 0600, atomically).
//!
//! - Default (sso-session profiles): authorization code + PKCE with a loopback listener on
//!   `127.0.0.1:<free port>/oauth/callback`, as AWS CLI ≥ 2.22 does. The system browser opens the
//!   authorize URL (with `--no-browser` the URL is printed instead); the listener takes the one
//!   callback, answers the browser with a short page, and the code is exchanged.
//! - `--device-code`, and every legacy profile (the CLI signs those in with device code only):
//!   the code and the verification URL are printed (and the URL opened unless `--no-browser`),
//!   then CreateToken is polled.

use super::sso_session::{self, read_config, resolve_target, sso_error, token_target, SignInTarget};
use crate::aws_files::{AwsFiles, CacheFileName, Target};
use crate::error_codes::{ErrorCode, HostError};
use crate::platform::{Env, Os};
use sso_bridge::config::endpoint::SsoService;
use sso_bridge::flows::device::{poll_device_token, start_device_login};
use sso_bridge::flows::pkce::{pkce_finish, start_pkce_login};
use sso_bridge::flows::registration::{ObtainedRegistration, RegistrationRequest};
use sso_bridge::flows::{Cancellation, IssuedToken};
use sso_bridge::http::{Clock, Random, Sleep, Transport};
use sso_bridge::oidc::OidcClient;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoginArgs {
    pub session: Option<String>,
    pub profile: Option<String>,
    pub device_code: bool,
    pub no_browser: bool,
}

/// How long the loopback listener waits for the browser (the AWS CLI's 10 minutes).
pub const CALLBACK_TIMEOUT: Duration = Duration::from_secs(600);

fn say(out: &mut impl Write, text: &str) -> Result<(), HostError> {
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| HostError::new(ErrorCode::Internal, format!("cannot write to stdout: {e}")))
}

fn open_or_print(url: &str, no_browser: bool, out: &mut impl Write) -> Result<(), HostError> {
    if !no_browser && open::that_detached(url).is_ok() {
        return say(out, &format!("Opened your browser. If it did not open, visit:\n\n{url}\n\n"));
    }
    say(out, &format!("Open this URL in a browser:\n\n{url}\n\n"))
}

/// Keeps a newly registered client the way the CLI does: its cache file, replacing the old one.
fn store_registration(files: &AwsFiles, registration: &ObtainedRegistration) -> Result<(), HostError> {
    if let Some(text) = &registration.new_cache_file {
        let target = Target::SsoCache(CacheFileName::from_sha1_hex(&registration.cache_key)?);
        let _lock = files.lock()?;
        files.write(&target, text.expose().as_bytes())?;
    }
    Ok(())
}

/// `sso-bridge login`.
pub fn run<T, E>(
    args: &LoginArgs,
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
    if args.session.is_some() && args.profile.is_some() {
        return Err(HostError::new(ErrorCode::InvalidValue, "give --session or --profile, not both"));
    }
    let files = AwsFiles::from_env(os, env)?;
    let (_, set) = read_config(&files)?;
    let target = resolve_target(&set, args.session.as_deref(), args.profile.as_deref(), env)?;
    let oidc_url = sso_session::endpoint(SsoService::Oidc, &target, &set, env)?;
    let oidc = OidcClient::new(&oidc_url, transport).map_err(|e| sso_error(e, "SSO OIDC"))?;
    let request = RegistrationRequest {
        session_name: target.session_name.as_deref(),
        start_url: &target.start_url,
        issuer_url: &target.start_url,
        region: &target.region,
        scopes: target.scopes.as_deref(),
    };
    let registration_target = Target::SsoCache(CacheFileName::from_sha1_hex(&request.cache_key())?);
    let cached = crate::handlers::read_text(&files, &files.path_of(&registration_target))?;

    let device = args.device_code || target.session_name.is_none();
    let (token, registration) = if device {
        device_login(&oidc, effects, &request, cached.as_deref(), &files, args.no_browser, out)?
    } else {
        pkce_login(&oidc, effects, &request, cached.as_deref(), &files, args.no_browser, out)?
    };
    let cached_token = token.into_cached_token(&target.start_url, &target.region, &registration.registration);
    let written = {
        let _lock = files.lock()?;
        files.write(&token_target(&target)?, cached_token.to_cli_json().as_bytes())?
    };
    say(
        out,
        &format!(
            "Signed in to {} (valid until {}); token written to {}\n",
            describe(&target),
            cached_token.expires_at,
            written.display()
        ),
    )?;
    Ok(0)
}

fn describe(target: &SignInTarget) -> String {
    format!("{} ({})", target.description, target.start_url)
}

fn device_login<T: Transport, E: Clock + Sleep>(
    oidc: &OidcClient<T>,
    effects: &E,
    request: &RegistrationRequest<'_>,
    cached: Option<&str>,
    files: &AwsFiles,
    no_browser: bool,
    out: &mut impl Write,
) -> Result<(IssuedToken, ObtainedRegistration), HostError> {
    let started = pollster::block_on(start_device_login(oidc, effects, request, cached))
        .map_err(|e| sso_error(e, "starting the device sign-in"))?;
    store_registration(files, &started.registration)?;
    let authorization = &started.authorization;
    let url = authorization.verification_uri_complete.as_deref().unwrap_or(&authorization.verification_uri);
    say(
        out,
        &format!(
            "Sign in with the code {} (check that your browser shows the same code).\n",
            authorization.user_code
        ),
    )?;
    open_or_print(url, no_browser, out)?;
    let client = (&started.registration.registration).into();
    let token = pollster::block_on(poll_device_token(
        oidc,
        effects,
        effects,
        &client,
        authorization,
        started.started_at,
        &Cancellation::new(),
    ))
    .map_err(|e| sso_error(e, "the device sign-in"))?;
    Ok((token, started.registration))
}

fn pkce_login<T: Transport, E: Clock + Random>(
    oidc: &OidcClient<T>,
    effects: &E,
    request: &RegistrationRequest<'_>,
    cached: Option<&str>,
    files: &AwsFiles,
    no_browser: bool,
    out: &mut impl Write,
) -> Result<(IssuedToken, ObtainedRegistration), HostError> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(|e| {
        HostError::new(
            ErrorCode::Internal,
            format!("cannot listen on 127.0.0.1 for the sign-in callback: {e}; try --device-code"),
        )
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| HostError::new(ErrorCode::Internal, format!("cannot read the listener's port: {e}")))?
        .port();
    let started = pollster::block_on(start_pkce_login(oidc, effects, effects, request, cached, port))
        .map_err(|e| sso_error(e, "starting the sign-in"))?;
    store_registration(files, &started.registration)?;
    open_or_print(&started.authorize_url, no_browser, out)?;
    say(out, "Waiting for the browser to finish the sign-in…\n")?;
    let callback = wait_for_callback(&listener, port, CALLBACK_TIMEOUT)?;
    let token = pollster::block_on(pkce_finish(oidc, effects, &started.pending, &callback))
        .map_err(|e| sso_error(e, "the sign-in"))?;
    Ok((token, started.registration))
}

/// Waits for `GET /oauth/callback?…` on the listener, answers the browser, and returns the full
/// callback URL. Other requests (a favicon, a probe) get 404 and the wait goes on.
fn wait_for_callback(listener: &TcpListener, port: u16, timeout: Duration) -> Result<String, HostError> {
    let deadline = Instant::now() + timeout;
    listener
        .set_nonblocking(true)
        .map_err(|e| HostError::new(ErrorCode::Internal, format!("cannot configure the listener: {e}")))?;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                if let Some(target) = read_callback(stream) {
                    return Ok(format!("http://127.0.0.1:{port}{target}"));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return Err(HostError::new(
                        ErrorCode::TokenNotFound,
                        format!(
                            "the browser did not come back to 127.0.0.1:{port} within {} minutes; run the \
                             command again (or use --device-code)",
                            timeout.as_secs() / 60
                        ),
                    ));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => {
                return Err(HostError::new(ErrorCode::Internal, format!("the sign-in listener failed: {e}")));
            }
        }
    }
}

/// The request target if this connection is the callback (answered with a page), else `None`.
fn read_callback(stream: TcpStream) -> Option<String> {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut request_line = String::new();
    reader.by_ref().take(8192).read_line(&mut request_line).ok()?;
    // Read (and ignore) the headers so the browser sees a clean answer.
    let mut line = String::new();
    while reader.by_ref().take(8192).read_line(&mut line).ok()? > 2 {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next()?, parts.next()?);
    let mut stream = stream;
    if method != "GET" || !(target == "/oauth/callback" || target.starts_with("/oauth/callback?")) {
        let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return None;
    }
    let body =
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>sso-bridge</title></head>\
<body><h1>sso-bridge</h1><p>The sign-in is back with sso-bridge. You can close this tab.</p></body></html>";
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    Some(target.to_string())
}
