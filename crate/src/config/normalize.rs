//! Step two of parse → normalize → typed: turn raw sections into profiles, sso-sessions and other
//! sections as the AWS SDKs do (spec §8.2), and record a diagnostic for everything they ignore.

use super::diagnostics::{Diagnostic, DiagnosticCode};
use super::model::{self, ConfigSet, FileKind, Key, Origin, OtherSection, Property, Section, SourceFile};
use super::parse::{trim_whitespace, RawProperty, RawSection, WHITESPACE};
use crate::sorted_map::{stable_order, SortedMap};

pub(crate) const PROFILE_PREFIX: &str = "profile";
pub(crate) const SSO_SESSION_PREFIX: &str = "sso-session";
pub(crate) const SERVICES_PREFIX: &str = "services";
pub(crate) const DEFAULT_PROFILE: &str = "default";

/// Up to this many keys, a section's properties are inserted in file order rather than sorted first.
const FEW_KEYS: usize = 16;

/// Names and keys the SDKs accept: `[A-Za-z0-9_\-/.%@:+]+`.
pub fn is_valid_identifier(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"_-/.%@:+".contains(&byte))
}

/// `[prefix name]` or `[name]`, split at the first space or tab after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SectionName<'a> {
    pub prefix: Option<&'a str>,
    pub name: &'a str,
}

impl<'a> SectionName<'a> {
    pub fn parse(header: &'a str) -> Self {
        let header = trim_whitespace(header);
        match header.split_once(WHITESPACE) {
            Some((prefix, name)) => SectionName { prefix: Some(prefix), name: trim_whitespace(name) },
            None => SectionName { prefix: None, name: header },
        }
    }

    fn is_prefixed_default(&self) -> bool {
        self.prefix == Some(PROFILE_PREFIX) && self.name == DEFAULT_PROFILE
    }

    fn is_unprefixed_default(&self) -> bool {
        self.prefix.is_none() && self.name == DEFAULT_PROFILE
    }
}

fn origin(file: &SourceFile<'_>, line: u32) -> Origin {
    Origin::at(file.name, line)
}

/// Why a section is ignored by the SDKs, or `None` if they read it.
fn ignored_because(kind: FileKind, section: &SectionName<'_>) -> Option<(DiagnosticCode, String)> {
    match (kind, section.prefix) {
        (FileKind::Config, Some(prefix)) if !is_valid_identifier(section.name) => Some((
            DiagnosticCode::InvalidSectionName,
            format!(
                "the AWS SDKs ignore [{prefix} {}] because the name may only contain letters, digits \
                 and _ - / . % @ : + (no spaces or quotes); rename it",
                section.name
            ),
        )),
        (FileKind::Config, Some(_)) => None,
        (FileKind::Config, None) if section.is_unprefixed_default() => None,
        // Python's configparser gives `[DEFAULT]` a meaning of its own; `botocore` explains it.
        (FileKind::Config, None) if section.name == "DEFAULT" => None,
        (FileKind::Config, None) => Some((
            DiagnosticCode::UnprefixedConfigSection,
            format!(
                "[{name}] is ignored: in the config file every section except [default] needs a \
                 prefix; write [profile {name}]",
                name = section.name
            ),
        )),
        (FileKind::Credentials, Some(PROFILE_PREFIX)) => Some((
            DiagnosticCode::PrefixedCredentialsSection,
            format!(
                "[profile {name}] is ignored by the AWS SDKs (the AWS CLI reads it as a profile named \
                 \"profile {name}\"): in the credentials file write [{name}]",
                name = section.name
            ),
        )),
        (FileKind::Credentials, Some(prefix)) => Some((
            DiagnosticCode::PrefixedCredentialsSection,
            format!(
                "[{prefix} {}] is ignored by the AWS SDKs: in the credentials file a section header is \
                 just a profile name, without spaces; sections like [sso-session name] belong in the \
                 config file",
                section.name
            ),
        )),
        (FileKind::Credentials, None) if !is_valid_identifier(section.name) => Some((
            DiagnosticCode::InvalidSectionName,
            format!(
                "the AWS SDKs ignore [{}] because a profile name may only contain letters, digits \
                 and _ - / . % @ : + (no spaces or quotes); rename it",
                section.name
            ),
        )),
        (FileKind::Credentials, None) => None,
    }
}

/// Merges one parsed file into `set`, later values winning (the credentials file is merged last).
pub(crate) fn merge_file(set: &mut ConfigSet, file: &SourceFile<'_>, sections: &[RawSection<'_>]) {
    let file_name: std::sync::Arc<str> = file.name.into();
    let mut readable: Vec<(SectionName<'_>, &RawSection<'_>)> = Vec::with_capacity(sections.len());
    for section in sections {
        let name = SectionName::parse(section.header);
        match ignored_because(file.kind, &name) {
            Some((code, message)) => {
                set.diagnostics.push(Diagnostic::warning(code, origin(file, section.line), message))
            }
            None => readable.push((name, section)),
        }
    }

    // `[profile default]` anywhere in the config file hides every bare `[default]` (spec §8.2).
    let mut last_prefixed_default_line = None;
    for (name, section) in &readable {
        if file.kind == FileKind::Config && name.is_prefixed_default() {
            last_prefixed_default_line = last_prefixed_default_line.max(Some(section.line));
        }
    }
    let ignore_unprefixed_default = last_prefixed_default_line.is_some();

    // Every occurrence of a section is collected here in file order, then merged into `set` with
    // one sort per map: inserting thousands of profiles one by one into a sorted map is quadratic.
    let mut profiles: Vec<(String, Section)> = Vec::with_capacity(readable.len());
    let mut sso_sessions: Vec<(String, Section)> = Vec::new();
    let mut other_sections: Vec<(String, OtherSection)> = Vec::new();
    for (name, section) in readable {
        if file.kind == FileKind::Config && name.prefix.is_none() && name.name == "DEFAULT" {
            continue;
        }
        if ignore_unprefixed_default && name.is_unprefixed_default() {
            let cli = if last_prefixed_default_line.is_some_and(|line| section.line > line) {
                "the AWS CLI, which takes whichever comes last, uses this one instead, so the two \
                 disagree"
            } else {
                "the AWS CLI, which takes whichever comes last, ignores it too"
            };
            set.diagnostics.push(Diagnostic::warning(
                DiagnosticCode::DefaultShadowed,
                origin(file, section.line),
                format!(
                    "the AWS SDKs ignore this [default] section because the file also has \
                     [profile default]; {cli}. Keep only one of the two"
                ),
            ));
            continue;
        }
        let target = match (file.kind, name.prefix) {
            (_, None) | (FileKind::Config, Some(PROFILE_PREFIX)) => &mut profiles,
            (FileKind::Config, Some(SSO_SESSION_PREFIX)) => &mut sso_sessions,
            (_, Some(prefix)) => {
                let other = other_section(&mut set.diagnostics, file, prefix, name.name, section);
                other_sections.push((format!("{prefix} {}", name.name), other));
                continue;
            }
        };
        let mut occurrence = Section::new(name.name, Origin::in_file(&file_name, section.line));
        for property in &section.properties {
            if !is_valid_identifier(&property.key) {
                set.diagnostics.push(invalid_key(file, &name, property));
            }
        }
        // A big section is inserted in key order (one sort of the indices), so each insert
        // appends: in file order each would move the entries after it, quadratic in the section's
        // size. A profile's handful of keys go in file order: sorting them costs more than the few
        // moves. Either way, among equal keys the later is inserted later and wins.
        let properties = &section.properties;
        occurrence.properties = SortedMap::with_capacity(properties.len());
        let key_order = if properties.len() > FEW_KEYS {
            stable_order(properties.len(), &|a, b| properties[a].key.cmp(&properties[b].key))
        } else {
            Vec::new()
        };
        for position in 0..properties.len() {
            let index = key_order.get(position).copied().unwrap_or(position);
            let Some(property) = properties.get(index).filter(|property| is_valid_identifier(&property.key))
            else {
                continue;
            };
            let key = model::key(&property.key);
            occurrence.properties.insert(
                key.clone(),
                Property { key, value: property.value(), origin: Origin::in_file(&file_name, property.line) },
            );
        }
        target.push((name.name.to_owned(), occurrence));
    }
    set.profiles.extend_merging(profiles, merge_section);
    set.sso_sessions.extend_merging(sso_sessions, merge_section);
    set.other_sections.extend_merging(other_sections, merge_other_section);
}

/// A later occurrence of a section (in the same file or the credentials file): its values win, the
/// first header stays the section's origin.
fn merge_section(earlier: &mut Section, later: Section) {
    for (key, property) in later.properties {
        earlier.properties.insert(key, property);
    }
}

fn merge_other_section(earlier: &mut OtherSection, later: OtherSection) {
    for (key, block) in later.properties {
        let merged = earlier.properties.get_or_insert_with(key, SortedMap::new);
        for (sub_key, property) in block {
            merged.insert(sub_key, property);
        }
    }
}

fn invalid_key(file: &SourceFile<'_>, section: &SectionName<'_>, property: &RawProperty<'_>) -> Diagnostic {
    let shown = match section.prefix {
        Some(prefix) => format!("[{prefix} {}]", section.name),
        None => format!("[{}]", section.name),
    };
    // `aws_secret_access_key: wJalr… = x` is one key to the SDKs, and holds the secret: quote a
    // secret key only as far as its plain name goes.
    let key: &str = &property.key;
    // (`split`, not slicing at a found index: slicing brings the panic message's Unicode tables
    // into the size-budgeted wasm module.)
    let name =
        key.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).next().unwrap_or_default();
    let shown_key = if name.len() < key.len() && super::model::is_secret_key(key) {
        format!("{name}…")
    } else {
        key.to_owned()
    };
    Diagnostic::warning(
        DiagnosticCode::InvalidKey,
        origin(file, property.line),
        format!(
            "the key \"{shown_key}\" in {shown} is ignored because keys may only contain letters, digits and \
             _ - / . % @ : + (no spaces); fix its spelling"
        ),
    )
}

/// One occurrence of `[services name]` or any other prefix: each property is a block of
/// sub-properties.
fn other_section(
    diagnostics: &mut Vec<Diagnostic>,
    file: &SourceFile<'_>,
    prefix: &str,
    name: &str,
    section: &RawSection<'_>,
) -> OtherSection {
    if prefix != SERVICES_PREFIX && prefix != SSO_SESSION_PREFIX {
        let hint = if prefix.eq_ignore_ascii_case(PROFILE_PREFIX) {
            format!("; write [profile {name}] (the prefix is case-sensitive)")
        } else if prefix.eq_ignore_ascii_case(SSO_SESSION_PREFIX) || prefix.starts_with("sso-") {
            format!("; did you mean [sso-session {name}]?")
        } else {
            String::new()
        };
        diagnostics.push(Diagnostic::warning(
            DiagnosticCode::UnknownSectionPrefix,
            origin(file, section.line),
            format!(
                "[{prefix} {name}] is not a profile or sso-session: the AWS SDKs only know the \
                 prefixes profile, sso-session and services{hint}"
            ),
        ));
    }
    let mut other = OtherSection {
        prefix: prefix.to_owned(),
        name: name.to_owned(),
        origin: origin(file, section.line),
        properties: SortedMap::new(),
    };
    for property in &section.properties {
        if !is_valid_identifier(&property.key) {
            diagnostics.push(invalid_key(file, &SectionName { prefix: Some(prefix), name }, property));
            continue;
        }
        let block = other.properties.get_or_insert_with(model::key(&property.key), SortedMap::new);
        let mut add = |line: u32, text: &str| {
            if let Some((sub_key, value)) = text.split_once('=') {
                let sub_key: Key = trim_whitespace(sub_key).to_ascii_lowercase().into();
                block.insert(
                    sub_key.clone(),
                    Property {
                        key: sub_key,
                        value: trim_whitespace(value).to_owned(),
                        origin: origin(file, line),
                    },
                );
            }
        };
        // A block's first line is normally empty; the SDKs also read `key = a = b` as sub-property a.
        add(property.line, property.first_value);
        for &(line, text) in &property.continuations {
            add(line, text);
        }
    }
    other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(is_valid_identifier("some-thing:long/the_one%only.foo@bar+"));
        assert!(!is_valid_identifier("foo!bar"));
        assert!(!is_valid_identifier(""));
        assert!(!is_valid_identifier("in valid"));
        assert!(!is_valid_identifier("ünïcode"));
    }

    #[test]
    fn section_names_split_at_the_first_space_or_tab() {
        assert_eq!(
            SectionName::parse("  profile \t foo  "),
            SectionName { prefix: Some("profile"), name: "foo" }
        );
        assert_eq!(SectionName::parse("profile\tfoo"), SectionName { prefix: Some("profile"), name: "foo" });
        assert_eq!(SectionName::parse("default"), SectionName { prefix: None, name: "default" });
        assert_eq!(SectionName::parse("profile a b"), SectionName { prefix: Some("profile"), name: "a b" });
    }
}
