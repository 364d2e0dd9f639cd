//! Cache file names: SHA-1 hex keys exactly as the AWS CLI computes them (spec §1.1, §1.6, §2).

use super::pyjson::{dumps, DumpsOptions, PyValue};

/// Lower-case hex SHA-1 of the UTF-8 bytes of `input`: the AWS CLI names cache files by it (a file
/// name, not a security property).
pub fn sha1_hex(input: &str) -> String {
    sha1_smol::Sha1::from(input).digest().to_string()
}

/// What an SSO token is stored under: the sso-session name, or for legacy profiles the start URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenCacheIdentity<'a> {
    /// `sso_session = NAME`: the name exactly as written in the `[sso-session NAME]` header.
    Session(&'a str),
    /// Legacy profile: `sso_start_url` exactly as configured (no normalisation).
    LegacyStartUrl(&'a str),
}

impl TokenCacheIdentity<'_> {
    /// The text the cache key is the SHA-1 of (see [`token_cache_key`]).
    pub fn identifier(&self) -> &str {
        match self {
            TokenCacheIdentity::Session(s) | TokenCacheIdentity::LegacyStartUrl(s) => s,
        }
    }
}

/// The token cache key (file stem) for a session name or legacy start URL: `sha1_hex(identifier)`.
pub fn token_cache_key(identifier: &str) -> String {
    sha1_hex(identifier)
}

/// `<key>.json`, the token's file name inside `~/.aws/sso/cache/`.
pub fn token_cache_file_name(identity: &TokenCacheIdentity<'_>) -> String {
    format!("{}.json", token_cache_key(identity.identifier()))
}

/// The inputs of the client-registration cache key (`BaseSSOTokenFetcher._registration_cache_key`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistrationCacheKeyInput<'a> {
    /// The configured start URL (never the resolved vanity URL).
    pub start_url: &'a str,
    /// The SSO region used for OIDC.
    pub region: &'a str,
    /// The parsed `sso_registration_scopes`, or `None` when the key is absent (→ `null`, which is a
    /// different key from `Some(vec![])` → `[]`). Never the PKCE default scope.
    pub scopes: Option<&'a [String]>,
    /// The sso-session name, `None` for legacy profiles.
    pub session_name: Option<&'a str>,
}

impl RegistrationCacheKeyInput<'_> {
    /// The exact bytes hashed: `json.dumps({...}, sort_keys=True)`.
    pub fn key_json(&self) -> String {
        let scopes = match self.scopes {
            None => PyValue::Null,
            Some(list) => PyValue::str_list(list),
        };
        let value = PyValue::Object(vec![
            ("tool", PyValue::Str("botocore")),
            ("startUrl", PyValue::Str(self.start_url)),
            ("region", PyValue::Str(self.region)),
            ("scopes", scopes),
            ("session_name", self.session_name.map_or(PyValue::Null, PyValue::Str)),
        ]);
        dumps(&value, DumpsOptions::SORTED)
    }

    /// The registration file stem in `~/.aws/sso/cache/`.
    pub fn cache_key(&self) -> String {
        sha1_hex(&self.key_json())
    }
}

/// Parse `sso_registration_scopes` like `parse_sso_registration_scopes`: split on `,`, strip
/// whitespace (Python `str.strip()`), drop empty items. `""` → `[]`.
pub fn parse_registration_scopes(raw: &str) -> Vec<String> {
    // A loop rather than a `map`/`filter` chain `collect`ed: its adapters are more code in the wasm
    // module.
    let mut scopes = Vec::new();
    for scope in raw.split(',') {
        let scope = scope.trim_matches(is_python_whitespace);
        if !scope.is_empty() {
            scopes.push(scope.to_owned());
        }
    }
    scopes
}

/// Python's `str.strip()` strips Unicode whitespace, plus the ASCII separators Rust does not count.
fn is_python_whitespace(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}')
}

/// How the profile names its SSO login in the CLI's role-credential cache key (spec §1.6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoleCacheSource<'a> {
    /// The profile uses `sso_session = NAME` → `"sessionName"`.
    Session(&'a str),
    /// Legacy profile → `"startUrl"`.
    LegacyStartUrl(&'a str),
}

/// The exact bytes hashed for `~/.aws/cli/cache`: compact sorted JSON of `roleName`, `accountId`
/// and `sessionName` or `startUrl`.
pub fn role_credentials_cache_key_json(
    account_id: &str,
    role_name: &str,
    source: &RoleCacheSource<'_>,
) -> String {
    let last = match source {
        RoleCacheSource::Session(name) => ("sessionName", PyValue::Str(name)),
        RoleCacheSource::LegacyStartUrl(url) => ("startUrl", PyValue::Str(url)),
    };
    let value = PyValue::Object(vec![
        ("roleName", PyValue::Str(role_name)),
        ("accountId", PyValue::Str(account_id)),
        last,
    ]);
    dumps(&value, DumpsOptions::COMPACT_SORTED)
}

/// The role-credential cache file stem in `~/.aws/cli/cache/`.
pub fn role_credentials_cache_key(account_id: &str, role_name: &str, source: &RoleCacheSource<'_>) -> String {
    sha1_hex(&role_credentials_cache_key_json(account_id, role_name, source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_hex_matches_fips_vectors() {
        assert_eq!(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
    }

    #[test]
    fn token_cache_keys_from_the_spec() {
        // Spec §1.1 vectors (smithy-rs and AWS CLI tests).
        for (identifier, sha) in [
            ("admin", "d033e22ae348aeb5660fc2140aec35850c4da997"),
            ("dev-scopes", "75e4d41276d8bd17f85986fc6cccef29fd725ce3"),
            ("https://d-92671207e4.awsapps.com/start", "13f9d35043871d073ab260e020f0ffde092cb14b"),
            ("https://d-abc123.awsapps.com/start", "40a89917e3175433e361b710a9d43528d7f1890a"),
            ("test", "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"),
            ("dev", "34c6fceca75e456f25e7e99531e2425c6c1de443"),
            ("https://ssotest.awsapps.com/start", "dace00cba5f8355ec9d274ceb2bcebdfbeed0e12"),
            ("test-sso", "d12208e38164f558a1d06c99432ab77dbb346c45"),
            ("correct-sso", "29faa2f70ab0f58f60e284d585d95865572f5cbd"),
        ] {
            assert_eq!(token_cache_key(identifier), sha, "{identifier}");
        }
        assert_eq!(
            token_cache_file_name(&TokenCacheIdentity::Session("admin")),
            "d033e22ae348aeb5660fc2140aec35850c4da997.json"
        );
        assert_eq!(
            token_cache_file_name(&TokenCacheIdentity::LegacyStartUrl("https://d-abc123.awsapps.com/start")),
            "40a89917e3175433e361b710a9d43528d7f1890a.json"
        );
    }

    #[test]
    fn registration_key_from_the_cli_test() {
        let input = RegistrationCacheKeyInput {
            start_url: "https://d-abc123.awsapps.com/start",
            region: "us-west-2",
            scopes: None,
            session_name: None,
        };
        assert_eq!(
            input.key_json(),
            r#"{"region": "us-west-2", "scopes": null, "session_name": null, "startUrl": "https://d-abc123.awsapps.com/start", "tool": "botocore"}"#
        );
        assert_eq!(input.cache_key(), "d75f79f67bab3f92a2b1450471c0c2574de0dca4");
    }

    #[test]
    fn registration_keys_computed_in_the_spec() {
        let scopes = vec!["sso:account:access".to_string()];
        let with_scopes = RegistrationCacheKeyInput {
            start_url: "https://d-abc123.awsapps.com/start",
            region: "us-east-1",
            scopes: Some(&scopes),
            session_name: Some("dev"),
        };
        assert_eq!(
            with_scopes.key_json(),
            r#"{"region": "us-east-1", "scopes": ["sso:account:access"], "session_name": "dev", "startUrl": "https://d-abc123.awsapps.com/start", "tool": "botocore"}"#
        );
        assert_eq!(with_scopes.cache_key(), "c6b2fc6aec0d9c2d2652036ffbe173a43a8ba2c3");
        let null_scopes = RegistrationCacheKeyInput { scopes: None, ..with_scopes.clone() };
        assert_eq!(null_scopes.cache_key(), "f84477c4544ffee122d4e7b0f5d942797620c4b1");
        let empty: Vec<String> = vec![];
        let empty_scopes = RegistrationCacheKeyInput { scopes: Some(&empty), ..with_scopes };
        assert!(empty_scopes.key_json().contains(r#""scopes": [], "#));
        assert_ne!(empty_scopes.cache_key(), null_scopes.cache_key());
    }

    #[test]
    fn scope_parsing_from_the_cli_tests() {
        assert_eq!(parse_registration_scopes(" scope-1, scope-2 "), vec!["scope-1", "scope-2"]);
        assert_eq!(parse_registration_scopes(""), Vec::<String>::new());
        assert_eq!(parse_registration_scopes(" , ,a,,\tb\t"), vec!["a", "b"]);
        assert_eq!(parse_registration_scopes("sso:account:access"), vec!["sso:account:access"]);
    }

    #[test]
    fn role_credentials_keys_from_the_spec() {
        let legacy = RoleCacheSource::LegacyStartUrl("https://d-92671207e4.awsapps.com/start");
        assert_eq!(
            role_credentials_cache_key_json("1234567890", "test-role", &legacy),
            r#"{"accountId":"1234567890","roleName":"test-role","startUrl":"https://d-92671207e4.awsapps.com/start"}"#
        );
        assert_eq!(
            role_credentials_cache_key("1234567890", "test-role", &legacy),
            "048db75bbe50955c16af7aba6ff9c41a3131bb7e"
        );
        let session = RoleCacheSource::Session("admin");
        assert_eq!(
            role_credentials_cache_key_json("1234567890", "test-role", &session),
            r#"{"accountId":"1234567890","roleName":"test-role","sessionName":"admin"}"#
        );
        assert_eq!(
            role_credentials_cache_key("1234567890", "test-role", &session),
            "7568f0b6f39ebd7da2245b2b8c4f93e29a051f33"
        );
    }
}
