//! The device-authorization grant (spec §3.6): register (or reuse), StartDeviceAuthorization, show
//! the user code, then poll CreateToken.
//!
//! Polling, as the CLI does it: one immediate attempt (a pre-approved client gets its token without
//! waiting), then one attempt per interval: the server's `interval`, or 5 s when it sends none;
//! `slow_down` adds 5 s for the rest of the login; `authorization_pending` keeps going; anything
//! else ends the login. Unlike the CLI we also stop on our own at the device code's `expiresIn`
//! (the CLI relies on the service answering `ExpiredTokenException`), and on cancellation.

use super::registration::{obtain_registration, ObtainedRegistration, RegistrationRequest};
use super::{sleep_cancellable, Cancellation, IssuedToken};
use crate::cache::RegistrationKind;
use crate::error::{ErrorKind, Operation, SsoError};
use crate::http::{Clock, Sleep, Transport};
use crate::oidc::{ClientCredentials, DeviceAuthorization, Grant, OidcClient};
use crate::time::UtcTime;
use std::time::Duration;

/// The poll interval when StartDeviceAuthorization sends none (botocore's default).
pub const DEFAULT_INTERVAL_SECONDS: i64 = 5;
/// Added to the interval on every `slow_down` (RFC 8628 §3.5; the CLI does the same).
pub const SLOW_DOWN_INCREMENT_SECONDS: i64 = 5;

/// The polling state machine: the current interval and the device code's deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DevicePoll {
    interval_seconds: i64,
    deadline: UtcTime,
}

impl DevicePoll {
    /// `started_at`: when StartDeviceAuthorization answered (the device code's clock starts there).
    /// An interval below 1 s is treated as absent (a zero interval would poll in a tight loop).
    pub fn new(authorization: &DeviceAuthorization, started_at: UtcTime) -> Self {
        let interval_seconds = authorization.interval.filter(|i| *i >= 1).unwrap_or(DEFAULT_INTERVAL_SECONDS);
        DevicePoll { interval_seconds, deadline: started_at.plus_seconds(authorization.expires_in) }
    }

    /// The wait between CreateToken polls (the service's `interval`, or 5 s when absent), before
    /// any `slow_down` increase.
    pub fn interval(&self) -> Duration {
        Duration::from_secs(self.interval_seconds.unsigned_abs())
    }

    /// When the device code expires (`started_at` plus `expiresIn`): polling stops there.
    pub fn deadline(&self) -> UtcTime {
        self.deadline
    }

    /// `Err(expired_token)` once the device code has expired.
    pub fn check_deadline(&self, now: UtcTime) -> Result<(), SsoError> {
        if now < self.deadline {
            Ok(())
        } else {
            Err(SsoError::new(
                ErrorKind::ExpiredToken,
                Operation::CreateToken,
                "the sign-in request was not approved before its code expired",
            ))
        }
    }

    /// After a failed CreateToken attempt: how long to wait before the next one, or the error that
    /// ends the login.
    pub fn after_error(&mut self, error: SsoError) -> Result<Duration, SsoError> {
        match error.kind() {
            ErrorKind::AuthorizationPending => Ok(self.interval()),
            ErrorKind::SlowDown => {
                self.interval_seconds += SLOW_DOWN_INCREMENT_SECONDS;
                Ok(self.interval())
            }
            _ => Err(error),
        }
    }
}

/// Poll CreateToken (device-code grant) until the user approves, the code expires, an error ends
/// it, or `cancel` is triggered. `started_at` is when `authorization` was obtained; keep it with the
/// authorization to resume polling after a restart.
pub async fn poll_device_token<T: Transport, C: Clock, S: Sleep>(
    oidc: &OidcClient<T>,
    clock: &C,
    sleep: &S,
    client: &ClientCredentials,
    authorization: &DeviceAuthorization,
    started_at: UtcTime,
    cancel: &Cancellation,
) -> Result<IssuedToken, SsoError> {
    let mut poll = DevicePoll::new(authorization, started_at);
    let grant = Grant::DeviceCode { device_code: authorization.device_code.clone() };
    loop {
        cancel.check(Operation::CreateToken)?;
        poll.check_deadline(clock.now())?;
        match oidc.create_token(client, &grant).await {
            Ok(response) => return Ok(IssuedToken::from_response(response, clock.now())),
            Err(error) => {
                let wait = poll.after_error(error)?;
                sleep_cancellable(sleep, wait, cancel, Operation::CreateToken).await?;
            }
        }
    }
}

/// A device login waiting for the user: show `authorization.user_code` and open
/// `verification_uri_complete`, then [`poll_device_token`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceLoginStarted {
    /// The client registration used (and whether to write it to the cache).
    pub registration: ObtainedRegistration,
    /// StartDeviceAuthorization's answer: codes, URLs, interval, expiry.
    pub authorization: DeviceAuthorization,
    /// When the authorization was received (the device code's clock starts there).
    pub started_at: UtcTime,
}

/// Registration (reused or new, device kind) and StartDeviceAuthorization for `request.issuer_url`
/// (the resolved start URL, as the CLI ≥ 2.35.13 sends).
///
/// One step beyond the CLI: when a *reused* registration is refused (`invalid_client`: revoked, or
/// the service forgot it), a new client is registered once and the call repeated, instead of
/// failing until the cached file expires.
pub async fn start_device_login<T: Transport, C: Clock>(
    oidc: &OidcClient<T>,
    clock: &C,
    request: &RegistrationRequest<'_>,
    cached_registration_file: Option<&str>,
) -> Result<DeviceLoginStarted, SsoError> {
    let mut cached = cached_registration_file;
    loop {
        let registration =
            obtain_registration(oidc, clock, request, RegistrationKind::DeviceCode, cached).await?;
        let reused = registration.new_cache_file.is_none();
        let client = ClientCredentials::from(&registration.registration);
        match oidc.start_device_authorization(&client, request.issuer_url).await {
            Ok(authorization) => {
                return Ok(DeviceLoginStarted { registration, authorization, started_at: clock.now() })
            }
            // A second round has no cached file, so `reused` is false there: at most one retry.
            Err(error) if reused && error.kind() == ErrorKind::InvalidClient => cached = None,
            Err(error) => return Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::fakes::{aws_error, json, FakeTime, Scripted};
    use crate::http::{HttpResponse, TransportError};
    use crate::secret::Secret;

    const TOKEN: &str = r#"{"accessToken":"at","tokenType":"Bearer","expiresIn":28800,"refreshToken":"rt"}"#;

    fn auth(interval: Option<i64>, expires_in: i64) -> DeviceAuthorization {
        DeviceAuthorization {
            device_code: Secret::new("dc"),
            user_code: "ABCD-EFGH".into(),
            verification_uri: "https://device.sso.us-east-1.amazonaws.com/".into(),
            verification_uri_complete: None,
            expires_in,
            interval,
        }
    }

    fn client() -> ClientCredentials {
        ClientCredentials { client_id: "cid".into(), client_secret: Secret::new("cs") }
    }

    fn poll(
        interval: Option<i64>,
        expires_in: i64,
        answers: Vec<Result<HttpResponse, TransportError>>,
        cancel: &Cancellation,
    ) -> (Result<IssuedToken, SsoError>, Vec<i64>) {
        let time = FakeTime::at(1000);
        let transport = Scripted::new(&time, answers);
        let oidc = OidcClient::new("https://oidc.us-east-1.amazonaws.com", &transport).unwrap();
        let result = pollster::block_on(poll_device_token(
            &oidc,
            &time,
            &time,
            &client(),
            &auth(interval, expires_in),
            time.now(),
            cancel,
        ));
        (result, transport.times())
    }

    #[test]
    fn immediate_attempt_then_server_interval_then_token() {
        let pending = || aws_error(400, "AuthorizationPendingException");
        let (result, times) =
            poll(Some(2), 600, vec![pending(), pending(), json(200, TOKEN)], &Cancellation::new());
        let token = result.unwrap();
        assert_eq!(times, [1000, 1002, 1004]);
        assert_eq!(token.expires_at.unix_seconds(), 1004 + 28800);
        assert_eq!(token.refresh_token.as_ref().map(Secret::expose), Some("rt"));
    }

    #[test]
    fn default_interval_is_five_seconds_and_slow_down_adds_five() {
        let pending = || aws_error(400, "AuthorizationPendingException");
        let slow = || aws_error(400, "SlowDownException");
        let (result, times) = poll(
            None,
            600,
            vec![pending(), slow(), pending(), slow(), json(200, TOKEN)],
            &Cancellation::new(),
        );
        assert!(result.is_ok());
        assert_eq!(times, [1000, 1005, 1015, 1025, 1040]);
        // The CLI's test: interval 1 + slow_down → 6.
        let (_, times) = poll(Some(1), 600, vec![slow(), json(200, TOKEN)], &Cancellation::new());
        assert_eq!(times, [1000, 1006]);
    }

    #[test]
    fn stops_at_the_device_code_expiry() {
        let answers = (0..100).map(|_| aws_error(400, "AuthorizationPendingException")).collect();
        let (result, times) = poll(Some(5), 12, answers, &Cancellation::new());
        let err = result.unwrap_err();
        assert_eq!(err.code(), "expired_token");
        assert_eq!(times, [1000, 1005, 1010]);
    }

    #[test]
    fn service_errors_end_the_poll() {
        for (exception, code) in [
            ("ExpiredTokenException", "expired_token"),
            ("AccessDeniedException", "access_denied"),
            ("InvalidGrantException", "invalid_grant"),
            ("InvalidClientException", "invalid_client"),
        ] {
            let (result, times) = poll(Some(1), 600, vec![aws_error(400, exception)], &Cancellation::new());
            assert_eq!(result.unwrap_err().code(), code);
            assert_eq!(times.len(), 1);
        }
        let (result, _) =
            poll(Some(1), 600, vec![aws_error(500, "InternalServerException")], &Cancellation::new());
        assert_eq!(result.unwrap_err().code(), "internal");
    }

    #[test]
    fn cancellation_stops_before_the_next_attempt() {
        let cancel = Cancellation::new();
        cancel.cancel();
        let (result, times) = poll(Some(1), 600, vec![json(200, TOKEN)], &cancel);
        assert_eq!(result.unwrap_err().code(), "cancelled");
        assert!(times.is_empty());
    }

    #[test]
    fn cancellation_during_the_wait() {
        // A transport that cancels the login on its second call, as a UI would between polls.
        struct CancelOnSecond<'a> {
            inner: Scripted<'a>,
            cancel: Cancellation,
        }
        impl crate::http::Transport for CancelOnSecond<'_> {
            async fn send(&self, request: crate::http::HttpRequest) -> Result<HttpResponse, TransportError> {
                if self.inner.sent.borrow().len() == 1 {
                    self.cancel.cancel();
                }
                self.inner.send(request).await
            }
        }
        let time = FakeTime::at(0);
        let cancel = Cancellation::new();
        let answers = (0..10).map(|_| aws_error(400, "AuthorizationPendingException")).collect();
        let transport = CancelOnSecond { inner: Scripted::new(&time, answers), cancel: cancel.clone() };
        let oidc = OidcClient::new("https://oidc.us-east-1.amazonaws.com", &transport).unwrap();
        let result = pollster::block_on(poll_device_token(
            &oidc,
            &time,
            &time,
            &client(),
            &auth(Some(30), 600),
            time.now(),
            &cancel,
        ));
        assert_eq!(result.unwrap_err().code(), "cancelled");
        assert_eq!(transport.inner.times(), [0, 30]);
        // The second wait was cut short within a second.
        assert!(time.seconds() <= 31, "{}", time.seconds());
    }

    #[test]
    fn start_device_login_registers_and_starts() {
        let time = FakeTime::at(1_700_000_000);
        let transport = Scripted::new(
            &time,
            vec![
                json(200, r#"{"clientId":"cid","clientSecret":"cs","clientSecretExpiresAt":1722513600}"#),
                json(
                    200,
                    r#"{"deviceCode":"dc","userCode":"U-1","verificationUri":"https://v","verificationUriComplete":"https://v?user_code=U-1","expiresIn":600,"interval":1}"#,
                ),
            ],
        );
        let oidc = OidcClient::new("https://oidc.us-east-1.amazonaws.com", &transport).unwrap();
        let request = RegistrationRequest {
            session_name: None,
            start_url: "https://d-abc123.awsapps.com/start",
            issuer_url: "https://d-abc123.awsapps.com/start",
            region: "us-east-1",
            scopes: None,
        };
        let started = pollster::block_on(start_device_login(&oidc, &time, &request, None)).unwrap();
        assert_eq!(started.authorization.user_code, "U-1");
        assert!(started.registration.new_cache_file.is_some());
        let sent = transport.sent.borrow();
        assert_eq!(
            String::from_utf8(sent[1].1.body.clone()).unwrap(),
            r#"{"clientId":"cid","clientSecret":"cs","startUrl":"https://d-abc123.awsapps.com/start"}"#
        );
    }

    #[test]
    fn a_refused_cached_registration_is_replaced_once() {
        let time = FakeTime::at(1_700_000_000);
        let cached = r#"{"clientId": "old", "clientSecret": "old-s", "expiresAt": "2024-08-01T12:00:00Z"}"#;
        let registered = r#"{"clientId":"cid","clientSecret":"cs","clientSecretExpiresAt":1722513600}"#;
        let started = r#"{"deviceCode":"dc","userCode":"U","verificationUri":"https://v","expiresIn":600}"#;
        let request = RegistrationRequest {
            session_name: Some("dev"),
            start_url: "https://d-abc123.awsapps.com/start",
            issuer_url: "https://d-abc123.awsapps.com/start",
            region: "us-east-1",
            scopes: None,
        };
        let run = |answers| {
            let transport = Scripted::new(&time, answers);
            let oidc = OidcClient::new("https://oidc.us-east-1.amazonaws.com", &transport).unwrap();
            let result = pollster::block_on(start_device_login(&oidc, &time, &request, Some(cached)));
            let calls = transport.sent.borrow().len();
            (result, calls)
        };
        let (ok, calls) =
            run(vec![aws_error(401, "InvalidClientException"), json(200, registered), json(200, started)]);
        assert_eq!(ok.unwrap().registration.registration.client_id, "cid");
        assert_eq!(calls, 3);
        // A brand-new registration refused too: the error, no loop.
        let (err, calls) = run(vec![
            aws_error(401, "InvalidClientException"),
            json(200, registered),
            aws_error(401, "InvalidClientException"),
        ]);
        assert_eq!(err.unwrap_err().code(), "invalid_client");
        assert_eq!(calls, 3);
        // Other errors are not retried.
        let (err, calls) = run(vec![aws_error(500, "InternalServerException")]);
        assert_eq!(err.unwrap_err().code(), "internal");
        assert_eq!(calls, 1);
    }
}
