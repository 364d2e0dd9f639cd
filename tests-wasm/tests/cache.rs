//! Cache keys and cache files through the JS API (the same vectors as the native suite: this checks
//! the conversion, not the logic).
#![cfg(target_arch = "wasm32")]

mod common;

use common::{error_parts, get, js, json};
use sso_bridge_wasm::cache::{
    parse_registration_file, parse_token_file, registration_cache_key, registration_file_json,
    token_cache_key, token_file_json,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn token_cache_key_is_the_sha1_of_the_session_name_or_start_url() {
    assert_eq!(token_cache_key("dev"), "34c6fceca75e456f25e7e99531e2425c6c1de443");
    assert_eq!(
        token_cache_key("https://d-92671207e4.awsapps.com/start"),
        "13f9d35043871d073ab260e020f0ffde092cb14b"
    );
}

#[wasm_bindgen_test]
fn registration_cache_key_matches_the_cli() {
    let legacy = js(r#"{"startUrl": "https://d-abc123.awsapps.com/start", "region": "us-west-2"}"#);
    assert_eq!(registration_cache_key(legacy).unwrap(), "d75f79f67bab3f92a2b1450471c0c2574de0dca4");
    let explicit_nulls = js(
        r#"{"startUrl": "https://d-abc123.awsapps.com/start", "region": "us-west-2", "scopes": null, "sessionName": null}"#,
    );
    assert_eq!(registration_cache_key(explicit_nulls).unwrap(), "d75f79f67bab3f92a2b1450471c0c2574de0dca4");
}

#[wasm_bindgen_test]
fn registration_cache_key_rejects_a_wrong_shape() {
    let error = registration_cache_key(js(r#"{"startUrl": 42}"#)).unwrap_err();
    let (code, variant, retryable, message) = error_parts(&error);
    assert_eq!((code.as_str(), variant.as_str(), retryable), ("invalid_argument", "InvalidArgument", false));
    assert!(message.contains("registration cache key input"), "{message}");

    // A wrong-typed string value is not echoed (it could be a token pasted into the wrong field).
    let error =
        registration_cache_key(js(r#"{"startUrl": "u", "region": "r", "scopes": "sekrit"}"#)).unwrap_err();
    let (code, _, _, message) = error_parts(&error);
    assert_eq!(code, "invalid_argument");
    assert!(!message.contains("sekrit"), "{message}");
    assert!(message.contains("`scopes` must be a list of strings"), "{message}");
}

const FULL_TOKEN_FILE: &str = r#"{"startUrl": "start-url", "region": "region", "accessToken": "access-token", "expiresAt": "1971-08-02T16:53:20Z", "clientId": "client-id", "clientSecret": "client-secret", "registrationExpiresAt": "1973-03-03T09:46:40Z", "refreshToken": "refresh-token"}"#;

#[wasm_bindgen_test]
fn token_files_round_trip_byte_exact() {
    let token = parse_token_file(FULL_TOKEN_FILE).unwrap();
    assert_eq!(get(&token, "accessToken").as_string().as_deref(), Some("access-token"));
    assert_eq!(get(&token, "expiresAt").as_string().as_deref(), Some("1971-08-02T16:53:20Z"));
    assert_eq!(token_file_json(token).unwrap(), FULL_TOKEN_FILE);
}

#[wasm_bindgen_test]
fn token_file_json_leaves_out_absent_fields_and_normalises_timestamps() {
    let token = js(r#"{"accessToken": "a", "expiresAt": "2002-10-18T03:52:38.000Z", "refreshToken": null}"#);
    assert_eq!(
        token_file_json(token).unwrap(),
        r#"{"accessToken": "a", "expiresAt": "2002-10-18T03:52:38Z"}"#
    );
}

#[wasm_bindgen_test]
fn token_file_errors_name_the_problem_and_never_the_token() {
    let error = parse_token_file(r#"{"accessToken": "sekrit-token"}"#).unwrap_err();
    let (code, variant, _, message) = error_parts(&error);
    assert_eq!((code.as_str(), variant.as_str()), ("invalid_cache_file", "MissingField"));
    assert!(message.contains("expiresAt"), "{message}");
    assert!(!message.contains("sekrit"), "{message}");

    let error = token_file_json(js(r#"{"accessToken": "a", "expiresAt": "next tuesday"}"#)).unwrap_err();
    let (code, _, _, message) = error_parts(&error);
    assert_eq!(code, "invalid_argument");
    assert!(message.contains("expiresAt"), "{message}");

    let (code, variant, _, _) = error_parts(&parse_token_file("not json").unwrap_err());
    assert_eq!((code.as_str(), variant.as_str()), ("invalid_cache_file", "InvalidJson"));
}

#[wasm_bindgen_test]
fn registration_files_round_trip_byte_exact() {
    let text = r#"{"clientId": "cid", "clientSecret": "cs", "expiresAt": "2024-08-01T12:00:00Z", "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}"#;
    let registration = parse_registration_file(text).unwrap();
    assert_eq!(json(&get(&registration, "grantTypes")), r#"["authorization_code","refresh_token"]"#);
    assert_eq!(registration_file_json(registration).unwrap(), text);
}
