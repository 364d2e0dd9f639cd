//! The shared config and credentials files in the JS API, over [`sso_bridge::config`].

use super::convert::JsFailure;
use super::shapes::{sso_profile_entries, ConfigProblemJs, ParsedConfigJs, SsoProfileJs, WriteJson};
use sso_bridge::config::{
    check_files_with, parse_files, resolve_sso_profile, ConfigSet, ParseError, SourceFile, SsoConfigError,
};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// The display names used in messages and `origin.file` (what a user would recognise).
const CONFIG_FILE_NAME: &str = "~/.aws/config";
const CREDENTIALS_FILE_NAME: &str = "~/.aws/credentials";

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

/// An [`SsoConfigError`] as data (`ConfigProblem` in TypeScript, for lists that must not throw).
fn problem(error: &SsoConfigError) -> ConfigProblemJs {
    ConfigProblemJs {
        code: snake_case(error.code()),
        variant: variant_name(error.code()),
        message: error.to_string(),
    }
}

impl From<SsoConfigError> for JsFailure {
    fn from(error: SsoConfigError) -> Self {
        let ConfigProblemJs { code, variant, message } = problem(&error);
        JsFailure::new(code, variant, false, message)
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

/// Which reading of the files an export needs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Reading {
    /// The AWS SDKs' reading: what resolving profiles and endpoints needs.
    Sdk,
    /// Also where the AWS CLI reads the files differently: only `parseConfig` returns that, and
    /// it doubles the time.
    SdkAndCli,
}

thread_local! {
    /// The config text last read as the SDKs do (with no credentials file), and what it gave. The
    /// extension resolves every session's endpoints from the same text, one `resolveEndpoints` call
    /// each: with thousands of profiles, parsing it again for each was most of a cold popup's
    /// time. Reading is a pure function of the text, so the same text gives the same set.
    /// Credentials files are never kept: their values are secrets.
    static LAST_CONFIG: RefCell<Option<(String, ConfigSet)>> = const { RefCell::new(None) };
}

fn read_files(
    config_text: &str,
    credentials_text: Option<&str>,
    reading: Reading,
) -> Result<ConfigSet, JsFailure> {
    let config = SourceFile::config(CONFIG_FILE_NAME, config_text);
    let credentials = credentials_text.map(|text| SourceFile::credentials(CREDENTIALS_FILE_NAME, text));
    Ok(match reading {
        Reading::Sdk => parse_files(Some(&config), credentials.as_ref())?,
        Reading::SdkAndCli => check_files_with(Some(&config), credentials.as_ref(), js_lowercase)?,
    })
}

/// The JS engine's `toLowerCase` (the Unicode mapping of Python's `str.lower()`), for the core's model
/// of the AWS CLI reader, so that Rust's Unicode case tables stay out of the module.
fn js_lowercase(text: &str) -> String {
    js_sys::JsString::from(text).to_lower_case().into()
}

/// Reads the files and hands them to `result`, whose JSON text becomes the returned value. One
/// copy of the reading, error conversion and clean-up for every export that reads the files.
#[inline(never)]
pub(super) fn with_config(
    config_text: &str,
    credentials_text: Option<String>,
    reading: Reading,
    result: &dyn Fn(&ConfigSet) -> Result<String, JsFailure>,
) -> Result<JsValue, JsValue> {
    let kept = reading == Reading::Sdk && credentials_text.is_none();
    if kept {
        // (`try_` forms: the module never reaches the panicking paths of a thread-local or a
        // `RefCell`, whose messages would be bytes in it.)
        let reused = LAST_CONFIG.try_with(|last| {
            let last = last.try_borrow().ok()?;
            let (text, set) = last.as_ref()?;
            (text == config_text).then(|| result(set))
        });
        if let Ok(Some(json)) = reused {
            return js_sys::JSON::parse(&json?);
        }
    }
    let set = read_files(config_text, credentials_text.as_deref(), reading)?;
    let json = result(&set);
    if kept {
        let _ = LAST_CONFIG.try_with(|last| {
            if let Ok(mut last) = last.try_borrow_mut() {
                *last = Some((config_text.to_owned(), set));
            }
        });
    }
    js_sys::JSON::parse(&json?)
}

/// Parses a config file (and optionally a credentials file) the way the AWS SDKs do. Throws on a
/// line the SDKs refuse (with `file` and `line`); everything else, including where the AWS CLI would
/// read the file differently, is in `diagnostics`.
#[wasm_bindgen(js_name = parseConfig, unchecked_return_type = "ParsedConfig")]
pub fn parse_config(
    #[wasm_bindgen(js_name = configText)] config_text: &str,
    #[wasm_bindgen(js_name = credentialsText)] credentials_text: Option<String>,
) -> Result<JsValue, JsValue> {
    with_config(config_text, credentials_text, Reading::SdkAndCli, &|set| {
        Ok(ParsedConfigJs::from(set).to_json())
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
    with_config(config_text, credentials_text, Reading::Sdk, &|set| {
        Ok(SsoProfileJs::from(&resolve_sso_profile(set, profile_name)?).to_json())
    })
}

/// Every profile that sets an SSO key, resolved or with the reason it cannot be, in name order.
#[wasm_bindgen(js_name = listSsoProfiles, unchecked_return_type = "SsoProfileEntry[]")]
pub fn list_sso_profiles(
    #[wasm_bindgen(js_name = configText)] config_text: &str,
    #[wasm_bindgen(js_name = credentialsText)] credentials_text: Option<String>,
) -> Result<JsValue, JsValue> {
    with_config(config_text, credentials_text, Reading::Sdk, &|set| Ok(sso_profile_entries(set, &problem)))
}
