//! Fuzzes the whole config pipeline with arbitrary text: parse → normalize → diagnostics (including
//! the botocore model), SSO profile resolution and endpoint resolution for every profile, and
//! serialization. Nothing may panic, and every error and diagnostic must name a line that exists.
//! The JS API's results (the bindings' writers: `parseConfig`, `resolveProfile`) must be serde_json's
//! text for the core's serde shapes.
//! `parse_files` (the SDKs' reading alone) must read what `check_files` reads, with the same error
//! or with its diagnostics among `check_files`' in the same order.
//!
//! The input is split at the first NUL byte: before it is the config file, after it the
//! credentials file (invalid UTF-8 is replaced, as a reader that lost bytes would).

#![no_main]

use libfuzzer_sys::fuzz_target;
use sso_bridge::config::botocore::read_like_cli;
use sso_bridge::config::endpoint::{resolve_endpoint, SsoService};
use sso_bridge::config::sso::{resolve_sso_session, sso_profiles};
use sso_bridge::config::{
    check_files, parse_files, resolve_sso_profile, Diagnostic, OtherSection, Section, SourceFile,
};
use sso_bridge::sorted_map::SortedMap;
use sso_bridge_wasm::shapes::{ParsedConfigJs, SsoProfileJs, WriteJson};

/// `ParsedConfig` as serde_json writes it from the core's serde shapes: the referee of the bindings'
/// writer.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ParsedConfig<'a> {
    profiles: &'a SortedMap<String, Section>,
    sessions: &'a SortedMap<String, Section>,
    other_sections: &'a SortedMap<String, OtherSection>,
    diagnostics: &'a [Diagnostic],
}

fuzz_target!(|data: &[u8]| {
    let (config_bytes, credentials_bytes) = match data.iter().position(|&b| b == 0) {
        Some(index) => (&data[..index], Some(&data[index + 1..])),
        None => (data, None),
    };
    let config_text = String::from_utf8_lossy(config_bytes);
    let credentials_text = credentials_bytes.map(String::from_utf8_lossy);
    let config = SourceFile::config("config", &config_text);
    let credentials = credentials_text.as_deref().map(|text| SourceFile::credentials("credentials", text));
    let lines = |name: &str| {
        let text = if name == "config" { &*config_text } else { credentials_text.as_deref().unwrap_or("") };
        text.split('\n').count() as u32
    };

    let files: Vec<SourceFile<'_>> = std::iter::once(config).chain(credentials).collect();
    let _ = read_like_cli(&files);

    let checked = check_files(Some(&config), credentials.as_ref());
    match (&parse_files(Some(&config), credentials.as_ref()), &checked) {
        (Err(parse_error), Err(check_error)) => assert_eq!(parse_error, check_error),
        (Ok(parsed), Ok(checked)) => {
            assert_eq!(parsed.profiles, checked.profiles);
            assert_eq!(parsed.sso_sessions, checked.sso_sessions);
            assert_eq!(parsed.other_sections, checked.other_sections);
            let mut rest = checked.diagnostics.iter();
            for diagnostic in &parsed.diagnostics {
                assert!(rest.any(|d| d == diagnostic), "{diagnostic} missing or out of order");
            }
        }
        (parsed, checked) => panic!("parse_files gave {parsed:?} but check_files {checked:?}"),
    }

    match checked {
        Err(error) => {
            assert!(error.line >= 1 && error.line <= lines(&error.file), "{error}");
            assert!(!error.to_string().is_empty());
        }
        Ok(set) => {
            for diagnostic in &set.diagnostics {
                let origin = &diagnostic.origin;
                assert!(origin.line >= 1 && origin.line <= lines(&origin.file), "{diagnostic}");
            }
            let _ = serde_json::to_string(&set).expect("serializable");
            let parsed_config = ParsedConfig {
                profiles: &set.profiles,
                sessions: &set.sso_sessions,
                other_sections: &set.other_sections,
                diagnostics: &set.diagnostics,
            };
            assert_eq!(ParsedConfigJs::from(&set).to_json(), serde_json::to_string(&parsed_config).unwrap());
            let _ = serde_json::to_string(&set.to_plain()).expect("serializable");
            let env = [("AWS_USE_FIPS_ENDPOINT", "false")];
            for (name, profile) in &set.profiles {
                match resolve_sso_profile(&set, name) {
                    Ok(profile) => {
                        assert_eq!(
                            SsoProfileJs::from(&profile).to_json(),
                            serde_json::to_string(&profile).unwrap()
                        )
                    }
                    Err(error) => assert!(!error.to_string().is_empty()),
                }
                for service in [SsoService::Oidc, SsoService::Portal] {
                    let region = profile.get("sso_region").unwrap_or("us-east-1");
                    let _ = resolve_endpoint(service, region, &set, name, &env).map_err(|e| e.to_string());
                }
            }
            for name in set.sso_sessions.keys() {
                let _ = resolve_sso_session(&set, name);
            }
            let _ = sso_profiles(&set);
        }
    }
});
