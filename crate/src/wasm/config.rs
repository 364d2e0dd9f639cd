//! The shared config and credentials files in the JS API, over [`crate::config`].

use super::convert::{to_js, JsFailure};
use crate::config::{
    parse_files, resolve_sso_profile, sso::sso_profiles, ConfigSet, Diagnostic, OtherSection, ParseError,
    Section, SourceFile, SsoConfigError, SsoProfile,
};
use crate::sorted_map::SortedMap;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The display names used in messages and `origin.file` (what a user would recognise).
const CONFIG_FILE_NAME: &str = "~/.aws/config";
const CREDENTIALS_FILE_NAME: &str = "~/.aws/credentials";

/// `ParsedConfig` in TypeScript.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ParsedConfigJs<'a> {
    profiles: &'a SortedMap<String, Section>,
    sessions: &'a SortedMap<String, Section>,
    other_sections: &'a SortedMap<String, OtherSection>,
    diagnostics: &'a [Diagnostic],
}

/// `SsoProfileEntry` in TypeScript.
#[derive(Serialize)]
struct SsoProfileEntryJs {
    name: String,
    profile: Option<SsoProfile>,
    error: Option<ConfigProblemJs>,
}

/// `ConfigProblem` in TypeScript: an [`SsoConfigError`] as data (for lists that must not throw).
#[derive(Serialize)]
struct ConfigProblemJs {
    code: String,
    variant: String,
    message: String,
}

/// `"missing-equals"` / `"profileNotFound"` → `"missing_equals"` / `"profile_not_found"`: every
/// `code` this package throws is snake_case.
pub(super) fn snake_case(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + 4);
    for c in code.chars() {
        match c {
            '-' => out.push('_'),
            c if c.is_ascii_uppercase() => {
                out.push('_');
                out.push(c.to_ascii_lowercase());
            }
            c => out.push(c),
        }
    }
    out
}

/// A variant name from its code: `"missingEquals"` / `"missing-equals"` → `"MissingEquals"`. The
/// codes are the core's stable names (each enum's `code()`, equal to its serde tag; the core tests
/// hold them together), so a variant added to the core needs no change here.
pub(super) fn variant_name(code: &str) -> String {
    let mut name = String::with_capacity(code.len());
    for part in code.split('-') {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            name.push(first.to_ascii_uppercase());
            name.extend(chars);
        }
    }
    name
}

impl From<&SsoConfigError> for ConfigProblemJs {
    fn from(error: &SsoConfigError) -> Self {
        ConfigProblemJs {
            code: snake_case(error.code()),
            variant: variant_name(error.code()),
            message: error.to_string(),
        }
    }
}

impl From<SsoConfigError> for JsFailure {
    fn from(error: SsoConfigError) -> Self {
        let problem = ConfigProblemJs::from(&error);
        JsFailure::new(problem.code, problem.variant, false, problem.message)
    }
}

impl From<ParseError> for JsFailure {
    fn from(error: ParseError) -> Self {
        let variant = variant_name(error.code());
        let mut failure = JsFailure::new(snake_case(error.code()), variant, false, error.to_string());
        failure.file = Some(error.file);
        failure.line = Some(error.line);
        failure
    }
}

pub(super) fn parse_files_js(
    config_text: &str,
    credentials_text: Option<String>,
) -> Result<ConfigSet, JsFailure> {
    let config = SourceFile::config(CONFIG_FILE_NAME, config_text);
    let credentials =
        credentials_text.as_deref().map(|text| SourceFile::credentials(CREDENTIALS_FILE_NAME, text));
    Ok(parse_files(Some(&config), credentials.as_ref())?)
}

/// Parses a config file (and optionally a credentials file) the way the AWS SDKs do. Throws on a
/// line the SDKs refuse (with `file` and `line`); everything else, including where the AWS CLI would
/// read the file differently, is in `diagnostics`.
#[wasm_bindgen(js_name = parseConfig, unchecked_return_type = "ParsedConfig")]
pub fn parse_config(
    #[wasm_bindgen(js_name = configText)] config_text: &str,
    #[wasm_bindgen(js_name = credentialsText)] credentials_text: Option<String>,
) -> Result<JsValue, JsValue> {
    let set = parse_files_js(config_text, credentials_text)?;
    to_js(&ParsedConfigJs {
        profiles: &set.profiles,
        sessions: &set.sso_sessions,
        other_sections: &set.other_sections,
        diagnostics: &set.diagnostics,
    })
}

/// Resolves one profile for SSO sign-in (sso-session, legacy and bearer-only profiles), with the
/// AWS CLI's errors for missing keys, a missing session and inconsistent values.
#[wasm_bindgen(js_name = resolveProfile, unchecked_return_type = "SsoProfile")]
pub fn resolve_profile(
    #[wasm_bindgen(js_name = profileName)] profile_name: &str,
    #[wasm_bindgen(js_name = configText)] config_text: &str,
    #[wasm_bindgen(js_name = credentialsText)] credentials_text: Option<String>,
) -> Result<JsValue, JsValue> {
    let set = parse_files_js(config_text, credentials_text)?;
    let profile = resolve_sso_profile(&set, profile_name).map_err(JsFailure::from)?;
    to_js(&profile)
}

/// Every profile that sets an SSO key, resolved or with the reason it cannot be, in name order.
#[wasm_bindgen(js_name = listSsoProfiles, unchecked_return_type = "SsoProfileEntry[]")]
pub fn list_sso_profiles(
    #[wasm_bindgen(js_name = configText)] config_text: &str,
    #[wasm_bindgen(js_name = credentialsText)] credentials_text: Option<String>,
) -> Result<JsValue, JsValue> {
    let set = parse_files_js(config_text, credentials_text)?;
    let entries: Vec<SsoProfileEntryJs> = sso_profiles(&set)
        .into_iter()
        .map(|(name, result)| match result {
            Ok(profile) => SsoProfileEntryJs { name, profile: Some(profile), error: None },
            Err(error) => SsoProfileEntryJs { name, profile: None, error: Some((&error).into()) },
        })
        .collect();
    to_js(&entries)
}
