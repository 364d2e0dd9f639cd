//! AWS credentials, and the AWS CLI's role-credential cache file `~/.aws/cli/cache/<sha1>.json`
//! (spec §1.6). The key is in [`super::keys::role_credentials_cache_key`].

use super::lenient::{CacheFileError, LenientObject};
use super::pyjson::{dumps, DumpsOptions, PyValue};
use crate::secret::Secret;
use crate::time::UtcTime;

/// The CLI treats cached role credentials as expired when less than this remains
/// (`CachedCredentialFetcher.DEFAULT_EXPIRY_WINDOW_SECONDS`).
pub const ROLE_CREDENTIALS_EXPIRY_WINDOW_SECONDS: i64 = 15 * 60;

const WHAT: &str = "AWS CLI credential cache file";

/// A set of AWS credentials: what GetRoleCredentials returns, what the CLI caches, and what
/// `export-credentials` prints. SSO role credentials always have a session token and expiration;
/// they are optional here so static keys can be exported too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsCredentials {
    /// `AWS_ACCESS_KEY_ID` (`ASIA…` for temporary credentials); not secret on its own.
    pub access_key_id: String,
    /// `AWS_SECRET_ACCESS_KEY`.
    pub secret_access_key: Secret,
    /// `AWS_SESSION_TOKEN`: present for temporary (role) credentials, absent for long-term keys.
    pub session_token: Option<Secret>,
    /// When the credentials stop working; in the cache file the CLI's `YYYY-MM-DDTHH:MM:SSZ`.
    pub expiration: Option<UtcTime>,
    /// The 12-digit account the credentials belong to, when known (`AccountId` in the cache file).
    pub account_id: Option<String>,
}

impl AwsCredentials {
    /// Less than 15 minutes left (or already expired): the CLI fetches new ones.
    /// Credentials without an expiration never expire.
    pub fn needs_refresh(&self, now: UtcTime) -> bool {
        self.expiration.is_some_and(|exp| now.seconds_until(exp) < ROLE_CREDENTIALS_EXPIRY_WINDOW_SECONDS)
    }
}

/// The role-credential cache entry `{"ProviderType": "sso", "Credentials": {…}}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedRoleCredentials {
    /// The credentials the entry holds (`ProviderType` is always `sso`).
    pub credentials: AwsCredentials,
}

impl CachedRoleCredentials {
    /// An entry for `credentials`.
    pub fn new(credentials: AwsCredentials) -> Self {
        CachedRoleCredentials { credentials }
    }

    /// The CLI's bytes: `{"ProviderType": "sso", "Credentials": {"AccessKeyId": …, "SecretAccessKey":
    /// …, "SessionToken": …, "Expiration": "…Z", "AccountId": …}}` with Python's default separators.
    /// Absent optional fields are left out.
    pub fn to_cli_json(&self) -> String {
        let c = &self.credentials;
        let expiration = c.expiration.map(UtcTime::to_cli_string);
        let mut inner = vec![
            ("AccessKeyId", PyValue::Str(&c.access_key_id)),
            ("SecretAccessKey", PyValue::Str(c.secret_access_key.expose())),
        ];
        if let Some(token) = &c.session_token {
            inner.push(("SessionToken", PyValue::Str(token.expose())));
        }
        if let Some(expiration) = &expiration {
            inner.push(("Expiration", PyValue::Str(expiration)));
        }
        if let Some(account) = &c.account_id {
            inner.push(("AccountId", PyValue::Str(account)));
        }
        let outer = PyValue::Object(vec![
            ("ProviderType", PyValue::Str("sso")),
            ("Credentials", PyValue::Object(inner)),
        ]);
        dumps(&outer, DumpsOptions::DEFAULT)
    }

    /// Read leniently. `ProviderType` is not required to be `sso` here; see [`Self::is_sso_entry`].
    pub fn from_json(text: &str) -> Result<CachedRoleCredentials, CacheFileError> {
        let outer = LenientObject::parse(WHAT, text)?;
        let inner = outer.required_object("Credentials")?;
        Ok(CachedRoleCredentials {
            credentials: AwsCredentials {
                access_key_id: inner.required_str("AccessKeyId")?.to_owned(),
                secret_access_key: Secret::new(inner.required_str("SecretAccessKey")?),
                session_token: inner.optional_str("SessionToken")?.map(Secret::new),
                expiration: inner.optional_time("Expiration")?,
                account_id: inner.optional_str("AccountId")?.map(String::from),
            },
        })
    }

    /// Whether `aws sso logout` deletes this file: valid JSON with `"ProviderType": "sso"` (spec §9.1).
    pub fn is_sso_entry(text: &str) -> bool {
        crate::json::Json::parse(text)
            .is_ok_and(|value| value.get("ProviderType").and_then(|v| v.as_str()) == Some("sso"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> AwsCredentials {
        AwsCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("wJalr/secret"),
            session_token: Some(Secret::new("tok+en=")),
            // Portal expiration 1222173800000 ms → /1000 → 2008-09-23T12:43:20Z (spec §1.6).
            expiration: Some(UtcTime::from_unix_millis(1_222_173_800_000)),
            account_id: Some("1234567890".into()),
        }
    }

    #[test]
    fn writes_the_cli_layout() {
        let json = CachedRoleCredentials::new(sample()).to_cli_json();
        assert_eq!(
            json,
            r#"{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "wJalr/secret", "SessionToken": "tok+en=", "Expiration": "2008-09-23T12:43:20Z", "AccountId": "1234567890"}}"#
        );
        assert_eq!(CachedRoleCredentials::from_json(&json).unwrap().credentials, sample());
        assert!(CachedRoleCredentials::is_sso_entry(&json));
        assert!(!CachedRoleCredentials::is_sso_entry(r#"{"ProviderType": "assume-role"}"#));
        assert!(!CachedRoleCredentials::is_sso_entry("not json"));
    }

    #[test]
    fn expiry_window_and_errors() {
        let creds = sample();
        let exp = UtcTime::from_unix_seconds(1_222_173_800);
        assert!(!creds.needs_refresh(exp.plus_seconds(-900)));
        assert!(creds.needs_refresh(exp.plus_seconds(-899)));
        assert!(!AwsCredentials { expiration: None, ..sample() }.needs_refresh(exp));
        let err = CachedRoleCredentials::from_json(r#"{"ProviderType": "sso"}"#).unwrap_err();
        assert_eq!(err, CacheFileError::MissingField { what: WHAT, field: "Credentials" });
        assert!(!format!("{:?}", sample()).contains("wJalr"));
    }
}
