//! Cache file names: SHA-1 hex keys exactly as the AWS CLI computes them (spec §1.1, §1.6, §2).

use super::pyjson::{dumps, DumpsOptions, PyValue};
/// Lower-case hex SHA-1 of the UTF-8 bytes of `input`.
pub fn sha1_hex(input: &str) -> String {
    lower_hex(&sha1(input.as_bytes()))
}

/// SHA-1 (FIPS 180-4 §6.1) with rolled-up rounds. The AWS CLI names cache files by it (a file
/// name, not a security property); the `sha1` crate's unrolled rounds cost several KB of the wasm
/// module. A test holds this to the `sha1` crate over thousands of inputs of every length class.
pub(crate) fn sha1(message: &[u8]) -> [u8; 20] {
    let mut state: [u32; 5] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0];
    // The message, 0x80, zeros to 56 mod 64, then the bit length big-endian.
    let mut padded = message.to_vec();
    padded.push(0x80);
    while padded.len() % 64 != 56 {
        padded.push(0);
    }
    padded.extend_from_slice(&(message.len() as u64).wrapping_mul(8).to_be_bytes());
    for block in padded.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = state;
        for (i, word) in w.iter().enumerate() {
            let (f, k) = match i / 20 {
                0 => ((b & c) | (!b & d), 0x5A82_7999),
                1 => (b ^ c ^ d, 0x6ED9_EBA1),
                2 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let next = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*word);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = next;
        }
        for (total, part) in state.iter_mut().zip([a, b, c, d, e]) {
            *total = total.wrapping_add(part);
        }
    }
    let mut digest = [0u8; 20];
    for (bytes, word) in digest.chunks_exact_mut(4).zip(state) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
    digest
}

/// Two lower-case hex digits per byte.
pub(crate) fn lower_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    hex
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
    fn sha1_matches_fips_vectors_and_the_sha1_crate() {
        use sha1::Digest;
        assert_eq!(lower_hex(&sha1(b"abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(lower_hex(&sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            lower_hex(&sha1(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
        // Every length around the block and padding boundaries, with varied bytes.
        let mut seed: u32 = 0x2545_f491;
        for len in 0..300 {
            let message: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (seed >> 16) as u8
                })
                .collect();
            assert_eq!(sha1(&message).as_slice(), sha1::Sha1::digest(&message).as_slice(), "length {len}");
        }
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
