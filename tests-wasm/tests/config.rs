//! The config parser and SSO profile resolution through the JS API.
#![cfg(target_arch = "wasm32")]

mod common;

use common::{error_parts, get, json};
use sso_bridge_wasm::config::{list_sso_profiles, parse_config, resolve_profile};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CONFIG: &str = "\
[default]
region = us-east-1

[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin
region = eu-west-1
output = json # kept by the CLI

[sso-session corp]
sso_start_url = https://d-abc123.awsapps.com/start
sso_region = us-west-2
sso_registration_scopes = sso:account:access

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = ReadOnly

[profile broken]
sso_session = missing

[tools]
a = b
";

const CREDENTIALS: &str = "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = wJalr\n";

#[wasm_bindgen_test]
fn parse_config_returns_profiles_sessions_and_diagnostics() {
    let parsed = parse_config(CONFIG, Some(CREDENTIALS.to_owned())).unwrap();
    let profiles = get(&parsed, "profiles");
    let names: Vec<String> = js_sys::Object::keys(profiles.unchecked_ref::<js_sys::Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    assert_eq!(names, ["broken", "default", "dev", "legacy"]);

    let dev_role = get(&get(&get(&profiles, "dev"), "properties"), "sso_role_name");
    assert_eq!(get(&dev_role, "value").as_string().as_deref(), Some("Admin"));
    assert_eq!(json(&get(&dev_role, "origin")), r#"{"file":"~/.aws/config","line":7}"#);

    // The credentials file's keys are merged into the same profile.
    let default_key = get(&get(&get(&profiles, "default"), "properties"), "aws_access_key_id");
    assert_eq!(get(&get(&default_key, "origin"), "file").as_string().as_deref(), Some("~/.aws/credentials"));

    let session = get(&get(&parsed, "sessions"), "corp");
    assert_eq!(get(&session, "name").as_string().as_deref(), Some("corp"));

    let diagnostics: js_sys::Array = get(&parsed, "diagnostics").into();
    let unprefixed = diagnostics
        .iter()
        .find(|d| get(d, "code").as_string().as_deref() == Some("unprefixed-config-section"))
        .expect("a diagnostic for `[tools]` in the config file");
    assert_eq!(get(&unprefixed, "severity").as_string().as_deref(), Some("warning"));
    assert_eq!(get(&get(&unprefixed, "origin"), "line").as_f64(), Some(25.0));
    assert!(get(&unprefixed, "message").as_string().unwrap().contains("[profile tools]"));
}

#[wasm_bindgen_test]
fn parse_errors_are_thrown_with_file_and_line() {
    let error =
        parse_config("[profile dev]\nregion = us-east-1\nthis line has no equals\n", None).unwrap_err();
    let (code, variant, retryable, message) = error_parts(&error);
    assert_eq!((code.as_str(), variant.as_str(), retryable), ("missing_equals", "MissingEquals", false));
    assert!(message.starts_with("~/.aws/config line 3"), "{message}");
    assert_eq!(get(&error, "file").as_string().as_deref(), Some("~/.aws/config"));
    assert_eq!(get(&error, "line").as_f64(), Some(3.0));
}

#[wasm_bindgen_test]
fn resolve_profile_gives_the_sso_settings() {
    let dev = resolve_profile("dev", CONFIG, None).unwrap();
    assert_eq!(get(&dev, "startUrl").as_string().as_deref(), Some("https://d-abc123.awsapps.com/start"));
    assert_eq!(get(&dev, "region").as_string().as_deref(), Some("us-west-2"));
    assert_eq!(get(&dev, "defaultRegion").as_string().as_deref(), Some("eu-west-1"));
    assert_eq!(get(&dev, "accountId").as_string().as_deref(), Some("111122223333"));
    assert_eq!(get(&dev, "tokenCacheIdentifier").as_string().as_deref(), Some("corp"));
    assert_eq!(get(&dev, "kind").as_string().as_deref(), Some("roleCredentials"));
    assert_eq!(get(&get(&dev, "session"), "name").as_string().as_deref(), Some("corp"));
    assert_eq!(json(&get(&dev, "scopes")), r#"["sso:account:access"]"#);

    let legacy = resolve_profile("legacy", CONFIG, None).unwrap();
    assert!(get(&legacy, "session").is_null());
    assert_eq!(
        get(&legacy, "tokenCacheIdentifier").as_string().as_deref(),
        Some("https://legacy.awsapps.com/start")
    );
}

#[wasm_bindgen_test]
fn resolve_profile_throws_the_cli_errors() {
    let (code, variant, retryable, message) =
        error_parts(&resolve_profile("broken", CONFIG, None).unwrap_err());
    assert_eq!((code.as_str(), variant.as_str(), retryable), ("session_not_found", "SessionNotFound", false));
    assert!(message.contains("missing"), "{message}");

    let (code, variant, ..) = error_parts(&resolve_profile("nope", CONFIG, None).unwrap_err());
    assert_eq!((code.as_str(), variant.as_str()), ("profile_not_found", "ProfileNotFound"));

    let (code, ..) = error_parts(&resolve_profile("default", CONFIG, None).unwrap_err());
    assert_eq!(code, "not_sso");
}

#[wasm_bindgen_test]
fn list_sso_profiles_reports_each_sso_profile_or_its_problem() {
    let entries: js_sys::Array = list_sso_profiles(CONFIG, None).unwrap().into();
    let summary: Vec<(String, bool, Option<String>)> = entries
        .iter()
        .map(|entry| {
            let error = get(&entry, "error");
            (
                get(&entry, "name").as_string().unwrap(),
                !get(&entry, "profile").is_null(),
                (!error.is_null()).then(|| get(&error, "code").as_string().unwrap()),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("broken".to_owned(), false, Some("session_not_found".to_owned())),
            ("dev".to_owned(), true, None),
            ("legacy".to_owned(), true, None),
        ]
    );
}

/// The botocore model lowercases non-ASCII keys through the JS engine in wasm: the same result as
/// Python's `str.lower()` (native test: `cli_key_names_are_lowercased_like_python_str_lower`).
#[wasm_bindgen_test]
fn cli_key_names_are_lowercased_like_python_str_lower() {
    let parsed = parse_config("[default]\nÉ = 1\né = 2\nRÉGIONΣ: b = c\n", None).unwrap();
    let messages: Vec<String> = js_sys::Array::from(&get(&parsed, "diagnostics"))
        .iter()
        .filter_map(|d| get(&d, "message").as_string())
        .collect();
    assert!(messages.iter().any(|m| m.contains("\"é\" is set twice")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("key \"régionς\"")), "{messages:?}");
}

/// The allocator reuses what a parse freed: after a warm-up, parsing a 5,000-profile config again
/// and again does not grow the wasm memory (a long-lived extension worker parses on every change).
#[wasm_bindgen_test]
fn repeated_large_parses_reach_a_steady_memory_size() {
    let mut text = String::new();
    for i in 0..5_000 {
        text.push_str(&format!(
            "[profile p{i}]\nsso_session = s{}\nsso_account_id = {:012}\nsso_role_name = Role{i}\nregion = eu-west-1\n\n",
            i % 50,
            i
        ));
    }
    for s in 0..50 {
        text.push_str(&format!(
            "[sso-session s{s}]\nsso_start_url = https://d-{s}.awsapps.com/start\nsso_region = us-east-1\n\n"
        ));
    }
    let memory_bytes = || {
        let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
        memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length()
    };
    for _ in 0..3 {
        parse_config(&text, None).unwrap();
        list_sso_profiles(&text, None).unwrap();
    }
    let warm = memory_bytes();
    for _ in 0..10 {
        parse_config(&text, None).unwrap();
        list_sso_profiles(&text, None).unwrap();
    }
    let after = memory_bytes();
    assert!(after <= warm + (1 << 20), "memory grew from {warm} to {after} bytes over 10 more parses");
}
