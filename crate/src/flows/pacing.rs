//! Listing at scale: an adaptive request rate shared by every portal call of one listing, so 1,000
//! accounts are listed at the pace the service allows instead of in bursts that end in 429 storms.
//!
//! [`AdaptivePacer`] starts unlimited. A throttled answer sets the rate a little under what actually
//! got through in the last second (×0.95) and remembers that as the ceiling; every further second
//! without throttling raises the rate by 2 % up to the ceiling, and the ceiling itself by 0.2 %, so
//! it keeps probing for more without running into the limit every few seconds (each 429 costs its
//! caller the server's `Retry-After`). Throttles within a second of a cut do not cut again (one
//! burst of 429s is one signal). This is the shape of the AWS SDKs' adaptive retry mode
//! (a client-side token bucket fed by throttling responses), simplified to the one limit the portal
//! has: requests per second per token.
//!
//! [`PacedTransport`] puts the pacer in front of any transport, so the existing listing functions
//! (their paging, `Retry-After` and 429 backoff in [`super::retry`]) run unchanged on top of it, one
//! account at a time cooperatively ([`list_accounts_and_roles_paced`]) or on several threads natively
//! (the pacer and the transport wrapper are `Sync` when the transport is).

use super::listing::{list_all_accounts, list_all_roles, AccountWithRoles, ListOptions};
use super::{try_join_bounded, Cancellation};
use crate::error::SsoError;
use crate::http::{HttpRequest, HttpResponse, Random, Sleep, Transport, TransportError};
use crate::portal::PortalClient;
use crate::secret::Secret;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

/// The rate after a throttle, relative to what got through in the last second.
const CUT: f64 = 0.95;
/// Growth per second without throttling.
const GROWTH_PER_SECOND: f64 = 1.02;
/// Growth of the ceiling per second without throttling.
const CEILING_GROWTH_PER_SECOND: f64 = 1.002;
/// Never slower than this many requests per second.
const MIN_RATE: f64 = 0.5;

#[derive(Debug, Default)]
struct PacerState {
    /// Requests per second; `None` until the first throttle.
    rate: Option<f64>,
    /// What got through in the second before the last throttle.
    ceiling: f64,
    /// Epoch ms of the next free slot.
    next_slot_ms: i64,
    /// Epoch ms of the successful answers in the last second.
    recent_ok_ms: VecDeque<i64>,
    last_cut_ms: Option<i64>,
    last_growth_ms: i64,
    throttled: u64,
    sent: u64,
}

/// The shared, adaptive request rate (see the module docs).
#[derive(Debug, Default)]
pub struct AdaptivePacer {
    state: Mutex<PacerState>,
}

/// What the pacer has seen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PacerStats {
    /// Requests that were given a slot.
    pub sent: u64,
    /// Answers that were throttles (429).
    pub throttled: u64,
    /// The current rate (requests per second), `None` while unlimited.
    pub rate: Option<f64>,
}

impl AdaptivePacer {
    /// A pacer that sends without limit until the first throttle.
    pub fn new() -> Self {
        AdaptivePacer::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PacerState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Reserves the next slot; returns how long to wait for it.
    pub fn reserve(&self, now_ms: i64) -> Duration {
        let mut state = self.lock();
        state.sent += 1;
        let Some(rate) = state.rate else {
            return Duration::ZERO;
        };
        let slot = state.next_slot_ms.max(now_ms);
        state.next_slot_ms = slot + (1000.0 / rate).round() as i64;
        Duration::from_millis(u64::try_from(slot - now_ms).unwrap_or(0))
    }

    /// A call was answered with something other than a throttle.
    pub fn on_answer(&self, now_ms: i64) {
        let mut state = self.lock();
        state.recent_ok_ms.push_back(now_ms);
        while state.recent_ok_ms.front().is_some_and(|&t| t <= now_ms - 1000) {
            state.recent_ok_ms.pop_front();
        }
        if let Some(rate) = state.rate {
            let seconds = (now_ms - state.last_growth_ms) / 1000;
            if seconds >= 1 {
                let seconds = seconds.min(600) as i32;
                state.ceiling *= CEILING_GROWTH_PER_SECOND.powi(seconds);
                state.rate = Some((rate * GROWTH_PER_SECOND.powi(seconds)).min(state.ceiling).max(rate));
                state.last_growth_ms = now_ms;
            }
        }
    }

    /// A call was throttled (429).
    pub fn on_throttled(&self, now_ms: i64) {
        let mut state = self.lock();
        state.throttled += 1;
        if state.last_cut_ms.is_some_and(|t| now_ms - t < 1000) {
            return;
        }
        while state.recent_ok_ms.front().is_some_and(|&t| t <= now_ms - 1000) {
            state.recent_ok_ms.pop_front();
        }
        let measured = state.recent_ok_ms.len() as f64;
        let current = state.rate.unwrap_or(f64::INFINITY);
        state.ceiling = measured.max(MIN_RATE);
        state.rate = Some((current.min(measured) * CUT).max(MIN_RATE));
        state.last_cut_ms = Some(now_ms);
        state.last_growth_ms = now_ms;
        // The slots already handed out stand; new ones start after a full interval.
        state.next_slot_ms = state.next_slot_ms.max(now_ms);
    }

    /// What the pacer has seen so far.
    pub fn stats(&self) -> PacerStats {
        let state = self.lock();
        PacerStats { sent: state.sent, throttled: state.throttled, rate: state.rate }
    }
}

/// A millisecond clock for pacing (the core's [`crate::http::Clock`] has whole seconds, which is
/// what token expiry needs; a request rate needs finer time). Natively a monotonic `Instant`.
pub trait MillisClock {
    /// Milliseconds since an arbitrary, fixed start.
    fn now_ms(&self) -> i64;
}

impl<M: MillisClock + ?Sized> MillisClock for &M {
    fn now_ms(&self) -> i64 {
        (**self).now_ms()
    }
}

/// A transport that waits for the pacer before every request and tells it how each one went.
pub struct PacedTransport<'a, T, C, S> {
    /// The transport that sends.
    pub inner: T,
    /// The rate shared by every listing that uses the same service.
    pub pacer: &'a AdaptivePacer,
    /// The clock the slots are measured on.
    pub clock: &'a C,
    /// How to wait for a slot.
    pub sleep: &'a S,
}

impl<T: Transport, C: MillisClock, S: Sleep> Transport for PacedTransport<'_, T, C, S> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let wait = self.pacer.reserve(self.clock.now_ms());
        if !wait.is_zero() {
            self.sleep.sleep(wait).await;
        }
        let response = self.inner.send(request).await?;
        let now = self.clock.now_ms();
        if response.status == 429 {
            self.pacer.on_throttled(now);
        } else {
            self.pacer.on_answer(now);
        }
        Ok(response)
    }
}

/// Where a listing is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListingProgress {
    /// Accounts in the directory.
    pub accounts_total: usize,
    /// Accounts whose roles have been listed.
    pub accounts_listed: usize,
    /// Roles found so far.
    pub roles_found: usize,
}

/// Every account and its roles through `portal` (whose transport should be a [`PacedTransport`]),
/// at most `options.concurrency` role listings in flight, `progress` called after each account.
#[allow(clippy::too_many_arguments)]
pub async fn list_accounts_and_roles_paced<T: Transport, S: Sleep, R: Random>(
    portal: &PortalClient<T>,
    sleep: &S,
    random: &R,
    access_token: &Secret,
    options: &ListOptions,
    progress: &dyn Fn(ListingProgress),
    cancel: &Cancellation,
) -> Result<Vec<AccountWithRoles>, SsoError> {
    let accounts = list_all_accounts(portal, sleep, random, access_token, options, cancel).await?;
    let total = accounts.len();
    let done = std::cell::Cell::new((0usize, 0usize));
    progress(ListingProgress { accounts_total: total, accounts_listed: 0, roles_found: 0 });
    let listings: Vec<_> = accounts
        .into_iter()
        .map(|account| {
            let done = &done;
            async move {
                let roles =
                    list_all_roles(portal, sleep, random, access_token, &account.account_id, options, cancel)
                        .await?;
                let (listed, found) = done.get();
                done.set((listed + 1, found + roles.len()));
                progress(ListingProgress {
                    accounts_total: total,
                    accounts_listed: listed + 1,
                    roles_found: found + roles.len(),
                });
                Ok::<_, SsoError>(AccountWithRoles { account, roles })
            }
        })
        .collect();
    try_join_bounded(listings, options.concurrency).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::fakes::{CountingRandom, FakeTime};
    use crate::flows::retry::RetryPolicy;
    use std::cell::RefCell;

    impl MillisClock for FakeTime {
        fn now_ms(&self) -> i64 {
            self.now_millis()
        }
    }

    #[test]
    fn unlimited_until_throttled_then_paced_under_what_got_through() {
        let pacer = AdaptivePacer::new();
        for i in 0..30 {
            assert_eq!(pacer.reserve(i * 10), Duration::ZERO);
            pacer.on_answer(i * 10);
        }
        // 30 answers within the last second, then a throttle: 30 × 0.95 per second.
        pacer.on_throttled(300);
        assert_eq!(pacer.stats().rate, Some(28.5));
        // A burst of throttles is one signal.
        pacer.on_throttled(400);
        assert_eq!(pacer.stats().rate, Some(28.5));
        // Slots 35 ms apart (1000 / 28.5).
        assert_eq!(pacer.reserve(1000), Duration::ZERO);
        assert_eq!(pacer.reserve(1000), Duration::from_millis(35));
        assert_eq!(pacer.reserve(1000), Duration::from_millis(70));
        // Two quiet seconds: +2 % each, up to the ceiling (the 30 that got through).
        pacer.on_answer(2300);
        let rate = pacer.stats().rate.unwrap();
        assert!((rate - 28.5 * 1.02 * 1.02).abs() < 1e-9, "{rate}");
        pacer.on_answer(9300);
        let rate = pacer.stats().rate.unwrap();
        assert!((rate - 30.0 * 1.002f64.powi(9)).abs() < 1e-9, "{rate}");
        assert_eq!(pacer.stats().throttled, 2);
    }

    /// A portal that allows `limit` requests in any one second (like the emulator's throttling),
    /// with `accounts` accounts of 3 roles.
    struct Limited<'a> {
        time: &'a FakeTime,
        limit: usize,
        accounts: usize,
        window: RefCell<VecDeque<i64>>,
        throttled: RefCell<usize>,
        ok: RefCell<usize>,
    }

    impl Transport for Limited<'_> {
        async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
            let now = self.time.now_millis();
            let admitted = {
                let mut window = self.window.borrow_mut();
                while window.front().is_some_and(|&t| now - t >= 1000) {
                    window.pop_front();
                }
                let admitted = window.len() < self.limit;
                if admitted {
                    window.push_back(now);
                }
                admitted
            };
            if !admitted {
                *self.throttled.borrow_mut() += 1;
                return Ok(HttpResponse::new(429)
                    .with_header("x-amzn-ErrorType", "TooManyRequestsException")
                    .with_header("Retry-After", "1")
                    .with_body(r#"{"message":"Rate exceeded"}"#));
            }
            *self.ok.borrow_mut() += 1;
            // Each answer takes 2 ms of (fake) time.
            self.time.sleep(Duration::from_millis(2)).await;
            let url = &request.url;
            if url.contains("/assignment/accounts") {
                let list: Vec<String> = (0..self.accounts)
                    .map(|i| format!(r#"{{"accountId":"{i:012}","accountName":"a{i}"}}"#))
                    .collect();
                Ok(HttpResponse::new(200).with_body(format!(r#"{{"accountList":[{}]}}"#, list.join(","))))
            } else {
                let account = url.split("account_id=").nth(1).unwrap().split('&').next().unwrap();
                let roles: Vec<String> = ["Admin", "ReadOnly", "Billing"]
                    .iter()
                    .map(|r| format!(r#"{{"roleName":"{r}","accountId":"{account}"}}"#))
                    .collect();
                Ok(HttpResponse::new(200).with_body(format!(r#"{{"roleList":[{}]}}"#, roles.join(","))))
            }
        }
    }

    #[test]
    fn a_throttled_listing_runs_close_to_the_limit_and_reports_progress() {
        let time = FakeTime::at(1_700_000_000);
        let limited = Limited {
            time: &time,
            limit: 20,
            accounts: 300,
            window: RefCell::default(),
            throttled: RefCell::new(0),
            ok: RefCell::new(0),
        };
        let pacer = AdaptivePacer::new();
        let paced = PacedTransport { inner: &limited, pacer: &pacer, clock: &time, sleep: &time };
        let portal = PortalClient::new("https://portal.sso.us-east-1.amazonaws.com", &paced).unwrap();
        let seen = RefCell::new(Vec::new());
        // One call at a time: the fake clock advances by every sleep, so cooperative concurrency
        // would add the waits up instead of overlapping them.
        let options = ListOptions { concurrency: 1, retry: RetryPolicy::DEFAULT, ..ListOptions::default() };
        let start = time.seconds();
        let all = pollster::block_on(list_accounts_and_roles_paced(
            &portal,
            &time,
            &CountingRandom::default(),
            &Secret::new("at"),
            &options,
            &|p| seen.borrow_mut().push(p),
            &Cancellation::new(),
        ))
        .unwrap();
        assert_eq!(all.len(), 300);
        assert!(all.iter().all(|a| a.roles.len() == 3));
        let elapsed = (time.seconds() - start) as f64;
        // 301 requests at 20 per second: a floor of about 15 s.
        let floor = 301.0 / 20.0;
        assert!(elapsed <= floor * 1.15, "took {elapsed} s against a floor of {floor} s");
        assert!(*limited.throttled.borrow() < 20, "{} throttled", limited.throttled.borrow());
        let seen = seen.borrow();
        assert_eq!(seen.len(), 301);
        assert_eq!(seen[0], ListingProgress { accounts_total: 300, accounts_listed: 0, roles_found: 0 });
        assert_eq!(
            *seen.last().unwrap(),
            ListingProgress { accounts_total: 300, accounts_listed: 300, roles_found: 900 }
        );
    }
}
