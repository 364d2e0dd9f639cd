//! Cache keys and the CLI's cache files (`~/.aws/sso/cache/`), over [`sso_bridge::cache`].

use super::convert::{from_js, to_js, JsFailure};
use super::shapes::{RegistrationCacheKeyInputJs, RegistrationFileJs, TokenFileJs, WriteJson};
use sso_bridge::cache::{
    token_cache_key as core_token_cache_key, CacheFileError, CachedToken, ClientRegistration,
    RegistrationCacheKeyInput,
};
use sso_bridge::time::UtcTime;
use wasm_bindgen::prelude::*;

impl RegistrationFileJs {
    pub(super) fn from_core(registration: ClientRegistration) -> Self {
        RegistrationFileJs {
            client_id: registration.client_id,
            client_secret: registration.client_secret,
            expires_at: registration.expires_at.to_cli_string(),
            scopes: registration.scopes,
            grant_types: registration.grant_types,
        }
    }

    fn into_core(self) -> Result<ClientRegistration, JsFailure> {
        Ok(ClientRegistration {
            expires_at: time_arg("expiresAt", &self.expires_at)?,
            client_id: self.client_id,
            client_secret: self.client_secret,
            scopes: self.scopes,
            grant_types: self.grant_types,
        })
    }
}

/// A `RegistrationFile` from JS as the core's registration.
pub(super) fn registration_from_js(registration: &JsValue) -> Result<ClientRegistration, JsFailure> {
    from_js("the registration", registration, RegistrationFileJs::read)?.into_core()
}

pub(super) fn time_arg(field: &str, text: &str) -> Result<UtcTime, JsFailure> {
    UtcTime::parse_lenient(text).map_err(|e| {
        JsFailure::new(
            "invalid_argument",
            "InvalidArgument",
            false,
            format!("`{field}` is not a timestamp: {e}"),
        )
    })
}

fn cache_file_failure(error: CacheFileError) -> JsFailure {
    let variant = match &error {
        CacheFileError::InvalidJson { .. } => "InvalidJson",
        CacheFileError::NotAnObject { .. } => "NotAnObject",
        CacheFileError::MissingField { .. } => "MissingField",
        CacheFileError::WrongType { .. } => "WrongType",
        CacheFileError::BadTimestamp { .. } => "BadTimestamp",
    };
    JsFailure::new("invalid_cache_file", variant, false, error.to_string())
}

/// The token cache key, `sha1_hex(name)`, for an sso-session name or a legacy profile's start URL
/// (exactly as configured). The file is `~/.aws/sso/cache/<key>.json`.
#[wasm_bindgen(js_name = tokenCacheKey)]
pub fn token_cache_key(
    #[wasm_bindgen(js_name = sessionNameOrStartUrl)] session_name_or_start_url: &str,
) -> String {
    core_token_cache_key(session_name_or_start_url)
}

/// The client-registration cache key the AWS CLI uses (sha1 of its sorted `json.dumps`).
#[wasm_bindgen(js_name = registrationCacheKey)]
pub fn registration_cache_key(
    #[wasm_bindgen(unchecked_param_type = "RegistrationCacheKeyInput")] input: JsValue,
) -> Result<String, JsValue> {
    let key = from_js("the registration cache key input", &input, |m| {
        let input = RegistrationCacheKeyInputJs::read(m)?;
        Ok(RegistrationCacheKeyInput {
            start_url: input.start_url,
            region: input.region,
            scopes: input.scopes.as_deref(),
            session_name: input.session_name,
        }
        .cache_key())
    })?;
    Ok(key)
}

/// A `TokenFile` from JS as the core's token.
pub(super) fn token_from_js(token: &JsValue) -> Result<CachedToken, JsFailure> {
    let token = from_js("the token", token, TokenFileJs::read)?;
    let registration_expires_at = match &token.registration_expires_at {
        Some(text) => Some(time_arg("registrationExpiresAt", text)?),
        None => None,
    };
    Ok(CachedToken {
        start_url: token.start_url,
        region: token.region,
        expires_at: time_arg("expiresAt", &token.expires_at)?,
        access_token: token.access_token,
        client_id: token.client_id,
        client_secret: token.client_secret,
        registration_expires_at,
        refresh_token: token.refresh_token,
    })
}

/// The core's token as a `TokenFile` for JS.
pub(super) fn token_to_js(token: CachedToken) -> Result<JsValue, JsValue> {
    to_js(
        &TokenFileJs {
            start_url: token.start_url,
            region: token.region,
            access_token: token.access_token,
            expires_at: token.expires_at.to_cli_string(),
            client_id: token.client_id,
            client_secret: token.client_secret,
            registration_expires_at: token.registration_expires_at.map(UtcTime::to_cli_string),
            refresh_token: token.refresh_token,
        }
        .to_json(),
    )
}

/// A token cache file's text, byte-identical to what `aws sso login` writes.
#[wasm_bindgen(js_name = tokenFileJson)]
pub fn token_file_json(
    #[wasm_bindgen(unchecked_param_type = "TokenFile")] token: JsValue,
) -> Result<String, JsValue> {
    Ok(token_from_js(&token)?.to_cli_json())
}

/// Reads a token cache file as leniently as botocore or the Rust SDK do.
#[wasm_bindgen(js_name = parseTokenFile, unchecked_return_type = "TokenFile")]
pub fn parse_token_file(text: &str) -> Result<JsValue, JsValue> {
    token_to_js(CachedToken::from_json(text).map_err(cache_file_failure)?)
}

/// A client-registration cache file's text, byte-identical to the AWS CLI's.
#[wasm_bindgen(js_name = registrationFileJson)]
pub fn registration_file_json(
    #[wasm_bindgen(unchecked_param_type = "RegistrationFile")] registration: JsValue,
) -> Result<String, JsValue> {
    Ok(registration_from_js(&registration)?.to_cli_json())
}

/// Reads a client-registration cache file leniently.
#[wasm_bindgen(js_name = parseRegistrationFile, unchecked_return_type = "RegistrationFile")]
pub fn parse_registration_file(text: &str) -> Result<JsValue, JsValue> {
    let registration = ClientRegistration::from_json(text).map_err(cache_file_failure)?;
    to_js(&RegistrationFileJs::from_core(registration).to_json())
}
