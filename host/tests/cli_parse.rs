//! `sso-bridge parse`, the built binary: all 65 cases of the SDK conformance table (outputs and
//! errors), default file locations, warnings and error exits.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn table() -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../crate/tests/conformance/profile-parser-tests.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("the conformance table")).expect("valid JSON")
}

/// Runs the binary with only HOME (a temporary directory) and the given variables set.
fn sso_bridge(home: &Path, vars: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sso-bridge"));
    command.env_clear().env("HOME", home).args(args);
    for (name, value) in vars {
        command.env(name, value);
    }
    command.output().expect("the sso-bridge binary runs")
}

#[test]
fn reproduces_all_65_conformance_cases() {
    let table = table();
    let cases = table["tests"].as_array().expect("tests");
    assert_eq!(cases.len(), 65);
    let mut failures = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let name = case["name"].as_str().unwrap_or_default();
        let home = tempfile::tempdir().expect("temporary HOME");
        let mut args = vec!["parse".to_owned()];
        for (key, file, option) in [
            ("configFile", "config-file", "--config"),
            ("credentialsFile", "credentials-file", "--credentials"),
        ] {
            if let Some(text) = case["input"][key].as_str() {
                let path = home.path().join(file);
                std::fs::write(&path, text).expect("write input");
                args.push(option.to_owned());
                args.push(path.to_string_lossy().into_owned());
            }
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = sso_bridge(home.path(), &[], &args);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if let Some(expected) = case["output"].get("config") {
            let mut expected = expected.clone();
            if expected.get("sso_sessions").is_none() {
                expected["sso_sessions"] = serde_json::json!({});
            }
            match serde_json::from_str::<Value>(&stdout) {
                Ok(actual) if output.status.success() && actual == expected => {}
                _ => failures.push(format!(
                    "#{index} {name}: expected {expected}, got status {:?}, stdout {stdout}, stderr {stderr}",
                    output.status.code()
                )),
            }
        } else {
            let phrase = case["output"]["errorContaining"].as_str().expect("an error phrase");
            let file = if case["input"].get("configFile").is_some() {
                "config-file line "
            } else {
                "credentials-file line "
            };
            let ok = output.status.code() == Some(1)
                && stdout.is_empty()
                && stderr.starts_with("error: ")
                && stderr.contains(phrase)
                && stderr.contains(file);
            if !ok {
                failures.push(format!(
                    "#{index} {name}: expected exit 1 and an error naming {file:?} with {phrase:?}, got \
                     status {:?}, stdout {stdout}, stderr {stderr}",
                    output.status.code()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} of 65 cases failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn default_files_follow_the_environment_then_home() {
    let home = tempfile::tempdir().expect("temporary HOME");
    let aws = home.path().join(".aws");
    std::fs::create_dir(&aws).expect("~/.aws");
    std::fs::write(aws.join("config"), "[profile from-home]\nregion = eu-west-1\n").expect("config");
    std::fs::write(aws.join("credentials"), "[from-home]\naws_access_key_id = AKID\n").expect("credentials");
    let output = sso_bridge(home.path(), &[], &["parse"]);
    assert!(output.status.success(), "{output:?}");
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        json,
        serde_json::json!({
            "profiles": {"from-home": {"region": "eu-west-1", "aws_access_key_id": "AKID"}},
            "sso_sessions": {}
        })
    );

    let other = home.path().join("other-config");
    std::fs::write(&other, "[sso-session corp]\nsso_region = us-east-1\n").expect("other config");
    let output = sso_bridge(
        home.path(),
        &[
            ("AWS_CONFIG_FILE", &other.to_string_lossy()),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/creds"),
        ],
        &["parse"],
    );
    assert!(output.status.success(), "{output:?}");
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        json,
        serde_json::json!({"profiles": {}, "sso_sessions": {"corp": {"sso_region": "us-east-1"}}})
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr
            .contains("warning: AWS_SHARED_CREDENTIALS_FILE names /nonexistent/creds, which does not exist"),
        "{stderr}"
    );

    // No files at all: empty, not an error.
    let empty = tempfile::tempdir().expect("temporary HOME");
    let output = sso_bridge(empty.path(), &[], &["parse"]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "{\n  \"profiles\": {},\n  \"sso_sessions\": {}\n}"
    );
}

#[test]
fn errors_name_the_file_as_users_write_it_and_warnings_go_to_stderr() {
    let home = tempfile::tempdir().expect("temporary HOME");
    let aws = home.path().join(".aws");
    std::fs::create_dir(&aws).expect("~/.aws");
    std::fs::write(aws.join("config"), "[default]\nregion = us-east-1\n\n[profile dev]\nregion us-east-1\n")
        .expect("config");
    let output = sso_bridge(home.path(), &[], &["parse"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: ~/.aws/config line 5: Expected an '=' sign defining a property (found \"region us-east-1\"); \
         properties look like key = value\n"
    );

    std::fs::write(aws.join("config"), "[default]\nregion = us-east-1 # prod\n").expect("config");
    let output = sso_bridge(home.path(), &[], &["parse"]);
    assert!(output.status.success());
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["profiles"]["default"]["region"], "us-east-1");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("warning: ~/.aws/config line 2: the AWS CLI keeps the comment"), "{stderr}");
    assert!(stderr.trim_end().ends_with("[inline-comment]"), "{stderr}");

    let output = sso_bridge(home.path(), &[], &["parse", "--config", "/nonexistent/config"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: /nonexistent/config does not exist; check the path given to --config\n"
    );

    std::fs::write(aws.join("config"), b"[default]\nregion = \xff\n").expect("config");
    let output = sso_bridge(home.path(), &[], &["parse"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr)
        .starts_with("error: ~/.aws/config is not UTF-8 text (byte 19"));
}

#[test]
fn help_describes_the_command() {
    let home = tempfile::tempdir().expect("temporary HOME");
    let output = sso_bridge(home.path(), &[], &["parse", "--help"]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("--config <FILE>") && help.contains("--credentials <FILE>"), "{help}");
}
