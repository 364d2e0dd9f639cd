//! Errors of the SSO OIDC and portal calls and of the login flows.
//!
//! A service error is classified the way botocore does it (`RestJSONParser._inject_error_code`,
//! spec §3.5): the `x-amzn-ErrorType` header wins; without it the body's `code`/`Code`, then
//! `__type`; without any, the HTTP status. The code is cut at the first `:` and then after the last
//! `#` (`AuthorizationPendingException:http://internal.amazon.com/coral/...` →
//! `AuthorizationPendingException`). The body's OAuth `error` field is ignored, as both SDKs do.
//!
//! Every error has a stable machine code ([`SsoError::code`], e.g. `"slow_down"`; the wasm binding
//! and the native-messaging protocol pass it on), [`SsoError::retryable`], and an
//! [`SsoError::advice`] sentence telling the user what to do next.
//!
//! Secrets never get in: an error holds only the operation, HTTP status, the service's error code and
//! its (length-capped) message, and for local failures a description we wrote. Request bodies,
//! headers and tokens are never copied into an error.

use crate::http::{HttpResponse, TransportError, TransportErrorKind};
use crate::json::Json;
use std::fmt;
use std::time::Duration;

/// The AWS call (or local step) an error came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// SSO OIDC RegisterClient: registering this tool as a client of the sign-in service.
    RegisterClient,
    /// SSO OIDC StartDeviceAuthorization: getting the user code and verification URL of the
    /// device flow.
    StartDeviceAuthorization,
    /// SSO OIDC CreateToken: polling the device flow, exchanging the PKCE code, or refreshing a
    /// token.
    CreateToken,
    /// SSO portal ListAccounts: the accounts the signed-in user can use.
    ListAccounts,
    /// SSO portal ListAccountRoles: the roles the user has in one account.
    ListAccountRoles,
    /// SSO portal GetRoleCredentials: temporary credentials for one account and role.
    GetRoleCredentials,
    /// SSO portal Logout: ending the session on the service's side.
    Logout,
    /// The browser part of the PKCE flow: the redirect back to the loopback callback.
    Authorize,
    /// Local checks before any call (inputs, cached registration/token state).
    Prepare,
}

impl Operation {
    /// The name that starts an error's message and goes to the extension and the package as the
    /// error's `operation`: the AWS operation name, or `authorize` and `sign-in` for the local steps.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::RegisterClient => "RegisterClient",
            Operation::StartDeviceAuthorization => "StartDeviceAuthorization",
            Operation::CreateToken => "CreateToken",
            Operation::ListAccounts => "ListAccounts",
            Operation::ListAccountRoles => "ListAccountRoles",
            Operation::GetRoleCredentials => "GetRoleCredentials",
            Operation::Logout => "Logout",
            Operation::Authorize => "authorize",
            Operation::Prepare => "sign-in",
        }
    }
}

/// The category of an error. [`ErrorKind::code`] is the stable string form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Device flow: the user has not approved yet (keep polling).
    AuthorizationPending,
    /// Device flow: poll less often (+5 s).
    SlowDown,
    /// The device code, authorization code or token expired.
    ExpiredToken,
    /// The user denied the request, or access is not allowed.
    AccessDenied,
    /// The code, device code or refresh token is invalid or used up.
    InvalidGrant,
    /// The client registration is invalid or expired.
    InvalidClient,
    /// The registration request was rejected (bad scopes, redirect URIs, issuer).
    InvalidClientMetadata,
    /// The client may not use this grant.
    UnauthorizedClient,
    /// A malformed or inconsistent request (also the portal's 400).
    InvalidRequest,
    /// A requested scope is not allowed.
    InvalidScope,
    /// The grant type is not supported.
    UnsupportedGrantType,
    /// The redirect URI was rejected.
    InvalidRedirectUri,
    /// Portal 401 ("Session token not found or invalid"): the access token is expired or signed out.
    Unauthorized,
    /// 429: throttled.
    TooManyRequests,
    /// 404: no such account or role.
    ResourceNotFound,
    /// 5xx or `InternalServerException`.
    Internal,
    /// Any other error response from the service.
    Service,
    /// No connection (DNS, refused, TLS, CORS, offline).
    Network,
    /// No answer in time.
    Timeout,
    /// The caller cancelled.
    Cancelled,
    /// A success response whose body we cannot read.
    MalformedResponse,
    /// PKCE: the callback's `state` is not the one this sign-in sent.
    StateMismatch,
    /// PKCE: the callback carried an `error` parameter.
    AuthorizationFailed,
    /// PKCE: the callback URL is unusable (no code, not a URL).
    InvalidCallback,
    /// A value passed in by the caller is unusable (empty start URL, bad pending state, …).
    InvalidInput,
    /// The cached client registration has expired, so its token cannot be refreshed.
    RegistrationExpired,
    /// The token has no refresh token (or lacks the registration needed to refresh).
    NotRefreshable,
}

impl ErrorKind {
    /// Stable machine-readable code (snake_case; never changes once shipped).
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::AuthorizationPending => "authorization_pending",
            ErrorKind::SlowDown => "slow_down",
            ErrorKind::ExpiredToken => "expired_token",
            ErrorKind::AccessDenied => "access_denied",
            ErrorKind::InvalidGrant => "invalid_grant",
            ErrorKind::InvalidClient => "invalid_client",
            ErrorKind::InvalidClientMetadata => "invalid_client_metadata",
            ErrorKind::UnauthorizedClient => "unauthorized_client",
            ErrorKind::InvalidRequest => "invalid_request",
            ErrorKind::InvalidScope => "invalid_scope",
            ErrorKind::UnsupportedGrantType => "unsupported_grant_type",
            ErrorKind::InvalidRedirectUri => "invalid_redirect_uri",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::TooManyRequests => "too_many_requests",
            ErrorKind::ResourceNotFound => "resource_not_found",
            ErrorKind::Internal => "internal",
            ErrorKind::Service => "service_error",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::MalformedResponse => "malformed_response",
            ErrorKind::StateMismatch => "state_mismatch",
            ErrorKind::AuthorizationFailed => "authorization_failed",
            ErrorKind::InvalidCallback => "invalid_callback",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::RegistrationExpired => "registration_expired",
            ErrorKind::NotRefreshable => "not_refreshable",
        }
    }

    /// Every kind, for tables and tests.
    pub const ALL: [ErrorKind; 27] = [
        ErrorKind::AuthorizationPending,
        ErrorKind::SlowDown,
        ErrorKind::ExpiredToken,
        ErrorKind::AccessDenied,
        ErrorKind::InvalidGrant,
        ErrorKind::InvalidClient,
        ErrorKind::InvalidClientMetadata,
        ErrorKind::UnauthorizedClient,
        ErrorKind::InvalidRequest,
        ErrorKind::InvalidScope,
        ErrorKind::UnsupportedGrantType,
        ErrorKind::InvalidRedirectUri,
        ErrorKind::Unauthorized,
        ErrorKind::TooManyRequests,
        ErrorKind::ResourceNotFound,
        ErrorKind::Internal,
        ErrorKind::Service,
        ErrorKind::Network,
        ErrorKind::Timeout,
        ErrorKind::Cancelled,
        ErrorKind::MalformedResponse,
        ErrorKind::StateMismatch,
        ErrorKind::AuthorizationFailed,
        ErrorKind::InvalidCallback,
        ErrorKind::InvalidInput,
        ErrorKind::RegistrationExpired,
        ErrorKind::NotRefreshable,
    ];

    /// Whether trying the same call again later can succeed without the user doing anything.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            ErrorKind::AuthorizationPending
                | ErrorKind::SlowDown
                | ErrorKind::TooManyRequests
                | ErrorKind::Internal
                | ErrorKind::Network
                | ErrorKind::Timeout
        )
    }

    /// What happened, in a few words.
    fn summary(self) -> &'static str {
        match self {
            ErrorKind::AuthorizationPending => "the sign-in has not been approved yet",
            ErrorKind::SlowDown => "the service asked to check less often",
            ErrorKind::ExpiredToken => "the sign-in request or token has expired",
            ErrorKind::AccessDenied => "access was denied",
            ErrorKind::InvalidGrant => "the authorization code or refresh token is no longer valid",
            ErrorKind::InvalidClient => "the client registration was rejected",
            ErrorKind::InvalidClientMetadata => "the client registration details were rejected",
            ErrorKind::UnauthorizedClient => "this client may not use this sign-in method",
            ErrorKind::InvalidRequest => "the service rejected the request as invalid",
            ErrorKind::InvalidScope => "a requested scope is not allowed",
            ErrorKind::UnsupportedGrantType => "the service does not support this sign-in method",
            ErrorKind::InvalidRedirectUri => "the loopback redirect address was rejected",
            ErrorKind::Unauthorized => "the SSO session token is not valid (expired or signed out)",
            ErrorKind::TooManyRequests => "AWS is throttling requests",
            ErrorKind::ResourceNotFound => "the account or role was not found",
            ErrorKind::Internal => "IAM Identity Center had an internal error",
            ErrorKind::Service => "the service returned an error",
            ErrorKind::Network => "could not reach the service",
            ErrorKind::Timeout => "the service did not answer in time",
            ErrorKind::Cancelled => "the sign-in was cancelled",
            ErrorKind::MalformedResponse => "the service's answer could not be read",
            ErrorKind::StateMismatch => "the browser returned from a different sign-in attempt",
            ErrorKind::AuthorizationFailed => "the sign-in page reported an error",
            ErrorKind::InvalidCallback => "the redirect address carries no authorization code",
            ErrorKind::InvalidInput => "an input value is not usable",
            ErrorKind::RegistrationExpired => "the client registration has expired",
            ErrorKind::NotRefreshable => "the token cannot be refreshed",
        }
    }

    /// What the user should do next, as one sentence.
    pub fn advice(self) -> &'static str {
        match self {
            ErrorKind::AuthorizationPending => {
                "Approve the request on the page that opened in your browser; sso-bridge keeps checking."
            }
            ErrorKind::SlowDown => "Wait a few seconds, then try again.",
            ErrorKind::ExpiredToken => "Sign in again.",
            ErrorKind::AccessDenied => {
                "Sign in again and choose Allow, or ask your administrator for access to this account or role."
            }
            ErrorKind::InvalidGrant => "Sign in again.",
            ErrorKind::InvalidClient => "Sign in again; sso-bridge will register a new client.",
            ErrorKind::InvalidClientMetadata => {
                "Check sso_registration_scopes and sso_start_url in your sso-session, then sign in again."
            }
            ErrorKind::UnauthorizedClient => "Sign in again, or use the device-code sign-in instead.",
            ErrorKind::InvalidRequest => {
                "Check sso_start_url, sso_region and the account and role in your config, then try again."
            }
            ErrorKind::InvalidScope => {
                "Check sso_registration_scopes in your sso-session (the usual value is sso:account:access)."
            }
            ErrorKind::UnsupportedGrantType => "Use the device-code sign-in instead.",
            ErrorKind::InvalidRedirectUri => "Use the device-code sign-in instead.",
            ErrorKind::Unauthorized => "Sign in again to get a new SSO session.",
            ErrorKind::TooManyRequests => "Wait a minute, then try again.",
            ErrorKind::ResourceNotFound => {
                "Check sso_account_id and sso_role_name in your profile, or pick the account and role again."
            }
            ErrorKind::Internal => "Try again in a moment.",
            ErrorKind::Service => {
                "Try again; if it keeps failing, check sso_region and any endpoint_url in your config."
            }
            ErrorKind::Network => {
                "Check your network connection, sso_region and any endpoint_url in your config, then try again."
            }
            ErrorKind::Timeout => "Check your network connection, then try again.",
            ErrorKind::Cancelled => "Start the sign-in again when you are ready.",
            ErrorKind::MalformedResponse => {
                "Check that any endpoint_url in your config points to IAM Identity Center, then try again."
            }
            ErrorKind::StateMismatch => "Start the sign-in again and finish it in the tab it opens.",
            ErrorKind::AuthorizationFailed => {
                "Sign in again; if it keeps failing, use the device-code sign-in instead."
            }
            ErrorKind::InvalidCallback => "Start the sign-in again and finish it in the tab it opens.",
            ErrorKind::InvalidInput => "Correct the value and try again.",
            ErrorKind::RegistrationExpired => "Sign in again; sso-bridge will register a new client.",
            ErrorKind::NotRefreshable => "Sign in again.",
        }
    }

    /// The kind for a service error code (already sanitised: `FooException`).
    pub fn from_service_code(code: &str) -> Option<ErrorKind> {
        Some(match code {
            "AuthorizationPendingException" => ErrorKind::AuthorizationPending,
            "SlowDownException" => ErrorKind::SlowDown,
            "ExpiredTokenException" => ErrorKind::ExpiredToken,
            // The portal answers 403 `ForbiddenException` ("No access") for an unassigned role.
            "AccessDeniedException" | "ForbiddenException" => ErrorKind::AccessDenied,
            "InvalidGrantException" => ErrorKind::InvalidGrant,
            "InvalidClientException" => ErrorKind::InvalidClient,
            "InvalidClientMetadataException" => ErrorKind::InvalidClientMetadata,
            "UnauthorizedClientException" => ErrorKind::UnauthorizedClient,
            "InvalidRequestException" => ErrorKind::InvalidRequest,
            "InvalidScopeException" => ErrorKind::InvalidScope,
            "UnsupportedGrantTypeException" => ErrorKind::UnsupportedGrantType,
            "InvalidRedirectUriException" => ErrorKind::InvalidRedirectUri,
            "UnauthorizedException" => ErrorKind::Unauthorized,
            "TooManyRequestsException" | "ThrottlingException" | "Throttling" => ErrorKind::TooManyRequests,
            "ResourceNotFoundException" => ErrorKind::ResourceNotFound,
            "InternalServerException" | "InternalFailure" | "ServiceUnavailableException" => {
                ErrorKind::Internal
            }
            _ => return None,
        })
    }

    /// The kind when the service named no known code: decided by the HTTP status.
    fn from_status(status: u16) -> ErrorKind {
        match status {
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::AccessDenied,
            404 => ErrorKind::ResourceNotFound,
            429 => ErrorKind::TooManyRequests,
            500..=599 => ErrorKind::Internal,
            _ => ErrorKind::Service,
        }
    }
}

/// An error of an SSO call or flow. See the module docs.
///
/// Boxed: an error travels in every `Result` through every await point of the flows, so a
/// pointer-sized error keeps the async state machines (and their moves and drops) small, which is
/// most of the wasm module's flow code.
#[derive(Clone, PartialEq, Eq)]
pub struct SsoError(Box<ErrorParts>);

#[derive(Clone, PartialEq, Eq)]
struct ErrorParts {
    kind: ErrorKind,
    operation: Operation,
    status: Option<u16>,
    service_code: Option<String>,
    detail: Option<String>,
    retry_after: Option<Duration>,
}

/// The longest service message kept (a hostile or broken server cannot flood logs or the UI).
const MAX_DETAIL_CHARS: usize = 300;

impl SsoError {
    /// A local error (no HTTP response involved). `detail` must not contain secrets.
    pub fn new(kind: ErrorKind, operation: Operation, detail: impl Into<String>) -> Self {
        let detail = clean_detail(&detail.into());
        SsoError(Box::new(ErrorParts {
            kind,
            operation,
            status: None,
            service_code: None,
            detail,
            retry_after: None,
        }))
    }

    /// Classify an error response (any non-2xx) like botocore.
    pub fn from_response(operation: Operation, response: &HttpResponse) -> Self {
        let body = Json::parse_bytes(&response.body).ok();
        let raw_code = response
            .header("x-amzn-ErrorType")
            .filter(|s| !s.is_empty())
            .or_else(|| first_body_str(body.as_ref(), &["code", "Code", "__type"]));
        let service_code = raw_code.map(sanitize_error_code).filter(|c| !c.is_empty());
        let kind = service_code
            .as_deref()
            .and_then(ErrorKind::from_service_code)
            .unwrap_or_else(|| ErrorKind::from_status(response.status));
        let message =
            first_body_str(body.as_ref(), &["message", "Message", "errorMessage", "error_description"]);
        let retry_after = response.header("Retry-After").and_then(parse_retry_after);
        SsoError(Box::new(ErrorParts {
            kind,
            operation,
            status: Some(response.status),
            service_code: service_code.map(|c| clean_detail(&c).unwrap_or_default()),
            detail: message.and_then(clean_detail),
            retry_after,
        }))
    }

    /// A transport failure (no response).
    pub fn from_transport(operation: Operation, error: &TransportError) -> Self {
        let kind = match error.kind {
            TransportErrorKind::Connect | TransportErrorKind::Other => ErrorKind::Network,
            TransportErrorKind::Timeout => ErrorKind::Timeout,
            TransportErrorKind::Cancelled => ErrorKind::Cancelled,
        };
        SsoError::new(kind, operation, error.message.clone())
    }

    /// A 2xx response whose body does not have the expected shape.
    pub fn malformed(operation: Operation, what: impl Into<String>) -> Self {
        SsoError::new(ErrorKind::MalformedResponse, operation, what)
    }

    /// The category, for branching on the kind of failure ([`SsoError::code`] is its string form).
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// Stable machine code, e.g. `"authorization_pending"`.
    pub fn code(&self) -> &'static str {
        self.0.kind.code()
    }

    /// Whether trying the same call again later can succeed without the user doing anything
    /// (see [`ErrorKind::retryable`]).
    pub fn retryable(&self) -> bool {
        self.0.kind.retryable()
    }

    /// One sentence telling the user what to do next.
    pub fn advice(&self) -> &'static str {
        self.0.kind.advice()
    }

    /// The AWS call (or local step) that failed.
    pub fn operation(&self) -> Operation {
        self.0.operation
    }

    /// The HTTP status, when the service answered.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// The service's error code, sanitised (`InvalidGrantException`), when it sent one.
    pub fn service_code(&self) -> Option<&str> {
        self.0.service_code.as_deref()
    }

    /// The service's message or our local description (never a secret).
    pub fn detail(&self) -> Option<&str> {
        self.0.detail.as_deref()
    }

    /// The server's `Retry-After`, when present and readable.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }
}

impl fmt::Display for SsoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.operation.as_str(), self.0.kind.summary())?;
        match (&self.0.service_code, &self.0.detail, self.0.status) {
            (Some(code), Some(detail), _) => write!(f, " ({code}: {detail})")?,
            (Some(code), None, _) => write!(f, " ({code})")?,
            (None, Some(detail), Some(status)) => write!(f, " (HTTP {status}: {detail})")?,
            (None, None, Some(status)) => write!(f, " (HTTP {status})")?,
            (None, Some(detail), None) => write!(f, " ({detail})")?,
            (None, None, None) => {}
        }
        write!(f, ". {}", self.0.kind.advice())
    }
}

impl fmt::Debug for SsoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoError")
            .field("code", &self.code())
            .field("operation", &self.0.operation)
            .field("status", &self.0.status)
            .field("service_code", &self.0.service_code)
            .field("detail", &self.0.detail)
            .field("retry_after", &self.0.retry_after)
            .finish()
    }
}

impl std::error::Error for SsoError {}

/// The first of `keys` that the error body holds as a non-empty string. A loop over a list rather
/// than a chain of lookups: one copy of the lookup in the wasm module.
fn first_body_str<'a>(body: Option<&'a Json>, keys: &[&str]) -> Option<&'a str> {
    let body = body?;
    keys.iter().find_map(|key| body.get(key)?.as_str().filter(|s| !s.is_empty()))
}

/// botocore's sanitising: cut at the first `:`, then keep what follows the last `#`.
pub fn sanitize_error_code(raw: &str) -> String {
    let before_colon = raw.split(':').next().unwrap_or("");
    let after_hash = before_colon.rsplit('#').next().unwrap_or("");
    after_hash.trim().to_owned()
}

/// `Retry-After` as delta-seconds. (The HTTP-date form needs a clock; AWS sends seconds.)
///
/// Fractions (`1.5`) are read with integer arithmetic, to the millisecond: `str::parse::<f64>` would
/// link the float parser's tables into the wasm module for a form HTTP does not even define
/// (delay-seconds are digits only).
fn parse_retry_after(value: &str) -> Option<Duration> {
    let (whole, fraction) = value.trim().split_once('.').unwrap_or((value.trim(), ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // Like `parse::<f64>` before: "1.", ".5" and "1.5" are numbers; a lone "." is not.
    if !(digits(whole) || digits(fraction)) || !(whole.is_empty() || digits(whole)) {
        return None;
    }
    if !(fraction.is_empty() || digits(fraction)) {
        return None;
    }
    let seconds: u64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let millis = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0u64, |acc, b| acc * 10 + u64::from(b - b'0'));
    // Checked: whatever the header says must not panic (a panic kills the wasm module).
    Duration::from_secs(seconds).checked_add(Duration::from_millis(millis))
}

/// Control characters out, length capped; `None` when nothing is left.
fn clean_detail(text: &str) -> Option<String> {
    let mut cleaned: String =
        text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(MAX_DETAIL_CHARS).collect();
    if text.chars().count() > MAX_DETAIL_CHARS {
        cleaned.push('…');
    }
    let trimmed = cleaned.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_response(status: u16, header: Option<&str>, body: &str) -> HttpResponse {
        let mut resp = HttpResponse::new(status).with_body(body.as_bytes().to_vec());
        if let Some(h) = header {
            resp = resp.with_header("x-amzn-ErrorType", h);
        }
        resp
    }

    #[test]
    fn sanitizes_like_botocore() {
        assert_eq!(
            sanitize_error_code(
                "AuthorizationPendingException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"
            ),
            "AuthorizationPendingException"
        );
        assert_eq!(sanitize_error_code("com.amazonaws.sso#UnauthorizedException"), "UnauthorizedException");
        assert_eq!(
            sanitize_error_code("aws.protocoltests#FooError:http://internal.amazon.com/coral/com.amazon/"),
            "FooError"
        );
        assert_eq!(sanitize_error_code("SlowDownException"), "SlowDownException");
        assert_eq!(sanitize_error_code(""), "");
    }

    #[test]
    fn header_wins_over_body() {
        let resp = error_response(
            400,
            Some("AuthorizationPendingException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"),
            r#"{"error":"authorization_pending","error_description":"Authorization is still pending","__type":"SlowDownException"}"#,
        );
        let err = SsoError::from_response(Operation::CreateToken, &resp);
        assert_eq!(err.kind(), ErrorKind::AuthorizationPending);
        assert_eq!(err.code(), "authorization_pending");
        assert!(err.retryable());
        assert_eq!(err.detail(), Some("Authorization is still pending"));
        assert_eq!(err.service_code(), Some("AuthorizationPendingException"));
    }

    #[test]
    fn body_code_then_type_then_status() {
        let by_code = error_response(400, None, r#"{"code":"InvalidGrantException","__type":"X"}"#);
        assert_eq!(SsoError::from_response(Operation::CreateToken, &by_code).kind(), ErrorKind::InvalidGrant);
        let by_type = error_response(
            401,
            None,
            r#"{"__type":"com.amazonaws.sso#UnauthorizedException","message":"Session token not found or invalid"}"#,
        );
        let err = SsoError::from_response(Operation::ListAccounts, &by_type);
        assert_eq!(err.kind(), ErrorKind::Unauthorized);
        assert_eq!(err.detail(), Some("Session token not found or invalid"));
        // The OAuth `error` field alone is ignored (both SDKs ignore it): status decides.
        let oauth_only = error_response(400, None, r#"{"error":"slow_down"}"#);
        assert_eq!(SsoError::from_response(Operation::CreateToken, &oauth_only).kind(), ErrorKind::Service);
        for (status, kind) in [
            (401, ErrorKind::Unauthorized),
            (404, ErrorKind::ResourceNotFound),
            (429, ErrorKind::TooManyRequests),
            (500, ErrorKind::Internal),
            (503, ErrorKind::Internal),
            (418, ErrorKind::Service),
        ] {
            let resp = error_response(status, None, "<html>not json</html>");
            assert_eq!(SsoError::from_response(Operation::Logout, &resp).kind(), kind, "{status}");
        }
    }

    #[test]
    fn every_modelled_exception_maps() {
        let table = [
            ("AuthorizationPendingException", "authorization_pending", true),
            ("SlowDownException", "slow_down", true),
            ("ExpiredTokenException", "expired_token", false),
            ("AccessDeniedException", "access_denied", false),
            ("InvalidGrantException", "invalid_grant", false),
            ("InvalidClientException", "invalid_client", false),
            ("InvalidClientMetadataException", "invalid_client_metadata", false),
            ("UnauthorizedClientException", "unauthorized_client", false),
            ("InvalidRequestException", "invalid_request", false),
            ("InvalidScopeException", "invalid_scope", false),
            ("UnsupportedGrantTypeException", "unsupported_grant_type", false),
            ("InvalidRedirectUriException", "invalid_redirect_uri", false),
            ("UnauthorizedException", "unauthorized", false),
            ("TooManyRequestsException", "too_many_requests", true),
            ("ResourceNotFoundException", "resource_not_found", false),
            ("InternalServerException", "internal", true),
            ("SomethingNewException", "service_error", false),
        ];
        for (exception, code, retryable) in table {
            let header = format!("{exception}:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/");
            let err =
                SsoError::from_response(Operation::CreateToken, &error_response(400, Some(&header), "{}"));
            assert_eq!(err.code(), code, "{exception}");
            assert_eq!(err.retryable(), retryable, "{exception}");
        }
    }

    #[test]
    fn codes_are_unique_and_every_kind_has_advice() {
        let mut codes: Vec<_> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), ErrorKind::ALL.len());
        for kind in ErrorKind::ALL {
            assert!(kind.advice().ends_with('.'), "{kind:?}");
            assert!(!kind.summary().is_empty());
        }
    }

    #[test]
    fn retry_after_is_read() {
        let resp =
            error_response(429, Some("TooManyRequestsException"), "{}").with_header("Retry-After", "7");
        let err = SsoError::from_response(Operation::ListAccounts, &resp);
        assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after(" 0.25 "), Some(Duration::from_millis(250)));
        assert_eq!(parse_retry_after("2.0009"), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(".5"), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("3."), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("18446744073709551616"), None, "past u64: no value, and no panic");
        assert!(parse_retry_after("18446744073709551615.999").is_some());
        assert_eq!(parse_retry_after("1e300"), None);
        for bad in ["", ".", "1e3", "inf", "NaN", "+1", "1.2.3", "1.x"] {
            assert_eq!(parse_retry_after(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn display_tells_what_to_do_and_caps_the_message() {
        let long = "x".repeat(5000);
        let body = format!(r#"{{"message":"{long}\u0007"}}"#);
        let err = SsoError::from_response(
            Operation::GetRoleCredentials,
            &error_response(401, Some("UnauthorizedException"), &body),
        );
        let shown = err.to_string();
        assert!(shown.starts_with("GetRoleCredentials: the SSO session token is not valid"), "{shown}");
        assert!(shown.ends_with("Sign in again to get a new SSO session."), "{shown}");
        assert!(shown.len() < 500, "{}", shown.len());
        assert!(!shown.contains('\u{7}'));
    }

    #[test]
    fn transport_errors_map_and_keep_only_the_transport_message() {
        let err = SsoError::from_transport(
            Operation::RegisterClient,
            &TransportError::new(TransportErrorKind::Timeout, "no answer within 30 s"),
        );
        assert_eq!(err.code(), "timeout");
        assert!(err.retryable());
        assert!(err.to_string().contains("no answer within 30 s"));
        let cancelled = SsoError::from_transport(
            Operation::CreateToken,
            &TransportError::new(TransportErrorKind::Cancelled, "aborted"),
        );
        assert_eq!(cancelled.code(), "cancelled");
        assert!(!cancelled.retryable());
    }
}
