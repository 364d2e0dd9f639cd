//! The AWS SDKs' shared config-file conformance tables (copied from smithy-rs, see
//! `tests/conformance/SOURCE.md`): every case of `profile-parser-tests.json` must pass.

use serde::Deserialize;
use sso_bridge::config::{parse_files, PlainConfig, SourceFile};

#[derive(Deserialize)]
struct Table {
    tests: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    input: Input,
    output: Output,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Input {
    config_file: Option<String>,
    credentials_file: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
enum Output {
    Config(PlainConfig),
    ErrorContaining(String),
}

fn table() -> Table {
    let text = include_str!("conformance/profile-parser-tests.json");
    serde_json::from_str(text).expect("the conformance table is valid JSON")
}

#[test]
fn all_65_profile_parser_cases_pass() {
    let table = table();
    assert_eq!(table.tests.len(), 65, "the table should hold all 65 smithy-rs cases");
    let mut failures = Vec::new();
    for case in &table.tests {
        let config = case.input.config_file.as_deref().map(|text| SourceFile::config("config", text));
        let credentials =
            case.input.credentials_file.as_deref().map(|text| SourceFile::credentials("credentials", text));
        let result = parse_files(config.as_ref(), credentials.as_ref());
        match (&case.output, result) {
            (Output::Config(expected), Ok(set)) => {
                if &set.to_plain() != expected {
                    failures.push(format!("{}: expected {expected:?}, got {:?}", case.name, set.to_plain()));
                }
            }
            (Output::ErrorContaining(phrase), Err(error)) => {
                let message = error.to_string();
                if !message.contains(phrase.as_str()) {
                    failures.push(format!("{}: error {message:?} does not contain {phrase:?}", case.name));
                }
                let file =
                    if case.input.config_file.is_some() { "config line " } else { "credentials line " };
                if !message.starts_with(file) {
                    failures
                        .push(format!("{}: error {message:?} does not name the file and line", case.name));
                }
            }
            (Output::Config(expected), Err(error)) => {
                failures.push(format!("{}: expected {expected:?}, got error {error}", case.name))
            }
            (Output::ErrorContaining(phrase), Ok(set)) => failures.push(format!(
                "{}: expected an error containing {phrase:?}, got {:?}",
                case.name,
                set.to_plain()
            )),
        }
    }
    assert!(failures.is_empty(), "{} of 65 cases failed:\n{}", failures.len(), failures.join("\n"));
}

#[derive(Deserialize)]
struct LocationTable {
    tests: Vec<LocationCase>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LocationCase {
    name: String,
    environment: std::collections::BTreeMap<String, String>,
    platform: String,
    profile: Option<String>,
    config_location: String,
    credentials_location: String,
}

#[test]
fn all_9_file_location_cases_pass() {
    use sso_bridge::config::location::{file_locations, Platform};
    let table: LocationTable =
        serde_json::from_str(include_str!("conformance/file-location-tests.json")).expect("valid JSON");
    assert_eq!(table.tests.len(), 9);
    for case in &table.tests {
        let platform = match case.platform.as_str() {
            "windows" => Platform::Windows,
            "linux" => Platform::Unix,
            other => panic!("{}: unknown platform {other}", case.name),
        };
        let locations = file_locations(&case.environment, platform);
        assert_eq!(locations.config, case.config_location, "{}", case.name);
        assert_eq!(locations.credentials, case.credentials_location, "{}", case.name);
        if let Some(profile) = &case.profile {
            assert_eq!(&locations.profile, profile, "{}", case.name);
        }
    }
}
