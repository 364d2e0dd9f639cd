//! Login, refresh and listing flows over the OIDC ([`crate::oidc`]) and portal ([`crate::portal`])
//! operations.
//!
//! Each flow is an async function generic over the injected effects ([`crate::http::Transport`]
//! inside the clients, [`crate::http::Clock`], [`Sleep`], [`crate::http::Random`]) with its decisions in small pure functions
//! or state machines, so it is tested under a fake clock without waiting. Files are never touched
//! here: a flow takes the cache file's text it needs and returns the text to write.
//!
//! - [`registration`]: reuse or renew the client registration, with the CLI's rules and cache file.
//! - [`device`]: the device-authorization grant (polling with `slow_down` and expiry).
//! - [`pkce`]: authorization code + PKCE, split into `pkce_start` / `pkce_finish` so the pending
//!   state can survive a browser service-worker restart.
//! - [`refresh`]: the refresh-token grant and when to use it.
//! - [`listing`]: every account and every role, all pages, bounded concurrency, 429 backoff; role
//!   credentials; logout.
//! - [`retry`]: the backoff policy shared by the portal calls.
//! - [`pacing`]: listing at scale: an adaptive request rate shared by all calls, with progress.
//!
//! Where each piece of the planned JS API (issue 4) lives:
//!
//! | JS | Rust |
//! |---|---|
//! | `register` | [`registration::obtain_registration`] (or [`crate::oidc::OidcClient::register_client`]) |
//! | `startDeviceAuthorization` | [`device::start_device_login`] |
//! | `pollDeviceToken` + `AbortSignal` | [`device::poll_device_token`] with a [`Cancellation`] the signal's `abort` listener cancels |
//! | `pkceStart()` | [`pkce::start_pkce_login`] (or [`pkce::pkce_start`] with a registration in hand), [`pkce::random_loopback_port`] |
//! | `pkceFinish(callbackUrl)` | [`pkce::PendingPkce::from_json`] then [`pkce::pkce_finish`] |
//! | `refresh` | [`refresh::plan_refresh`] (when) and [`refresh::refresh_token`] (do it) |
//! | `listAccounts` (all pages) | [`listing::list_all_accounts`]; with roles: [`listing::list_accounts_and_roles`] |
//! | `listAccountRoles` | [`listing::list_all_roles`] |
//! | `getRoleCredentials` | [`listing::role_credentials`] |
//! | `logout` | [`listing::logout`] |
//!
//! A login's token becomes the CLI's cache entry with [`IssuedToken::into_cached_token`]; a new
//! registration's file text is [`registration::ObtainedRegistration::new_cache_file`].

pub mod device;
pub mod listing;
pub mod pacing;
pub mod pkce;
pub mod refresh;
pub mod registration;
pub mod retry;

use crate::cache::{CachedToken, ClientRegistration};
use crate::error::{ErrorKind, Operation, SsoError};
use crate::http::Sleep;
use crate::oidc::{ClientCredentials, TokenResponse};
use crate::secret::Secret;
use crate::time::UtcTime;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

/// A cancellation switch shared between a running flow and whoever may stop it (a UI button, an
/// `AbortSignal` listener in the wasm binding, a Ctrl-C handler). Cloning shares the switch.
///
/// Flows check it before every request and at least once a second while waiting, so a cancel takes
/// effect within a second even when the injected [`Sleep`] cannot be interrupted.
#[derive(Clone, Debug, Default)]
pub struct Cancellation(Arc<AtomicBool>);

impl Cancellation {
    /// A switch not yet thrown.
    pub fn new() -> Self {
        Cancellation::default()
    }

    /// Stop the flow(s) holding this switch; they end with an error of code `cancelled`.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`Self::cancel`] has been called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// `Err(cancelled)` once cancelled.
    pub fn check(&self, operation: Operation) -> Result<(), SsoError> {
        if self.is_cancelled() {
            Err(SsoError::new(ErrorKind::Cancelled, operation, "cancelled by the user"))
        } else {
            Ok(())
        }
    }
}

/// The longest single wait between cancellation checks.
pub const CANCEL_CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// Sleep `duration` in slices of at most [`CANCEL_CHECK_INTERVAL`], stopping early when cancelled.
pub async fn sleep_cancellable<S: Sleep>(
    sleep: &S,
    duration: Duration,
    cancel: &Cancellation,
    operation: Operation,
) -> Result<(), SsoError> {
    let mut left = duration;
    while !left.is_zero() {
        cancel.check(operation)?;
        let slice = left.min(CANCEL_CHECK_INTERVAL);
        sleep.sleep(slice).await;
        left -= slice;
    }
    cancel.check(operation)
}

/// A token CreateToken issued, with its expiry fixed at receipt (local clock + `expiresIn`, as the
/// CLI computes `expiresAt`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedToken {
    /// The bearer token for the portal.
    pub access_token: Secret,
    /// Receipt time plus `expiresIn`.
    pub expires_at: UtcTime,
    /// Present when the service returned one (PKCE and scoped logins; refreshes may rotate it).
    pub refresh_token: Option<Secret>,
}

impl IssuedToken {
    /// The token of a CreateToken `response` received at `received_at`.
    pub fn from_response(response: TokenResponse, received_at: UtcTime) -> Self {
        IssuedToken {
            access_token: response.access_token,
            expires_at: received_at.plus_seconds(response.expires_in),
            refresh_token: response.refresh_token,
        }
    }

    /// The token cache file entry the CLI writes after `aws sso login` (spec §1.2): the configured
    /// start URL, the SSO region, and the registration used.
    pub fn into_cached_token(
        self,
        start_url: &str,
        region: &str,
        registration: &ClientRegistration,
    ) -> CachedToken {
        CachedToken {
            start_url: Some(start_url.to_owned()),
            region: Some(region.to_owned()),
            access_token: self.access_token,
            expires_at: self.expires_at,
            client_id: Some(registration.client_id.clone()),
            client_secret: Some(registration.client_secret.clone()),
            registration_expires_at: Some(registration.expires_at),
            refresh_token: self.refresh_token,
        }
    }
}

impl From<&ClientRegistration> for ClientCredentials {
    fn from(registration: &ClientRegistration) -> Self {
        ClientCredentials {
            client_id: registration.client_id.clone(),
            client_secret: registration.client_secret.clone(),
        }
    }
}

/// Runs `futures` with at most `limit` in flight, returning their outputs in input order, or the
/// first error (the others are dropped, which cancels them). No executor needed: it polls the
/// in-flight futures itself, so it works under `pollster` and in the browser alike.
pub(crate) async fn try_join_bounded<T, E, F>(futures: Vec<F>, limit: usize) -> Result<Vec<T>, E>
where
    F: Future<Output = Result<T, E>>,
{
    let limit = limit.max(1);
    let total = futures.len();
    let mut waiting = futures.into_iter().enumerate();
    let mut in_flight: Vec<(usize, Pin<Box<F>>)> = Vec::with_capacity(limit.min(total));
    let mut results: Vec<Option<T>> = Vec::with_capacity(total);
    results.resize_with(total, || None);
    std::future::poll_fn(|cx| loop {
        while in_flight.len() < limit {
            match waiting.next() {
                Some((index, future)) => in_flight.push((index, Box::pin(future))),
                None => break,
            }
        }
        if in_flight.is_empty() {
            return Poll::Ready(Ok(()));
        }
        let mut finished_any = false;
        let mut i = 0;
        while i < in_flight.len() {
            match in_flight[i].1.as_mut().poll(cx) {
                Poll::Ready(Ok(value)) => {
                    let (index, _) = in_flight.swap_remove(i);
                    results[index] = Some(value);
                    finished_any = true;
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => i += 1,
            }
        }
        if !finished_any {
            return Poll::Pending;
        }
    })
    .await?;
    // Every slot is filled once all futures finished. A loop rather than `flatten().collect()`,
    // whose adapter and its drop are more code in the wasm module.
    let mut values = Vec::with_capacity(total);
    for slot in results {
        values.extend(slot);
    }
    Ok(values)
}

/// Test doubles shared by the flow tests: a fake clock that sleeping advances, scripted responses,
/// deterministic randomness.
#[cfg(test)]
pub(crate) mod fakes {
    use crate::http::{Clock, HttpRequest, HttpResponse, Random, Sleep, Transport, TransportError};
    use crate::time::UtcTime;
    use std::cell::{Cell, RefCell};
    use std::collections::VecDeque;
    use std::time::Duration;

    /// A clock that only moves when something sleeps on it.
    #[derive(Debug)]
    pub struct FakeTime {
        now_millis: Cell<i64>,
        pub sleeps: RefCell<Vec<Duration>>,
    }

    impl FakeTime {
        pub fn at(seconds: i64) -> Self {
            FakeTime { now_millis: Cell::new(seconds * 1000), sleeps: RefCell::new(Vec::new()) }
        }
        pub fn seconds(&self) -> i64 {
            self.now_millis.get().div_euclid(1000)
        }
        pub fn now_millis(&self) -> i64 {
            self.now_millis.get()
        }
        pub fn total_slept(&self) -> Duration {
            self.sleeps.borrow().iter().sum()
        }
    }

    impl Clock for FakeTime {
        fn now(&self) -> UtcTime {
            UtcTime::from_unix_millis(self.now_millis.get())
        }
    }

    impl Sleep for FakeTime {
        async fn sleep(&self, duration: Duration) {
            self.sleeps.borrow_mut().push(duration);
            self.now_millis.set(self.now_millis.get() + duration.as_millis() as i64);
        }
    }

    /// Answers from a script, recording each request with the fake time it was sent at.
    pub struct Scripted<'a> {
        pub time: &'a FakeTime,
        #[allow(clippy::type_complexity)]
        pub answers: RefCell<VecDeque<Result<HttpResponse, TransportError>>>,
        pub sent: RefCell<Vec<(i64, HttpRequest)>>,
    }

    impl<'a> Scripted<'a> {
        pub fn new(time: &'a FakeTime, answers: Vec<Result<HttpResponse, TransportError>>) -> Self {
            Scripted { time, answers: RefCell::new(answers.into()), sent: RefCell::new(Vec::new()) }
        }
        pub fn times(&self) -> Vec<i64> {
            self.sent.borrow().iter().map(|(t, _)| *t).collect()
        }
    }

    impl Transport for Scripted<'_> {
        async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
            self.sent.borrow_mut().push((self.time.seconds(), request));
            self.answers.borrow_mut().pop_front().unwrap_or_else(|| Ok(HttpResponse::new(599)))
        }
    }

    /// A counter-based byte stream (deterministic, not random).
    #[derive(Default)]
    pub struct CountingRandom(pub Cell<u8>);

    impl Random for CountingRandom {
        fn fill_bytes(&self, dest: &mut [u8]) {
            for b in dest {
                *b = self.0.get();
                self.0.set(self.0.get().wrapping_add(37));
            }
        }
    }

    pub fn json(status: u16, body: &str) -> Result<HttpResponse, TransportError> {
        Ok(HttpResponse::new(status).with_header("Content-Type", "application/json").with_body(body))
    }

    pub fn aws_error(status: u16, exception: &str) -> Result<HttpResponse, TransportError> {
        Ok(HttpResponse::new(status)
            .with_header(
                "x-amzn-ErrorType",
                format!("{exception}:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"),
            )
            .with_body(r#"{"error":"x","error_description":"y"}"#))
    }
}

#[cfg(test)]
mod tests {
    use super::fakes::FakeTime;
    use super::*;
    use std::cell::Cell;

    #[test]
    fn cancellable_sleep_checks_every_second() {
        let time = FakeTime::at(0);
        let cancel = Cancellation::new();
        pollster::block_on(sleep_cancellable(
            &time,
            Duration::from_millis(2500),
            &cancel,
            Operation::CreateToken,
        ))
        .unwrap();
        assert_eq!(
            *time.sleeps.borrow(),
            [Duration::from_secs(1), Duration::from_secs(1), Duration::from_millis(500)]
        );
        cancel.cancel();
        let err = pollster::block_on(sleep_cancellable(
            &time,
            Duration::from_secs(5),
            &cancel,
            Operation::CreateToken,
        ))
        .unwrap_err();
        assert_eq!(err.code(), "cancelled");
        assert_eq!(time.sleeps.borrow().len(), 3, "no sleep after cancel");
    }

    /// A future that is pending `n` times before finishing, counting how many run at once.
    struct Yields<'a> {
        left: u32,
        value: Result<u32, u32>,
        running: &'a Cell<u32>,
        peak: &'a Cell<u32>,
        started: bool,
    }

    impl Future for Yields<'_> {
        type Output = Result<u32, u32>;
        fn poll(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<Self::Output> {
            if !self.started {
                self.started = true;
                self.running.set(self.running.get() + 1);
                self.peak.set(self.peak.get().max(self.running.get()));
            }
            if self.left == 0 {
                self.running.set(self.running.get() - 1);
                Poll::Ready(self.value)
            } else {
                self.left -= 1;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }

    #[test]
    fn bounded_join_keeps_order_and_limit() {
        let (running, peak) = (Cell::new(0), Cell::new(0));
        let futures: Vec<_> = (0..20u32)
            .map(|i| Yields {
                left: (i * 7) % 5,
                value: Ok(i),
                running: &running,
                peak: &peak,
                started: false,
            })
            .collect();
        let out = pollster::block_on(try_join_bounded(futures, 4)).unwrap();
        assert_eq!(out, (0..20).collect::<Vec<_>>());
        assert_eq!(peak.get(), 4);

        let (running, peak) = (Cell::new(0), Cell::new(0));
        let futures: Vec<_> = (0..10u32)
            .map(|i| Yields {
                left: 1,
                value: if i == 6 { Err(i) } else { Ok(i) },
                running: &running,
                peak: &peak,
                started: false,
            })
            .collect();
        assert_eq!(pollster::block_on(try_join_bounded(futures, 3)), Err(6));
        let empty: Vec<Yields<'_>> = Vec::new();
        assert_eq!(pollster::block_on(try_join_bounded(empty, 3)), Ok(vec![]));
    }
}
