//! Backoff for throttled (429) and failed (5xx, timeout) portal calls: capped exponential backoff
//! with "equal jitter" (half fixed, half random, so a storm of clients spreads out but none retries
//! immediately), and the server's `Retry-After` honoured when it sends one.

use super::{sleep_cancellable, Cancellation};
use crate::error::{ErrorKind, SsoError};
use crate::http::{Random, Sleep};
use std::future::Future;
use std::time::Duration;

/// How to retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included (1 = no retry).
    pub max_attempts: u32,
    /// The delay cap of the first retry; doubled for every further retry.
    pub base_delay: Duration,
    /// No computed delay exceeds this.
    pub max_delay: Duration,
    /// A server `Retry-After` is followed up to this long (a broken server cannot park us for hours).
    pub max_retry_after: Duration,
}

impl RetryPolicy {
    /// 8 attempts, 0.5 s doubling to at most 20 s: about a minute of patience in a 429 storm, the
    /// same order as the AWS SDKs' adaptive retry, while a user still sees progress.
    pub const DEFAULT: RetryPolicy = RetryPolicy {
        max_attempts: 8,
        base_delay: Duration::from_millis(500),
        max_delay: Duration::from_secs(20),
        max_retry_after: Duration::from_secs(60),
    };

    /// One attempt, no waiting.
    pub const NONE: RetryPolicy = RetryPolicy { max_attempts: 1, ..RetryPolicy::DEFAULT };

    /// The delay before retry number `retry` (0 for the first retry), given the error.
    pub fn delay(&self, retry: u32, error: &SsoError, random: &impl Random) -> Duration {
        if let Some(server) = error.retry_after() {
            return server.min(self.max_retry_after);
        }
        let exponential = self.base_delay.saturating_mul(1u32 << retry.min(20));
        let cap = exponential.min(self.max_delay);
        let half = cap / 2;
        half + jitter_up_to(half, random)
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::DEFAULT
    }
}

/// Whether a portal error is worth retrying after a pause (throttling, server faults, timeouts).
pub fn is_transient(error: &SsoError) -> bool {
    matches!(error.kind(), ErrorKind::TooManyRequests | ErrorKind::Internal | ErrorKind::Timeout)
}

/// A uniform duration in [0, `limit`) at millisecond resolution, from the injected randomness.
/// Integer arithmetic: floating-point `Duration` maths would bring its panicking conversions into
/// the wasm module for nothing.
fn jitter_up_to(limit: Duration, random: &impl Random) -> Duration {
    let mut bytes = [0u8; 4];
    random.fill_bytes(&mut bytes);
    // `limit` is at most `max_delay`, far below 2^32 ms, so the product fits 64 bits.
    let limit_ms = u64::try_from(limit.as_millis()).unwrap_or(u64::from(u32::MAX)).min(u64::from(u32::MAX));
    Duration::from_millis((limit_ms * u64::from(u32::from_le_bytes(bytes))) >> 32)
}

/// Runs `call` until it succeeds, fails with a non-transient error, or `policy` runs out.
pub async fn with_retry<T, F, Fut, S, R>(
    policy: &RetryPolicy,
    sleep: &S,
    random: &R,
    cancel: &Cancellation,
    mut call: F,
) -> Result<T, SsoError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SsoError>>,
    S: Sleep,
    R: Random,
{
    let mut retry = 0;
    loop {
        let error = match call().await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        if !is_transient(&error) || retry + 1 >= policy.max_attempts {
            return Err(error);
        }
        let delay = policy.delay(retry, &error, random);
        sleep_cancellable(sleep, delay, cancel, error.operation()).await?;
        retry += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Operation;
    use crate::flows::fakes::{CountingRandom, FakeTime};
    use crate::http::HttpResponse;
    use std::cell::Cell;

    fn throttled(retry_after: Option<&str>) -> SsoError {
        let mut resp = HttpResponse::new(429).with_header("x-amzn-ErrorType", "TooManyRequestsException");
        if let Some(r) = retry_after {
            resp = resp.with_header("Retry-After", r);
        }
        SsoError::from_response(Operation::ListAccounts, &resp)
    }

    struct Fixed(u8);
    impl Random for Fixed {
        fn fill_bytes(&self, dest: &mut [u8]) {
            dest.fill(self.0);
        }
    }

    #[test]
    fn delays_grow_are_capped_and_jittered() {
        let p = RetryPolicy::DEFAULT;
        let e = throttled(None);
        // Zero randomness → exactly half the cap; all-ones → just under the cap.
        assert_eq!(p.delay(0, &e, &Fixed(0)), Duration::from_millis(250));
        assert_eq!(p.delay(3, &e, &Fixed(0)), Duration::from_secs(2));
        assert_eq!(p.delay(10, &e, &Fixed(0)), Duration::from_secs(10));
        assert_eq!(p.delay(60, &e, &Fixed(0)), Duration::from_secs(10));
        let high = p.delay(10, &e, &Fixed(0xff));
        assert!(high > Duration::from_millis(19_900) && high <= Duration::from_secs(20), "{high:?}");
        // Retry-After wins, capped.
        assert_eq!(p.delay(0, &throttled(Some("3")), &Fixed(0xff)), Duration::from_secs(3));
        assert_eq!(p.delay(0, &throttled(Some("86400")), &Fixed(0)), Duration::from_secs(60));
    }

    #[test]
    fn retries_transient_errors_then_succeeds_or_gives_up() {
        let time = FakeTime::at(0);
        let calls = Cell::new(0);
        let cancel = Cancellation::new();
        let result = pollster::block_on(with_retry(
            &RetryPolicy::DEFAULT,
            &time,
            &CountingRandom::default(),
            &cancel,
            || {
                calls.set(calls.get() + 1);
                let n = calls.get();
                async move {
                    if n < 4 {
                        Err(throttled(None))
                    } else {
                        Ok(n)
                    }
                }
            },
        ));
        assert_eq!(result, Ok(4));
        assert!(time.total_slept() >= Duration::from_millis(250 + 500 + 1000));

        calls.set(0);
        let result: Result<(), _> = pollster::block_on(with_retry(
            &RetryPolicy::DEFAULT,
            &time,
            &CountingRandom::default(),
            &cancel,
            || {
                calls.set(calls.get() + 1);
                async { Err(throttled(Some("1"))) }
            },
        ));
        assert_eq!(result.unwrap_err().code(), "too_many_requests");
        assert_eq!(calls.get(), 8);

        calls.set(0);
        let result: Result<(), _> = pollster::block_on(with_retry(
            &RetryPolicy::DEFAULT,
            &time,
            &CountingRandom::default(),
            &cancel,
            || {
                calls.set(calls.get() + 1);
                async { Err(SsoError::new(ErrorKind::Unauthorized, Operation::ListAccounts, "no")) }
            },
        ));
        assert_eq!(result.unwrap_err().code(), "unauthorized");
        assert_eq!(calls.get(), 1, "non-transient errors are not retried");
    }
}
