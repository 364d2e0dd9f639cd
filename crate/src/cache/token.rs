//! The SSO token cache file `~/.aws/sso/cache/<sha1>.json` (spec §1.2–§1.4, §7).

use super::lenient::{CacheFileError, LenientObject};
use super::pyjson::{dumps, DumpsOptions, PyValue};
use crate::secret::Secret;
use crate::time::UtcTime;

/// botocore refreshes (advisory) when less than this remains, and `_refresher` only calls
/// CreateToken(refresh_token) inside this window (`_REFRESH_WINDOW`, `_advisory_refresh_timeout`).
pub const BOTOCORE_REFRESH_WINDOW_SECONDS: i64 = 15 * 60;
/// botocore blocks on a refresh when less than this remains (`_mandatory_refresh_timeout`).
pub const BOTOCORE_MANDATORY_REFRESH_SECONDS: i64 = 10 * 60;
/// The Rust SDK refreshes when less than this remains (`REFRESH_BUFFER_TIME`).
pub const RUST_SDK_REFRESH_BUFFER_SECONDS: i64 = 5 * 60;
/// The Rust SDK waits this long between refresh attempts (`MIN_TIME_BETWEEN_REFRESH`).
pub const RUST_SDK_MIN_SECONDS_BETWEEN_REFRESH: i64 = 30;

const WHAT: &str = "SSO token cache file";

/// One cached SSO token, as `aws sso login` writes it. Field order here is the CLI's write order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedToken {
    /// The configured start URL (not a resolved vanity URL). The CLI always writes it; the Rust
    /// SDK may leave it out, so reading tolerates its absence.
    pub start_url: Option<String>,
    /// The SSO region used for OIDC.
    pub region: Option<String>,
    /// `accessToken`: the bearer token for the portal calls (listing accounts and roles, getting
    /// role credentials).
    pub access_token: Secret,
    /// `expiresAt`: when the access token stops working; written in the CLI's
    /// `YYYY-MM-DDTHH:MM:SSZ`, read in any format the AWS tools accept.
    pub expires_at: UtcTime,
    /// `clientId` of the registration the token came from; needed to refresh it.
    pub client_id: Option<String>,
    /// `clientSecret` of that registration; needed to refresh.
    pub client_secret: Option<Secret>,
    /// `registrationExpiresAt`: when the registration stops working; past it the token cannot be
    /// refreshed and the user has to sign in again.
    pub registration_expires_at: Option<UtcTime>,
    /// `refreshToken`: written only when CreateToken returned one.
    pub refresh_token: Option<Secret>,
}

/// Where a token stands at a given instant, for display and for deciding to refresh.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenStatus {
    /// More than [`BOTOCORE_REFRESH_WINDOW_SECONDS`] remain.
    Valid {
        /// When the token expires.
        expires_at: UtcTime,
    },
    /// Still usable, but inside botocore's refresh window: the CLI will try to refresh it.
    Expiring {
        /// When the token expires.
        expires_at: UtcTime,
    },
    /// `expiresAt <= now` (Rust SDK's test; botocore rejects it the same way).
    Expired {
        /// When the token expired.
        expired_at: UtcTime,
    },
}

impl TokenStatus {
    /// Status of a token that expires at `expires_at`, seen at `now`.
    pub fn at(expires_at: UtcTime, now: UtcTime) -> TokenStatus {
        let remaining = now.seconds_until(expires_at);
        if remaining <= 0 {
            TokenStatus::Expired { expired_at: expires_at }
        } else if remaining < BOTOCORE_REFRESH_WINDOW_SECONDS {
            TokenStatus::Expiring { expires_at }
        } else {
            TokenStatus::Valid { expires_at }
        }
    }

    /// Whether the token still works (valid or expiring).
    pub fn is_usable(self) -> bool {
        !matches!(self, TokenStatus::Expired { .. })
    }
}

impl CachedToken {
    /// Read a token file leniently (spec §1.4). `accessToken` and `expiresAt` are required.
    ///
    /// An unreadable optional timestamp (`registrationExpiresAt`) is an error here, as in the Rust
    /// SDK: silently dropping it would make us rewrite the file without it.
    pub fn from_json(text: &str) -> Result<CachedToken, CacheFileError> {
        Self::from_object(&LenientObject::parse(WHAT, text)?)
    }

    pub(crate) fn from_object(obj: &LenientObject) -> Result<CachedToken, CacheFileError> {
        Ok(CachedToken {
            access_token: Secret::new(obj.required_str("accessToken")?),
            expires_at: obj.required_time("expiresAt")?,
            start_url: obj.optional_str("startUrl")?.map(String::from),
            region: obj.optional_str("region")?.map(String::from),
            client_id: obj.optional_str("clientId")?.map(String::from),
            client_secret: obj.optional_str("clientSecret")?.map(Secret::new),
            registration_expires_at: obj.optional_time("registrationExpiresAt")?,
            refresh_token: obj.optional_str("refreshToken")?.map(Secret::new),
        })
    }

    /// The file bytes exactly as the AWS CLI writes them: keys `startUrl, region, accessToken,
    /// expiresAt, clientId, clientSecret, registrationExpiresAt[, refreshToken]`, Python default
    /// separators, ASCII-escaped, `…Z` timestamps, no trailing newline. Absent optional fields are
    /// left out (the CLI always has them; a token first written by the Rust SDK may not).
    pub fn to_cli_json(&self) -> String {
        let expires_at = self.expires_at.to_cli_string();
        let registration_expires_at = self.registration_expires_at.map(UtcTime::to_cli_string);
        let mut entries: Vec<(&str, PyValue<'_>)> = Vec::with_capacity(8);
        if let Some(url) = &self.start_url {
            entries.push(("startUrl", PyValue::Str(url)));
        }
        if let Some(region) = &self.region {
            entries.push(("region", PyValue::Str(region)));
        }
        entries.push(("accessToken", PyValue::Str(self.access_token.expose())));
        entries.push(("expiresAt", PyValue::Str(&expires_at)));
        if let Some(id) = &self.client_id {
            entries.push(("clientId", PyValue::Str(id)));
        }
        if let Some(secret) = &self.client_secret {
            entries.push(("clientSecret", PyValue::Str(secret.expose())));
        }
        if let Some(at) = &registration_expires_at {
            entries.push(("registrationExpiresAt", PyValue::Str(at)));
        }
        if let Some(refresh) = &self.refresh_token {
            entries.push(("refreshToken", PyValue::Str(refresh.expose())));
        }
        dumps(&PyValue::Object(entries), DumpsOptions::DEFAULT)
    }

    /// Where this token stands at `now` (see [`TokenStatus::at`]).
    pub fn status(&self, now: UtcTime) -> TokenStatus {
        TokenStatus::at(self.expires_at, now)
    }

    /// `expiresAt <= now`.
    pub fn is_expired(&self, now: UtcTime) -> bool {
        now.seconds_until(self.expires_at) <= 0
    }

    /// The fields a refresh-token grant needs, when they are all present.
    pub fn refresh_material(&self) -> Option<RefreshMaterial<'_>> {
        Some(RefreshMaterial {
            refresh_token: self.refresh_token.as_ref()?,
            client_id: self.client_id.as_deref()?,
            client_secret: self.client_secret.as_ref()?,
            registration_expires_at: self.registration_expires_at?,
        })
    }

    /// Whether botocore's `SSOTokenProvider._refresh_access_token` would try a refresh:
    /// `refreshToken`, `clientId`, `clientSecret`, `registrationExpiresAt` all present and the
    /// registration not expired (`registrationExpiresAt - now > 0`). The 15-minute window is a
    /// separate question ([`Self::in_botocore_refresh_window`]).
    pub fn refreshable_by_botocore(&self, now: UtcTime) -> bool {
        self.refresh_material().is_some_and(|m| now.seconds_until(m.registration_expires_at) > 0)
    }

    /// Whether the Rust SDK's `SsoTokenProvider` considers the token refreshable: the same four
    /// fields, the registration not expired (missing counts as expired), and at least
    /// [`RUST_SDK_MIN_SECONDS_BETWEEN_REFRESH`] since the last attempt (if any).
    pub fn refreshable_by_rust_sdk(&self, now: UtcTime, last_refresh_attempt: Option<UtcTime>) -> bool {
        let throttled = last_refresh_attempt
            .is_some_and(|last| last.seconds_until(now) < RUST_SDK_MIN_SECONDS_BETWEEN_REFRESH);
        !throttled && self.refreshable_by_botocore(now)
    }

    /// Less than 15 minutes left: botocore (and so the AWS CLI) will refresh at next use.
    pub fn in_botocore_refresh_window(&self, now: UtcTime) -> bool {
        now.seconds_until(self.expires_at) < BOTOCORE_REFRESH_WINDOW_SECONDS
    }

    /// `expiresAt - 5 min <= now`: the Rust SDK's "expires soon".
    pub fn expires_soon_for_rust_sdk(&self, now: UtcTime) -> bool {
        now.seconds_until(self.expires_at) <= RUST_SDK_REFRESH_BUFFER_SECONDS
    }

    /// The token after a successful refresh-token grant, as botocore writes it (spec §1.3): new
    /// access token and expiry; the refresh token is replaced by the response's, and **dropped**
    /// when the response has none (botocore behaviour; the Rust SDK would keep the old one).
    /// `start_url`/`region` come from the session config, client fields are copied.
    pub fn refreshed(
        &self,
        access_token: Secret,
        expires_at: UtcTime,
        refresh_token: Option<Secret>,
        start_url: &str,
        region: &str,
    ) -> CachedToken {
        CachedToken {
            start_url: Some(start_url.to_owned()),
            region: Some(region.to_owned()),
            access_token,
            expires_at,
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            registration_expires_at: self.registration_expires_at,
            refresh_token,
        }
    }
}

/// Borrowed view of what a refresh-token grant needs.
#[derive(Clone, Copy, Debug)]
pub struct RefreshMaterial<'a> {
    /// The token's `refreshToken`.
    pub refresh_token: &'a Secret,
    /// The registration's `clientId`.
    pub client_id: &'a str,
    /// The registration's `clientSecret`.
    pub client_secret: &'a Secret,
    /// When the registration expires: a refresh after it fails.
    pub registration_expires_at: UtcTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> UtcTime {
        UtcTime::parse_lenient(s).unwrap()
    }

    fn spec_token() -> CachedToken {
        CachedToken {
            start_url: Some("https://d-abc123.awsapps.com/start".into()),
            region: Some("us-east-1".into()),
            access_token: Secret::new("AT"),
            expires_at: t("2024-05-01T20:00:00Z"),
            client_id: Some("cid".into()),
            client_secret: Some(Secret::new("csecret")),
            registration_expires_at: Some(t("2024-08-01T12:00:00Z")),
            refresh_token: Some(Secret::new("RT")),
        }
    }

    const SPEC_TOKEN_JSON: &str = r#"{"startUrl": "https://d-abc123.awsapps.com/start", "region": "us-east-1", "accessToken": "AT", "expiresAt": "2024-05-01T20:00:00Z", "clientId": "cid", "clientSecret": "csecret", "registrationExpiresAt": "2024-08-01T12:00:00Z", "refreshToken": "RT"}"#;

    #[test]
    fn writes_the_spec_example_byte_for_byte() {
        assert_eq!(spec_token().to_cli_json(), SPEC_TOKEN_JSON);
    }

    #[test]
    fn refresh_token_only_if_present() {
        let token = CachedToken { refresh_token: None, ..spec_token() };
        let json = token.to_cli_json();
        assert!(json.ends_with(r#""registrationExpiresAt": "2024-08-01T12:00:00Z"}"#), "{json}");
        assert!(!json.contains("refreshToken"));
    }

    #[test]
    fn round_trips_cli_bytes() {
        assert_eq!(CachedToken::from_json(SPEC_TOKEN_JSON).unwrap(), spec_token());
        assert_eq!(CachedToken::from_json(SPEC_TOKEN_JSON).unwrap().to_cli_json(), SPEC_TOKEN_JSON);
    }

    #[test]
    fn reads_the_rust_sdk_file_and_rewrites_it_as_the_cli_would() {
        // Spec §1.3: exact content written by smithy-rs `save_cached_token`.
        let rust = r#"{"accessToken":"access-token","expiresAt":"1971-08-02T16:53:20Z","refreshToken":"refresh-token","clientId":"client-id","clientSecret":"client-secret","registrationExpiresAt":"1973-03-03T09:46:40Z","region":"region","startUrl":"start-url"}"#;
        let token = CachedToken::from_json(rust).unwrap();
        assert_eq!(token.expires_at, UtcTime::from_unix_seconds(50_000_000));
        assert_eq!(token.registration_expires_at, Some(UtcTime::from_unix_seconds(100_000_000)));
        assert_eq!(
            token.to_cli_json(),
            r#"{"startUrl": "start-url", "region": "region", "accessToken": "access-token", "expiresAt": "1971-08-02T16:53:20Z", "clientId": "client-id", "clientSecret": "client-secret", "registrationExpiresAt": "1973-03-03T09:46:40Z", "refreshToken": "refresh-token"}"#
        );
    }

    #[test]
    fn reads_leniently() {
        let token = CachedToken::from_json(
            "\n {\"ACCESSTOKEN\": \"a\", \"ExpiresAt\": \"2002-10-18T03:52:38UTC\", \"unknown\": [1, {}],\
             \"refreshToken\": null, \"registrationExpiresAt\": \"2024-05-01T22:00:00.123+02:00\"}\n",
        )
        .unwrap();
        assert_eq!(token.access_token.expose(), "a");
        assert_eq!(token.expires_at.to_cli_string(), "2002-10-18T03:52:38Z");
        assert_eq!(token.refresh_token, None);
        assert_eq!(token.registration_expires_at, Some(t("2024-05-01T20:00:00Z")));
        assert_eq!(token.start_url, None);
        assert_eq!(
            token.to_cli_json(),
            r#"{"accessToken": "a", "expiresAt": "2002-10-18T03:52:38Z", "registrationExpiresAt": "2024-05-01T20:00:00Z"}"#
        );
    }

    #[test]
    fn clear_errors_for_missing_fields_and_garbage() {
        let missing = CachedToken::from_json(r#"{"expiresAt": "2024-05-01T20:00:00Z"}"#).unwrap_err();
        assert_eq!(missing, CacheFileError::MissingField { what: WHAT, field: "accessToken" });
        assert_eq!(
            missing.to_string(),
            "the SSO token cache file has no `accessToken` field; delete the file and sign in again"
        );
        let missing = CachedToken::from_json(r#"{"accessToken": "x"}"#).unwrap_err();
        assert_eq!(missing, CacheFileError::MissingField { what: WHAT, field: "expiresAt" });
        let wrong = CachedToken::from_json(r#"{"accessToken": 5, "expiresAt": "2024-05-01T20:00:00Z"}"#);
        assert!(matches!(wrong, Err(CacheFileError::WrongType { field: "accessToken", .. })));
        let bad_time = CachedToken::from_json(r#"{"accessToken": "x", "expiresAt": "soon"}"#).unwrap_err();
        assert!(bad_time.to_string().contains("`expiresAt`"), "{bad_time}");
        let trailing = CachedToken::from_json(&format!("{SPEC_TOKEN_JSON}{{}}")).unwrap_err();
        assert!(trailing.to_string().contains("text after the JSON value"), "{trailing}");
        assert!(!trailing.to_string().contains("csecret"));
        assert!(matches!(CachedToken::from_json(""), Err(CacheFileError::InvalidJson { .. })));
        assert!(matches!(CachedToken::from_json("\"x\""), Err(CacheFileError::NotAnObject { .. })));
    }

    #[test]
    fn debug_never_shows_secrets() {
        let debug = format!("{:?}", spec_token());
        for secret in ["\"AT\"", "csecret", "\"RT\""] {
            assert!(!debug.contains(secret), "{debug}");
        }
    }

    #[test]
    fn status_boundaries() {
        let expires = t("2024-05-01T20:00:00Z");
        let now = |s: i64| expires.plus_seconds(-s);
        assert_eq!(TokenStatus::at(expires, now(0)), TokenStatus::Expired { expired_at: expires });
        assert_eq!(TokenStatus::at(expires, now(-1)), TokenStatus::Expired { expired_at: expires });
        assert_eq!(TokenStatus::at(expires, now(1)), TokenStatus::Expiring { expires_at: expires });
        assert_eq!(TokenStatus::at(expires, now(899)), TokenStatus::Expiring { expires_at: expires });
        assert_eq!(TokenStatus::at(expires, now(900)), TokenStatus::Valid { expires_at: expires });
        let token = spec_token();
        assert!(token.is_expired(now(0)));
        assert!(!token.is_expired(now(1)));
        assert!(token.in_botocore_refresh_window(now(899)));
        assert!(!token.in_botocore_refresh_window(now(900)));
        assert!(token.expires_soon_for_rust_sdk(now(300)));
        assert!(!token.expires_soon_for_rust_sdk(now(301)));
    }

    #[test]
    fn refreshability_follows_botocore_and_the_rust_sdk() {
        let now = t("2024-05-01T19:55:00Z");
        let token = spec_token();
        assert!(token.refreshable_by_botocore(now));
        assert!(token.refreshable_by_rust_sdk(now, None));
        assert!(token.refreshable_by_rust_sdk(now, Some(now.plus_seconds(-30))));
        assert!(!token.refreshable_by_rust_sdk(now, Some(now.plus_seconds(-29))));
        for broken in [
            CachedToken { refresh_token: None, ..spec_token() },
            CachedToken { client_id: None, ..spec_token() },
            CachedToken { client_secret: None, ..spec_token() },
            CachedToken { registration_expires_at: None, ..spec_token() },
        ] {
            assert!(!broken.refreshable_by_botocore(now));
            assert!(!broken.refreshable_by_rust_sdk(now, None));
        }
        let registration_end = t("2024-08-01T12:00:00Z");
        assert!(token.refreshable_by_botocore(registration_end.plus_seconds(-1)));
        assert!(!token.refreshable_by_botocore(registration_end));
    }

    #[test]
    fn refreshed_token_follows_botocore() {
        let old = spec_token();
        let new_expiry = t("2024-05-02T04:00:00Z");
        let without = old.refreshed(Secret::new("AT2"), new_expiry, None, "https://s", "eu-west-1");
        assert_eq!(without.refresh_token, None);
        assert_eq!(
            without.to_cli_json(),
            r#"{"startUrl": "https://s", "region": "eu-west-1", "accessToken": "AT2", "expiresAt": "2024-05-02T04:00:00Z", "clientId": "cid", "clientSecret": "csecret", "registrationExpiresAt": "2024-08-01T12:00:00Z"}"#
        );
        let with = old.refreshed(Secret::new("AT2"), new_expiry, Some(Secret::new("RT2")), "u", "r");
        assert_eq!(with.refresh_token, Some(Secret::new("RT2")));
    }
}
