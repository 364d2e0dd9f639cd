//! SSO profile resolution (spec §8.4): what a profile needs to sign in to IAM Identity Center and
//! get role credentials, with the AWS CLI's rules and its error messages, worded so a user can fix
//! the file.
//!
//! Three shapes are accepted:
//! - **sso-session profile**: `sso_session = NAME` plus `[sso-session NAME]` holding
//!   `sso_start_url`, `sso_region` and optionally `sso_registration_scopes`; the token is cached
//!   under the session name and can be refreshed.
//! - **legacy profile**: `sso_start_url` and `sso_region` in the profile itself; the token is
//!   cached under the start URL and cannot be refreshed.
//! - **bearer-only**: either of the above without `sso_account_id` / `sso_role_name`; it signs in
//!   and yields a token but no role credentials.

use serde::Serialize;
use std::fmt;

use super::diagnostics::{Diagnostic, DiagnosticCode};
use super::model::{is_secret_key, ConfigSet, Origin, Section};

/// Profile key naming the `[sso-session NAME]` the profile signs in with.
pub const SSO_SESSION: &str = "sso_session";
/// The AWS access portal URL (`https://d-xxxxxxxxxx.awsapps.com/start` or a custom one).
pub const SSO_START_URL: &str = "sso_start_url";
/// The region IAM Identity Center is in (not the profile's default `region`).
pub const SSO_REGION: &str = "sso_region";
/// Profile key: the 12-digit account to get role credentials for.
pub const SSO_ACCOUNT_ID: &str = "sso_account_id";
/// Profile key: the role (permission set) to get credentials for.
pub const SSO_ROLE_NAME: &str = "sso_role_name";
/// sso-session key: the OAuth scopes to register the client with, comma-separated.
pub const SSO_REGISTRATION_SCOPES: &str = "sso_registration_scopes";

/// The keys that make a profile an SSO profile (the AWS SDK for Rust's rule).
pub const SSO_PROFILE_KEYS: [&str; 5] =
    [SSO_SESSION, SSO_START_URL, SSO_REGION, SSO_ACCOUNT_ID, SSO_ROLE_NAME];

/// botocore's order when it lists missing keys.
const REQUIRED_ORDER: [&str; 4] = [SSO_START_URL, SSO_REGION, SSO_ROLE_NAME, SSO_ACCOUNT_ID];

/// A reference to the `[sso-session NAME]` a profile uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SsoSessionRef {
    /// The session's name, as `sso_session` gives it.
    pub name: String,
    /// Where the `[sso-session NAME]` header is.
    pub origin: Origin,
}

/// What signing in with this profile gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SsoProfileKind {
    /// Account and role are set: the token is exchanged for role credentials.
    RoleCredentials,
    /// No account or role: the profile only yields an SSO access token (bearer).
    BearerToken,
}

/// A fully resolved SSO profile: everything the OIDC and portal clients and the helper need.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SsoProfile {
    /// The profile's name.
    pub name: String,
    /// Where the profile's header is.
    pub origin: Origin,
    /// `None` for a legacy profile (start URL and region in the profile itself).
    pub session: Option<SsoSessionRef>,
    /// `sso_start_url` as configured (not a resolved vanity URL).
    pub start_url: String,
    /// `sso_region`: where IAM Identity Center lives (not the profile's default `region`).
    pub region: String,
    /// `sso_account_id`: the 12-digit account; `None` for a bearer-only profile.
    pub account_id: Option<String>,
    /// `sso_role_name`: the role (permission set); `None` for a bearer-only profile.
    pub role_name: Option<String>,
    /// `sso_registration_scopes`, split on `,`, trimmed, empty entries dropped. `None` when the key is
    /// absent (and for legacy profiles), which is not the same as `Some([])`: the CLI's registration
    /// cache key hashes `null` for one and `[]` for the other.
    pub scopes: Option<Vec<String>>,
    /// What the token cache file name hashes: the session name, or the legacy start URL.
    pub token_cache_identifier: String,
    /// The profile's `region` (the default region for AWS calls made with it), if set.
    pub default_region: Option<String>,
    /// Whether signing in gives role credentials or only a token.
    pub kind: SsoProfileKind,
    /// Problems that do not stop the AWS CLI but matter elsewhere (for example the AWS SDK for
    /// Rust refusing `sso_start_url` beside `sso_session`).
    pub diagnostics: Vec<Diagnostic>,
}

impl SsoProfile {
    /// Whether the profile has `sso_start_url` and `sso_region` itself, without an sso-session:
    /// its token is cached under the start URL and cannot be refreshed.
    pub fn is_legacy(&self) -> bool {
        self.session.is_none()
    }
}

/// A resolved `[sso-session NAME]` on its own (what `aws sso login --sso-session NAME` uses).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SsoSessionConfig {
    /// The session's name (also what its token cache file name hashes).
    pub name: String,
    /// Where the `[sso-session NAME]` header is.
    pub origin: Origin,
    /// `sso_start_url` as configured.
    pub start_url: String,
    /// `sso_region`: where IAM Identity Center lives.
    pub region: String,
    /// See [`SsoProfile::scopes`].
    pub scopes: Option<Vec<String>>,
}

/// Why a profile or session cannot be used for SSO. `Display` is a sentence for the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase", tag = "code")]
pub enum SsoConfigError {
    /// No `[profile NAME]` (or `[default]`) in either file.
    ProfileNotFound {
        /// The profile asked for.
        profile: String,
    },
    /// The profile has none of the SSO keys.
    NotSso {
        /// The profile's name.
        profile: String,
        /// Where its header is.
        origin: Origin,
    },
    /// Required keys are missing from the profile (and its session).
    MissingKeys {
        /// The profile's name.
        profile: String,
        /// Where its header is.
        origin: Origin,
        /// The missing keys, in the order botocore lists them.
        keys: Vec<String>,
    },
    /// `[sso-session NAME]` lacks `sso_start_url` or `sso_region`.
    SessionMissingKeys {
        /// The session's name.
        session: String,
        /// Where its header is.
        origin: Origin,
        /// The missing keys.
        keys: Vec<String>,
    },
    /// `sso_session = NAME` but there is no `[sso-session NAME]`.
    SessionNotFound {
        /// The profile that names the session.
        profile: String,
        /// The session name it gives.
        session: String,
        /// Where the `sso_session` line is.
        origin: Origin,
    },
    /// The profile and its sso-session disagree about a key.
    Inconsistent(Box<Inconsistency>),
}

/// The details of [`SsoConfigError::Inconsistent`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inconsistency {
    /// The profile's name.
    pub profile: String,
    /// The sso-session's name.
    pub session: String,
    /// A key both set, to different values (`sso_start_url`, `sso_region`, …).
    pub key: String,
    /// The profile's value, redacted if the key names a secret.
    pub profile_value: String,
    /// The session's value, redacted if the key names a secret.
    pub session_value: String,
    /// Where the profile sets it.
    pub profile_origin: Origin,
    /// Where the session sets it.
    pub session_origin: Origin,
}

impl SsoConfigError {
    /// Stable machine-readable name (the serialized `code`).
    pub fn code(&self) -> &'static str {
        match self {
            SsoConfigError::ProfileNotFound { .. } => "profileNotFound",
            SsoConfigError::NotSso { .. } => "notSso",
            SsoConfigError::MissingKeys { .. } => "missingKeys",
            SsoConfigError::SessionMissingKeys { .. } => "sessionMissingKeys",
            SsoConfigError::SessionNotFound { .. } => "sessionNotFound",
            SsoConfigError::Inconsistent(_) => "inconsistent",
        }
    }
}

impl fmt::Display for SsoConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SsoConfigError::ProfileNotFound { profile } => write!(
                f,
                "The config profile ({profile}) could not be found: there is no [profile {profile}] in \
                 the config file or [{profile}] in the credentials file; check the name or run \
                 aws configure sso"
            ),
            SsoConfigError::NotSso { profile, origin } => write!(
                f,
                "The profile \"{profile}\" ({origin}) is not configured to use SSO: it sets neither \
                 sso_session nor sso_start_url; run aws configure sso to set it up"
            ),
            SsoConfigError::MissingKeys { profile, origin, keys } => write!(
                f,
                "The profile \"{profile}\" is configured to use SSO but is missing required \
                 configuration: {}. Add {} to the profile at {origin} (or to its [sso-session]), or \
                 run aws configure sso",
                keys.join(", "),
                if keys.len() == 1 { "it" } else { "them" }
            ),
            SsoConfigError::SessionMissingKeys { session, origin, keys } => write!(
                f,
                "The sso-session \"{session}\" ({origin}) is missing required configuration: {}. Add \
                 {} to [sso-session {session}], or run aws configure sso-session",
                keys.join(", "),
                if keys.len() == 1 { "it" } else { "them" }
            ),
            SsoConfigError::SessionNotFound { profile, session, origin } => write!(
                f,
                "The specified sso-session does not exist: \"{session}\" (profile \"{profile}\" at \
                 {origin} sets sso_session = {session}); add an [sso-session {session}] section to \
                 the config file or correct the name"
            ),
            SsoConfigError::Inconsistent(details) => {
                let Inconsistency {
                    profile,
                    session,
                    key,
                    profile_value,
                    session_value,
                    profile_origin,
                    session_origin,
                } = details.as_ref();
                write!(
                    f,
                    "The value for {key} is inconsistent between profile ({profile_value}) and \
                 sso-session ({session_value}): profile \"{profile}\" ({profile_origin}) and \
                 [sso-session {session}] ({session_origin}) must agree, so remove {key} from the \
                 profile"
                )
            }
        }
    }
}

impl std::error::Error for SsoConfigError {}

/// Splits `sso_registration_scopes` as the AWS CLI does: on `,`, trimmed, empty entries dropped.
pub use crate::cache::parse_registration_scopes as parse_scopes;

/// A key's value if present and not empty (an empty `sso_region =` cannot be used to sign in).
fn value<'a>(section: &'a Section, key: &str) -> Option<&'a str> {
    section.get(key).filter(|value| !value.is_empty())
}

fn shown(key: &str, value: &str) -> String {
    if is_secret_key(key) {
        "** redacted **".to_owned()
    } else {
        value.to_owned()
    }
}

/// `true` when the profile sets any of the five SSO keys.
pub fn is_sso_profile(profile: &Section) -> bool {
    SSO_PROFILE_KEYS.iter().any(|key| profile.property(key).is_some())
}

/// Resolves `[sso-session NAME]` for `aws sso login --sso-session NAME`.
pub fn resolve_sso_session(set: &ConfigSet, name: &str) -> Option<Result<SsoSessionConfig, SsoConfigError>> {
    let section = set.sso_session(name)?;
    Some(session_config(section))
}

fn session_config(section: &Section) -> Result<SsoSessionConfig, SsoConfigError> {
    let missing = keys_where(&[SSO_START_URL, SSO_REGION], &|key| value(section, key).is_none());
    if !missing.is_empty() {
        return Err(SsoConfigError::SessionMissingKeys {
            session: section.name.clone(),
            origin: section.origin.clone(),
            keys: missing,
        });
    }
    Ok(SsoSessionConfig {
        name: section.name.clone(),
        origin: section.origin.clone(),
        start_url: value(section, SSO_START_URL).unwrap_or_default().to_owned(),
        region: value(section, SSO_REGION).unwrap_or_default().to_owned(),
        scopes: section.get(SSO_REGISTRATION_SCOPES).map(parse_scopes),
    })
}

/// Resolves profile `name` into an [`SsoProfile`], following botocore's `SSOProvider` and the
/// CLI's `aws sso login`.
pub fn resolve_sso_profile(set: &ConfigSet, name: &str) -> Result<SsoProfile, SsoConfigError> {
    let profile =
        set.profile(name).ok_or_else(|| SsoConfigError::ProfileNotFound { profile: name.to_owned() })?;
    if !is_sso_profile(profile) {
        return Err(SsoConfigError::NotSso { profile: name.to_owned(), origin: profile.origin.clone() });
    }
    let account_id = value(profile, SSO_ACCOUNT_ID).map(str::to_owned);
    let role_name = value(profile, SSO_ROLE_NAME).map(str::to_owned);
    // botocore: once either is set, both are required (the Rust SDK agrees: both or neither).
    let kind = if account_id.is_some() || role_name.is_some() {
        SsoProfileKind::RoleCredentials
    } else {
        SsoProfileKind::BearerToken
    };
    let mut diagnostics = Vec::new();

    let (session, start_url, region, scopes, token_cache_identifier) = match value(profile, SSO_SESSION) {
        Some(session_name) => {
            let section = set.sso_session(session_name).ok_or_else(|| SsoConfigError::SessionNotFound {
                profile: name.to_owned(),
                session: session_name.to_owned(),
                origin: profile
                    .property(SSO_SESSION)
                    .map(|p| p.origin.clone())
                    .unwrap_or(profile.origin.clone()),
            })?;
            if kind == SsoProfileKind::RoleCredentials {
                check_consistency(profile, section)?;
            }
            for key in [SSO_START_URL, SSO_REGION] {
                if let Some(property) = profile.property(key) {
                    diagnostics.push(Diagnostic::error(
                        DiagnosticCode::SsoKeysBesideSession,
                        property.origin.clone(),
                        format!(
                            "profile \"{name}\" sets {key} beside sso_session = {session_name}: the AWS \
                             CLI accepts this when the values agree, but the AWS SDK for Rust refuses \
                             the profile; keep {key} only in [sso-session {session_name}]"
                        ),
                    ));
                }
            }
            // `aws sso login` reads start URL and region only from the session, so they must be there.
            let session = session_config(section)?;
            let reference = SsoSessionRef { name: section.name.clone(), origin: section.origin.clone() };
            (Some(reference), session.start_url, session.region, session.scopes, section.name.clone())
        }
        None => {
            let start_url = value(profile, SSO_START_URL);
            let region = value(profile, SSO_REGION);
            match (start_url, region) {
                (Some(start_url), Some(region)) => {
                    (None, start_url.to_owned(), region.to_owned(), None, start_url.to_owned())
                }
                _ => return Err(missing_keys(profile, true, account_id.is_some(), role_name.is_some())),
            }
        }
    };

    if kind == SsoProfileKind::RoleCredentials && (account_id.is_none() || role_name.is_none()) {
        return Err(missing_keys(profile, false, account_id.is_some(), role_name.is_some()));
    }

    Ok(SsoProfile {
        name: name.to_owned(),
        origin: profile.origin.clone(),
        session,
        start_url,
        region,
        account_id,
        role_name,
        scopes,
        token_cache_identifier,
        default_region: value(profile, "region").map(str::to_owned),
        kind,
        diagnostics,
    })
}

/// `MissingKeys` in botocore's order: `sso_start_url` and `sso_region` when `location` is asked
/// for and the profile lacks them, plus the account or the role when only the other is set.
fn missing_keys(profile: &Section, location: bool, has_account: bool, has_role: bool) -> SsoConfigError {
    let keys = keys_where(&REQUIRED_ORDER, &|key| match key {
        SSO_ROLE_NAME => has_account && !has_role,
        SSO_ACCOUNT_ID => has_role && !has_account,
        key => location && value(profile, key).is_none(),
    });
    SsoConfigError::MissingKeys { profile: profile.name.clone(), origin: profile.origin.clone(), keys }
}

/// The `keys` for which `missing` holds, in order.
fn keys_where(keys: &[&str], missing: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    for key in keys {
        if missing(key) {
            found.push((*key).to_owned());
        }
    }
    found
}

/// botocore's rule: every key of the session that the profile also sets must have the same value
/// (an empty value in the profile counts as different).
fn check_consistency(profile: &Section, session: &Section) -> Result<(), SsoConfigError> {
    for (key, session_property) in &session.properties {
        if let Some(profile_property) = profile.properties.get(key) {
            if profile_property.value != session_property.value {
                return Err(SsoConfigError::Inconsistent(Box::new(Inconsistency {
                    profile: profile.name.clone(),
                    session: session.name.clone(),
                    key: key.to_string(),
                    profile_value: shown(key, &profile_property.value),
                    session_value: shown(key, &session_property.value),
                    profile_origin: profile_property.origin.clone(),
                    session_origin: session_property.origin.clone(),
                })));
            }
        }
    }
    Ok(())
}

/// Every profile that sets an SSO key, resolved (or the reason it cannot be), in name order.
pub fn sso_profiles(set: &ConfigSet) -> Vec<(String, Result<SsoProfile, SsoConfigError>)> {
    set.profiles
        .iter()
        .filter(|(_, profile)| is_sso_profile(profile))
        .map(|(name, _)| (name.clone(), resolve_sso_profile(set, name)))
        .collect()
}
