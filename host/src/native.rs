//! The native effects the core is given: HTTPS, the system clock, thread sleep, OS randomness.
//!
//! Use from the helper (credential-process, CLI subcommands), driving the core's async flows with
//! `pollster::block_on` (every effect here completes synchronously, so no runtime is needed):
//!
//! ```no_run
//! use sso_bridge::flows::listing::role_credentials;
//! use sso_bridge::flows::retry::RetryPolicy;
//! use sso_bridge::flows::Cancellation;
//! use sso_bridge::portal::PortalClient;
//! use sso_bridge_host::native::{NativeEffects, NativeTransport};
//! # fn demo(token: &sso_bridge::cache::CachedToken) -> Result<(), sso_bridge::error::SsoError> {
//! let effects = NativeEffects::new();
//! let portal = PortalClient::new("https://portal.sso.us-east-1.amazonaws.com", effects.transport())?;
//! let creds = pollster::block_on(role_credentials(
//!     &portal, &effects, &effects, &effects, token, "111122223333", "ReadOnly",
//!     &RetryPolicy::DEFAULT, &Cancellation::new(),
//! ))?;
//! # let _ = creds; Ok(()) }
//! ```
//!
//! [`NativeEffects`] is one value implementing [`Clock`], [`Sleep`] and [`Random`], holding a
//! [`NativeTransport`] (borrow it with [`NativeEffects::transport`]); or build the parts alone.
//!
//! The transport is `ureq` 3 with rustls (ring) and the Mozilla roots: blocking, no async runtime,
//! small. It never follows redirects (an AWS API answering 3xx is an error to report, not to
//! follow), honours `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY`, and its error messages name the host and
//! the failure only — never the path, query, headers or body of the request.

use sso_bridge::http::{
    Clock, HttpRequest, HttpResponse, Method, Random, Sleep, Transport, TransportError, TransportErrorKind,
};
use sso_bridge::time::UtcTime;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Connecting (DNS + TCP + TLS) may take this long.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A whole call (connect, send, answer) may take this long.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest response body read (the biggest real answer, a 100-account page, is ~20 KB).
pub const MAX_RESPONSE_BYTES: u64 = 10 * 1024 * 1024;

/// Blocking HTTPS client for the core's [`HttpRequest`] values.
#[derive(Clone, Debug)]
pub struct NativeTransport {
    agent: ureq::Agent,
}

impl Default for NativeTransport {
    fn default() -> Self {
        NativeTransport::new()
    }
}

impl NativeTransport {
    /// With the default timeouts ([`CONNECT_TIMEOUT`], [`CALL_TIMEOUT`]).
    pub fn new() -> Self {
        NativeTransport::with_timeouts(CONNECT_TIMEOUT, CALL_TIMEOUT)
    }

    pub fn with_timeouts(connect: Duration, call: Duration) -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(connect))
            .timeout_global(Some(call))
            .user_agent(concat!("sso-bridge/", env!("CARGO_PKG_VERSION")))
            .build();
        NativeTransport { agent: config.into() }
    }

    /// Sends `request` and reads the whole answer (any status). Blocking.
    pub fn send_blocking(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let host = host_of(&request.url);
        let result = match request.method {
            Method::Get => with_headers(self.agent.get(&request.url), &request.headers).call(),
            Method::Head => with_headers(self.agent.head(&request.url), &request.headers).call(),
            Method::Post => {
                let builder = with_headers(self.agent.post(&request.url), &request.headers);
                if request.body.is_empty() {
                    builder.send_empty()
                } else {
                    builder.send(&request.body[..])
                }
            }
        };
        let mut response = result.map_err(|e| describe(&e, &host))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned())
            })
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_vec()
            .map_err(|e| describe(&e, &host))?;
        Ok(HttpResponse { status, headers, body })
    }
}

fn with_headers<B>(
    mut builder: ureq::RequestBuilder<B>,
    headers: &[(String, String)],
) -> ureq::RequestBuilder<B> {
    for (name, value) in headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
}

/// `host[:port]` of a URL, for error messages (never the path or query).
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    // Drop any userinfo (it would be a credential).
    authority.rsplit('@').next().unwrap_or(authority).chars().take(200).collect()
}

/// A transport error with a message about `host` and the failure, nothing from the request.
fn describe(error: &ureq::Error, host: &str) -> TransportError {
    use ureq::Error as E;
    let (kind, what) = match error {
        E::Timeout(which) => (TransportErrorKind::Timeout, format!("no answer in time ({which})")),
        E::HostNotFound => (TransportErrorKind::Connect, "host not found (DNS)".to_owned()),
        E::ConnectionFailed => (TransportErrorKind::Connect, "connection failed".to_owned()),
        E::Io(io) => match io.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                (TransportErrorKind::Timeout, "no answer in time".to_owned())
            }
            std::io::ErrorKind::ConnectionRefused => {
                (TransportErrorKind::Connect, "connection refused".to_owned())
            }
            std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted => {
                (TransportErrorKind::Connect, "connection reset".to_owned())
            }
            other => (TransportErrorKind::Connect, format!("I/O error ({other})")),
        },
        E::Tls(reason) => (TransportErrorKind::Connect, format!("TLS failure: {reason}")),
        E::Rustls(e) => (TransportErrorKind::Connect, format!("TLS failure: {e}")),
        E::BodyExceedsLimit(limit) => {
            (TransportErrorKind::Other, format!("the answer is larger than {limit} bytes"))
        }
        E::BadUri(_) | E::Http(_) => (TransportErrorKind::Other, "the URL is not valid".to_owned()),
        E::Protocol(_) => (TransportErrorKind::Other, "the server broke the HTTP protocol".to_owned()),
        E::InvalidProxyUrl => (TransportErrorKind::Connect, "the proxy URL is not valid".to_owned()),
        E::ConnectProxyFailed(_) => {
            (TransportErrorKind::Connect, "the proxy refused the connection".to_owned())
        }
        _ => (TransportErrorKind::Other, "the request failed".to_owned()),
    };
    TransportError::new(kind, format!("{host}: {what}"))
}

impl Transport for NativeTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.send_blocking(&request)
    }
}

/// The system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UtcTime {
        let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        UtcTime::from_unix_seconds(i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX))
    }
}

/// Sleeps the calling thread.
#[derive(Clone, Copy, Debug, Default)]
pub struct ThreadSleep;

impl Sleep for ThreadSleep {
    async fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// The operating system's CSPRNG.
#[derive(Clone, Copy, Debug, Default)]
pub struct OsRandom;

impl Random for OsRandom {
    fn fill_bytes(&self, dest: &mut [u8]) {
        // The OS generator failing (no /dev/urandom, no getrandom syscall) leaves nothing safe to
        // fall back to for PKCE verifiers; stopping is the only correct answer.
        if let Err(error) = getrandom::fill(dest) {
            panic!("the operating system's random number generator failed: {error}");
        }
    }
}

/// Every native effect in one value: a [`NativeTransport`] plus clock, sleep and randomness.
#[derive(Clone, Debug, Default)]
pub struct NativeEffects {
    transport: NativeTransport,
}

impl NativeEffects {
    pub fn new() -> Self {
        NativeEffects { transport: NativeTransport::new() }
    }

    pub fn with_transport(transport: NativeTransport) -> Self {
        NativeEffects { transport }
    }

    /// The transport, to build `OidcClient`/`PortalClient` with (`&NativeTransport` is a Transport).
    pub fn transport(&self) -> &NativeTransport {
        &self.transport
    }
}

impl Clock for NativeEffects {
    fn now(&self) -> UtcTime {
        SystemClock.now()
    }
}

impl Sleep for NativeEffects {
    async fn sleep(&self, duration: Duration) {
        ThreadSleep.sleep(duration).await
    }
}

impl Random for NativeEffects {
    fn fill_bytes(&self, dest: &mut [u8]) {
        OsRandom.fill_bytes(dest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_of_keeps_only_the_host() {
        assert_eq!(host_of("https://oidc.us-east-1.amazonaws.com/token"), "oidc.us-east-1.amazonaws.com");
        assert_eq!(host_of("http://127.0.0.1:4566/federation/credentials?role_name=x"), "127.0.0.1:4566");
        assert_eq!(host_of("http://user:pass@proxy:8080/x"), "proxy:8080");
    }

    #[test]
    fn clock_and_random_work() {
        assert!(SystemClock.now().unix_seconds() > 1_700_000_000);
        let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
        OsRandom.fill_bytes(&mut a);
        OsRandom.fill_bytes(&mut b);
        assert_ne!(a, b);
    }

    #[test]
    fn refused_connection_is_a_connect_error_naming_only_the_host() {
        // Bind then drop a listener: its port is very likely closed now.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let transport = NativeTransport::with_timeouts(Duration::from_secs(2), Duration::from_secs(4));
        let request = HttpRequest::new(Method::Post, format!("http://127.0.0.1:{port}/token?secret-query"))
            .with_header("x-amz-sso_bearer_token", "bearer-secret")
            .with_body("{\"clientSecret\":\"body-secret\"}");
        let err = transport.send_blocking(&request).unwrap_err();
        assert_eq!(err.kind, TransportErrorKind::Connect, "{err}");
        let shown = format!("{err} {err:?}");
        assert!(shown.contains(&format!("127.0.0.1:{port}")), "{shown}");
        for secret in ["secret-query", "bearer-secret", "body-secret", "/token"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn silent_server_times_out() {
        // Accepts the connection and never answers.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let holder = std::thread::spawn(move || {
            let conn = listener.accept();
            std::thread::sleep(Duration::from_millis(2500));
            drop(conn);
        });
        let transport = NativeTransport::with_timeouts(Duration::from_secs(1), Duration::from_secs(1));
        let started = std::time::Instant::now();
        let err = transport
            .send_blocking(&HttpRequest::new(Method::Get, format!("http://127.0.0.1:{port}/")))
            .unwrap_err();
        assert_eq!(err.kind, TransportErrorKind::Timeout, "{err}");
        assert!(started.elapsed() < Duration::from_millis(2500));
        holder.join().unwrap();
    }
}
