//! Endpoint resolution for `sso` and `sso_oidc` (spec §6): overrides in the SDKs' order, the
//! ignore switch, and the AWS defaults per partition with FIPS and dual-stack, plus the smithy-rs
//! scenarios whose recorded requests show which host the Rust SDK called.

use sso_bridge::config::endpoint::{configured_endpoint, default_endpoint};
use sso_bridge::config::{
    parse_files, resolve_endpoint, resolve_sso_profile, ConfigSet, EmptyEnvironment, EndpointError,
    EndpointSource, SourceFile, SsoService,
};
use std::collections::BTreeMap;
use std::path::Path;

use SsoService::{Oidc, Portal};

fn config(text: &str) -> ConfigSet {
    parse_files(Some(&SourceFile::config("~/.aws/config", text)), None).expect("valid config")
}

fn default_url(service: SsoService, region: &str, fips: bool, dual: bool) -> String {
    default_endpoint(service, region, fips, dual).map(|e| e.url).unwrap_or_else(|e| format!("error: {e}"))
}

#[test]
fn aws_defaults_per_partition_fips_and_dual_stack() {
    let cases = [
        (Oidc, "us-east-1", false, false, "https://oidc.us-east-1.amazonaws.com"),
        (Oidc, "us-east-1", true, false, "https://oidc-fips.us-east-1.amazonaws.com"),
        (Oidc, "us-east-1", false, true, "https://oidc.us-east-1.api.aws"),
        (Oidc, "us-east-1", true, true, "https://oidc-fips.us-east-1.api.aws"),
        (Portal, "eu-west-1", false, false, "https://portal.sso.eu-west-1.amazonaws.com"),
        (Portal, "us-east-2", true, false, "https://portal.sso-fips.us-east-2.amazonaws.com"),
        (Portal, "us-east-2", false, true, "https://portal.sso.us-east-2.api.aws"),
        (Portal, "us-east-2", true, true, "https://portal.sso-fips.us-east-2.api.aws"),
        (Oidc, "cn-north-1", false, false, "https://oidc.cn-north-1.amazonaws.com.cn"),
        (Oidc, "cn-north-1", false, true, "https://oidc.cn-north-1.api.amazonwebservices.com.cn"),
        (Portal, "cn-northwest-1", true, false, "https://portal.sso-fips.cn-northwest-1.amazonaws.com.cn"),
        (
            Portal,
            "cn-northwest-1",
            true,
            true,
            "https://portal.sso-fips.cn-northwest-1.api.amazonwebservices.com.cn",
        ),
        // GovCloud: FIPS alone resolves to the plain host name.
        (Oidc, "us-gov-west-1", true, false, "https://oidc.us-gov-west-1.amazonaws.com"),
        (Portal, "us-gov-east-1", true, false, "https://portal.sso.us-gov-east-1.amazonaws.com"),
        (Oidc, "us-gov-west-1", false, false, "https://oidc.us-gov-west-1.amazonaws.com"),
        (Oidc, "us-gov-west-1", true, true, "https://oidc-fips.us-gov-west-1.api.aws"),
        (Oidc, "us-gov-west-1", false, true, "https://oidc.us-gov-west-1.api.aws"),
        (Oidc, "us-iso-east-1", false, false, "https://oidc.us-iso-east-1.c2s.ic.gov"),
    ];
    for (service, region, fips, dual, expected) in cases {
        assert_eq!(
            default_url(service, region, fips, dual),
            expected,
            "{service:?} {region} fips={fips} dual={dual}"
        );
    }
    assert_eq!(default_endpoint(Oidc, "", false, false), Err(EndpointError::MissingRegion));
    assert!(default_url(Oidc, "", false, false).contains("Invalid Configuration: Missing Region"));
    assert!(matches!(
        default_endpoint(Oidc, "evil.com/x", false, false),
        Err(EndpointError::InvalidRegion { .. })
    ));
    assert!(matches!(
        default_endpoint(Oidc, "us-iso-east-1", false, true),
        Err(EndpointError::DualStackUnsupported { .. })
    ));
}

const LOCAL: &str = "\
[profile local]
services = emu
endpoint_url = http://profile.example:1
[services emu]
sso =
  endpoint_url = http://127.0.0.1:4566
sso_oidc =
  endpoint_url = http://127.0.0.1:4567/oidc
[profile plain]
endpoint_url = http://profile.example:2
";

#[test]
fn override_order_service_env_then_global_env_then_services_then_profile() {
    let set = config(LOCAL);
    let resolve = |service, profile: &str, env: &[(&str, &str)]| {
        resolve_endpoint(service, "us-east-1", &set, profile, &env)
    };

    let endpoint = resolve(Oidc, "local", &[]).unwrap();
    assert_eq!(endpoint.url, "http://127.0.0.1:4567/oidc");
    assert_eq!(endpoint.authorize_url(), "http://127.0.0.1:4567/authorize");
    assert!(
        matches!(&endpoint.source, EndpointSource::ServicesSection { section, origin } if section == "emu" && origin.line == 8)
    );
    assert_eq!(resolve(Portal, "local", &[]).unwrap().url, "http://127.0.0.1:4566");
    assert_eq!(resolve(Portal, "plain", &[]).unwrap().url, "http://profile.example:2");
    assert!(matches!(
        resolve(Portal, "plain", &[]).unwrap().source,
        EndpointSource::ProfileEndpointUrl { .. }
    ));
    assert_eq!(resolve(Portal, "absent", &[]).unwrap().url, "https://portal.sso.us-east-1.amazonaws.com");

    let global = [("AWS_ENDPOINT_URL", "http://global.example")];
    assert_eq!(resolve(Oidc, "local", &global).unwrap().url, "http://global.example");
    assert_eq!(resolve(Oidc, "local", &global).unwrap().source, EndpointSource::GlobalEnvironment);

    let both =
        [("AWS_ENDPOINT_URL", "http://global.example"), ("AWS_ENDPOINT_URL_SSO_OIDC", "http://oidc.example")];
    assert_eq!(resolve(Oidc, "local", &both).unwrap().url, "http://oidc.example");
    // The OIDC variable does not redirect the portal.
    assert_eq!(resolve(Portal, "local", &both).unwrap().url, "http://global.example");
    let portal_only = [("AWS_ENDPOINT_URL_SSO", "http://portal.example")];
    assert_eq!(resolve(Portal, "plain", &portal_only).unwrap().url, "http://portal.example");
    assert_eq!(resolve(Oidc, "plain", &portal_only).unwrap().url, "http://profile.example:2");
}

#[test]
fn ignore_switch_from_environment_or_profile() {
    let set = config(&format!(
        "{LOCAL}[profile ignoring]\nendpoint_url = http://x\nignore_configured_endpoint_urls = true\n"
    ));
    let env =
        [("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"), ("AWS_ENDPOINT_URL", "http://global.example")];
    let endpoint = resolve_endpoint(Oidc, "eu-central-1", &set, "local", &env).unwrap();
    assert_eq!(endpoint.url, "https://oidc.eu-central-1.amazonaws.com");
    let endpoint = resolve_endpoint(Portal, "eu-central-1", &set, "ignoring", &EmptyEnvironment).unwrap();
    assert_eq!(endpoint.url, "https://portal.sso.eu-central-1.amazonaws.com");
    // The environment wins over the profile.
    let env = [("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false")];
    assert_eq!(resolve_endpoint(Portal, "eu-central-1", &set, "ignoring", &env).unwrap().url, "http://x");
    let env = [("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "yes")];
    let error = resolve_endpoint(Portal, "eu-central-1", &set, "ignoring", &env).unwrap_err();
    assert_eq!(
        error.to_string(),
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS must be true or false, not \"yes\"; fix or remove it"
    );
}

#[test]
fn fips_and_dual_stack_from_environment_or_profile() {
    let set = config("[profile f]\nuse_fips_endpoint = true\n[profile d]\nuse_dualstack_endpoint = true\n[profile bad]\nuse_fips_endpoint = maybe");
    assert_eq!(
        resolve_endpoint(Oidc, "us-west-2", &set, "f", &EmptyEnvironment).unwrap().url,
        "https://oidc-fips.us-west-2.amazonaws.com"
    );
    assert_eq!(
        resolve_endpoint(Oidc, "us-west-2", &set, "d", &EmptyEnvironment).unwrap().url,
        "https://oidc.us-west-2.api.aws"
    );
    let env = [("AWS_USE_FIPS_ENDPOINT", "false")];
    assert_eq!(
        resolve_endpoint(Oidc, "us-west-2", &set, "f", &env).unwrap().url,
        "https://oidc.us-west-2.amazonaws.com"
    );
    let error = resolve_endpoint(Oidc, "us-west-2", &set, "bad", &EmptyEnvironment).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("use_fips_endpoint (~/.aws/config line 6) must be true or false, not \"maybe\""),
        "{error}"
    );
}

#[test]
fn overrides_refuse_fips_and_dual_stack_like_the_endpoint_rules() {
    let set = config(LOCAL);
    let env = [("AWS_USE_FIPS_ENDPOINT", "true")];
    let error = resolve_endpoint(Oidc, "us-east-1", &set, "local", &env).unwrap_err();
    assert!(error.to_string().starts_with("Invalid Configuration: FIPS and custom endpoint are not supported (the endpoint comes from [services emu] at ~/.aws/config line 8)"), "{error}");
    let env = [("AWS_USE_DUALSTACK_ENDPOINT", "true"), ("AWS_ENDPOINT_URL_SSO", "http://p")];
    let error = resolve_endpoint(Portal, "us-east-1", &set, "local", &env).unwrap_err();
    assert!(error.to_string().starts_with("Invalid Configuration: Dualstack and custom endpoint are not supported (the endpoint comes from environment variable AWS_ENDPOINT_URL_SSO)"), "{error}");
}

#[test]
fn bad_overrides_are_explained() {
    let set = config("[profile p]\nservices = missing\n[profile q]\nendpoint_url = localhost:4566");
    let error = resolve_endpoint(Oidc, "us-east-1", &set, "p", &EmptyEnvironment).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("the \"missing\" services configuration does not exist (~/.aws/config line 2"),
        "{error}"
    );
    let error = resolve_endpoint(Oidc, "us-east-1", &set, "q", &EmptyEnvironment).unwrap_err();
    assert!(error.to_string().starts_with("the endpoint URL \"localhost:4566\" from endpoint_url at ~/.aws/config line 4 is not a valid URL"), "{error}");
    assert_eq!(configured_endpoint(Oidc, &set, "absent", &EmptyEnvironment), Ok(None));
}

/// smithy-rs scenarios that recorded a GetRoleCredentials request: our portal endpoint for the
/// selected profile, with the scenario's environment, is the scheme and host the Rust SDK called.
#[test]
fn smithy_rs_scenarios_call_the_same_portal_host() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/smithy-rs-scenarios");
    let mut checked = 0;
    for entry in std::fs::read_dir(root).unwrap() {
        let dir = entry.unwrap().path();
        let uri = std::fs::read_to_string(dir.join("request-uri.txt")).unwrap();
        if uri.trim().is_empty() {
            continue;
        }
        let env: BTreeMap<String, String> =
            serde_json::from_str(&std::fs::read_to_string(dir.join("env.json")).unwrap()).unwrap();
        let text = std::fs::read_to_string(dir.join("config")).unwrap();
        let set = parse_files(Some(&SourceFile::config("config", &text)), None).unwrap();
        let profile_name = env.get("AWS_PROFILE").cloned().unwrap_or_else(|| "default".into());
        let profile = resolve_sso_profile(&set, &profile_name).unwrap();
        let endpoint = resolve_endpoint(Portal, &profile.region, &set, &profile_name, &env).unwrap();
        let called = uri.split("/federation/").next().unwrap();
        assert_eq!(endpoint.url, called, "{}", dir.display());
        checked += 1;
    }
    assert_eq!(checked, 4, "four scenarios record a portal request");
}
