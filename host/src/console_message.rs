//! The helper's `consoleUrl` request (`host/PROTOCOL.md`): a single-use AWS console sign-in URL for
//! any account and role of a signed-in sso-session, for the popup's "Open console". The helper uses
//! the session's cached token for GetRoleCredentials and exchanges the credentials for a sign-in
//! token itself (the core's `console`), so the credentials never reach the browser: only the URL
//! the tab must open does.

use crate::cli::sso_session::{endpoint, read_config, resolve_target, sso_error, valid_token};
use crate::error_codes::{ErrorCode, HostError};
use crate::messages::{ConsoleUrlReply, ConsoleUrlRequest, SecretText};
use crate::native::NativeEffects;
use crate::native_host::Context;
use crate::platform::{Env, ProcessEnv};
use sso_bridge::config::endpoint::SsoService;
use sso_bridge::console::{console_signin_url, destination_url, federation_url, DEFAULT_ISSUER};
use sso_bridge::flows::listing::role_credentials;
use sso_bridge::flows::retry::RetryPolicy;
use sso_bridge::flows::Cancellation;
use sso_bridge::http::Clock;
use sso_bridge::portal::PortalClient;

/// `consoleUrl`.
pub fn handle(ctx: &Context, request: ConsoleUrlRequest<'_>) -> Result<ConsoleUrlReply, HostError> {
    let session = request.session_name.0;
    let (account_id, role_name) = (request.account_id.0, request.role_name);
    let region = request.region.map_or(crate::cli::console::FALLBACK_REGION, |region| region.0);
    let destination = request.destination;
    let invalid =
        |e: sso_bridge::console::ConsoleError| HostError::new(ErrorCode::InvalidValue, e.to_string());
    let destination = destination_url(destination, region).map_err(invalid)?;
    let env = ProcessEnv;
    let signin_override = env.var("AWS_ENDPOINT_URL_SIGNIN").filter(|v| !v.is_empty());
    let federation = federation_url(region, signin_override.as_deref()).map_err(invalid)?;

    let (_, set) = read_config(&ctx.files)?;
    let target = resolve_target(&set, Some(session), None, &env)?;
    let effects = NativeEffects::new();
    let token = valid_token(&ctx.files, &target, effects.now())?;
    let portal_url = endpoint(SsoService::Portal, &target, &set, &env)?;
    let portal =
        PortalClient::new(&portal_url, effects.transport()).map_err(|e| sso_error(e, "SSO portal"))?;
    let credentials = pollster::block_on(role_credentials(
        &portal,
        &effects,
        &effects,
        &effects,
        &token,
        account_id,
        role_name,
        &RetryPolicy::DEFAULT,
        &Cancellation::new(),
    ))
    .map_err(|e| sso_error(e, &format!("GetRoleCredentials for {role_name} in {account_id}")))?;
    let url = pollster::block_on(console_signin_url(
        effects.transport(),
        &federation,
        &credentials,
        DEFAULT_ISSUER,
        &destination,
    ))
    .map_err(|e| HostError::new(ErrorCode::AwsRequestFailed, e.to_string()))?;
    Ok(ConsoleUrlReply { url: SecretText(url), destination })
}
