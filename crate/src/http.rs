//! HTTP as data, and the other effects the core needs, injected.
//!
//! The core builds [`HttpRequest`] values and parses [`HttpResponse`] values; something outside
//! executes them: `fetch` in the browser (wasm), a blocking rustls client in the helper, the emulator
//! or recorded exchanges in tests. Time, sleep and randomness are injected the same way, so every
//! flow runs under a fake clock in `cargo test`.
//!
//! The traits use `async fn` without `Send` bounds on purpose: the browser's futures are `!Send`,
//! native callers drive them with a simple executor (`pollster`).
#![allow(async_fn_in_trait)]

use crate::time::UtcTime;
use std::fmt;
use std::time::Duration;

/// The HTTP methods the SSO, OIDC and sign-in endpoints are called with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// The portal's list and credential calls, and the console federation endpoint.
    Get,
    /// The OIDC calls (JSON bodies) and the portal's Logout.
    Post,
    /// Headers only, no body in the answer; none of the core's own calls use it.
    Head,
}

impl Method {
    /// The method as it goes on the wire (`GET`, `POST`, `HEAD`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Head => "HEAD",
        }
    }
}

/// Headers whose values are credentials: never printed.
const SECRET_HEADERS: &[&str] = &["x-amz-sso_bearer_token", "authorization", "cookie"];

/// One HTTP request. `Debug` shows the method, the URL without its query and the header names
/// only: bodies carry client secrets, codes and refresh tokens, the bearer header carries the
/// access token, and the console's getSigninToken query carries the role credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The HTTP method.
    pub method: Method,
    /// The absolute URL, query included and already percent-encoded. The console's getSigninToken
    /// URL holds the role credentials: never log it as it is (`Debug` leaves the query out).
    pub url: String,
    /// In the order they are sent. Names as written (HTTP compares them case-insensitively).
    pub headers: Vec<(String, String)>,
    /// The bytes to send (JSON for the OIDC calls); empty for a request without a body.
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// A request with no headers and an empty body.
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        HttpRequest { method, url: url.into(), headers: Vec::new(), body: Vec::new() }
    }

    /// Adds a header after the ones already set (a name set twice is sent twice).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body, replacing any earlier one.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Case-insensitive header lookup (first match).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &UrlWithoutQuery(&self.url))
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A URL for `Debug`: a query, which may hold credentials, shows as `?…`.
struct UrlWithoutQuery<'a>(&'a str);

impl fmt::Debug for UrlWithoutQuery<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.split_once('?') {
            Some((path, _)) => write!(f, "\"{path}?…\""),
            None => write!(f, "{:?}", self.0),
        }
    }
}

/// One HTTP response. `Debug` shows the status and headers, not the body (it may hold tokens).
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The HTTP status code (error classification starts from it: see [`crate::error`]).
    pub status: u16,
    /// As received, in order; names as the transport gave them (look them up with
    /// [`HttpResponse::header`], which ignores case).
    pub headers: Vec<(String, String)>,
    /// The raw body; the parsers decide whether it is JSON.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response with this status, no headers and an empty body (transports and tests fill in
    /// the rest with the `with_` methods).
    pub fn new(status: u16) -> Self {
        HttpResponse { status, headers: Vec::new(), body: Vec::new() }
    }

    /// Adds a header after the ones already set.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body, replacing any earlier one.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Case-insensitive header lookup (first match).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body_len", &self.body.len())
            .finish()
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

struct RedactedHeaders<'a>(&'a [(String, String)]);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (name, value) in self.0 {
            if SECRET_HEADERS.iter().any(|s| name.eq_ignore_ascii_case(s)) {
                list.entry(&format_args!("{name}: ** redacted **"));
            } else {
                list.entry(&format_args!("{name}: {value}"));
            }
        }
        list.finish()
    }
}

/// How a request failed before any HTTP response arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// DNS, refused connection, TLS failure, CORS rejection, offline.
    Connect,
    /// No answer in time.
    Timeout,
    /// The caller cancelled (e.g. an `AbortSignal`).
    Cancelled,
    /// Anything else the transport could not do.
    Other,
}

/// A transport failure. Its message comes from the transport and must never contain request
/// bodies or headers (implementations describe the failure, not the request).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TransportError {
    /// What kind of failure: it decides the error code and whether a retry can help.
    pub kind: TransportErrorKind,
    /// The transport's description for the user (for example the browser's `fetch` message).
    pub message: String,
}

impl TransportError {
    /// A failure of this kind with the transport's description.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError { kind, message: message.into() }
    }
}

/// Executes HTTP requests.
pub trait Transport {
    /// Sends `request` and returns the response whatever its status (a 4xx or 5xx is an `Ok`
    /// response, for the caller to classify); `Err` only when no response arrived.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// The wall clock.
pub trait Clock {
    /// The current time in UTC.
    fn now(&self) -> UtcTime;
}

/// Waiting (device-code polling, backoff).
pub trait Sleep {
    /// Resolves once `duration` has passed.
    async fn sleep(&self, duration: Duration);
}

/// Cryptographically secure randomness (PKCE verifiers, OAuth state).
pub trait Random {
    /// Fills `dest` from a cryptographically secure source (PKCE verifiers and OAuth state are
    /// only as unguessable as these bytes); never from a weaker fallback.
    fn fill_bytes(&self, dest: &mut [u8]);
}

impl<T: Transport + ?Sized> Transport for &T {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(request).await
    }
}

impl<T: Clock + ?Sized> Clock for &T {
    fn now(&self) -> UtcTime {
        (**self).now()
    }
}

impl<T: Sleep + ?Sized> Sleep for &T {
    async fn sleep(&self, duration: Duration) {
        (**self).sleep(duration).await
    }
}

impl<T: Random + ?Sized> Random for &T {
    fn fill_bytes(&self, dest: &mut [u8]) {
        (**self).fill_bytes(dest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_bearer_tokens_or_bodies() {
        let req = HttpRequest::new(Method::Get, "https://portal.sso.us-east-1.amazonaws.com/logout")
            .with_header("x-amz-sso_bearer_token", "aoaAAAAtoken")
            .with_header("Content-Type", "application/json")
            .with_body(r#"{"clientSecret":"topsecret"}"#);
        let shown = format!("{req:?}");
        assert!(!shown.contains("aoaAAAAtoken"), "{shown}");
        assert!(!shown.contains("topsecret"), "{shown}");
        assert!(shown.contains("Content-Type: application/json"), "{shown}");

        let resp = HttpResponse::new(200).with_body(r#"{"accessToken":"tok"}"#);
        assert!(!format!("{resp:?}").contains("tok\""));
    }

    #[test]
    fn header_lookup_ignores_case() {
        let resp = HttpResponse::new(400).with_header("x-amzn-ErrorType", "SlowDownException:");
        assert_eq!(resp.header("X-AMZN-ERRORTYPE"), Some("SlowDownException:"));
        assert_eq!(resp.header("missing"), None);
    }
}
