//! The extension's host permissions (`manifest.json`) are exactly the origins the endpoint resolver
//! can produce for the regions IAM Identity Center runs in: plain, FIPS, dual-stack and FIPS +
//! dual-stack, in every partition the resolver knows (commercial, China, GovCloud, the ISO
//! partitions, the European Sovereign Cloud), plus the console sign-in hosts `console` uses for
//! "Open console" (one per partition with console federation). A partition or variant added to the
//! resolver without its hosts (or a host the resolver cannot produce) fails here, so the two cannot
//! drift.
//!
//! To regenerate the list after changing `REGIONS` or the resolver:
//! `SSO_BRIDGE_PRINT_HOSTS=1 cargo test -p sso-bridge --test manifest_hosts -- --nocapture`.

use sso_bridge::config::endpoint::{default_endpoint, known_partitions, partition_of, SsoService};
use sso_bridge::console::hosts_for_region;
use std::collections::BTreeSet;

/// Regions with IAM Identity Center (one or more per partition).
const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
    "us-gov-west-1",
    "us-gov-east-1",
    "cn-north-1",
    "cn-northwest-1",
    "eusc-de-east-1",
    "us-iso-east-1",
    "us-iso-west-1",
    "us-isob-east-1",
    "eu-isoe-west-1",
    "us-isof-south-1",
    "us-isof-east-1",
];

/// Development builds only (extension/build.mjs drops it from the store zips).
const DEV_ONLY: &str = "http://127.0.0.1/*";

fn expected_hosts() -> BTreeSet<String> {
    let mut hosts = BTreeSet::new();
    for region in REGIONS {
        for service in [SsoService::Oidc, SsoService::Portal] {
            for (fips, dual_stack) in [(false, false), (true, false), (false, true), (true, true)] {
                // Partitions without dual-stack refuse it: nothing to permit there.
                if let Ok(endpoint) = default_endpoint(service, region, fips, dual_stack) {
                    hosts.insert(format!("{}/*", endpoint.url));
                }
            }
        }
        // getSigninToken is fetched by the worker (the credentials never reach a page).
        if let Some(console) = hosts_for_region(region) {
            hosts.insert(format!("https://{}/*", console.signin));
        }
    }
    hosts
}

fn manifest_hosts() -> Vec<String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    manifest["host_permissions"].as_array().unwrap().iter().map(|h| h.as_str().unwrap().to_owned()).collect()
}

#[test]
fn every_partition_has_regions_in_the_list() {
    let covered: BTreeSet<&str> = REGIONS.iter().map(|region| partition_of(region).name).collect();
    for (prefix, partition) in known_partitions() {
        assert!(
            covered.contains(partition.name),
            "no region of partition {} ({prefix}-…) in REGIONS",
            partition.name
        );
    }
}

#[test]
fn host_permissions_are_what_the_resolver_produces() {
    let expected = expected_hosts();
    if std::env::var_os("SSO_BRIDGE_PRINT_HOSTS").is_some() {
        let mut list: Vec<String> = expected.iter().cloned().collect();
        list.push(DEV_ONLY.to_owned());
        println!("{}", serde_json::to_string_pretty(&list).unwrap());
    }
    let listed = manifest_hosts();
    assert_eq!(
        listed.last().map(String::as_str),
        Some(DEV_ONLY),
        "the loopback host comes last (dev builds only)"
    );
    let listed: BTreeSet<String> = listed.into_iter().filter(|h| h != DEV_ONLY).collect();
    let missing: Vec<_> = expected.difference(&listed).collect();
    let extra: Vec<_> = listed.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "manifest.json host_permissions: missing {missing:?}, not produced by the resolver {extra:?}"
    );
    // FIPS, dual-stack and the ISO partitions are all there.
    for host in [
        "https://oidc-fips.us-east-1.amazonaws.com/*",
        "https://portal.sso.us-east-1.api.aws/*",
        "https://oidc-fips.us-west-2.api.aws/*",
        "https://oidc.us-iso-east-1.c2s.ic.gov/*",
        "https://portal.sso.us-isob-east-1.sc2s.sgov.gov/*",
        "https://oidc.eu-isoe-west-1.cloud.adc-e.uk/*",
        "https://oidc.us-isof-south-1.csp.hci.ic.gov/*",
        "https://signin.aws.amazon.com/*",
        "https://signin.amazonaws-us-gov.com/*",
        "https://signin.amazonaws.cn/*",
    ] {
        assert!(expected.contains(host), "{host}");
    }
}
