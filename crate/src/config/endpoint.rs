//! Endpoint resolution for the two IAM Identity Center services, `sso` (the portal API) and
//! `sso_oidc` (spec §6, §3.1, §5): configured endpoint overrides first, as botocore's
//! `ConfiguredEndpointProvider` and the AWS SDK for Rust look them up, then the AWS endpoint rules
//! (FIPS, dual-stack, partitions).
//!
//! Lookup order for an override:
//! 1. `AWS_ENDPOINT_URL_SSO` / `AWS_ENDPOINT_URL_SSO_OIDC`
//! 2. `AWS_ENDPOINT_URL`
//! 3. `[services NAME]` named by the active profile's `services = NAME`, sub-property
//!    `sso.endpoint_url` / `sso_oidc.endpoint_url`
//! 4. the active profile's `endpoint_url`
//!
//! `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` (or the profile's `ignore_configured_endpoint_urls`)
//! skips all four. The environment is injected; nothing here reads the process.

use crate::text::Quoted;
use serde::Serialize;
use std::fmt;

use super::env::{non_empty, Environment};
use super::model::{ConfigSet, Origin, Section};

/// The two services an SSO sign-in talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SsoService {
    /// `sso`: the access portal API (GetRoleCredentials, ListAccounts, …).
    Portal,
    /// `sso-oidc`: client registration, device authorization, tokens.
    Oidc,
}

impl SsoService {
    /// The environment variable of the service-specific override.
    pub fn endpoint_env_var(self) -> &'static str {
        match self {
            SsoService::Portal => "AWS_ENDPOINT_URL_SSO",
            SsoService::Oidc => "AWS_ENDPOINT_URL_SSO_OIDC",
        }
    }

    /// The property name inside a `[services NAME]` section.
    pub fn services_key(self) -> &'static str {
        match self {
            SsoService::Portal => "sso",
            SsoService::Oidc => "sso_oidc",
        }
    }

    /// The endpoint prefix of the AWS default host (`oidc.us-east-1.amazonaws.com`).
    fn host_prefix(self) -> &'static str {
        match self {
            SsoService::Portal => "portal.sso",
            SsoService::Oidc => "oidc",
        }
    }

    fn fips_host_prefix(self) -> &'static str {
        match self {
            SsoService::Portal => "portal.sso-fips",
            SsoService::Oidc => "oidc-fips",
        }
    }
}

/// Where the endpoint came from, so the popup can say why requests go where they go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase", tag = "kind")]
pub enum EndpointSource {
    /// `AWS_ENDPOINT_URL_SSO` or `AWS_ENDPOINT_URL_SSO_OIDC`.
    ServiceEnvironment {
        /// Which of the two variables.
        variable: String,
    },
    /// `AWS_ENDPOINT_URL`.
    GlobalEnvironment,
    /// `[services NAME]` → `sso = / endpoint_url = …`.
    ServicesSection {
        /// The section's name (`NAME` in `[services NAME]`).
        section: String,
        /// Where the `endpoint_url` line is.
        origin: Origin,
    },
    /// The profile's own `endpoint_url`.
    ProfileEndpointUrl {
        /// Where the `endpoint_url` line is.
        origin: Origin,
    },
    /// The AWS endpoint rules for the region's partition.
    AwsDefault {
        /// The partition's name (`aws`, `aws-cn`, `aws-us-gov`, …).
        partition: String,
    },
}

impl fmt::Display for EndpointSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointSource::ServiceEnvironment { variable } => write!(f, "environment variable {variable}"),
            EndpointSource::GlobalEnvironment => f.write_str("environment variable AWS_ENDPOINT_URL"),
            EndpointSource::ServicesSection { section, origin } => {
                write!(f, "[services {section}] at {origin}")
            }
            EndpointSource::ProfileEndpointUrl { origin } => write!(f, "endpoint_url at {origin}"),
            EndpointSource::AwsDefault { partition } => {
                write!(f, "the AWS default for partition {partition}")
            }
        }
    }
}

/// The base URL requests go to, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedEndpoint {
    /// The base URL, such as `https://oidc.us-east-1.amazonaws.com`; an override's path is kept.
    pub url: String,
    /// Why it is this URL.
    pub source: EndpointSource,
}

impl ResolvedEndpoint {
    /// `scheme://host[:port]` of the endpoint, without any path.
    pub fn origin(&self) -> &str {
        url_origin(&self.url)
    }

    /// The PKCE authorization URL: the OIDC endpoint's origin plus `/authorize` (a path in an
    /// override is dropped here but kept for API calls, as the AWS CLI does).
    pub fn authorize_url(&self) -> String {
        format!("{}/authorize", self.origin())
    }
}

/// True unless `url` is cleartext `http://` to a host other than loopback (`127.x.x.x`,
/// `localhost`, `[::1]`). Tokens, client secrets and role keys go only over https: an
/// `endpoint_url = http://…` in a config file (or a typo in an override) would otherwise send them
/// over the network in clear. The SDKs accept any http URL; this is stricter on purpose, and the
/// local emulator on loopback still works.
pub fn is_secure_or_loopback(url: &str) -> bool {
    let Some(rest) = url.get(..7).filter(|scheme| scheme.eq_ignore_ascii_case("http://")).and(url.get(7..))
    else {
        return true;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    // `[::1]:port` keeps its brackets; otherwise the port goes. (No allocation: this is in the wasm.)
    let host = match host_port.find(']') {
        Some(end) => host_port.get(..=end).unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    };
    let digits = |part: &str| (1..=3).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
    let loopback_v4 = host
        .strip_prefix("127.")
        .is_some_and(|rest| rest.split('.').count() == 3 && rest.split('.').all(digits));
    loopback_v4 || host.eq_ignore_ascii_case("localhost") || host == "[::1]"
}

fn url_origin(url: &str) -> &str {
    let after_scheme = crate::text::find(url, "://").map(|index| index + 3).unwrap_or(0);
    let rest = url.get(after_scheme..).unwrap_or_default();
    match rest.find(['/', '?', '#']) {
        Some(index) => url.get(..after_scheme + index).unwrap_or(url),
        None => url,
    }
}

/// Why no endpoint could be worked out. `Display` is a sentence for the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase", tag = "code")]
pub enum EndpointError {
    /// No `sso_region` and no override: the default endpoint is built from the region.
    MissingRegion,
    /// The region is not a valid region name (the endpoint rules' host-label check).
    InvalidRegion {
        /// The region as configured.
        region: String,
    },
    /// A true/false setting with another value.
    InvalidBoolean {
        /// The variable, or the profile key with its origin (`use_fips_endpoint (~/.aws/config line 4)`).
        setting: String,
        /// The value as found.
        value: String,
    },
    /// An override that is not an `http://` or `https://` URL with a host.
    InvalidEndpointUrl {
        /// The URL as given.
        url: String,
        /// Where the override came from, in words ([`EndpointSource`]'s `Display`).
        source: String,
    },
    /// `services = NAME` without a `[services NAME]` section.
    MissingServicesSection {
        /// The profile's name.
        profile: String,
        /// The section name it gives.
        services: String,
        /// Where the `services` line is.
        origin: Origin,
    },
    /// An override together with FIPS: the endpoint rules refuse the combination.
    FipsWithCustomEndpoint {
        /// Where the override came from, in words ([`EndpointSource`]'s `Display`).
        source: String,
    },
    /// An override together with dual-stack: the endpoint rules refuse the combination.
    DualStackWithCustomEndpoint {
        /// Where the override came from, in words ([`EndpointSource`]'s `Display`).
        source: String,
    },
    /// Dual-stack is turned on, but the region's partition has no dual-stack endpoints.
    DualStackUnsupported {
        /// The partition's name.
        partition: String,
    },
}

impl EndpointError {
    /// Stable machine-readable name (the serialized `code`).
    pub fn code(&self) -> &'static str {
        match self {
            EndpointError::MissingRegion => "missingRegion",
            EndpointError::InvalidRegion { .. } => "invalidRegion",
            EndpointError::InvalidBoolean { .. } => "invalidBoolean",
            EndpointError::InvalidEndpointUrl { .. } => "invalidEndpointUrl",
            EndpointError::MissingServicesSection { .. } => "missingServicesSection",
            EndpointError::FipsWithCustomEndpoint { .. } => "fipsWithCustomEndpoint",
            EndpointError::DualStackWithCustomEndpoint { .. } => "dualStackWithCustomEndpoint",
            EndpointError::DualStackUnsupported { .. } => "dualStackUnsupported",
        }
    }
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointError::MissingRegion => f.write_str(
                "Invalid Configuration: Missing Region; set sso_region in the [sso-session] (or the \
                 legacy profile) to the region of your IAM Identity Center instance",
            ),
            EndpointError::InvalidRegion { region } => write!(
                f,
                "Invalid Configuration: the region {} is not a valid region name; use a name \
                 like us-east-1",
                Quoted(region)
            ),
            EndpointError::InvalidBoolean { setting, value } => {
                write!(f, "{setting} must be true or false, not {}; fix or remove it", Quoted(value))
            }
            EndpointError::InvalidEndpointUrl { url, source } => write!(
                f,
                "the endpoint URL {} from {source} is not a valid URL; write it as \
                 http://host:port or https://host",
                Quoted(url)
            ),
            EndpointError::MissingServicesSection { profile, services, origin } => write!(
                f,
                "The profile \"{profile}\" is configured to use the services section but the \
                 \"{services}\" services configuration does not exist ({origin} sets services = \
                 {services}); add a [services {services}] section or remove the line"
            ),
            EndpointError::FipsWithCustomEndpoint { source } => write!(
                f,
                "Invalid Configuration: FIPS and custom endpoint are not supported (the endpoint \
                 comes from {source}); turn off AWS_USE_FIPS_ENDPOINT / use_fips_endpoint or remove \
                 the endpoint override"
            ),
            EndpointError::DualStackWithCustomEndpoint { source } => write!(
                f,
                "Invalid Configuration: Dualstack and custom endpoint are not supported (the \
                 endpoint comes from {source}); turn off AWS_USE_DUALSTACK_ENDPOINT / \
                 use_dualstack_endpoint or remove the endpoint override"
            ),
            EndpointError::DualStackUnsupported { partition } => write!(
                f,
                "DualStack is enabled but this partition ({partition}) does not support DualStack; \
                 turn off AWS_USE_DUALSTACK_ENDPOINT / use_dualstack_endpoint"
            ),
        }
    }
}

impl std::error::Error for EndpointError {}

/// An AWS partition: the DNS suffixes endpoints are built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partition {
    /// `aws`, `aws-cn`, `aws-us-gov`, …
    pub name: &'static str,
    /// The suffix of regular endpoints (`amazonaws.com`).
    pub dns_suffix: &'static str,
    /// The suffix of dual-stack (IPv4 and IPv6) endpoints (`api.aws`).
    pub dual_stack_dns_suffix: &'static str,
    /// Whether the partition has dual-stack endpoints at all.
    pub supports_dual_stack: bool,
}

const AWS: Partition = Partition {
    name: "aws",
    dns_suffix: "amazonaws.com",
    dual_stack_dns_suffix: "api.aws",
    supports_dual_stack: true,
};

/// `(region prefix, partition)`: a region belongs to a partition when it is the prefix followed
/// by `-<word>-<digits>` (the regexes of the SDKs' `partitions.json`).
const PARTITIONS: [(&str, Partition); 8] = [
    (
        "cn",
        Partition {
            name: "aws-cn",
            dns_suffix: "amazonaws.com.cn",
            dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
            supports_dual_stack: true,
        },
    ),
    (
        "us-gov",
        Partition {
            name: "aws-us-gov",
            dns_suffix: "amazonaws.com",
            dual_stack_dns_suffix: "api.aws",
            supports_dual_stack: true,
        },
    ),
    (
        "us-iso",
        Partition {
            name: "aws-iso",
            dns_suffix: "c2s.ic.gov",
            dual_stack_dns_suffix: "c2s.ic.gov",
            supports_dual_stack: false,
        },
    ),
    (
        "us-isob",
        Partition {
            name: "aws-iso-b",
            dns_suffix: "sc2s.sgov.gov",
            dual_stack_dns_suffix: "sc2s.sgov.gov",
            supports_dual_stack: false,
        },
    ),
    (
        "eu-isoe",
        Partition {
            name: "aws-iso-e",
            dns_suffix: "cloud.adc-e.uk",
            dual_stack_dns_suffix: "cloud.adc-e.uk",
            supports_dual_stack: false,
        },
    ),
    (
        "us-isof",
        Partition {
            name: "aws-iso-f",
            dns_suffix: "csp.hci.ic.gov",
            dual_stack_dns_suffix: "csp.hci.ic.gov",
            supports_dual_stack: false,
        },
    ),
    (
        "eusc-de",
        Partition {
            name: "aws-eusc",
            dns_suffix: "amazonaws.eu",
            dual_stack_dns_suffix: "amazonaws.eu",
            supports_dual_stack: false,
        },
    ),
    (
        "aws-cn-global",
        Partition {
            name: "aws-cn",
            dns_suffix: "amazonaws.com.cn",
            dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
            supports_dual_stack: true,
        },
    ),
];

/// Every partition the resolver knows besides `aws` (the fallback), with the region prefix that
/// selects it; the extension's host permissions are checked against this table
/// (`crate/tests/manifest_hosts.rs`).
pub fn known_partitions() -> impl Iterator<Item = (&'static str, Partition)> {
    PARTITIONS.iter().copied().chain([("", AWS)])
}

/// The partition of `region`; unknown shapes fall back to `aws`, as the endpoint rules do.
pub fn partition_of(region: &str) -> Partition {
    let is_word =
        |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let is_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    for &(prefix, partition) in &PARTITIONS {
        if region == prefix {
            return partition;
        }
        let Some(rest) = region.strip_prefix(prefix).and_then(|rest| rest.strip_prefix('-')) else {
            continue;
        };
        if let Some((word, digits)) = rest.split_once('-') {
            if is_word(word) && is_digits(digits) {
                return partition;
            }
        }
    }
    AWS
}

/// A valid host label: letters, digits and `-`, not starting with `-` (the rules'
/// `isValidHostLabel`), so a region cannot smuggle a path or host into the URL.
fn is_valid_host_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The AWS default endpoint for `service` in `region` (no overrides).
pub fn default_endpoint(
    service: SsoService,
    region: &str,
    use_fips: bool,
    use_dual_stack: bool,
) -> Result<ResolvedEndpoint, EndpointError> {
    if region.is_empty() {
        return Err(EndpointError::MissingRegion);
    }
    if !is_valid_host_label(region) {
        return Err(EndpointError::InvalidRegion { region: region.to_owned() });
    }
    let partition = partition_of(region);
    if use_dual_stack && !partition.supports_dual_stack {
        return Err(EndpointError::DualStackUnsupported { partition: partition.name.to_owned() });
    }
    let (host_prefix, dns_suffix) = match (use_fips, use_dual_stack) {
        (true, true) => (service.fips_host_prefix(), partition.dual_stack_dns_suffix),
        // GovCloud's IAM Identity Center endpoints are FIPS endpoints under the plain name.
        (true, false) if partition.name == "aws-us-gov" => (service.host_prefix(), "amazonaws.com"),
        (true, false) => (service.fips_host_prefix(), partition.dns_suffix),
        (false, true) => (service.host_prefix(), partition.dual_stack_dns_suffix),
        (false, false) => (service.host_prefix(), partition.dns_suffix),
    };
    let url = format!("https://{host_prefix}.{region}.{dns_suffix}");
    Ok(ResolvedEndpoint { url, source: EndpointSource::AwsDefault { partition: partition.name.to_owned() } })
}

/// A true/false setting: the environment variable wins over the profile key.
fn boolean_setting(
    env: &dyn Environment,
    profile: Option<&Section>,
    variable: &str,
    key: &str,
) -> Result<bool, EndpointError> {
    let (setting, value) = match non_empty(env, variable) {
        Some(value) => (variable.to_owned(), value),
        None => match profile.and_then(|profile| profile.property(key)).filter(|p| !p.value.is_empty()) {
            Some(property) => (format!("{key} ({})", property.origin), property.value.clone()),
            None => return Ok(false),
        },
    };
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(EndpointError::InvalidBoolean { setting, value }),
    }
}

fn check_url(url: String, source: EndpointSource) -> Result<ResolvedEndpoint, EndpointError> {
    let host = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let has_host = host.is_some_and(|rest| {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        !authority.is_empty() && !authority.contains(char::is_whitespace)
    });
    if !has_host {
        return Err(EndpointError::InvalidEndpointUrl { url, source: source.to_string() });
    }
    Ok(ResolvedEndpoint { url, source })
}

/// The configured override for `service`, if any, in the SDKs' lookup order.
pub fn configured_endpoint(
    service: SsoService,
    config: &ConfigSet,
    profile_name: &str,
    env: &dyn Environment,
) -> Result<Option<ResolvedEndpoint>, EndpointError> {
    let profile = config.profile(profile_name);
    let ignore = boolean_setting(
        env,
        profile,
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        "ignore_configured_endpoint_urls",
    )?;
    if ignore {
        return Ok(None);
    }
    if let Some(url) = non_empty(env, service.endpoint_env_var()) {
        let variable = service.endpoint_env_var().to_owned();
        return check_url(url, EndpointSource::ServiceEnvironment { variable }).map(Some);
    }
    if let Some(url) = non_empty(env, "AWS_ENDPOINT_URL") {
        return check_url(url, EndpointSource::GlobalEnvironment).map(Some);
    }
    let Some(profile) = profile else {
        return Ok(None);
    };
    if let Some(services) = profile.property("services").filter(|p| !p.value.is_empty()) {
        let section = config.services_section(&services.value).ok_or_else(|| {
            EndpointError::MissingServicesSection {
                profile: profile_name.to_owned(),
                services: services.value.clone(),
                origin: services.origin.clone(),
            }
        })?;
        if let Some(url) = section.sub_property(service.services_key(), "endpoint_url") {
            if !url.value.is_empty() {
                let source = EndpointSource::ServicesSection {
                    section: section.name.clone(),
                    origin: url.origin.clone(),
                };
                return check_url(url.value.clone(), source).map(Some);
            }
        }
    }
    if let Some(url) = profile.property("endpoint_url").filter(|p| !p.value.is_empty()) {
        let source = EndpointSource::ProfileEndpointUrl { origin: url.origin.clone() };
        return check_url(url.value.clone(), source).map(Some);
    }
    Ok(None)
}

/// The endpoint for `service` when signing in with profile `profile_name` (the active profile,
/// which may be absent from the files) and IAM Identity Center region `region`.
pub fn resolve_endpoint(
    service: SsoService,
    region: &str,
    config: &ConfigSet,
    profile_name: &str,
    env: &dyn Environment,
) -> Result<ResolvedEndpoint, EndpointError> {
    let profile = config.profile(profile_name);
    let use_fips = boolean_setting(env, profile, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")?;
    let use_dual_stack =
        boolean_setting(env, profile, "AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint")?;
    match configured_endpoint(service, config, profile_name, env)? {
        Some(endpoint) if use_fips => {
            Err(EndpointError::FipsWithCustomEndpoint { source: endpoint.source.to_string() })
        }
        Some(endpoint) if use_dual_stack => {
            Err(EndpointError::DualStackWithCustomEndpoint { source: endpoint.source.to_string() })
        }
        Some(endpoint) => Ok(endpoint),
        None => default_endpoint(service, region, use_fips, use_dual_stack),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_code_is_its_serialized_tag() {
        let text = || String::from("x");
        let origin = Origin { file: text().into(), line: 1 };
        for error in [
            EndpointError::MissingRegion,
            EndpointError::InvalidRegion { region: text() },
            EndpointError::InvalidBoolean { setting: text(), value: text() },
            EndpointError::InvalidEndpointUrl { url: text(), source: text() },
            EndpointError::MissingServicesSection { profile: text(), services: text(), origin },
            EndpointError::FipsWithCustomEndpoint { source: text() },
            EndpointError::DualStackWithCustomEndpoint { source: text() },
            EndpointError::DualStackUnsupported { partition: text() },
        ] {
            assert_eq!(serde_json::to_value(&error).unwrap()["code"], error.code());
        }
    }

    #[test]
    fn partitions() {
        assert_eq!(partition_of("us-east-1").name, "aws");
        assert_eq!(partition_of("cn-north-1").name, "aws-cn");
        assert_eq!(partition_of("cn-northwest-1").dns_suffix, "amazonaws.com.cn");
        assert_eq!(partition_of("us-gov-west-1").name, "aws-us-gov");
        assert_eq!(partition_of("us-iso-east-1").name, "aws-iso");
        assert_eq!(partition_of("us-isob-east-1").name, "aws-iso-b");
        assert_eq!(partition_of("eu-isoe-west-1").name, "aws-iso-e");
        assert_eq!(partition_of("us-isof-south-1").name, "aws-iso-f");
        assert_eq!(partition_of("eusc-de-east-1").name, "aws-eusc");
        assert_eq!(partition_of("mars-central-1").name, "aws");
        assert_eq!(partition_of("cn-north").name, "aws");
    }

    #[test]
    fn cleartext_only_to_loopback() {
        for url in [
            "https://oidc.us-east-1.amazonaws.com",
            "https://example.com:8443/x",
            "http://127.0.0.1:4566",
            "http://127.10.0.1/prefix",
            "HTTP://LOCALHOST:1",
            "http://localhost",
            "http://[::1]:4566/",
        ] {
            assert!(is_secure_or_loopback(url), "{url}");
        }
        for url in [
            "http://oidc.example",
            "http://profile.example:2/x",
            "http://127.0.0.1.evil.example",
            "http://localhost.evil.example/",
            "http://user@evil.example",
            "http://127.0.0.1@evil.example",
            "http://[::2]:80",
            "http://10.0.0.1",
        ] {
            assert!(!is_secure_or_loopback(url), "{url}");
        }
    }

    #[test]
    fn origins() {
        assert_eq!(url_origin("http://127.0.0.1:4566/prefix/x"), "http://127.0.0.1:4566");
        assert_eq!(
            url_origin("https://oidc.us-east-1.amazonaws.com"),
            "https://oidc.us-east-1.amazonaws.com"
        );
        assert_eq!(url_origin("http://h?x=1"), "http://h");
        assert_eq!(url_origin("ünï"), "ünï");
    }
}
