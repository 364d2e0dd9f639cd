//! The typed result of parsing the config and credentials files: profiles, sso-sessions and other
//! sections (such as `[services …]`), every value carrying the file and line it came from.

use serde::Serialize;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use super::diagnostics::Diagnostic;
use crate::sorted_map::SortedMap;

/// Which of the two shared files a text came from. The two are normalized differently (spec §8.2):
/// the config file wants `[profile name]`, the credentials file wants a bare `[name]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FileKind {
    /// The config file (`~/.aws/config`, `AWS_CONFIG_FILE`).
    Config,
    /// The credentials file (`~/.aws/credentials`, `AWS_SHARED_CREDENTIALS_FILE`).
    Credentials,
}

/// One file's text plus the name shown in errors and diagnostics (for example `~/.aws/config`).
#[derive(Clone, Copy, Debug)]
pub struct SourceFile<'a> {
    /// Which of the two files it is: decides how its section headers are read.
    pub kind: FileKind,
    /// The name [`Origin`]s and messages show; not opened, so any label works.
    pub name: &'a str,
    /// The file's text.
    pub contents: &'a str,
}

impl<'a> SourceFile<'a> {
    /// The config file's text, shown as `name`.
    pub fn config(name: &'a str, contents: &'a str) -> Self {
        SourceFile { kind: FileKind::Config, name, contents }
    }

    /// The credentials file's text, shown as `name`.
    pub fn credentials(name: &'a str, contents: &'a str) -> Self {
        SourceFile { kind: FileKind::Credentials, name, contents }
    }
}

/// Where something was written: the file's display name and a 1-based line number.
#[derive(Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Origin {
    /// Shared by every origin in one file (a copy of the name per property was a fifth of the
    /// parser's allocations).
    #[serde(serialize_with = "serialize_str")]
    pub file: Arc<str>,
    /// The line, from 1.
    pub line: u32,
}

fn serialize_str<S: serde::Serializer>(text: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(text)
}

/// Not inlined: one copy of the reference counting for the many places that copy an origin (the
/// wasm module is size-budgeted).
impl Clone for Origin {
    #[inline(never)]
    fn clone(&self) -> Self {
        Origin { file: Arc::clone(&self.file), line: self.line }
    }
}

impl Origin {
    /// Not inlined: one copy of the string copying instead of one per place that makes an origin
    /// (they are many, and the wasm module is size-budgeted). Where many origins name one file,
    /// [`Origin::in_file`] shares the name instead.
    #[inline(never)]
    pub(crate) fn at(file: &str, line: u32) -> Origin {
        Origin { file: file.into(), line }
    }

    pub(crate) fn in_file(file: &Arc<str>, line: u32) -> Origin {
        Origin { file: Arc::clone(file), line }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}", self.file, self.line)
    }
}

/// Key names whose values are secrets: they never appear in `Debug` output or diagnostics.
pub fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["secret", "token", "password"].iter().any(|word| crate::text::contains(&key, word))
}

/// A property's key, ASCII lower-cased. The keys most profiles repeat are shared static text, any
/// other key is owned: a config of thousands of profiles writes the same dozen keys thousands of
/// times, and a copy of each (twice: in the map and in the [`Property`]) was a third of the
/// parser's allocations.
pub type Key = Cow<'static, str>;

/// The keys shared rather than copied: the AWS CLI's and SDKs' common settings.
const COMMON_KEYS: [&str; 27] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "ca_bundle",
    "cli_pager",
    "credential_process",
    "credential_source",
    "duration_seconds",
    "endpoint_url",
    "external_id",
    "max_attempts",
    "mfa_serial",
    "output",
    "region",
    "retry_mode",
    "role_arn",
    "role_session_name",
    "s3",
    "services",
    "source_profile",
    "sso_account_id",
    "sso_region",
    "sso_registration_scopes",
    "sso_role_name",
    "sso_session",
    "sso_start_url",
    "web_identity_token_file",
];

/// `key` (already lower-cased) as a [`Key`]: shared when it is a common key, copied otherwise.
pub(crate) fn key(key: &str) -> Key {
    // A scan, not a search: most steps compare two lengths, and the table is short.
    for common in COMMON_KEYS {
        if common.len() == key.len() && common == key {
            return Cow::Borrowed(common);
        }
    }
    Cow::Owned(key.to_owned())
}

/// One `key = value` after normalization. Keys are ASCII lower-cased (spec §8.2); the value is
/// trimmed, and continuation lines are joined with `\n`.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Property {
    /// The key, ASCII lower-cased.
    pub key: Key,
    /// The value, trimmed; a block's lines joined with `\n` (see [`Property::sub_properties`]).
    pub value: String,
    /// Where the `key =` line is.
    pub origin: Origin,
}

impl Property {
    /// The `name = value` pairs of a property written as a block (`s3 =` followed by indented
    /// lines), as the SDKs read them: keys trimmed and lower-cased, lines without `=` skipped.
    pub fn sub_properties(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        for_each_sub_property(&self.value, &mut |key, value| pairs.push((key, value)));
        pairs
    }
}

/// Hands each `name = value` line of a sub-property block to `found`, as the SDKs read it: name
/// trimmed and lower-cased, value trimmed, lines without `=` skipped.
pub(crate) fn for_each_sub_property(value: &str, found: &mut dyn FnMut(String, String)) {
    for line in value.split('\n') {
        if let Some((key, value)) = line.split_once('=') {
            found(
                super::parse::trim_whitespace(key).to_ascii_lowercase(),
                super::parse::trim_whitespace(value).to_owned(),
            );
        }
    }
}

impl fmt::Debug for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Property");
        debug.field("key", &self.key);
        if is_secret_key(&self.key) {
            debug.field("value", &"** redacted **");
        } else {
            debug.field("value", &self.value);
        }
        debug.field("origin", &self.origin).finish()
    }
}

/// A `[profile name]` (or credentials `[name]`) or `[sso-session name]` after merging every
/// occurrence in both files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Section {
    /// The name without the `profile ` or `sso-session ` prefix (`default` for the default
    /// profile).
    pub name: String,
    /// The first header that defined this section.
    pub origin: Origin,
    /// The properties by lower-cased key.
    pub properties: SortedMap<Key, Property>,
}

impl Section {
    pub(crate) fn new(name: &str, origin: Origin) -> Self {
        Section { name: name.to_owned(), origin, properties: SortedMap::new() }
    }

    /// The value of `key` (matched case-insensitively, as the SDKs do).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.property(key).map(|property| property.value.as_str())
    }

    /// The property `key` with its origin (matched case-insensitively, as the SDKs do).
    pub fn property(&self, key: &str) -> Option<&Property> {
        if key.bytes().any(|byte| byte.is_ascii_uppercase()) {
            self.properties.get(key.to_ascii_lowercase().as_str())
        } else {
            self.properties.get(key)
        }
    }
}

/// Any other `[prefix name]` section of the config file, such as `[services my-endpoints]`. Its
/// properties are blocks of sub-properties: `sso_oidc =` then `  endpoint_url = …`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OtherSection {
    /// The header's first word (`services`).
    pub prefix: String,
    /// The rest of the header (`my-endpoints`).
    pub name: String,
    /// Where the header is.
    pub origin: Origin,
    /// property name → sub-property name → value.
    pub properties: SortedMap<Key, SortedMap<Key, Property>>,
}

impl OtherSection {
    /// The value under `property` then `sub_property` (`sso_oidc`, `endpoint_url`), both matched
    /// case-insensitively.
    pub fn sub_property(&self, property: &str, sub_property: &str) -> Option<&Property> {
        self.properties
            .get(property.to_ascii_lowercase().as_str())?
            .get(sub_property.to_ascii_lowercase().as_str())
    }
}

/// Everything the SDKs read from the config and credentials files, plus the diagnostics: what the
/// SDKs ignore, and from [`super::check_files`] also where botocore / the AWS CLI would read the
/// files differently.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigSet {
    /// Profiles of both files merged, by name (`default`, or the name after `profile `).
    pub profiles: SortedMap<String, Section>,
    /// `[sso-session NAME]` sections, by name.
    pub sso_sessions: SortedMap<String, Section>,
    /// Keyed by `"prefix name"`, for example `"services local"`.
    pub other_sections: SortedMap<String, OtherSection>,
    /// In reading order: what the SDKs ignore; with [`super::check_files`], also the places where
    /// botocore or the AWS CLI would read the files differently, or that they refuse.
    pub diagnostics: Vec<Diagnostic>,
}

impl ConfigSet {
    /// The profile `name` (without the `profile ` prefix), from either file.
    pub fn profile(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name)
    }

    /// The `[sso-session name]` section.
    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        self.sso_sessions.get(name)
    }

    /// The `[prefix name]` section, such as `[services my-endpoints]`.
    pub fn other_section(&self, prefix: &str, name: &str) -> Option<&OtherSection> {
        self.other_sections.get(&format!("{prefix} {name}"))
    }

    /// `[services name]`, referenced from a profile's `services = name`.
    pub fn services_section(&self, name: &str) -> Option<&OtherSection> {
        self.other_section("services", name)
    }

    /// The plain view used by the SDK conformance tables and `sso-bridge parse`.
    pub fn to_plain(&self) -> PlainConfig {
        fn plain(sections: &SortedMap<String, Section>) -> SortedMap<String, SortedMap<String, String>> {
            sections
                .iter()
                .map(|(name, section)| {
                    let values = section
                        .properties
                        .iter()
                        .map(|(key, property)| (key.to_string(), property.value.clone()))
                        .collect();
                    (name.clone(), values)
                })
                .collect()
        }
        PlainConfig { profiles: plain(&self.profiles), sso_sessions: plain(&self.sso_sessions) }
    }
}

/// `{"profiles": {name: {key: value}}, "sso_sessions": {…}}`: the shape of the conformance tables'
/// `output.config` (snake_case on purpose: it is the tables' format, not a JS-facing type).
#[derive(Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PlainConfig {
    /// Profile name → key → value.
    pub profiles: SortedMap<String, SortedMap<String, String>>,
    /// sso-session name → key → value.
    #[serde(default)]
    pub sso_sessions: SortedMap<String, SortedMap<String, String>>,
}

impl fmt::Debug for PlainConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn redacted(
            sections: &SortedMap<String, SortedMap<String, String>>,
        ) -> SortedMap<&str, SortedMap<&str, &str>> {
            sections
                .iter()
                .map(|(name, values)| {
                    let values = values
                        .iter()
                        .map(|(key, value)| {
                            (key.as_str(), if is_secret_key(key) { "** redacted **" } else { value.as_str() })
                        })
                        .collect();
                    (name.as_str(), values)
                })
                .collect()
        }
        f.debug_struct("PlainConfig")
            .field("profiles", &redacted(&self.profiles))
            .field("sso_sessions", &redacted(&self.sso_sessions))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_keys_are_shared_and_any_other_key_is_copied() {
        let mut sorted = COMMON_KEYS;
        sorted.sort();
        assert_eq!(sorted, COMMON_KEYS);
        assert!(COMMON_KEYS.windows(2).all(|pair| pair[0] != pair[1]));
        for common in COMMON_KEYS {
            assert!(
                crate::config::normalize::is_valid_identifier(common)
                    && common.to_ascii_lowercase() == common
            );
            assert!(matches!(key(common), Cow::Borrowed(shared) if shared == common));
        }
        for other in ["regio", "regions", "sso_start_urL", "x", "", "my_setting", "s4"] {
            assert!(matches!(key(other), Cow::Owned(copy) if copy == other), "{other}");
        }
    }

    #[test]
    fn debug_output_redacts_secret_values() {
        let set = crate::config::parse_files(
            None,
            Some(&SourceFile::credentials(
                "credentials",
                "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI\n\
                 aws_session_token = IQoJb3JpZ2lu",
            )),
        )
        .unwrap();
        for debug in [format!("{set:?}"), format!("{:?}", set.to_plain())] {
            assert!(debug.contains("AKIDEXAMPLE"), "{debug}");
            assert!(!debug.contains("wJalr") && !debug.contains("IQoJ"), "{debug}");
        }
    }
}
