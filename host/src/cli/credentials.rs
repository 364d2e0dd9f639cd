//! `credential-process`, `export` and `logout`: role credentials from the cached SSO token, the way
//! the AWS CLI gets them, for tools that do not speak SSO themselves.
//!
//! For `--profile P` (spec §8.4, §7, §1.6, §9.5):
//! 1. resolve P with the core (sso-session or legacy profile, account and role required);
//! 2. reuse the CLI's role-credential cache entry (`~/.aws/cli/cache`) while more than 15 minutes
//!    remain, exactly as the CLI does, so both tools share one entry;
//! 3. otherwise load the cached token; for an sso-session inside the core's refresh window, refresh
//!    it through SSO OIDC (refresh-token grant) and write the new token file as botocore would
//!    (a failed refresh keeps a still-valid token, like botocore);
//! 4. GetRoleCredentials from the portal and cache them like the CLI.
//!
//! Endpoints follow the core's resolution (`AWS_ENDPOINT_URL_SSO[_OIDC]`, `[services]`,
//! `endpoint_url`, FIPS/dual-stack). Effects (HTTP, clock, sleep, randomness) are injected, so
//! tests run this against the emulator.

use crate::aws_files::{AwsFiles, CacheFileName, Target};
use crate::error_codes::{ErrorCode, HostError};
use crate::handlers::{self, TokenScope};
use crate::platform::{CoreEnv, Env, Os};
use sso_bridge::cache::{self, AwsCredentials, CachedRoleCredentials, CachedToken, RoleCacheSource};
use sso_bridge::config::endpoint::{resolve_endpoint, SsoService};
use sso_bridge::config::location::selected_profile;
use sso_bridge::config::{resolve_sso_profile, ConfigSet, SsoProfile};
use sso_bridge::error::{ErrorKind, SsoError};
use sso_bridge::export::{export_credentials, ExportFormat};
use sso_bridge::flows::listing::{logout as portal_logout, role_credentials};
use sso_bridge::flows::refresh::{plan_refresh, refresh_token, RefreshPlan};
use sso_bridge::flows::retry::RetryPolicy;
use sso_bridge::flows::Cancellation;
use sso_bridge::http::{Clock, Random, Sleep, Transport};
use sso_bridge::oidc::OidcClient;
use sso_bridge::portal::PortalClient;
use std::io::Write;

/// Map a core SSO error to the helper's codes: an expired or revoked session means "sign in again".
fn sso_error(error: SsoError, what: &str) -> HostError {
    let code = match error.kind() {
        ErrorKind::Unauthorized | ErrorKind::ExpiredToken | ErrorKind::InvalidGrant => {
            ErrorCode::TokenExpired
        }
        _ => ErrorCode::AwsRequestFailed,
    };
    // `SsoError`'s Display already ends with what to do next.
    HostError::new(code, format!("{what}: {error}"))
}

fn config_set(files: &AwsFiles) -> Result<ConfigSet, HostError> {
    handlers::load_config(files)?
}

fn sso_profile(set: &ConfigSet, name: &str) -> Result<SsoProfile, HostError> {
    resolve_sso_profile(set, name).map_err(|e| HostError::new(ErrorCode::ProfileNotFound, e.to_string()))
}

fn token_target(identifier: &str) -> Result<Target, HostError> {
    Ok(Target::SsoCache(CacheFileName::from_sha1_hex(&cache::token_cache_key(identifier))?))
}

/// Role credentials for `profile_name` (see the module docs for the steps).
pub fn resolve_credentials<T, E>(
    profile_name: &str,
    os: Os,
    env: &impl Env,
    transport: &T,
    effects: &E,
) -> Result<AwsCredentials, HostError>
where
    T: Transport,
    E: Clock + Sleep + Random,
{
    let files = AwsFiles::from_env(os, env)?;
    let core_env = CoreEnv(env);
    let set = config_set(&files)?;
    let profile = sso_profile(&set, profile_name)?;
    let (Some(account), Some(role)) = (profile.account_id.clone(), profile.role_name.clone()) else {
        return Err(HostError::new(
            ErrorCode::ProfileNotFound,
            format!("profile `{profile_name}` has no sso_account_id and sso_role_name, so it gives no role credentials"),
        ));
    };
    let source = match &profile.session {
        Some(session) => RoleCacheSource::Session(&session.name),
        None => RoleCacheSource::LegacyStartUrl(&profile.start_url),
    };
    let now = effects.now();

    let role_target = Target::CliCache(CacheFileName::from_sha1_hex(&cache::role_credentials_cache_key(
        &account, &role, &source,
    ))?);
    if let Some(text) = handlers::read_text(&files, &files.path_of(&role_target))? {
        if let Ok(cached) = CachedRoleCredentials::from_json(&text) {
            if !cached.credentials.needs_refresh(now) {
                return Ok(cached.credentials);
            }
        }
    }

    let what = match &profile.session {
        Some(s) => format!("sso-session `{}`", s.name),
        None => format!("start URL {}", profile.start_url),
    };
    let token_target = token_target(&profile.token_cache_identifier)?;
    let token_path = files.path_of(&token_target);
    let text = handlers::read_text(&files, &token_path)?.ok_or_else(|| {
        HostError::new(
            ErrorCode::TokenNotFound,
            format!(
                "there is no cached SSO token for {what}; sign in with the sso-bridge extension or run \
                 `aws sso login --profile {profile_name}`"
            ),
        )
    })?;
    let mut token = CachedToken::from_json(&text)
        .map_err(|e| HostError::new(ErrorCode::FileUnreadable, format!("{}: {e}", token_path.display())))?;

    if !profile.is_legacy() && plan_refresh(&token, now, None) == RefreshPlan::Due {
        let endpoint = resolve_endpoint(SsoService::Oidc, &profile.region, &set, profile_name, &core_env)
            .map_err(|e| HostError::new(ErrorCode::ConfigInvalid, e.to_string()))?;
        let oidc = OidcClient::new(&endpoint.url, transport).map_err(|e| sso_error(e, "SSO OIDC"))?;
        match pollster::block_on(refresh_token(&oidc, effects, &token, &profile.start_url, &profile.region)) {
            Ok(fresh) => {
                let _lock = files.lock()?;
                files.write(&token_target, fresh.to_cli_json().as_bytes())?;
                token = fresh;
            }
            // Like botocore: a failed refresh keeps a token that is still valid.
            Err(_) if !token.is_expired(now) => {}
            Err(e) => return Err(sso_error(e, &format!("refreshing the token for {what} failed"))),
        }
    }
    if token.is_expired(now) {
        return Err(HostError::new(
            ErrorCode::TokenExpired,
            format!(
                "the SSO token for {what} expired at {} and cannot be refreshed; sign in again",
                token.expires_at
            ),
        ));
    }

    let endpoint = resolve_endpoint(SsoService::Portal, &profile.region, &set, profile_name, &core_env)
        .map_err(|e| HostError::new(ErrorCode::ConfigInvalid, e.to_string()))?;
    let portal = PortalClient::new(&endpoint.url, transport).map_err(|e| sso_error(e, "SSO portal"))?;
    let credentials = pollster::block_on(role_credentials(
        &portal,
        effects,
        effects,
        effects,
        &token,
        &account,
        &role,
        &RetryPolicy::DEFAULT,
        &Cancellation::new(),
    ))
    .map_err(|e| sso_error(e, &format!("GetRoleCredentials for {role} in {account}")))?;
    let _lock = files.lock()?;
    files.write(&role_target, CachedRoleCredentials::new(credentials.clone()).to_cli_json().as_bytes())?;
    Ok(credentials)
}

/// `sso-bridge export --profile P --format F` (and `credential-process`, which is `--format process`).
pub fn export<T, E>(
    profile_name: &str,
    format: &str,
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
    let format: ExportFormat = format.parse().map_err(|e: sso_bridge::export::UnknownExportFormat| {
        HostError::new(ErrorCode::InvalidValue, e.to_string())
    })?;
    let credentials = resolve_credentials(profile_name, os, env, transport, effects)?;
    let text = export_credentials(&credentials, format)
        .map_err(|e| HostError::new(ErrorCode::AwsRequestFailed, e.to_string()))?;
    out.write_all(text.expose().as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| HostError::new(ErrorCode::Internal, format!("cannot write to stdout: {e}")))?;
    Ok(0)
}

/// `sso-bridge logout [--session S]`: like `aws sso logout` (spec §9.1) — for every cached token
/// (or session S's), call the portal's Logout (failures ignored, as the CLI does), delete the token
/// file, and delete the role-credential cache entries (`"ProviderType": "sso"`; for S only its
/// profiles'). Client registrations stay.
pub fn logout<T: Transport>(
    session: Option<&str>,
    os: Os,
    env: &impl Env,
    transport: &T,
    out: &mut impl Write,
) -> Result<u8, HostError> {
    if let Some(name) = session {
        crate::protocol::check_string("--session", name, crate::protocol::MAX_NAME_BYTES)?;
        crate::protocol::check_name("--session", name)?;
    }
    let files = AwsFiles::from_env(os, env)?;
    let core_env = CoreEnv(env);
    // An unparseable config must not stop a logout: it only narrows which role entries go.
    let set = config_set(&files).ok();
    let scope = match session {
        None => TokenScope::All,
        Some(name) => TokenScope::One { identifier: name, is_session: true },
    };
    let active_profile = selected_profile(&core_env);
    let empty = ConfigSet::default();
    for (_, _, text) in handlers::token_files_in(&files, &scope)? {
        let Ok(token) = CachedToken::from_json(&text) else { continue };
        let Some(region) = token.region.as_deref() else { continue };
        if let Ok(endpoint) = resolve_endpoint(
            SsoService::Portal,
            region,
            set.as_ref().unwrap_or(&empty),
            &active_profile,
            &core_env,
        ) {
            if let Ok(portal) = PortalClient::new(&endpoint.url, transport) {
                let _ = pollster::block_on(portal_logout(&portal, &token.access_token));
            }
        }
    }
    let deleted = handlers::delete_tokens_in(&files, &scope, set.as_ref())?;
    let mut report = String::new();
    for path in &deleted {
        report.push_str(&format!("deleted {}\n", path.display()));
    }
    if deleted.is_empty() {
        report.push_str("no cached SSO tokens to delete\n");
    }
    out.write_all(report.as_bytes())
        .map_err(|e| HostError::new(ErrorCode::Internal, format!("cannot write to stdout: {e}")))?;
    Ok(0)
}
