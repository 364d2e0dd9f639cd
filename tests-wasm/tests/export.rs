//! Credential export formats through the JS API.
#![cfg(target_arch = "wasm32")]

mod common;

use common::{error_parts, js};
use sso_bridge_wasm::export::{credentials_file_section, export_credentials};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CREDENTIALS: &str = r#"{"accessKeyId": "ASIAEXAMPLE", "secretAccessKey": "wJalr/K7MDENG+bPxRfiCY",
  "sessionToken": "IQoJb3JpZ2luX2Vj//token==", "expiration": "2024-05-01T13:00:00Z", "accountId": "123456789012"}"#;

#[wasm_bindgen_test]
fn every_format_matches_the_cli() {
    let expected = [
        ("process", "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIAEXAMPLE\",\n  \"SecretAccessKey\": \"wJalr/K7MDENG+bPxRfiCY\",\n  \"SessionToken\": \"IQoJb3JpZ2luX2Vj//token==\",\n  \"Expiration\": \"2024-05-01T13:00:00+00:00\"\n}\n"),
        ("env", "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nexport AWS_SECRET_ACCESS_KEY=wJalr/K7MDENG+bPxRfiCY\nexport AWS_SESSION_TOKEN=IQoJb3JpZ2luX2Vj//token==\nexport AWS_CREDENTIAL_EXPIRATION=2024-05-01T13:00:00+00:00\n"),
        ("env-no-export", "AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalr/K7MDENG+bPxRfiCY\nAWS_SESSION_TOKEN=IQoJb3JpZ2luX2Vj//token==\nAWS_CREDENTIAL_EXPIRATION=2024-05-01T13:00:00+00:00\n"),
        ("powershell", "$Env:AWS_ACCESS_KEY_ID=\"ASIAEXAMPLE\"\n$Env:AWS_SECRET_ACCESS_KEY=\"wJalr/K7MDENG+bPxRfiCY\"\n$Env:AWS_SESSION_TOKEN=\"IQoJb3JpZ2luX2Vj//token==\"\n$Env:AWS_CREDENTIAL_EXPIRATION=\"2024-05-01T13:00:00+00:00\"\n"),
        ("windows-cmd", "set AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nset AWS_SECRET_ACCESS_KEY=wJalr/K7MDENG+bPxRfiCY\nset AWS_SESSION_TOKEN=IQoJb3JpZ2luX2Vj//token==\nset AWS_CREDENTIAL_EXPIRATION=2024-05-01T13:00:00+00:00\n"),
        ("fish", "set -gx AWS_ACCESS_KEY_ID \"ASIAEXAMPLE\"\nset -gx AWS_SECRET_ACCESS_KEY \"wJalr/K7MDENG+bPxRfiCY\"\nset -gx AWS_SESSION_TOKEN \"IQoJb3JpZ2luX2Vj//token==\"\nset -gx AWS_CREDENTIAL_EXPIRATION \"2024-05-01T13:00:00+00:00\"\n"),
    ];
    for (format, text) in expected {
        assert_eq!(export_credentials(js(CREDENTIALS), format).unwrap(), text, "{format}");
    }
    let static_keys = js(r#"{"accessKeyId": "AKIDEXAMPLE", "secretAccessKey": "s"}"#);
    assert_eq!(
        export_credentials(static_keys, "env").unwrap(),
        "export AWS_ACCESS_KEY_ID=AKIDEXAMPLE\nexport AWS_SECRET_ACCESS_KEY=s\n"
    );
}

#[wasm_bindgen_test]
fn credentials_file_section_is_the_cli_snippet() {
    assert_eq!(
        credentials_file_section("123456789012_Admin", js(CREDENTIALS)).unwrap(),
        "[123456789012_Admin]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = wJalr/K7MDENG+bPxRfiCY\naws_session_token = IQoJb3JpZ2luX2Vj//token==\n"
    );
}

#[wasm_bindgen_test]
fn bad_formats_and_credentials_are_argument_errors_without_secrets() {
    let (code, variant, _, message) = error_parts(&export_credentials(js(CREDENTIALS), "bash").unwrap_err());
    assert_eq!((code.as_str(), variant.as_str()), ("invalid_argument", "UnknownExportFormat"));
    assert!(message.contains("windows-cmd"), "{message}");

    let missing_key = js(r#"{"secretAccessKey": "wJalr-secret"}"#);
    let (code, _, _, message) = error_parts(&export_credentials(missing_key, "env").unwrap_err());
    assert_eq!(code, "invalid_argument");
    assert!(message.contains("accessKeyId"), "{message}");
    assert!(!message.contains("wJalr"), "{message}");
}
