//! The OIDC client registration, reused and renewed exactly as the AWS CLI does (spec §2), so the
//! CLI reuses our registration file and we reuse the CLI's.
//!
//! Rules: one file per (configured start URL, region, scopes, session) for both flows; reuse it
//! while more than 15 minutes remain and its kind fits (PKCE needs `authorization_code` in
//! `grantTypes`; the device flow needs it absent); otherwise RegisterClient again and overwrite it.

use crate::cache::{ClientRegistration, RegistrationCacheKeyInput, RegistrationKind};
use crate::error::SsoError;
use crate::http::{Clock, Transport};
use crate::oidc::{OidcClient, RegisterClientInput};
use crate::secret::Secret;
use crate::time::UtcTime;

/// What a registration is for. All strings as configured, except `issuer_url`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegistrationRequest<'a> {
    /// The sso-session name, `None` for a legacy profile.
    pub session_name: Option<&'a str>,
    /// The configured `sso_start_url` (the cache key uses it as written).
    pub start_url: &'a str,
    /// The resolved start URL sent as PKCE `issuerUrl` (equal to `start_url` unless a vanity URL
    /// was resolved, spec §4.6).
    pub issuer_url: &'a str,
    /// The SSO region.
    pub region: &'a str,
    /// Parsed `sso_registration_scopes`; `None` when the key is absent (a different cache key from
    /// an empty list).
    pub scopes: Option<&'a [String]>,
}

impl RegistrationRequest<'_> {
    /// The registration file stem in `~/.aws/sso/cache/`.
    pub fn cache_key(&self) -> String {
        RegistrationCacheKeyInput {
            start_url: self.start_url,
            region: self.region,
            scopes: self.scopes,
            session_name: self.session_name,
        }
        .cache_key()
    }
}

/// `clientName` as the CLI sends it: `botocore-client-<session>`, or for legacy profiles
/// `botocore-client-<epoch seconds>`.
pub fn client_name(session_name: Option<&str>, now: UtcTime) -> String {
    match session_name {
        Some(session) => format!("botocore-client-{session}"),
        None => format!("botocore-client-{}", now.unix_seconds()),
    }
}

/// The cached registration if the CLI would reuse it for `kind` now; unreadable files count as
/// absent (they get overwritten, as the CLI's would).
pub fn reusable_cached(
    cached_file: Option<&str>,
    kind: RegistrationKind,
    now: UtcTime,
) -> Option<ClientRegistration> {
    let registration = ClientRegistration::from_json(cached_file?).ok()?;
    registration.reusable_for(kind, now).then_some(registration)
}

/// A registration to use, and what to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObtainedRegistration {
    /// The client registration (reused from the cache or new).
    pub registration: ClientRegistration,
    /// The file stem in `~/.aws/sso/cache/` (`<cache_key>.json`).
    pub cache_key: String,
    /// `Some(text)` when a new client was registered: write it to the cache file, replacing the old
    /// one (0600, atomically). `None` when the cached registration was reused. A [`Secret`]
    /// because the text holds the client secret.
    pub new_cache_file: Option<Secret>,
}

/// Reuse the cached registration (`cached_file`: the text of `<cache_key>.json`, if it exists) or
/// register a new client for `kind`.
pub async fn obtain_registration<T: Transport, C: Clock>(
    oidc: &OidcClient<T>,
    clock: &C,
    request: &RegistrationRequest<'_>,
    kind: RegistrationKind,
    cached_file: Option<&str>,
) -> Result<ObtainedRegistration, SsoError> {
    let cache_key = request.cache_key();
    let now = clock.now();
    if let Some(registration) = reusable_cached(cached_file, kind, now) {
        return Ok(ObtainedRegistration { registration, cache_key, new_cache_file: None });
    }
    let name = client_name(request.session_name, now);
    let scopes = request.scopes.map(<[String]>::to_vec);
    let input = match kind {
        RegistrationKind::DeviceCode => RegisterClientInput::device(name, scopes.clone()),
        RegistrationKind::AuthorizationCode => {
            RegisterClientInput::pkce(name, scopes.clone(), request.issuer_url)
        }
    };
    let output = oidc.register_client(&input).await?;
    let registration = match kind {
        RegistrationKind::DeviceCode => ClientRegistration::device_code(
            output.client_id,
            output.client_secret,
            output.client_secret_expires_at,
            scopes,
        ),
        RegistrationKind::AuthorizationCode => ClientRegistration::authorization_code(
            output.client_id,
            output.client_secret,
            output.client_secret_expires_at,
            scopes,
        ),
    };
    let new_cache_file = Some(Secret::new(registration.to_cli_json()));
    Ok(ObtainedRegistration { registration, cache_key, new_cache_file })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::fakes::{json, FakeTime, Scripted};

    const START: &str = "https://d-abc123.awsapps.com/start";
    const REGISTERED: &str = r#"{"clientId":"new-cid","clientSecret":"new-secret","clientIdIssuedAt":1700000000,"clientSecretExpiresAt":1722513600}"#;

    fn request(scopes: Option<&[String]>) -> RegistrationRequest<'_> {
        RegistrationRequest {
            session_name: Some("dev"),
            start_url: START,
            issuer_url: START,
            region: "us-east-1",
            scopes,
        }
    }

    #[test]
    fn cache_key_matches_the_cli_vectors() {
        let scopes = vec!["sso:account:access".to_owned()];
        assert_eq!(request(Some(&scopes)).cache_key(), "c6b2fc6aec0d9c2d2652036ffbe173a43a8ba2c3");
        assert_eq!(request(None).cache_key(), "f84477c4544ffee122d4e7b0f5d942797620c4b1");
        let legacy = RegistrationRequest {
            session_name: None,
            start_url: START,
            issuer_url: START,
            region: "us-west-2",
            scopes: None,
        };
        assert_eq!(legacy.cache_key(), "d75f79f67bab3f92a2b1450471c0c2574de0dca4");
    }

    #[test]
    fn client_names_follow_the_cli() {
        assert_eq!(client_name(Some("dev"), UtcTime::from_unix_seconds(5)), "botocore-client-dev");
        assert_eq!(
            client_name(None, UtcTime::from_unix_seconds(1_222_172_800)),
            "botocore-client-1222172800"
        );
    }

    fn run(
        kind: RegistrationKind,
        cached: Option<&str>,
        now: i64,
    ) -> (Result<ObtainedRegistration, SsoError>, Vec<String>) {
        let time = FakeTime::at(now);
        let transport = Scripted::new(&time, vec![json(200, REGISTERED)]);
        let oidc = OidcClient::new("https://oidc.us-east-1.amazonaws.com", &transport).unwrap();
        let result = pollster::block_on(obtain_registration(&oidc, &time, &request(None), kind, cached));
        let bodies =
            transport.sent.borrow().iter().map(|(_, r)| String::from_utf8(r.body.clone()).unwrap()).collect();
        (result, bodies)
    }

    // 2024-08-01T12:00:00Z
    const EXPIRES: i64 = 1_722_513_600;
    const DEVICE_CACHED: &str =
        r#"{"clientId": "cid", "clientSecret": "cs", "expiresAt": "2024-08-01T12:00:00Z"}"#;
    const PKCE_CACHED: &str = r#"{"clientId": "cid", "clientSecret": "cs", "expiresAt": "2024-08-01T12:00:00Z", "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}"#;

    #[test]
    fn reuses_a_cached_registration_of_the_right_kind_until_15_minutes_before_expiry() {
        let (ok, sent) = run(RegistrationKind::DeviceCode, Some(DEVICE_CACHED), EXPIRES - 15 * 60);
        let ok = ok.unwrap();
        assert_eq!(ok.registration.client_id, "cid");
        assert_eq!(ok.new_cache_file, None);
        assert!(sent.is_empty());

        let (ok, sent) = run(RegistrationKind::AuthorizationCode, Some(PKCE_CACHED), EXPIRES - 3600);
        assert_eq!(ok.unwrap().registration.client_id, "cid");
        assert!(sent.is_empty());

        // Under 15 minutes left: renew.
        let (ok, sent) = run(RegistrationKind::DeviceCode, Some(DEVICE_CACHED), EXPIRES - 15 * 60 + 1);
        assert_eq!(ok.unwrap().registration.client_id, "new-cid");
        assert_eq!(sent.len(), 1);
    }

    #[test]
    fn registers_anew_when_the_kind_differs_or_the_file_is_unusable() {
        let (ok, sent) = run(RegistrationKind::AuthorizationCode, Some(DEVICE_CACHED), EXPIRES - 86_400);
        let ok = ok.unwrap();
        assert_eq!(ok.registration.client_id, "new-cid");
        assert_eq!(
            sent[0],
            r#"{"clientName":"botocore-client-dev","clientType":"public","grantTypes":["authorization_code","refresh_token"],"redirectUris":["http://127.0.0.1/oauth/callback"],"issuerUrl":"https://d-abc123.awsapps.com/start","scopes":["sso:account:access"]}"#
        );
        assert_eq!(
            ok.new_cache_file.as_ref().map(Secret::expose),
            Some(
                r#"{"clientId": "new-cid", "clientSecret": "new-secret", "expiresAt": "2024-08-01T12:00:00Z", "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}"#
            )
        );

        let (ok, sent) = run(RegistrationKind::DeviceCode, Some(PKCE_CACHED), EXPIRES - 86_400);
        assert_eq!(
            ok.unwrap().new_cache_file.as_ref().map(Secret::expose),
            Some(
                r#"{"clientId": "new-cid", "clientSecret": "new-secret", "expiresAt": "2024-08-01T12:00:00Z"}"#
            )
        );
        assert_eq!(sent[0], r#"{"clientName":"botocore-client-dev","clientType":"public"}"#);

        for broken in ["", "{", r#"{"clientId": "x"}"#] {
            let (ok, sent) = run(RegistrationKind::DeviceCode, Some(broken), EXPIRES - 86_400);
            assert_eq!(ok.unwrap().registration.client_id, "new-cid", "{broken}");
            assert_eq!(sent.len(), 1);
        }
    }
}
