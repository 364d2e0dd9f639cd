//! Keeping an SSO session alive with the refresh-token grant (spec §7).
//!
//! Timing, against what the AWS tools do with the same cache file:
//! - botocore/CLI refresh when less than 15 minutes remain (advisory; blocking under 10), at most
//!   once a minute; the Rust SDK refreshes under 5 minutes, at most once per 30 s.
//! - We refresh under [`REFRESH_WINDOW_SECONDS`] = 20 minutes, i.e. *before* any SDK's window
//!   opens. The SDKs then always find a token with more than 15 minutes left and never refresh it
//!   themselves, so two refreshers never race on a rotating refresh token (the loser's would be
//!   invalid). 20 minutes also leaves room for a browser alarm that fires late (MV3 alarms may be
//!   delayed by a minute or more while the machine sleeps).
//! - After an attempt (failed or not) we wait [`MIN_SECONDS_BETWEEN_ATTEMPTS`] = 60 s, botocore's
//!   `_attempt_timeout`, so a failing service is not hammered.
//!
//! The new token file follows botocore (§1.3): same key order as a login, the old client
//! registration copied, and `refreshToken` only if the response has one (botocore drops the old
//! one; the Rust SDK would keep it — we write what the CLI writes).

use super::IssuedToken;
use crate::cache::CachedToken;
use crate::error::{ErrorKind, Operation, SsoError};
use crate::http::{Clock, Transport};
use crate::oidc::{ClientCredentials, Grant, OidcClient};
use crate::time::UtcTime;

/// Refresh once less than this remains (20 min; see the module docs for why).
pub const REFRESH_WINDOW_SECONDS: i64 = 20 * 60;
/// Minimum time between two refresh attempts for one token (botocore's 60 s).
pub const MIN_SECONDS_BETWEEN_ATTEMPTS: i64 = 60;

/// What to do about a cached token now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshPlan {
    /// More than the refresh window left: look again at `refresh_at`.
    NotYet {
        /// When the token enters the refresh window.
        refresh_at: UtcTime,
    },
    /// Refresh now.
    Due,
    /// Due, but the last attempt was under a minute ago: try again at `retry_at`.
    Wait {
        /// A minute after the last attempt.
        retry_at: UtcTime,
    },
    /// It cannot be refreshed (`kind`: `not_refreshable` or `registration_expired`); the user must
    /// sign in again by `expires_at`.
    SignInAgain {
        /// Why: `not_refreshable` or `registration_expired`.
        kind: ErrorKind,
        /// When the current token expires.
        expires_at: UtcTime,
    },
}

/// Decide, without I/O, whether `token` should be refreshed at `now`.
pub fn plan_refresh(token: &CachedToken, now: UtcTime, last_attempt: Option<UtcTime>) -> RefreshPlan {
    let refresh_at = token.expires_at.plus_seconds(-REFRESH_WINDOW_SECONDS);
    if now < refresh_at {
        return RefreshPlan::NotYet { refresh_at };
    }
    if let Err(error) = refresh_preconditions(token, now) {
        return RefreshPlan::SignInAgain { kind: error.kind(), expires_at: token.expires_at };
    }
    match last_attempt.map(|last| last.plus_seconds(MIN_SECONDS_BETWEEN_ATTEMPTS)) {
        Some(retry_at) if now < retry_at => RefreshPlan::Wait { retry_at },
        _ => RefreshPlan::Due,
    }
}

/// What a refresh needs: a refresh token, the client id and secret, and an unexpired registration.
fn refresh_preconditions(token: &CachedToken, now: UtcTime) -> Result<ClientCredentials, SsoError> {
    let Some(material) = token.refresh_material() else {
        return Err(SsoError::new(
            ErrorKind::NotRefreshable,
            Operation::Prepare,
            "the cached token has no refresh token or client registration",
        ));
    };
    if now >= material.registration_expires_at {
        return Err(SsoError::new(
            ErrorKind::RegistrationExpired,
            Operation::Prepare,
            format!("the client registration expired at {}", material.registration_expires_at),
        ));
    }
    Ok(ClientCredentials {
        client_id: material.client_id.to_owned(),
        client_secret: material.client_secret.clone(),
    })
}

/// Refresh `token` with CreateToken (refresh_token grant) and return the new cache entry.
/// `start_url` and `region` are the session's configured values (botocore rewrites both).
pub async fn refresh_token<T: Transport, C: Clock>(
    oidc: &OidcClient<T>,
    clock: &C,
    token: &CachedToken,
    start_url: &str,
    region: &str,
) -> Result<CachedToken, SsoError> {
    let client = refresh_preconditions(token, clock.now())?;
    let Some(refresh) = token.refresh_token.clone() else {
        // refresh_preconditions checked it; kept as an error rather than a panic.
        return Err(SsoError::new(ErrorKind::NotRefreshable, Operation::Prepare, "no refresh token"));
    };
    let response = oidc.create_token(&client, &Grant::RefreshToken { refresh_token: refresh }).await?;
    let issued = IssuedToken::from_response(response, clock.now());
    Ok(token.refreshed(issued.access_token, issued.expires_at, issued.refresh_token, start_url, region))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::fakes::{aws_error, json, FakeTime, Scripted};
    use crate::secret::Secret;

    const START: &str = "https://d-abc123.awsapps.com/start";

    fn token(expires_at: i64, registration_expires_at: Option<i64>, refresh: Option<&str>) -> CachedToken {
        CachedToken {
            start_url: Some(START.into()),
            region: Some("us-east-1".into()),
            access_token: Secret::new("old-at"),
            expires_at: UtcTime::from_unix_seconds(expires_at),
            client_id: Some("cid".into()),
            client_secret: Some(Secret::new("cs")),
            registration_expires_at: registration_expires_at.map(UtcTime::from_unix_seconds),
            refresh_token: refresh.map(Secret::new),
        }
    }

    fn at(s: i64) -> UtcTime {
        UtcTime::from_unix_seconds(s)
    }

    #[test]
    fn plan_follows_the_named_windows() {
        let t = token(10_000, Some(1_000_000), Some("rt"));
        assert_eq!(plan_refresh(&t, at(0), None), RefreshPlan::NotYet { refresh_at: at(10_000 - 1200) });
        assert_eq!(plan_refresh(&t, at(8_799), None), RefreshPlan::NotYet { refresh_at: at(8_800) });
        assert_eq!(plan_refresh(&t, at(8_800), None), RefreshPlan::Due);
        assert_eq!(plan_refresh(&t, at(9_000), Some(at(8_950))), RefreshPlan::Wait { retry_at: at(9_010) });
        assert_eq!(plan_refresh(&t, at(9_010), Some(at(8_950))), RefreshPlan::Due);
        // Past expiry, a refresh is still possible while the registration lives.
        assert_eq!(plan_refresh(&t, at(20_000), None), RefreshPlan::Due);

        let no_refresh_token = token(10_000, Some(1_000_000), None);
        assert_eq!(
            plan_refresh(&no_refresh_token, at(9_000), None),
            RefreshPlan::SignInAgain { kind: ErrorKind::NotRefreshable, expires_at: at(10_000) }
        );
        let registration_gone = token(10_000, Some(9_000), Some("rt"));
        assert_eq!(
            plan_refresh(&registration_gone, at(9_000), None),
            RefreshPlan::SignInAgain { kind: ErrorKind::RegistrationExpired, expires_at: at(10_000) }
        );
        let no_registration_time = token(10_000, None, Some("rt"));
        assert!(matches!(
            plan_refresh(&no_registration_time, at(9_000), None),
            RefreshPlan::SignInAgain { .. }
        ));
    }

    #[test]
    fn refresh_writes_what_botocore_writes() {
        let time = FakeTime::at(1_714_590_000);
        let transport = Scripted::new(
            &time,
            vec![
                json(200, r#"{"accessToken":"new-at","expiresIn":28800,"refreshToken":"new-rt"}"#),
                json(200, r#"{"accessToken":"newer-at","expiresIn":3600}"#),
                aws_error(400, "InvalidGrantException"),
            ],
        );
        let oidc = OidcClient::new("https://oidc.us-east-1.amazonaws.com", &transport).unwrap();
        let old = token(1_714_590_600, Some(1_722_513_600), Some("old-rt"));
        let new = pollster::block_on(refresh_token(&oidc, &time, &old, START, "us-east-1")).unwrap();
        assert_eq!(
            String::from_utf8(transport.sent.borrow()[0].1.body.clone()).unwrap(),
            r#"{"clientId":"cid","clientSecret":"cs","grantType":"refresh_token","refreshToken":"old-rt"}"#
        );
        assert_eq!(
            new.to_cli_json(),
            r#"{"startUrl": "https://d-abc123.awsapps.com/start", "region": "us-east-1", "accessToken": "new-at", "expiresAt": "2024-05-02T03:00:00Z", "clientId": "cid", "clientSecret": "cs", "registrationExpiresAt": "2024-08-01T12:00:00Z", "refreshToken": "new-rt"}"#
        );
        // No refresh token in the answer: dropped, as botocore does.
        let newer = pollster::block_on(refresh_token(&oidc, &time, &new, START, "us-east-1")).unwrap();
        assert_eq!(newer.refresh_token, None);
        assert_eq!(newer.access_token.expose(), "newer-at");
        let err = pollster::block_on(refresh_token(&oidc, &time, &new, START, "us-east-1")).unwrap_err();
        assert_eq!(err.code(), "invalid_grant");
        let err = pollster::block_on(refresh_token(&oidc, &time, &newer, START, "us-east-1")).unwrap_err();
        assert_eq!(err.code(), "not_refreshable");
        assert_eq!(transport.sent.borrow().len(), 3, "no call without a refresh token");
    }
}
