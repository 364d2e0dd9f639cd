//! SSO OIDC operations (spec §3, §4): RegisterClient, StartDeviceAuthorization, CreateToken.
//!
//! Each operation is a request builder (`*_request`, pure: input → [`HttpRequest`]) and a response
//! parser (`parse_*`, pure: [`HttpResponse`] → typed output or [`SsoError`]); [`OidcClient`] sends
//! one through the injected [`Transport`]. All three calls are unsigned JSON POSTs.
//!
//! The base URL is the resolved `sso-oidc` endpoint (default `https://oidc.<region>.amazonaws.com`,
//! or an `endpoint_url` override, whose path is kept for these calls; spec §6): pass
//! `crate::config::endpoint::resolve_endpoint(SsoService::Oidc, …)?.url` to [`OidcClient::new`].

pub mod url;

use crate::error::{ErrorKind, Operation, SsoError};
use crate::http::{HttpRequest, HttpResponse, Method, Transport};
use crate::json::{self, Json, ObjectWriter};
use crate::secret::Secret;
use crate::time::UtcTime;
use serde::{Deserialize, Serialize};

/// `grantType` of the device flow.
pub const GRANT_DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// `grantType` of the PKCE flow.
pub const GRANT_AUTHORIZATION_CODE: &str = "authorization_code";
/// `grantType` of token refresh.
pub const GRANT_REFRESH_TOKEN: &str = "refresh_token";
/// The scope the CLI asks for when none is configured (PKCE only).
pub const DEFAULT_SCOPE: &str = "sso:account:access";
/// The port-less loopback redirect URI registered for PKCE (RFC 8252 lets the port vary).
pub const REGISTERED_REDIRECT_URI: &str = "http://127.0.0.1/oauth/callback";

/// RegisterClient input. Serialised in the CLI's member order; absent members are left out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterClientInput {
    /// The name the service records for the client, as the CLI names it (see
    /// [`crate::flows::registration::client_name`]).
    pub client_name: String,
    /// Always `public`: the only type SSO OIDC registers.
    pub client_type: String,
    /// PKCE only: `authorization_code` and `refresh_token`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub grant_types: Option<Vec<String>>,
    /// PKCE only: [`REGISTERED_REDIRECT_URI`].
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub redirect_uris: Option<Vec<String>>,
    /// PKCE only: the start URL the registration is for.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub issuer_url: Option<String>,
    /// The OAuth scopes the tokens may carry (`sso_registration_scopes`), such as
    /// [`DEFAULT_SCOPE`].
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scopes: Option<Vec<String>>,
}

impl RegisterClientInput {
    /// What the CLI sends for the device flow: name, `public`, and the configured scopes if any. An
    /// empty list (`sso_registration_scopes =`) sends none, like the CLI's `if scopes:`.
    pub fn device(client_name: impl Into<String>, scopes: Option<Vec<String>>) -> Self {
        let scopes = scopes.filter(|list| !list.is_empty());
        RegisterClientInput {
            client_name: client_name.into(),
            client_type: "public".to_owned(),
            grant_types: None,
            redirect_uris: None,
            issuer_url: None,
            scopes,
        }
    }

    /// What the CLI sends for PKCE: both grant types, the port-less loopback redirect, the (resolved)
    /// start URL as issuer, and the configured scopes or `sso:account:access`.
    pub fn pkce(client_name: impl Into<String>, scopes: Option<Vec<String>>, issuer_url: &str) -> Self {
        RegisterClientInput {
            client_name: client_name.into(),
            client_type: "public".to_owned(),
            grant_types: Some(vec![GRANT_AUTHORIZATION_CODE.to_owned(), GRANT_REFRESH_TOKEN.to_owned()]),
            redirect_uris: Some(vec![REGISTERED_REDIRECT_URI.to_owned()]),
            issuer_url: Some(issuer_url.to_owned()),
            scopes: Some(pkce_scopes(scopes.as_deref())),
        }
    }
}

/// The scopes PKCE uses: the configured ones, or `sso:account:access` when `sso_registration_scopes`
/// is absent or empty (the CLI's `scopes or [default]`; the same rule as the cached registration,
/// [`crate::cache::ClientRegistration`]).
pub fn pkce_scopes(configured: Option<&[String]>) -> Vec<String> {
    match configured {
        Some(list) if !list.is_empty() => list.to_vec(),
        _ => vec![DEFAULT_SCOPE.to_owned()],
    }
}

/// RegisterClient output. The cached form (with kind and scopes) is [`crate::cache::ClientRegistration`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterClientOutput {
    /// `clientId`: identifies the registration in every later call.
    pub client_id: String,
    /// `clientSecret`: authenticates the token calls; a secret like a token, never shown.
    pub client_secret: Secret,
    /// `clientIdIssuedAt` (epoch seconds), when sent.
    pub client_id_issued_at: Option<UtcTime>,
    /// `clientSecretExpiresAt` (epoch seconds): the registration's `expiresAt` in the cache.
    pub client_secret_expires_at: UtcTime,
}

/// The id and secret every token call authenticates with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientCredentials {
    /// The registration's `clientId`.
    pub client_id: String,
    /// The registration's `clientSecret`.
    pub client_secret: Secret,
}

impl From<&RegisterClientOutput> for ClientCredentials {
    fn from(registration: &RegisterClientOutput) -> Self {
        ClientCredentials {
            client_id: registration.client_id.clone(),
            client_secret: registration.client_secret.clone(),
        }
    }
}

/// StartDeviceAuthorization output. Serialisable so a browser can keep it across a restart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceAuthorization {
    /// What CreateToken polls with; whoever holds it gets the token once the user approves, so it
    /// is a secret.
    pub device_code: Secret,
    /// The short code the user compares on the verification page (`ABCD-EFGH`); safe to show.
    pub user_code: String,
    /// The page where the user enters [`DeviceAuthorization::user_code`].
    pub verification_uri: String,
    /// The same page with the user code filled in, when the service sends it: the one to open.
    pub verification_uri_complete: Option<String>,
    /// Seconds the device code stays valid.
    pub expires_in: i64,
    /// Seconds between polls, when the service says (default 5).
    pub interval: Option<i64>,
}

/// The grant of a CreateToken call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grant {
    /// Polling the device flow.
    DeviceCode {
        /// [`DeviceAuthorization::device_code`].
        device_code: Secret,
    },
    /// Finishing the PKCE flow.
    AuthorizationCode {
        /// The `code` the browser brought back to the redirect URI.
        code: Secret,
        /// The redirect URI the authorize request named, port included: the service checks that
        /// they match.
        redirect_uri: String,
        /// The verifier whose challenge the authorize request sent.
        code_verifier: Secret,
    },
    /// Getting a new access token without the user.
    RefreshToken {
        /// The refresh token of the cached token.
        refresh_token: Secret,
    },
}

impl Grant {
    /// The `grantType` member this grant sends ([`GRANT_DEVICE_CODE`], …).
    pub fn grant_type(&self) -> &'static str {
        match self {
            Grant::DeviceCode { .. } => GRANT_DEVICE_CODE,
            Grant::AuthorizationCode { .. } => GRANT_AUTHORIZATION_CODE,
            Grant::RefreshToken { .. } => GRANT_REFRESH_TOKEN,
        }
    }
}

/// CreateToken output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    /// The bearer token for the portal calls.
    pub access_token: Secret,
    /// `Bearer` when sent; nothing depends on it.
    pub token_type: Option<String>,
    /// Seconds the access token is valid from receipt.
    pub expires_in: i64,
    /// Only when the service sends one can the token be renewed without the user (legacy
    /// profiles, registered without scopes, get none). An empty one counts as none.
    pub refresh_token: Option<Secret>,
    /// An OpenID Connect ID token, when the service sends one; the CLI does not use it, and
    /// neither do we. An empty one counts as none.
    pub id_token: Option<Secret>,
}

// ---------------------------------------------------------------------------------------------
// Request builders

fn json_post(base_url: &str, path: &str, body: String) -> HttpRequest {
    HttpRequest::new(Method::Post, url::join(base_url, path))
        .with_header("Content-Type", "application/json")
        .with_body(body.into_bytes())
}

/// `POST /client/register`, members in the CLI's order, absent ones left out.
pub fn register_client_request(base_url: &str, input: &RegisterClientInput) -> HttpRequest {
    let body = ObjectWriter::new()
        .str("clientName", &input.client_name)
        .str("clientType", &input.client_type)
        .str_list_if_some("grantTypes", input.grant_types.as_deref())
        .str_list_if_some("redirectUris", input.redirect_uris.as_deref())
        .str_if_some("issuerUrl", input.issuer_url.as_deref())
        .str_list_if_some("scopes", input.scopes.as_deref())
        .finish();
    json_post(base_url, "/client/register", body)
}

/// `POST /device_authorization`. `start_url` is the resolved start URL (spec §3.3).
pub fn start_device_authorization_request(
    base_url: &str,
    client: &ClientCredentials,
    start_url: &str,
) -> HttpRequest {
    let body = ObjectWriter::new()
        .str("clientId", &client.client_id)
        .str("clientSecret", client.client_secret.expose())
        .str("startUrl", start_url)
        .finish();
    json_post(base_url, "/device_authorization", body)
}

/// `POST /token` with one of the three grants (spec §3.4 lists exactly these members per grant).
pub fn create_token_request(base_url: &str, client: &ClientCredentials, grant: &Grant) -> HttpRequest {
    let mut body = ObjectWriter::new();
    body.str("clientId", &client.client_id)
        .str("clientSecret", client.client_secret.expose())
        .str("grantType", grant.grant_type());
    match grant {
        Grant::DeviceCode { device_code } => body.str("deviceCode", device_code.expose()),
        Grant::RefreshToken { refresh_token } => body.str("refreshToken", refresh_token.expose()),
        Grant::AuthorizationCode { code, redirect_uri, code_verifier } => body
            .str("redirectUri", redirect_uri)
            .str("codeVerifier", code_verifier.expose())
            .str("code", code.expose()),
    };
    json_post(base_url, "/token", body.finish())
}

// ---------------------------------------------------------------------------------------------
// Response parsers

/// The JSON object of a 2xx response, or the classified error of any other.
pub(crate) fn success_json(operation: Operation, response: &HttpResponse) -> Result<Json, SsoError> {
    if !response.is_success() {
        return Err(SsoError::from_response(operation, response));
    }
    match Json::parse_bytes(&response.body) {
        Ok(value @ Json::Object(_)) => Ok(value),
        Ok(_) => Err(SsoError::malformed(operation, "the response body is not a JSON object")),
        Err(e) => Err(SsoError::malformed(
            operation,
            format!("the response body is not JSON (line {}, column {})", e.line, e.column),
        )),
    }
}

/// Typed reads of a response object's members; `null` counts as absent.
pub(crate) struct Fields<'a> {
    operation: Operation,
    members: &'a [(String, Json)],
}

impl<'a> Fields<'a> {
    /// `value` must be an object (anything else reads as one with no members).
    pub(crate) fn new(operation: Operation, value: &'a Json) -> Self {
        Fields { operation, members: value.as_object().unwrap_or_default() }
    }

    fn present(&self, key: &str) -> Option<&'a Json> {
        json::member(self.members, key).filter(|v| !v.is_null())
    }

    pub(crate) fn opt_str(&self, key: &str) -> Result<Option<String>, SsoError> {
        match self.present(key) {
            None => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(SsoError::malformed(self.operation, format!("`{key}` is not a string"))),
        }
    }

    pub(crate) fn str(&self, key: &str) -> Result<String, SsoError> {
        self.opt_str(key)?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| SsoError::malformed(self.operation, format!("`{key}` is missing")))
    }

    pub(crate) fn opt_i64(&self, key: &str) -> Result<Option<i64>, SsoError> {
        match self.present(key) {
            None => Ok(None),
            // A number in float notation with no fraction (1.7e9) still means whole seconds.
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| SsoError::malformed(self.operation, format!("`{key}` is not an integer"))),
        }
    }

    pub(crate) fn i64(&self, key: &str) -> Result<i64, SsoError> {
        self.opt_i64(key)?.ok_or_else(|| SsoError::malformed(self.operation, format!("`{key}` is missing")))
    }

    pub(crate) fn array(&self, key: &str) -> Result<&'a [Json], SsoError> {
        match self.present(key) {
            None => Ok(&[]),
            Some(Json::Array(items)) => Ok(items),
            Some(_) => Err(SsoError::malformed(self.operation, format!("`{key}` is not a list"))),
        }
    }

    pub(crate) fn object(&self, key: &str) -> Result<Fields<'a>, SsoError> {
        match self.present(key) {
            Some(Json::Object(members)) => Ok(Fields { operation: self.operation, members }),
            Some(_) => Err(SsoError::malformed(self.operation, format!("`{key}` is not an object"))),
            None => Err(SsoError::malformed(self.operation, format!("`{key}` is missing"))),
        }
    }
}

/// RegisterClient response.
pub fn parse_register_client(response: &HttpResponse) -> Result<RegisterClientOutput, SsoError> {
    let op = Operation::RegisterClient;
    let map = success_json(op, response)?;
    let f = Fields::new(op, &map);
    Ok(RegisterClientOutput {
        client_id: f.str("clientId")?,
        client_secret: Secret::new(f.str("clientSecret")?),
        client_id_issued_at: f.opt_i64("clientIdIssuedAt")?.map(UtcTime::from_unix_seconds),
        client_secret_expires_at: UtcTime::from_unix_seconds(f.i64("clientSecretExpiresAt")?),
    })
}

/// StartDeviceAuthorization response.
pub fn parse_start_device_authorization(response: &HttpResponse) -> Result<DeviceAuthorization, SsoError> {
    let op = Operation::StartDeviceAuthorization;
    let map = success_json(op, response)?;
    let f = Fields::new(op, &map);
    let interval = f.opt_i64("interval")?;
    if interval.is_some_and(|i| i < 0) {
        return Err(SsoError::malformed(op, "`interval` is negative"));
    }
    Ok(DeviceAuthorization {
        device_code: Secret::new(f.str("deviceCode")?),
        user_code: f.str("userCode")?,
        verification_uri: f.str("verificationUri")?,
        verification_uri_complete: f.opt_str("verificationUriComplete")?,
        expires_in: f.i64("expiresIn")?,
        interval,
    })
}

/// CreateToken response.
pub fn parse_create_token(response: &HttpResponse) -> Result<TokenResponse, SsoError> {
    let op = Operation::CreateToken;
    let map = success_json(op, response)?;
    let f = Fields::new(op, &map);
    Ok(TokenResponse {
        access_token: Secret::new(f.str("accessToken")?),
        token_type: f.opt_str("tokenType")?,
        expires_in: f.i64("expiresIn")?,
        refresh_token: f.opt_str("refreshToken")?.filter(|s| !s.is_empty()).map(Secret::new),
        id_token: f.opt_str("idToken")?.filter(|s| !s.is_empty()).map(Secret::new),
    })
}

// ---------------------------------------------------------------------------------------------
// Client

/// Sends `request`; a transport failure becomes an [`SsoError`] of `operation`.
pub(crate) async fn send<T: Transport>(
    transport: &T,
    operation: Operation,
    request: HttpRequest,
) -> Result<HttpResponse, SsoError> {
    transport.send(request).await.map_err(|e| SsoError::from_transport(operation, &e))
}

/// Checks an endpoint base URL given by the caller (resolved by `crate::config`).
pub(crate) fn checked_base_url(base_url: &str, what: &str) -> Result<String, SsoError> {
    let trimmed = base_url.trim();
    // Tokens go only over https: cleartext http only to loopback (the local emulator).
    if url::is_http_url(trimmed) && crate::config::endpoint::is_secure_or_loopback(trimmed) {
        Ok(trimmed.to_owned())
    } else {
        Err(SsoError::new(
            ErrorKind::InvalidInput,
            Operation::Prepare,
            format!(
                "the {what} endpoint `{}` is not an https URL (http only to 127.0.0.1, localhost or [::1]: \
                 tokens never go over cleartext http)",
                trimmed.chars().take(200).collect::<String>()
            ),
        ))
    }
}

/// The SSO OIDC service at one base URL, over an injected transport.
#[derive(Clone, Debug)]
pub struct OidcClient<T> {
    base_url: String,
    transport: T,
}

impl<T: Transport> OidcClient<T> {
    /// `base_url`: the resolved `sso-oidc` endpoint, e.g. `https://oidc.us-east-1.amazonaws.com`.
    pub fn new(base_url: &str, transport: T) -> Result<Self, SsoError> {
        Ok(OidcClient { base_url: checked_base_url(base_url, "SSO OIDC")?, transport })
    }

    /// The endpoint the calls go to, as given to [`OidcClient::new`] (trimmed).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The transport the calls go through.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Where the browser goes for PKCE: `scheme://host[:port]` of the endpoint plus `/authorize`
    /// (any path of an override is dropped, as the CLI does; spec §4).
    pub fn authorize_endpoint(&self) -> String {
        // `new` checked the URL, so it has an origin.
        let origin = url::origin(&self.base_url).unwrap_or(&self.base_url);
        format!("{origin}/authorize")
    }

    /// RegisterClient: a new client registration (see [`RegisterClientInput::device`] and
    /// [`RegisterClientInput::pkce`]).
    pub async fn register_client(
        &self,
        input: &RegisterClientInput,
    ) -> Result<RegisterClientOutput, SsoError> {
        let request = register_client_request(&self.base_url, input);
        parse_register_client(&send(&self.transport, Operation::RegisterClient, request).await?)
    }

    /// StartDeviceAuthorization: the codes and page for one device-flow sign-in to `start_url`
    /// (the resolved start URL).
    pub async fn start_device_authorization(
        &self,
        client: &ClientCredentials,
        start_url: &str,
    ) -> Result<DeviceAuthorization, SsoError> {
        let request = start_device_authorization_request(&self.base_url, client, start_url);
        let response = send(&self.transport, Operation::StartDeviceAuthorization, request).await?;
        parse_start_device_authorization(&response)
    }

    /// CreateToken with `grant`. While the device flow waits for the user this fails with
    /// [`ErrorKind::AuthorizationPending`] or [`ErrorKind::SlowDown`], which mean "poll again".
    pub async fn create_token(
        &self,
        client: &ClientCredentials,
        grant: &Grant,
    ) -> Result<TokenResponse, SsoError> {
        let request = create_token_request(&self.base_url, client, grant);
        parse_create_token(&send(&self.transport, Operation::CreateToken, request).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> ClientCredentials {
        ClientCredentials { client_id: "cid".into(), client_secret: Secret::new("csecret") }
    }

    fn body(request: &HttpRequest) -> String {
        String::from_utf8(request.body.clone()).unwrap()
    }

    #[test]
    fn register_client_bodies_match_the_cli() {
        let device = register_client_request(
            "https://oidc.us-east-1.amazonaws.com",
            &RegisterClientInput::device("botocore-client-dev", None),
        );
        assert_eq!(device.method, Method::Post);
        assert_eq!(device.url, "https://oidc.us-east-1.amazonaws.com/client/register");
        assert_eq!(device.header("content-type"), Some("application/json"));
        assert_eq!(body(&device), r#"{"clientName":"botocore-client-dev","clientType":"public"}"#);

        let pkce = register_client_request(
            "http://127.0.0.1:4566/",
            &RegisterClientInput::pkce("botocore-client-dev", None, "https://d-abc123.awsapps.com/start"),
        );
        assert_eq!(pkce.url, "http://127.0.0.1:4566/client/register");
        assert_eq!(
            body(&pkce),
            r#"{"clientName":"botocore-client-dev","clientType":"public","grantTypes":["authorization_code","refresh_token"],"redirectUris":["http://127.0.0.1/oauth/callback"],"issuerUrl":"https://d-abc123.awsapps.com/start","scopes":["sso:account:access"]}"#
        );
        let scoped = RegisterClientInput::pkce("n", Some(vec!["a".into(), "b".into()]), "https://x");
        assert_eq!(scoped.scopes, Some(vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(RegisterClientInput::pkce("n", None, "https://x").scopes.unwrap(), [DEFAULT_SCOPE]);
        // `sso_registration_scopes =` (empty): PKCE falls back to the default, device sends none.
        assert_eq!(
            RegisterClientInput::pkce("n", Some(vec![]), "https://x").scopes.unwrap(),
            [DEFAULT_SCOPE]
        );
        assert_eq!(RegisterClientInput::device("n", Some(vec![])).scopes, None);
    }

    #[test]
    fn token_bodies_carry_exactly_the_grant_members() {
        let base = "https://oidc.us-east-1.amazonaws.com";
        let device = create_token_request(base, &creds(), &Grant::DeviceCode { device_code: "dc".into() });
        assert_eq!(device.url, "https://oidc.us-east-1.amazonaws.com/token");
        assert_eq!(
            body(&device),
            r#"{"clientId":"cid","clientSecret":"csecret","grantType":"urn:ietf:params:oauth:grant-type:device_code","deviceCode":"dc"}"#
        );
        let refresh =
            create_token_request(base, &creds(), &Grant::RefreshToken { refresh_token: "rt".into() });
        assert_eq!(
            body(&refresh),
            r#"{"clientId":"cid","clientSecret":"csecret","grantType":"refresh_token","refreshToken":"rt"}"#
        );
        let pkce = create_token_request(
            base,
            &creds(),
            &Grant::AuthorizationCode {
                code: "the-code".into(),
                redirect_uri: "http://127.0.0.1:55555/oauth/callback".into(),
                code_verifier: "v".into(),
            },
        );
        assert_eq!(
            body(&pkce),
            r#"{"clientId":"cid","clientSecret":"csecret","grantType":"authorization_code","redirectUri":"http://127.0.0.1:55555/oauth/callback","codeVerifier":"v","code":"the-code"}"#
        );
        let start = start_device_authorization_request(base, &creds(), "https://d-abc123.awsapps.com/start");
        assert_eq!(start.url, "https://oidc.us-east-1.amazonaws.com/device_authorization");
        assert_eq!(
            body(&start),
            r#"{"clientId":"cid","clientSecret":"csecret","startUrl":"https://d-abc123.awsapps.com/start"}"#
        );
        // Debug of the request never shows the secrets it carries.
        let shown = format!("{pkce:?}");
        assert!(!shown.contains("csecret") && !shown.contains("the-code"), "{shown}");
    }

    #[test]
    fn parses_successes() {
        let reg = parse_register_client(&HttpResponse::new(200).with_body(
            r#"{"clientId":"cid","clientSecret":"cs","clientIdIssuedAt":1700000000,"clientSecretExpiresAt":1722513600}"#,
        ))
        .unwrap();
        assert_eq!(reg.client_id, "cid");
        assert_eq!(reg.client_secret.expose(), "cs");
        assert_eq!(reg.client_secret_expires_at.to_cli_string(), "2024-08-01T12:00:00Z");

        let dev = parse_start_device_authorization(&HttpResponse::new(200).with_body(
            r#"{"deviceCode":"dc","userCode":"ABCD-EFGH","verificationUri":"https://device.sso.us-east-1.amazonaws.com/","verificationUriComplete":"https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH","expiresIn":600,"interval":1}"#,
        ))
        .unwrap();
        assert_eq!((dev.user_code.as_str(), dev.expires_in, dev.interval), ("ABCD-EFGH", 600, Some(1)));
        let no_interval = parse_start_device_authorization(&HttpResponse::new(200).with_body(
            r#"{"deviceCode":"dc","userCode":"U","verificationUri":"https://v","expiresIn":600,"interval":null}"#,
        ))
        .unwrap();
        assert_eq!(no_interval.interval, None);

        let tok = parse_create_token(&HttpResponse::new(200).with_body(
            r#"{"accessToken":"at","tokenType":"Bearer","expiresIn":28800,"refreshToken":"rt","idToken":"it"}"#,
        ))
        .unwrap();
        assert_eq!(tok.access_token.expose(), "at");
        assert_eq!(tok.expires_in, 28800);
        assert_eq!(tok.refresh_token.as_ref().map(Secret::expose), Some("rt"));
        let shown = format!("{tok:?}");
        assert!(!shown.contains("\"at\"") && !shown.contains("rt\"") && !shown.contains("it\""), "{shown}");
        let no_refresh =
            parse_create_token(&HttpResponse::new(200).with_body(r#"{"accessToken":"at","expiresIn":3600}"#))
                .unwrap();
        assert_eq!(no_refresh.refresh_token, None);
    }

    #[test]
    fn malformed_bodies_are_typed_errors_without_secrets() {
        for body in [
            "",
            "[]",
            "not json",
            r#"{"accessToken":"sekret-at"}"#,
            r#"{"accessToken":"sekret-at","expiresIn":"soon"}"#,
            r#"{"accessToken":42,"expiresIn":1}"#,
        ] {
            let err = parse_create_token(&HttpResponse::new(200).with_body(body)).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::MalformedResponse, "{body}");
            assert!(!err.to_string().contains("sekret") && !format!("{err:?}").contains("sekret"));
        }
        let err = parse_register_client(
            &HttpResponse::new(200).with_body(r#"{"clientId":"c","clientSecret":"s"}"#),
        )
        .unwrap_err();
        assert!(err.to_string().contains("clientSecretExpiresAt"), "{err}");
    }

    #[test]
    fn error_responses_are_classified() {
        let resp = HttpResponse::new(400)
            .with_header(
                "x-amzn-ErrorType",
                "InvalidGrantException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/",
            )
            .with_body(r#"{"error":"invalid_grant","error_description":"Invalid refresh token provided"}"#);
        let err = parse_create_token(&resp).unwrap_err();
        assert_eq!(err.code(), "invalid_grant");
        assert_eq!(err.operation(), Operation::CreateToken);
        assert_eq!(err.status(), Some(400));
    }

    #[test]
    fn client_checks_base_url_and_builds_authorize_endpoint() {
        #[derive(Debug)]
        struct NoTransport;
        impl Transport for NoTransport {
            async fn send(&self, _: HttpRequest) -> Result<HttpResponse, crate::http::TransportError> {
                Err(crate::http::TransportError::new(crate::http::TransportErrorKind::Connect, "offline"))
            }
        }
        let client = OidcClient::new("http://127.0.0.1:4566/some/path/", NoTransport).unwrap();
        assert_eq!(client.authorize_endpoint(), "http://127.0.0.1:4566/authorize");
        let aws = OidcClient::new("https://oidc.eu-west-1.amazonaws.com", NoTransport).unwrap();
        assert_eq!(aws.authorize_endpoint(), "https://oidc.eu-west-1.amazonaws.com/authorize");
        assert_eq!(OidcClient::new("oidc.eu-west-1", NoTransport).unwrap_err().code(), "invalid_input");
        // Tokens never go over cleartext http, except to loopback (the local emulator).
        for url in ["http://oidc.example.com", "http://127.0.0.1.nip.io:4566/x"] {
            let err = OidcClient::new(url, NoTransport).unwrap_err();
            assert_eq!(err.code(), "invalid_input");
            assert!(err.to_string().contains("not an https URL"), "{err}");
            assert!(crate::portal::PortalClient::new(url, NoTransport).is_err(), "{url}");
        }
        let err =
            pollster::block_on(client.register_client(&RegisterClientInput::device("n", None))).unwrap_err();
        assert_eq!(err.code(), "network");
    }
}
