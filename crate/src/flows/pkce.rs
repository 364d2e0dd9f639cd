//! Authorization code + PKCE (spec §4), the AWS CLI's default sign-in since 2.22.
//!
//! Split in two so a browser extension can survive a service-worker restart in between:
//! [`pkce_start`] returns the authorize URL to open and a [`PendingPkce`] (serialisable: keep it in
//! `chrome.storage.session`, it holds the verifier and client secret); once the browser reaches
//! `http://127.0.0.1:<port>/oauth/callback?...`, [`pkce_finish`] checks that URL and exchanges the
//! code.

use super::registration::{obtain_registration, ObtainedRegistration, RegistrationRequest};
use super::IssuedToken;
use crate::cache::RegistrationKind;
use crate::error::{ErrorKind, Operation, SsoError};
use crate::http::{Clock, Random, Transport};
use crate::json::{Json, MemberError, Members, ObjectWriter};
use crate::oidc::url::{encode_component, query_pairs};
use crate::oidc::{pkce_scopes, ClientCredentials, Grant, OidcClient};
use crate::secret::Secret;
use crate::time::UtcTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Length of the code verifier (the CLI's; RFC 7636 allows 43–128).
pub const CODE_VERIFIER_LEN: usize = 64;
/// The verifier alphabet: RFC 7636 unreserved characters, as the CLI draws from.
const VERIFIER_ALPHABET: &[u8; 66] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
/// How long a started PKCE sign-in stays valid (the CLI waits 600 s for the callback).
pub const PKCE_TIMEOUT_SECONDS: i64 = 600;

/// A random code verifier: 64 characters from `[A-Za-z0-9-._~]`, uniformly (rejection sampling).
pub fn code_verifier(random: &impl Random) -> Secret {
    // 198 = 3 × 66: bytes at or above it are discarded so every character is equally likely.
    const ACCEPT_BELOW: u8 = 198;
    let mut verifier = String::with_capacity(CODE_VERIFIER_LEN);
    let mut buffer = [0u8; 96];
    while verifier.len() < CODE_VERIFIER_LEN {
        random.fill_bytes(&mut buffer);
        for &byte in buffer.iter().filter(|b| **b < ACCEPT_BELOW) {
            if verifier.len() == CODE_VERIFIER_LEN {
                break;
            }
            verifier.push(char::from(VERIFIER_ALPHABET[usize::from(byte % 66)]));
        }
    }
    Secret::new(verifier)
}

/// `S256` challenge: base64url(SHA-256(verifier)) without padding (43 characters).
pub fn code_challenge(verifier: &str) -> String {
    base64url_no_padding(&Sha256::digest(verifier.as_bytes()))
}

/// RFC 4648 §5 base64url without `=` padding.
fn base64url_no_padding(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64UrlUnpadded::encode_string(bytes)
}

/// A random version-4 UUID in its usual text form (the CLI's `state` is `str(uuid4())`).
pub fn random_state(random: &impl Random) -> String {
    let mut bytes = [0u8; 16];
    random.fill_bytes(&mut bytes);
    uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
}

/// A port for the loopback redirect when nothing real listens on it (a browser extension watches
/// the navigation instead): uniform in the dynamic range 49152–65535 (RFC 6335), like the
/// ephemeral port the CLI's listener gets from the OS.
pub fn random_loopback_port(random: &impl Random) -> u16 {
    const FIRST: u16 = 49152;
    let mut bytes = [0u8; 2];
    random.fill_bytes(&mut bytes);
    // 16384 ports: the low 14 bits are uniform.
    FIRST + (u16::from_le_bytes(bytes) & 0x3fff)
}

/// `http://127.0.0.1:<port>/oauth/callback`, the redirect URI of the authorize request and the
/// token exchange (the registration holds the port-less form).
pub fn redirect_uri(port: u16) -> String {
    format!("http://127.0.0.1:{port}/oauth/callback")
}

/// The authorize URL exactly as the CLI builds it: parameters in this order, values
/// percent-encoded except `-._~`, scopes space-joined under the name `scopes`, and the challenge
/// appended as is.
pub fn authorize_url(
    authorize_endpoint: &str,
    client_id: &str,
    redirect_uri: &str,
    state: &str,
    scopes: &[String],
    challenge: &str,
) -> String {
    format!(
        "{authorize_endpoint}?response_type=code&client_id={}&redirect_uri={}&state={}&code_challenge_method=S256&scopes={}&code_challenge={challenge}",
        encode_component(client_id),
        encode_component(redirect_uri),
        encode_component(state),
        encode_component(&scopes.join(" ")),
    )
}

/// A started PKCE sign-in, waiting for the browser's callback. Serialise it (`to_json`) to keep it
/// across a restart; it holds secrets (the verifier, the client secret), so store it only where
/// secrets may live. `Debug` redacts them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingPkce {
    /// The registered client's ID.
    pub client_id: String,
    /// The registered client's secret.
    pub client_secret: Secret,
    /// `http://127.0.0.1:<port>/oauth/callback`.
    pub redirect_uri: String,
    /// The `state` sent to the authorize endpoint; the callback must return it unchanged.
    pub state: String,
    /// The PKCE code verifier whose challenge was sent (RFC 7636).
    pub code_verifier: Secret,
    /// Unix seconds after which the callback is refused.
    pub expires_at: i64,
}

impl PendingPkce {
    /// The serde shape (camelCase members), written without serde's generic serializer.
    pub fn to_json(&self) -> String {
        ObjectWriter::new()
            .str("clientId", &self.client_id)
            .str("clientSecret", self.client_secret.expose())
            .str("redirectUri", &self.redirect_uri)
            .str("state", &self.state)
            .str("codeVerifier", self.code_verifier.expose())
            .int("expiresAt", self.expires_at)
            .finish()
    }

    /// Reads what [`Self::to_json`] wrote; an error of code `invalid_input` when it is not that.
    pub fn from_json(text: &str) -> Result<PendingPkce, SsoError> {
        let unreadable = |detail: &dyn std::fmt::Display| {
            SsoError::new(
                ErrorKind::InvalidInput,
                Operation::Authorize,
                format!("the saved sign-in state is unreadable ({detail})"),
            )
        };
        let value = Json::parse(text).map_err(|e| unreadable(&e))?;
        PendingPkce::from_members(Members::of(&value).map_err(|e| unreadable(&e))?)
            .map_err(|e| unreadable(&e))
    }

    /// Reads the `to_json` shape (camelCase members).
    pub fn from_members(members: Members<'_>) -> Result<PendingPkce, MemberError> {
        Ok(PendingPkce {
            client_id: members.string("clientId")?,
            client_secret: Secret::new(members.str("clientSecret")?),
            redirect_uri: members.string("redirectUri")?,
            state: members.string("state")?,
            code_verifier: Secret::new(members.str("codeVerifier")?),
            expires_at: members.i64("expiresAt")?,
        })
    }

    /// The client credentials for CreateToken.
    pub fn client(&self) -> ClientCredentials {
        ClientCredentials { client_id: self.client_id.clone(), client_secret: self.client_secret.clone() }
    }
}

/// Start a PKCE sign-in: returns the URL to open in the browser and the state to keep.
/// `authorize_endpoint` comes from [`OidcClient::authorize_endpoint`]; `scopes` from
/// [`pkce_scopes`]; `port` is the loopback port whose callback will be watched.
pub fn pkce_start(
    random: &impl Random,
    clock: &impl Clock,
    authorize_endpoint: &str,
    client: &ClientCredentials,
    scopes: &[String],
    port: u16,
) -> (String, PendingPkce) {
    let verifier = code_verifier(random);
    let state = random_state(random);
    let redirect = redirect_uri(port);
    let url = authorize_url(
        authorize_endpoint,
        &client.client_id,
        &redirect,
        &state,
        scopes,
        &code_challenge(verifier.expose()),
    );
    let pending = PendingPkce {
        client_id: client.client_id.clone(),
        client_secret: client.client_secret.clone(),
        redirect_uri: redirect,
        state,
        code_verifier: verifier,
        expires_at: clock.now().plus_seconds(PKCE_TIMEOUT_SECONDS).unix_seconds(),
    };
    (url, pending)
}

/// The authorization code from the callback URL. `state` is checked before anything else: a
/// callback without this sign-in's state is not ours (another page, a forged link), so neither its
/// `error` nor its text is believed or shown. Then an `error` fails the sign-in (its code and
/// description are page-supplied text: reduced to printable characters and a bounded length),
/// and `code` must be present.
pub fn parse_callback(pending: &PendingPkce, callback_url: &str, now: UtcTime) -> Result<Secret, SsoError> {
    let op = Operation::Authorize;
    if now.unix_seconds() >= pending.expires_at {
        return Err(SsoError::new(
            ErrorKind::ExpiredToken,
            op,
            "the sign-in was not completed within 10 minutes",
        ));
    }
    let pairs = query_pairs(callback_url).ok_or_else(|| {
        SsoError::new(ErrorKind::InvalidCallback, op, "the callback URL is not valid UTF-8")
    })?;
    let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    match get("state") {
        Some(state) if state == pending.state => {}
        Some(_) => {
            return Err(SsoError::new(
                ErrorKind::StateMismatch,
                op,
                "State parameter does not match expected value",
            ))
        }
        None => {
            return Err(SsoError::new(
                ErrorKind::InvalidCallback,
                op,
                "the callback URL has no `state`, so it is not this sign-in's answer",
            ))
        }
    }
    if let Some(error) = get("error") {
        let detail = match get("error_description").filter(|d| !d.is_empty()) {
            Some(description) => format!("{}: {}", page_text(error), page_text(description)),
            None => page_text(error),
        };
        return Err(SsoError::new(ErrorKind::AuthorizationFailed, op, detail));
    }
    let Some(code) = get("code").filter(|c| !c.is_empty()) else {
        return Err(SsoError::new(ErrorKind::InvalidCallback, op, "the callback URL has no `code`"));
    };
    Ok(Secret::new(code))
}

/// Text from the authorize page's redirect, fit to show: control characters (line breaks, escape
/// sequences, bidi overrides) become spaces and it is cut at 200 characters.
fn page_text(text: &str) -> String {
    const MAX_CHARS: usize = 200;
    let mut shown: String = text
        .chars()
        .take(MAX_CHARS)
        .map(|c| {
            if c.is_control()
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
            {
                ' '
            } else {
                c
            }
        })
        .collect();
    if text.chars().count() > MAX_CHARS {
        shown.push('…');
    }
    shown
}

/// Finish a PKCE sign-in: check the callback URL and exchange its code (CreateToken,
/// authorization_code grant, with the port-bearing redirect URI and the verifier).
pub async fn pkce_finish<T: Transport, C: Clock>(
    oidc: &OidcClient<T>,
    clock: &C,
    pending: &PendingPkce,
    callback_url: &str,
) -> Result<IssuedToken, SsoError> {
    let code = parse_callback(pending, callback_url, clock.now())?;
    let grant = Grant::AuthorizationCode {
        code,
        redirect_uri: pending.redirect_uri.clone(),
        code_verifier: pending.code_verifier.clone(),
    };
    let response = oidc.create_token(&pending.client(), &grant).await?;
    Ok(IssuedToken::from_response(response, clock.now()))
}

/// A PKCE login ready for the browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PkceLoginStarted {
    /// The client registration used (and whether to write it to the cache).
    pub registration: ObtainedRegistration,
    /// The URL to open in the browser (the OIDC authorize endpoint with the PKCE challenge).
    pub authorize_url: String,
    /// What [`pkce_finish`] needs when the callback arrives.
    pub pending: PendingPkce,
}

/// Registration (reused or new, PKCE kind) and [`pkce_start`] in one step.
pub async fn start_pkce_login<T: Transport, C: Clock, R: Random>(
    oidc: &OidcClient<T>,
    clock: &C,
    random: &R,
    request: &RegistrationRequest<'_>,
    cached_registration_file: Option<&str>,
    port: u16,
) -> Result<PkceLoginStarted, SsoError> {
    let registration = obtain_registration(
        oidc,
        clock,
        request,
        RegistrationKind::AuthorizationCode,
        cached_registration_file,
    )
    .await?;
    let scopes = pkce_scopes(request.scopes);
    let client = ClientCredentials::from(&registration.registration);
    let (authorize_url, pending) =
        pkce_start(random, clock, &oidc.authorize_endpoint(), &client, &scopes, port);
    Ok(PkceLoginStarted { registration, authorize_url, pending })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::fakes::{aws_error, json, CountingRandom, FakeTime, Scripted};

    #[test]
    fn base64url_matches_rfc_4648_vectors_without_padding() {
        // RFC 4648 §10, padding removed; plus bytes that use `-` and `_`.
        for (input, expected) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url_no_padding(input.as_bytes()), expected);
        }
        assert_eq!(base64url_no_padding(&[0xfb, 0xff, 0xbf]), "-_-_");
    }

    #[test]
    fn challenge_matches_the_spec_example() {
        assert_eq!(
            code_challenge("dBjftJeZ4CVP-mJ92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "ngF5GsXcbwljx6u133FFr3Xht9xooA_DuaX_3QwODtc"
        );
        assert_eq!(code_challenge("x").len(), 43);
    }

    #[test]
    fn verifier_is_64_unreserved_characters_using_the_whole_alphabet() {
        let random = CountingRandom::default();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..50 {
            let v = code_verifier(&random);
            assert_eq!(v.expose().len(), 64);
            assert!(v.expose().bytes().all(|c| VERIFIER_ALPHABET.contains(&c)));
            seen.extend(v.expose().bytes());
        }
        assert_eq!(seen.len(), 66);
        // A source that only yields rejected bytes would loop; one rejected byte among good ones is skipped.
        struct Mostly(std::cell::Cell<u8>);
        impl Random for Mostly {
            fn fill_bytes(&self, dest: &mut [u8]) {
                for b in dest {
                    self.0.set(self.0.get().wrapping_add(1));
                    *b = if self.0.get() % 2 == 0 { 255 } else { 0 };
                }
            }
        }
        assert_eq!(code_verifier(&Mostly(Default::default())).expose(), "A".repeat(64));
    }

    #[test]
    fn loopback_ports_are_in_the_dynamic_range() {
        let random = CountingRandom::default();
        let ports: std::collections::HashSet<u16> = (0..500).map(|_| random_loopback_port(&random)).collect();
        assert!(ports.iter().all(|p| *p >= 49152));
        // The counting source cycles through 128 byte pairs: all of them must give distinct ports.
        assert_eq!(ports.len(), 128);
    }

    #[test]
    fn state_is_uuid4_text() {
        let s = random_state(&CountingRandom::default());
        assert_eq!(s.len(), 36);
        let parts: Vec<_> = s.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
        assert_eq!(&s[14..15], "4");
        assert!(matches!(&s[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn authorize_url_matches_the_cli_test() {
        let url = authorize_url(
            "https://oidc.us-east-1.amazonaws.com/authorize",
            "auth-client-id",
            &redirect_uri(55555),
            "00000000-0000-0000-0000-000000000000",
            &["sso:account:access".to_owned()],
            "ngF5GsXcbwljx6u133FFr3Xht9xooA_DuaX_3QwODtc",
        );
        assert_eq!(
            url,
            "https://oidc.us-east-1.amazonaws.com/authorize?response_type=code&client_id=auth-client-id&redirect_uri=http%3A%2F%2F127.0.0.1%3A55555%2Foauth%2Fcallback&state=00000000-0000-0000-0000-000000000000&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=ngF5GsXcbwljx6u133FFr3Xht9xooA_DuaX_3QwODtc"
        );
        let two =
            authorize_url("https://x/authorize", "c", "r", "s", &["sso:foo".into(), "sso:bar".into()], "ch");
        assert!(two.contains("&scopes=sso%3Afoo%20sso%3Abar&code_challenge=ch"), "{two}");
    }

    fn started(time: &FakeTime) -> (String, PendingPkce) {
        let client = ClientCredentials { client_id: "cid".into(), client_secret: Secret::new("csecret") };
        pkce_start(
            &CountingRandom::default(),
            time,
            "http://127.0.0.1:4566/authorize",
            &client,
            &pkce_scopes(None),
            50123,
        )
    }

    #[test]
    fn start_builds_a_consistent_url_and_pending_state() {
        let time = FakeTime::at(1_700_000_000);
        let (url, pending) = started(&time);
        assert!(url.starts_with("http://127.0.0.1:4566/authorize?response_type=code&client_id=cid&redirect_uri=http%3A%2F%2F127.0.0.1%3A50123%2Foauth%2Fcallback&state="));
        assert!(url.contains(&format!("&state={}&", pending.state)));
        assert!(url.ends_with(&format!("&code_challenge={}", code_challenge(pending.code_verifier.expose()))));
        assert_eq!(pending.redirect_uri, "http://127.0.0.1:50123/oauth/callback");
        assert_eq!(pending.expires_at, 1_700_000_600);
        // Survives a restart, and Debug keeps its secrets.
        assert_eq!(PendingPkce::from_json(&pending.to_json()).unwrap(), pending);
        assert_eq!(pending.to_json(), serde_json::to_string(&pending).unwrap(), "the serde shape");
        let shown = format!("{pending:?}");
        assert!(!shown.contains("csecret") && !shown.contains(pending.code_verifier.expose()), "{shown}");
        assert_eq!(PendingPkce::from_json("{").unwrap_err().code(), "invalid_input");
    }

    #[test]
    fn callback_checks() {
        let time = FakeTime::at(1_700_000_000);
        let (_, pending) = started(&time);
        let now = time.now();
        let good = format!("http://127.0.0.1:50123/oauth/callback?code=the%2Bcode&state={}", pending.state);
        assert_eq!(parse_callback(&pending, &good, now).unwrap().expose(), "the+code");
        let state = &pending.state;
        let cases = [
            (
                format!("http://127.0.0.1:50123/oauth/callback?error=access_denied&error_description=User+said+no&state={state}"),
                "authorization_failed",
            ),
            (format!("http://127.0.0.1:50123/oauth/callback?error=server_error&state={state}"), "authorization_failed"),
            (
                "http://127.0.0.1:50123/oauth/callback?code=c&state=00000000-0000-4000-8000-000000000000"
                    .to_owned(),
                "state_mismatch",
            ),
            (format!("http://127.0.0.1:50123/oauth/callback?state={state}"), "invalid_callback"),
            ("http://127.0.0.1:50123/favicon.ico".to_owned(), "invalid_callback"),
            ("http://127.0.0.1:50123/oauth/callback?code=%FF&state=x".to_owned(), "invalid_callback"),
        ];
        for (url, code) in cases {
            assert_eq!(parse_callback(&pending, &url, now).unwrap_err().code(), code, "{url}");
        }
        let err = parse_callback(&pending, &cases_first(state), now).unwrap_err();
        assert!(err.to_string().contains("access_denied: User said no"), "{err}");
        let late = parse_callback(&pending, &good, now.plus_seconds(600)).unwrap_err();
        assert_eq!(late.code(), "expired_token");
    }

    fn cases_first(state: &str) -> String {
        format!("http://127.0.0.1:50123/oauth/callback?error=access_denied&error_description=User+said+no&state={state}")
    }

    #[test]
    fn callback_state_is_checked_before_its_error() {
        let time = FakeTime::at(1_700_000_000);
        let (_, pending) = started(&time);
        let now = time.now();
        // A page that is not this sign-in (no state, or another one) cannot put its words in front of the user.
        for url in [
            "http://127.0.0.1:50123/oauth/callback?error=access_denied&error_description=Call+0800+support",
            "http://127.0.0.1:50123/oauth/callback?error=access_denied&error_description=Call+0800+support&state=forged",
        ] {
            let err = parse_callback(&pending, url, now).unwrap_err();
            assert_ne!(err.code(), "authorization_failed", "{url}");
            assert!(!err.to_string().contains("0800"), "{err}");
        }
        // This sign-in's own error is shown, without line breaks or bidi tricks, and bounded.
        let url = format!(
            "http://127.0.0.1:50123/oauth/callback?error=access_denied&error_description=a%0Ab%E2%80%AEc{}&state={}",
            "x".repeat(500),
            pending.state
        );
        let shown = parse_callback(&pending, &url, now).unwrap_err().to_string();
        assert!(shown.contains("a b c") && !shown.contains('\n') && !shown.contains('\u{202e}'), "{shown}");
        assert!(shown.len() < 400, "{shown}");
    }

    #[test]
    fn finish_exchanges_the_code_with_the_verifier() {
        let time = FakeTime::at(1_700_000_000);
        let (_, pending) = started(&time);
        let transport = Scripted::new(
            &time,
            vec![
                json(200, r#"{"accessToken":"at","expiresIn":3600,"refreshToken":"rt"}"#),
                aws_error(400, "InvalidGrantException"),
            ],
        );
        let oidc = OidcClient::new("http://127.0.0.1:4566", &transport).unwrap();
        let callback = format!("http://127.0.0.1:50123/oauth/callback?code=abc&state={}", pending.state);
        let token = pollster::block_on(pkce_finish(&oidc, &time, &pending, &callback)).unwrap();
        assert_eq!(token.expires_at.unix_seconds(), 1_700_003_600);
        let body = String::from_utf8(transport.sent.borrow()[0].1.body.clone()).unwrap();
        assert_eq!(
            body,
            format!(
                r#"{{"clientId":"cid","clientSecret":"csecret","grantType":"authorization_code","redirectUri":"http://127.0.0.1:50123/oauth/callback","codeVerifier":"{}","code":"abc"}}"#,
                pending.code_verifier.expose()
            )
        );
        let err = pollster::block_on(pkce_finish(&oidc, &time, &pending, &callback)).unwrap_err();
        assert_eq!(err.code(), "invalid_grant");
        // A bad callback never reaches the network.
        let err = pollster::block_on(pkce_finish(
            &oidc,
            &time,
            &pending,
            "http://127.0.0.1:50123/oauth/callback?code=abc&state=nope",
        ))
        .unwrap_err();
        assert_eq!(err.code(), "state_mismatch");
        assert_eq!(transport.sent.borrow().len(), 2);
    }
}
