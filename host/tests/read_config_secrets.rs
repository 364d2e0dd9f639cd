//! `readConfig` over real native-messaging framing never carries a secret value from the config or
//! credentials file (issue 14, Medium 2): the extension gets names and non-secret values only.

mod common;

use common::*;
use serde_json::{json, Value};
use sso_bridge::config::{parse_files, SourceFile};

/// Real-shaped keys: AWS's documented example secret (with `/`) and a session token (with `/`,
/// `+`, `=`), plus a long-term key pair in the config file, which the CLI also reads.
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const OTHER_SECRET_KEY: &str = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
const SESSION_TOKEN: &str =
    "IQoJb3JpZ2luX2VjEOr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD6m5+Ff1Ym7yNfTdkQ0a0SQzhAZ8TExampleToken==";

#[test]
fn read_config_never_sends_a_secret_value() {
    let home = Home::installed();
    let credentials = format!(
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {SECRET_KEY}\n\n\
         [temporary]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key={OTHER_SECRET_KEY}\n\
         aws_session_token = {SESSION_TOKEN}\n# aws_secret_access_key = {OTHER_SECRET_KEY}\n"
    );
    let config = format!(
        "[default]\nregion = eu-west-1\n[profile keys-in-config]\naws_access_key_id = AKIAEXAMPLEINCONFIG\n\
         aws_secret_access_key = {OTHER_SECRET_KEY}\n[profile dev]\nsso_session = admin\n\
         sso_account_id = 123456789012\nsso_role_name = ReadOnly\n[sso-session admin]\n\
         sso_start_url = https://d-abc123.awsapps.com/start\nsso_region = us-east-1\n"
    );
    home.write(".aws/credentials", &credentials);
    home.write(".aws/config", &config);

    let mut session = home.session();
    // Read the reply as the browser does, frame by frame, and look at every byte of it.
    session.send_raw(&frame(json!({"type": "readConfig", "id": 1}).to_string().as_bytes()));
    let raw = session.read_frame().expect("a reply frame");
    let raw_text = String::from_utf8_lossy(&raw);
    for secret in
        [SECRET_KEY, OTHER_SECRET_KEY, SESSION_TOKEN, "wJalrXUtnFEMI", "K7MDENG", "je7MtGbClwBF", "IQoJb3J"]
    {
        assert!(!raw_text.contains(secret), "readConfig sent {secret}: {raw_text}");
        // Also not JSON-escaped (`\/`).
        assert!(!raw_text.contains(&secret.replace('/', "\\/")), "readConfig sent {secret}");
    }
    let reply: Value = serde_json::from_slice(&raw).expect("reply is JSON");
    assert_eq!(reply["ok"], true, "{reply}");
    session.finish();

    // The extension's view: the same profiles, keys and non-secret values as the files.
    let sent_config = reply["config"]["content"].as_str().expect("config content");
    let sent_credentials = reply["credentials"]["content"].as_str().expect("credentials content");
    assert!(
        sent_credentials.contains("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = *\n")
    );
    assert_eq!(sent_config.lines().count(), config.lines().count());
    assert_eq!(sent_credentials.lines().count(), credentials.lines().count());
    let parse = |config: &str, credentials: &str| {
        parse_files(
            Some(&SourceFile::config("config", config)),
            Some(&SourceFile::credentials("credentials", credentials)),
        )
        .expect("parses")
    };
    let original = parse(&config, &credentials);
    let seen = parse(sent_config, sent_credentials);
    assert_eq!(original.diagnostics, seen.diagnostics);
    assert_eq!(original.profiles.keys().collect::<Vec<_>>(), seen.profiles.keys().collect::<Vec<_>>());
    for (name, profile) in &original.profiles {
        for key in ["aws_access_key_id", "region", "sso_session", "sso_account_id", "sso_role_name"] {
            assert_eq!(profile.get(key), seen.profiles.get(name).unwrap().get(key), "{name} {key}");
        }
        let has = |key: &str| seen.profiles.get(name).unwrap().get(key).is_some();
        assert_eq!(profile.get("aws_secret_access_key").is_some(), has("aws_secret_access_key"), "{name}");
    }

    let log = home.log_text();
    for secret in [SECRET_KEY, OTHER_SECRET_KEY, SESSION_TOKEN] {
        assert!(!log.contains(secret), "the log holds {secret}");
    }
}
