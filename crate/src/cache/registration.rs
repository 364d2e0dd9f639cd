//! The client-registration cache file (spec §2): one file per (start URL, region, scopes, session),
//! shared by the device-code and PKCE flows, which overwrite each other's registration.

use super::lenient::{CacheFileError, LenientObject};
use super::pyjson::{dumps, DumpsOptions, PyValue};
use crate::secret::Secret;
use crate::time::UtcTime;

/// A cached registration is reused only while more than this remains (`_EXPIRY_WINDOW`).
pub const REGISTRATION_RENEW_WINDOW_SECONDS: i64 = 15 * 60;

/// The scope the PKCE flow registers when `sso_registration_scopes` is not configured.
pub const PKCE_DEFAULT_SCOPE: &str = "sso:account:access";

/// The grant types a PKCE registration asks for, in the CLI's order.
pub const PKCE_GRANT_TYPES: [&str; 2] = ["authorization_code", "refresh_token"];

const WHAT: &str = "SSO client registration cache file";

/// Which login flow a registration serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistrationKind {
    /// Device authorization grant (no `grantTypes`, or without `authorization_code`).
    DeviceCode,
    /// Authorization code + PKCE (`grantTypes` contains `authorization_code`).
    AuthorizationCode,
}

/// A cached OIDC client registration, as the CLI writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientRegistration {
    /// `clientId`: the registration the token calls name.
    pub client_id: String,
    /// `clientSecret`: authenticates the token calls and refreshes; a secret like a token.
    pub client_secret: Secret,
    /// `clientSecretExpiresAt` from RegisterClient.
    pub expires_at: UtcTime,
    /// Written when present: the configured scopes (device), or configured-or-default (PKCE).
    pub scopes: Option<Vec<String>>,
    /// PKCE registrations carry `["authorization_code", "refresh_token"]`; device ones none.
    pub grant_types: Option<Vec<String>>,
}

impl ClientRegistration {
    /// A device-flow registration: `scopes` only if `sso_registration_scopes` was configured with at
    /// least one scope (the CLI tests the list's truthiness, so `[]` is left out).
    pub fn device_code(
        client_id: String,
        client_secret: Secret,
        client_secret_expires_at: UtcTime,
        configured_scopes: Option<Vec<String>>,
    ) -> Self {
        ClientRegistration {
            client_id,
            client_secret,
            expires_at: client_secret_expires_at,
            scopes: configured_scopes.filter(|scopes| !scopes.is_empty()),
            grant_types: None,
        }
    }

    /// A PKCE registration: the configured scopes, else (absent or empty: the CLI's `scopes or
    /// [default]`) `["sso:account:access"]`, and the PKCE grant types.
    pub fn authorization_code(
        client_id: String,
        client_secret: Secret,
        client_secret_expires_at: UtcTime,
        configured_scopes: Option<Vec<String>>,
    ) -> Self {
        ClientRegistration {
            client_id,
            client_secret,
            expires_at: client_secret_expires_at,
            scopes: Some(
                configured_scopes
                    .filter(|scopes| !scopes.is_empty())
                    .unwrap_or_else(|| vec![PKCE_DEFAULT_SCOPE.to_owned()]),
            ),
            grant_types: Some(PKCE_GRANT_TYPES.iter().map(|g| (*g).to_owned()).collect()),
        }
    }

    /// Read leniently (the `cache::lenient` rules); `clientId`, `clientSecret` and `expiresAt` are
    /// required.
    pub fn from_json(text: &str) -> Result<ClientRegistration, CacheFileError> {
        let obj = LenientObject::parse(WHAT, text)?;
        Ok(ClientRegistration {
            client_id: obj.required_str("clientId")?.to_owned(),
            client_secret: Secret::new(obj.required_str("clientSecret")?),
            expires_at: obj.required_time("expiresAt")?,
            scopes: obj.optional_str_list("scopes")?,
            grant_types: obj.optional_str_list("grantTypes")?,
        })
    }

    /// The CLI's bytes: `clientId, clientSecret, expiresAt[, scopes][, grantTypes]`.
    pub fn to_cli_json(&self) -> String {
        let expires_at = self.expires_at.to_cli_string();
        let mut entries = vec![
            ("clientId", PyValue::Str(&self.client_id)),
            ("clientSecret", PyValue::Str(self.client_secret.expose())),
            ("expiresAt", PyValue::Str(&expires_at)),
        ];
        if let Some(scopes) = &self.scopes {
            entries.push(("scopes", PyValue::str_list(scopes)));
        }
        if let Some(grant_types) = &self.grant_types {
            entries.push(("grantTypes", PyValue::str_list(grant_types)));
        }
        dumps(&PyValue::Object(entries), DumpsOptions::DEFAULT)
    }

    /// The flow this registration serves, read from its `grantTypes`.
    pub fn kind(&self) -> RegistrationKind {
        let has_auth_code =
            self.grant_types.as_ref().is_some_and(|g| g.iter().any(|t| t == "authorization_code"));
        if has_auth_code {
            RegistrationKind::AuthorizationCode
        } else {
            RegistrationKind::DeviceCode
        }
    }

    /// Less than 15 minutes left: the CLI registers a new client instead.
    pub fn needs_renewal(&self, now: UtcTime) -> bool {
        now.seconds_until(self.expires_at) < REGISTRATION_RENEW_WINDOW_SECONDS
    }

    /// Whether the CLI would reuse this cached registration for a login with `flow`: right kind and
    /// not within 15 minutes of expiry. Otherwise a new RegisterClient overwrites the file.
    pub fn reusable_for(&self, flow: RegistrationKind, now: UtcTime) -> bool {
        self.kind() == flow && !self.needs_renewal(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> UtcTime {
        UtcTime::parse_lenient(s).unwrap()
    }

    const SPEC_PKCE_JSON: &str = r#"{"clientId": "cid", "clientSecret": "csecret", "expiresAt": "2024-08-01T12:00:00Z", "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}"#;

    #[test]
    fn writes_the_spec_pkce_example() {
        let reg = ClientRegistration::authorization_code(
            "cid".into(),
            Secret::new("csecret"),
            t("2024-08-01T12:00:00Z"),
            None,
        );
        assert_eq!(reg.to_cli_json(), SPEC_PKCE_JSON);
        assert_eq!(ClientRegistration::from_json(SPEC_PKCE_JSON).unwrap(), reg);
    }

    #[test]
    fn device_registration_layout() {
        let expires = UtcTime::from_unix_seconds(1_722_513_600); // 2024-08-01T12:00:00Z
        let plain = ClientRegistration::device_code("cid".into(), Secret::new("cs"), expires, None);
        assert_eq!(
            plain.to_cli_json(),
            r#"{"clientId": "cid", "clientSecret": "cs", "expiresAt": "2024-08-01T12:00:00Z"}"#
        );
        let scoped = ClientRegistration::device_code(
            "cid".into(),
            Secret::new("cs"),
            expires,
            Some(vec!["a:b".into(), "c".into()]),
        );
        assert_eq!(
            scoped.to_cli_json(),
            r#"{"clientId": "cid", "clientSecret": "cs", "expiresAt": "2024-08-01T12:00:00Z", "scopes": ["a:b", "c"]}"#
        );
        // `sso_registration_scopes =` (configured but empty): the CLI writes no scopes for the
        // device flow and the default scope for PKCE.
        let device_empty =
            ClientRegistration::device_code("c".into(), Secret::new("s"), expires, Some(vec![]));
        assert!(!device_empty.to_cli_json().contains("scopes"));
        let pkce_empty =
            ClientRegistration::authorization_code("c".into(), Secret::new("s"), expires, Some(vec![]));
        assert!(pkce_empty.to_cli_json().contains(r#""scopes": ["sso:account:access"], "grantTypes""#));
    }

    #[test]
    fn kind_and_reuse_rules() {
        let now = t("2024-05-01T12:00:00Z");
        let pkce = ClientRegistration::from_json(SPEC_PKCE_JSON).unwrap();
        assert_eq!(pkce.kind(), RegistrationKind::AuthorizationCode);
        assert!(pkce.reusable_for(RegistrationKind::AuthorizationCode, now));
        assert!(!pkce.reusable_for(RegistrationKind::DeviceCode, now));

        let old = ClientRegistration::from_json(
            r#"{"clientId": "c", "clientSecret": "s", "expiresAt": "2024-08-01T12:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(old.kind(), RegistrationKind::DeviceCode);
        assert!(old.reusable_for(RegistrationKind::DeviceCode, now));
        assert!(!old.reusable_for(RegistrationKind::AuthorizationCode, now));

        let refresh_only =
            ClientRegistration { grant_types: Some(vec!["refresh_token".into()]), ..old.clone() };
        assert_eq!(refresh_only.kind(), RegistrationKind::DeviceCode);

        let end = t("2024-08-01T12:00:00Z");
        assert!(pkce.reusable_for(RegistrationKind::AuthorizationCode, end.plus_seconds(-900)));
        assert!(!pkce.reusable_for(RegistrationKind::AuthorizationCode, end.plus_seconds(-899)));
        assert!(pkce.needs_renewal(end));
    }

    #[test]
    fn reading_errors() {
        let err = ClientRegistration::from_json(r#"{"clientId": "c", "expiresAt": "2024-08-01T12:00:00Z"}"#)
            .unwrap_err();
        assert_eq!(err, CacheFileError::MissingField { what: WHAT, field: "clientSecret" });
        let err = ClientRegistration::from_json(
            r#"{"clientId": "c", "clientSecret": "s", "expiresAt": "2024-08-01T12:00:00Z", "scopes": "x"}"#,
        )
        .unwrap_err();
        assert!(matches!(err, CacheFileError::WrongType { field: "scopes", .. }));
        assert!(!format!("{:?}", ClientRegistration::from_json(SPEC_PKCE_JSON).unwrap()).contains("csecret"));
    }
}
