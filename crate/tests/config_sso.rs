//! SSO profile resolution (spec §8.4): the three profile shapes, the AWS CLI's errors, and the
//! smithy-rs SSO scenarios (`tests/conformance/smithy-rs-scenarios/`).

use sso_bridge::config::sso::{parse_scopes, resolve_sso_session, sso_profiles};
use sso_bridge::config::{
    parse_files, resolve_sso_profile, ConfigSet, DiagnosticCode, SourceFile, SsoConfigError, SsoProfileKind,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn config(text: &str) -> ConfigSet {
    parse_files(Some(&SourceFile::config("~/.aws/config", text)), None).expect("valid config")
}

const SESSION_PROFILE: &str = "\
[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = eu-west-1

[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access, ,codewhisperer:completions,
";

#[test]
fn session_profile_resolves_with_scopes_and_session_cache_key() {
    let profile = resolve_sso_profile(&config(SESSION_PROFILE), "dev").unwrap();
    assert_eq!(profile.kind, SsoProfileKind::RoleCredentials);
    assert_eq!(profile.session.as_ref().map(|s| s.name.as_str()), Some("corp"));
    assert_eq!(profile.session.as_ref().map(|s| s.origin.line), Some(7));
    assert_eq!(profile.start_url, "https://d-1234567890.awsapps.com/start");
    assert_eq!(profile.region, "us-east-1");
    assert_eq!(profile.default_region.as_deref(), Some("eu-west-1"));
    assert_eq!(profile.account_id.as_deref(), Some("111122223333"));
    assert_eq!(profile.role_name.as_deref(), Some("ReadOnly"));
    assert_eq!(
        profile.scopes.as_deref(),
        Some(&["sso:account:access".to_owned(), "codewhisperer:completions".to_owned()][..])
    );
    assert_eq!(profile.token_cache_identifier, "corp");
    assert!(profile.diagnostics.is_empty());
    let session = resolve_sso_session(&config(SESSION_PROFILE), "corp").unwrap().unwrap();
    assert_eq!(session.scopes.map(|scopes| scopes.len()), Some(2));
}

#[test]
fn legacy_profile_is_keyed_by_start_url_and_has_no_scopes() {
    let set = config(
        "[default]\nsso_start_url = https://my.awsapps.com/start\nsso_region = us-west-2\n\
         sso_account_id = 1\nsso_role_name = Admin\nsso_registration_scopes = ignored",
    );
    let profile = resolve_sso_profile(&set, "default").unwrap();
    assert!(profile.is_legacy());
    assert_eq!(profile.token_cache_identifier, "https://my.awsapps.com/start");
    assert_eq!(profile.scopes, None);
}

#[test]
fn absent_and_empty_scopes_stay_distinct() {
    // The CLI's registration cache key hashes `null` for an absent key and `[]` for an empty one.
    let absent = config("[profile p]\nsso_session = s\nsso_account_id = 1\nsso_role_name = R\n\
                         [sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1");
    assert_eq!(resolve_sso_profile(&absent, "p").unwrap().scopes, None);
    let empty = config("[profile p]\nsso_session = s\nsso_account_id = 1\nsso_role_name = R\n\
                        [sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n\
                        sso_registration_scopes =");
    assert_eq!(resolve_sso_profile(&empty, "p").unwrap().scopes, Some(vec![]));
}

#[test]
fn bearer_only_profiles_have_no_account_or_role() {
    let set = config("[profile token]\nsso_session = s\n[sso-session s]\nsso_start_url = u\nsso_region = r");
    let profile = resolve_sso_profile(&set, "token").unwrap();
    assert_eq!(profile.kind, SsoProfileKind::BearerToken);
    assert_eq!(profile.account_id, None);
}

#[test]
fn missing_keys_are_listed_in_botocore_order() {
    let set = config("[profile half]\nsso_account_id = 1\nsso_region = us-east-1");
    let error = resolve_sso_profile(&set, "half").unwrap_err();
    assert_eq!(
        error,
        SsoConfigError::MissingKeys {
            profile: "half".into(),
            origin: sso_bridge::config::Origin { file: "~/.aws/config".into(), line: 1 },
            keys: vec!["sso_start_url".into(), "sso_role_name".into()],
        }
    );
    assert!(error.to_string().starts_with(
        "The profile \"half\" is configured to use SSO but is missing required configuration: \
         sso_start_url, sso_role_name. Add them to the profile at ~/.aws/config line 1"
    ));

    let set = config(
        "[profile p]\nsso_session = s\nsso_role_name = R\n[sso-session s]\nsso_start_url = u\nsso_region = r",
    );
    let error = resolve_sso_profile(&set, "p").unwrap_err();
    assert!(error.to_string().contains("missing required configuration: sso_account_id."), "{error}");

    let set = config("[profile p]\nsso_session = s\n[sso-session s]\nsso_start_url = u\nsso_region =");
    let error = resolve_sso_profile(&set, "p").unwrap_err();
    assert_eq!(error.code(), "sessionMissingKeys");
    assert!(
        error.to_string().contains(
            "The sso-session \"s\" (~/.aws/config line 3) is missing required configuration: sso_region."
        ),
        "{error}"
    );
}

#[test]
fn missing_session_is_named_with_the_line_that_references_it() {
    let set = config("[profile p]\nregion = x\nsso_session = nope\nsso_account_id = 1\nsso_role_name = r");
    let error = resolve_sso_profile(&set, "p").unwrap_err();
    assert!(
        error.to_string().starts_with(
            "The specified sso-session does not exist: \"nope\" (profile \"p\" at ~/.aws/config line 3"
        ),
        "{error}"
    );
}

#[test]
fn inconsistent_values_between_profile_and_session_are_refused() {
    let set = config(
        "[profile p]\nsso_session = s\nsso_start_url = https://a\nsso_account_id = 1\nsso_role_name = r\n\
         [sso-session s]\nsso_start_url = https://b\nsso_region = us-east-1",
    );
    let error = resolve_sso_profile(&set, "p").unwrap_err();
    assert!(
        error.to_string().starts_with(
            "The value for sso_start_url is inconsistent between profile (https://a) and sso-session (https://b)"
        ),
        "{error}"
    );
    // Equal values pass botocore, but the Rust SDK refuses them: a diagnostic says so.
    let set = config(
        "[profile p]\nsso_session = s\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = r\n\
         [sso-session s]\nsso_start_url = https://b\nsso_region = us-east-1",
    );
    let profile = resolve_sso_profile(&set, "p").unwrap();
    assert_eq!(profile.diagnostics.len(), 1);
    assert_eq!(profile.diagnostics[0].code, DiagnosticCode::SsoKeysBesideSession);
    assert_eq!(profile.diagnostics[0].origin.line, 3);
    // An empty profile value still differs (botocore compares strings).
    let set = config(
        "[profile p]\nsso_session = s\nsso_start_url =\nsso_account_id = 1\nsso_role_name = r\n\
         [sso-session s]\nsso_start_url = https://b\nsso_region = us-east-1",
    );
    assert_eq!(resolve_sso_profile(&set, "p").unwrap_err().code(), "inconsistent");
}

#[test]
fn not_found_and_not_sso() {
    let set = config("[profile plain]\nregion = us-east-1");
    assert_eq!(resolve_sso_profile(&set, "nope").unwrap_err().code(), "profileNotFound");
    assert_eq!(resolve_sso_profile(&set, "plain").unwrap_err().code(), "notSso");
    assert!(sso_profiles(&set).is_empty());
    assert_eq!(sso_profiles(&config(SESSION_PROFILE)).len(), 1);
}

#[test]
fn scopes_split_trim_and_drop_empties() {
    assert_eq!(parse_scopes(" a ,b,,\n c ,"), ["a", "b", "c"]);
    assert!(parse_scopes("").is_empty());
}

#[test]
fn model_serializes_camel_case_for_javascript() {
    let profile = resolve_sso_profile(&config(SESSION_PROFILE), "dev").unwrap();
    let json = serde_json::to_value(&profile).unwrap();
    assert_eq!(json["startUrl"], "https://d-1234567890.awsapps.com/start");
    assert_eq!(json["tokenCacheIdentifier"], "corp");
    assert_eq!(json["session"]["origin"]["line"], 7);
    assert_eq!(json["kind"], "roleCredentials");
}

pub fn scenarios() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/smithy-rs-scenarios");
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(root).unwrap().map(|entry| entry.unwrap().path()).collect();
    dirs.sort();
    dirs
}

/// The smithy-rs SSO scenarios: the profile each one selects resolves (or fails) as the Rust SDK
/// did, and its token cache file is named after our cache identifier.
#[test]
fn smithy_rs_sso_scenarios() {
    let dirs = scenarios();
    assert_eq!(dirs.len(), 9);
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let env: BTreeMap<String, String> =
            serde_json::from_str(&std::fs::read_to_string(dir.join("env.json")).unwrap()).unwrap();
        let case: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("test-case.json")).unwrap()).unwrap();
        let text = std::fs::read_to_string(dir.join("config")).unwrap();
        let set = parse_files(Some(&SourceFile::config("config", &text)), None).unwrap();
        let profile_name = env.get("AWS_PROFILE").map(String::as_str).unwrap_or("default");
        let profile = resolve_sso_profile(&set, profile_name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let is_credentials_case = dir.join("request-uri.txt").metadata().map(|m| m.len() > 0).unwrap();
        match case["result"]["ErrorContains"].as_str() {
            Some("selected profile will resolve an access token instead of credentials") => {
                assert_eq!(profile.kind, SsoProfileKind::BearerToken, "{name}")
            }
            Some(other) => panic!("{name}: unexpected scenario error {other}"),
            None if is_credentials_case => {
                assert_eq!(profile.kind, SsoProfileKind::RoleCredentials, "{name}");
                let uri = std::fs::read_to_string(dir.join("request-uri.txt")).unwrap();
                assert!(
                    uri.contains(&format!("role_name={}", profile.role_name.as_deref().unwrap())),
                    "{name}"
                );
                assert!(
                    uri.contains(&format!("account_id={}", profile.account_id.as_deref().unwrap())),
                    "{name}"
                );
                assert_eq!(
                    case["result"]["Ok"]["account_id"],
                    profile.account_id.as_deref().unwrap(),
                    "{name}"
                );
            }
            None => assert_eq!(profile.kind, SsoProfileKind::BearerToken, "{name}"),
        }
        if let Ok(file) = std::fs::read_to_string(dir.join("token-cache-file.txt")) {
            let hash = sha1_smol::Sha1::from(&profile.token_cache_identifier).digest().to_string();
            assert_eq!(file.trim(), format!("{hash}.json"), "{name}");
        }
    }
}

#[test]
fn every_sso_config_error_code_is_its_serialized_tag() {
    use sso_bridge::config::sso::Inconsistency;
    use sso_bridge::config::Origin;
    let text = || String::from("x");
    let origin = || Origin { file: text().into(), line: 1 };
    for error in [
        SsoConfigError::ProfileNotFound { profile: text() },
        SsoConfigError::NotSso { profile: text(), origin: origin() },
        SsoConfigError::MissingKeys { profile: text(), origin: origin(), keys: vec![text()] },
        SsoConfigError::SessionMissingKeys { session: text(), origin: origin(), keys: vec![text()] },
        SsoConfigError::SessionNotFound { profile: text(), session: text(), origin: origin() },
        SsoConfigError::Inconsistent(Box::new(Inconsistency {
            profile: text(),
            session: text(),
            key: text(),
            profile_value: text(),
            session_value: text(),
            profile_origin: origin(),
            session_origin: origin(),
        })),
    ] {
        assert_eq!(serde_json::to_value(&error).unwrap()["code"], error.code());
    }
}
