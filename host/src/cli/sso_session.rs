//! What `login`, `populate` and `console` share: which sso-session (or legacy start URL) a command
//! acts on, its cached token, the endpoints, and the exit codes.
//!
//! Exit codes (README, "Command line"): 0 done; 1 failed (AWS or the network refused or failed, a
//! file could not be written); 2 wrong arguments; 3 sign-in needed (no token, or it expired and
//! cannot be refreshed); 4 refused before writing anything (the config cannot be read, the name
//! template or another argument is not valid, a profile name is taken by a profile populate did not
//! write). Wrong arguments are clap's (exit 2).

use crate::aws_files::{AwsFiles, CacheFileName, Target};
use crate::error_codes::{ErrorCode, HostError};
use crate::handlers;
use crate::platform::{CoreEnv, Env};
use sso_bridge::cache::{self, CachedToken};
use sso_bridge::config::endpoint::{resolve_endpoint, SsoService};
use sso_bridge::config::location::selected_profile;
use sso_bridge::config::sso::resolve_sso_session;
use sso_bridge::config::{parse_files, resolve_sso_profile, ConfigSet, SourceFile};
use sso_bridge::error::{ErrorKind, SsoError};
use sso_bridge::time::UtcTime;

pub const EXIT_FAILED: u8 = 1;
pub const EXIT_SIGN_IN: u8 = 3;
pub const EXIT_REFUSED: u8 = 4;

/// The exit code for an error (see the module docs).
pub fn exit_code(error: &HostError) -> u8 {
    match error.code {
        ErrorCode::TokenNotFound | ErrorCode::TokenExpired => EXIT_SIGN_IN,
        ErrorCode::ConfigInvalid
        | ErrorCode::ProfileNotFound
        | ErrorCode::FileUnreadable
        | ErrorCode::FileTooLarge
        | ErrorCode::InvalidValue
        | ErrorCode::UnsafeName
        | ErrorCode::FieldTooLong
        | ErrorCode::ControlCharacter => EXIT_REFUSED,
        _ => EXIT_FAILED,
    }
}

/// A core SSO error as a helper error: an expired or revoked session means "sign in again".
pub fn sso_error(error: SsoError, what: &str) -> HostError {
    let code = match error.kind() {
        ErrorKind::Unauthorized | ErrorKind::ExpiredToken | ErrorKind::InvalidGrant => {
            ErrorCode::TokenExpired
        }
        _ => ErrorCode::AwsRequestFailed,
    };
    HostError::new(code, format!("{what}: {error}"))
}

/// The config file's text (`None` when it does not exist) and its parse, the credentials file
/// left out: populate edits and inspects the config file alone.
pub fn read_config(files: &AwsFiles) -> Result<(Option<String>, ConfigSet), HostError> {
    let path = files.config_file().display().to_string();
    let text = handlers::read_text(files, files.config_file())?;
    let set =
        parse_files(text.as_deref().map(|t| SourceFile::config(&path, t)).as_ref(), None).map_err(|e| {
            HostError::new(
                ErrorCode::ConfigInvalid,
                format!("cannot read the config file: {e}; fix that line first (nothing was written)"),
            )
        })?;
    Ok((text, set))
}

/// What a sign-in is for: an sso-session, or a legacy profile's start URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInTarget {
    pub session_name: Option<String>,
    pub start_url: String,
    pub region: String,
    pub scopes: Option<Vec<String>>,
    /// sha1 of this names the token file.
    pub token_identifier: String,
    /// The profile whose `endpoint_url`/`services` apply (the one named, else AWS_PROFILE/default).
    pub endpoint_profile: String,
    /// How to name it in messages.
    pub description: String,
}

/// `--session S` or `--profile P` (else the selected profile) to a sign-in target.
pub fn resolve_target(
    set: &ConfigSet,
    session: Option<&str>,
    profile: Option<&str>,
    env: &impl Env,
) -> Result<SignInTarget, HostError> {
    let core_env = CoreEnv(env);
    if let Some(name) = session {
        let resolved = resolve_sso_session(set, name).ok_or_else(|| {
            HostError::new(
                ErrorCode::ProfileNotFound,
                format!(
                    "there is no [sso-session {name}] in the config file; create it with `aws configure \
                     sso-session` or the sso-bridge extension"
                ),
            )
        })?;
        let config = resolved.map_err(|e| HostError::new(ErrorCode::ConfigInvalid, e.to_string()))?;
        return Ok(SignInTarget {
            session_name: Some(config.name.clone()),
            start_url: config.start_url,
            region: config.region,
            scopes: config.scopes,
            token_identifier: config.name.clone(),
            endpoint_profile: selected_profile(&core_env),
            description: format!("sso-session `{}`", config.name),
        });
    }
    let name = profile.map_or_else(|| selected_profile(&core_env), str::to_string);
    let resolved = resolve_sso_profile(set, &name)
        .map_err(|e| HostError::new(ErrorCode::ProfileNotFound, e.to_string()))?;
    let description = match &resolved.session {
        Some(s) => format!("sso-session `{}`", s.name),
        None => format!("start URL {}", resolved.start_url),
    };
    Ok(SignInTarget {
        session_name: resolved.session.as_ref().map(|s| s.name.clone()),
        start_url: resolved.start_url.clone(),
        region: resolved.region.clone(),
        scopes: resolved.scopes.clone(),
        token_identifier: resolved.token_cache_identifier.clone(),
        endpoint_profile: name,
        description,
    })
}

/// The token file of `target`.
pub fn token_target(target: &SignInTarget) -> Result<Target, HostError> {
    Ok(Target::SsoCache(CacheFileName::from_sha1_hex(&cache::token_cache_key(&target.token_identifier))?))
}

/// The cached token, if it is still valid at `now`.
pub fn valid_token(files: &AwsFiles, target: &SignInTarget, now: UtcTime) -> Result<CachedToken, HostError> {
    let path = files.path_of(&token_target(target)?);
    let sign_in = match &target.session_name {
        Some(s) => format!("sso-bridge login --session {s}"),
        None => format!("sso-bridge login --profile {}", target.endpoint_profile),
    };
    let text = handlers::read_text(files, &path)?.ok_or_else(|| {
        HostError::new(
            ErrorCode::TokenNotFound,
            format!("there is no cached SSO token for {}; sign in with `{sign_in}`", target.description),
        )
    })?;
    let token = CachedToken::from_json(&text)
        .map_err(|e| HostError::new(ErrorCode::FileUnreadable, format!("{}: {e}", path.display())))?;
    if token.is_expired(now) {
        return Err(HostError::new(
            ErrorCode::TokenExpired,
            format!(
                "the SSO token for {} expired at {}; sign in again with `{sign_in}`",
                target.description, token.expires_at
            ),
        ));
    }
    Ok(token)
}

/// The resolved endpoint URL of `service` for `target`.
pub fn endpoint(
    service: SsoService,
    target: &SignInTarget,
    set: &ConfigSet,
    env: &impl Env,
) -> Result<String, HostError> {
    resolve_endpoint(service, &target.region, set, &target.endpoint_profile, &CoreEnv(env))
        .map(|e| e.url)
        .map_err(|e| HostError::new(ErrorCode::ConfigInvalid, e.to_string()))
}
