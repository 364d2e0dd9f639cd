//! How botocore (boto3, the AWS CLI) reads the same files: a small model of Python's
//! `configparser.RawConfigParser` in strict mode plus botocore's `raw_config_parse` and
//! `build_profile_map` (spec §8.3). It exists only to explain disagreements: the SDK-spec parser in
//! [`super::parse`] stays the source of truth, and this module turns every difference into a
//! [`Diagnostic`].

use super::diagnostics::{Diagnostic, DiagnosticCode};
use super::model::{for_each_sub_property, is_secret_key, ConfigSet, FileKind, Origin, SourceFile};
use super::normalize::{DEFAULT_PROFILE, PROFILE_PREFIX, SSO_SESSION_PREFIX};
use crate::sorted_map::{stable_order, SortedMap, SortedSet};
use crate::text::Quoted;
use std::borrow::Cow;
use std::collections::HashMap;

/// Python's `str.isspace` (also what `str.strip()` and `\s` use), close enough for config files.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// [`is_python_space`] for one byte of ASCII.
fn is_ascii_python_space(byte: u8) -> bool {
    matches!(byte, b'\t'..=b'\r' | b' ' | 0x1c..=0x1f)
}

/// `text.trim_matches(is_python_space)`, by bytes while the ends are ASCII (as in almost every line),
/// decoding characters only where a non-ASCII character is at an end.
fn trim_python_space(text: &str) -> &str {
    let bytes = text.as_bytes();
    let (mut start, mut end) = (0, bytes.len());
    while start < end && is_ascii_python_space(bytes[start]) {
        start += 1;
    }
    while end > start && is_ascii_python_space(bytes[end - 1]) {
        end -= 1;
    }
    let trimmed = text.get(start..end).unwrap_or_default();
    if trimmed.as_bytes().first().is_some_and(|byte| !byte.is_ascii())
        || trimmed.as_bytes().last().is_some_and(|byte| !byte.is_ascii())
    {
        return trimmed.trim_matches(is_python_space);
    }
    trimmed
}

/// How many characters of Python whitespace start `line` (configparser's indentation level).
fn python_indent(line: &str) -> usize {
    let bytes = line.as_bytes();
    let mut ascii = 0;
    while ascii < bytes.len() && is_ascii_python_space(bytes[ascii]) {
        ascii += 1;
    }
    if bytes.get(ascii).is_some_and(|byte| !byte.is_ascii()) {
        let rest = line.get(ascii..).unwrap_or_default();
        return ascii + rest.chars().take_while(|c| is_python_space(*c)).count();
    }
    ascii
}

/// Unicode lowercasing as Python's `str.lower()` does it (final-sigma rule included), for the
/// non-ASCII option names configparser lowercases (`optionxform`). Injected so that a caller can
/// bring its own: the browser bindings pass the JS engine's `toLowerCase` (the same Unicode mapping),
/// which keeps Rust's case tables out of the size-budgeted wasm module. [`super::check_files`] uses
/// the standard library's [`str::to_lowercase`].
pub type UnicodeLowercase = fn(&str) -> String;

/// Python's `str.lower()`, which configparser applies to option names. Keys are ASCII in practice
/// and take the cheap path (borrowed when there is nothing to lower, as for almost every key); the
/// rest goes to the injected `lowercase`.
fn python_lower(text: &str, lowercase: UnicodeLowercase) -> Cow<'_, str> {
    if text.is_ascii() {
        if !text.bytes().any(|byte| byte.is_ascii_uppercase()) {
            return Cow::Borrowed(text);
        }
        return Cow::Owned(text.to_ascii_lowercase());
    }
    Cow::Owned(lowercase(text))
}

/// configparser's name for the special section whose keys are copied into every other section.
const CONFIGPARSER_DEFAULT_SECTION: &str = "DEFAULT";

/// One option as botocore stores it. Text borrows the file's text where it can (a one-line value,
/// as almost all are): the model is read for every file the popup opens, and allocating a copy of
/// each key and value was most of its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BotoValue<'a> {
    Text(Cow<'a, str>),
    /// A value starting with a newline, parsed into `name = value` pairs (keys keep their case).
    Nested(SortedMap<String, String>),
}

#[derive(Debug, Clone)]
pub(crate) struct BotoOption<'a> {
    pub value: BotoValue<'a>,
    /// Where the option was set (a credentials value can land in a config profile): the file's
    /// display name and the line.
    pub file: &'a str,
    pub line: u32,
}

impl BotoOption<'_> {
    pub fn origin(&self) -> Origin {
        Origin::at(self.file, self.line)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct BotoSection<'a> {
    pub header: &'a str,
    pub line: u32,
    pub options: SortedMap<Cow<'a, str>, BotoOption<'a>>,
    /// Keys copied in from `[DEFAULT]`.
    pub inherited: SortedSet<Cow<'a, str>>,
}

/// A file as botocore reads it: sections in order of first appearance, or `None` when botocore
/// raises `ConfigParseError` (the reasons are in the diagnostics, in line order).
pub(crate) struct BotoFile<'a> {
    pub sections: Option<Vec<BotoSection<'a>>>,
    pub diagnostics: Vec<Diagnostic>,
}

struct PendingOption<'a> {
    key: Cow<'a, str>,
    line: u32,
    /// The value on the key's line, then each continuation line (a blank line as "").
    first: &'a str,
    more: Vec<&'a str>,
}

/// A section being filled: its header, the line of its first header, its options in order (a key
/// repeated in the section is there twice until [`read`] finishes the section).
type PendingSection<'a> = (&'a str, u32, Vec<PendingOption<'a>>);

/// Records why botocore refuses the file (`ConfigParseError`). Not inlined: one copy for the
/// reader's five reasons.
#[inline(never)]
fn refuse(
    diagnostics: &mut Vec<Diagnostic>,
    refused: &mut bool,
    code: DiagnosticCode,
    origin: Origin,
    message: String,
) {
    *refused = true;
    diagnostics.push(Diagnostic::error(code, origin, message));
}

/// Reads one file as `configparser.RawConfigParser().read()` then `raw_config_parse` would.
pub(crate) fn read<'a>(file: &SourceFile<'a>, lowercase: UnicodeLowercase) -> BotoFile<'a> {
    let origin = |line: u32| Origin::at(file.name, line);
    let mut diagnostics = Vec::new();
    let mut refused = false;

    // configparser's strict duplicate checks: sections through this index of where each header is
    // in `sections`, options when each section is finished (`joined`: one sort, not a search per
    // key, for sections of any size).
    let mut headers_seen: HashMap<&str, usize> = HashMap::new();
    // Sections in order; index of the section currently being filled; the pending option.
    let mut sections: Vec<PendingSection<'a>> = Vec::new();
    let mut defaults: Vec<PendingOption<'a>> = Vec::new();
    let mut current: Option<Option<usize>> = None; // Some(None) = [DEFAULT]
    let mut have_option = false;
    let mut indent_level = usize::MAX;

    // Python reads the file in text mode (universal newlines): `\r\n`, a lone `\r` and `\n` each
    // end a line. Lines are numbered as the AWS SDKs number them (by `\n` only), so every
    // diagnostic points at a line the SDK side and the user's editor agree on.
    'lines: for (index, sdk_line) in file.contents.split('\n').enumerate() {
        let line_number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        for line in sdk_line.strip_suffix('\r').unwrap_or(sdk_line).split('\r') {
            let stripped = trim_python_space(line);
            let is_comment = stripped.starts_with(['#', ';']);
            if stripped.is_empty() || is_comment {
                // A blank line inside a multi-line value is kept (`empty_lines_in_values`).
                if !is_comment && have_option {
                    let options = match current {
                        Some(Some(section)) => sections.get_mut(section).map(|s| &mut s.2),
                        Some(None) => Some(&mut defaults),
                        None => None,
                    };
                    if let Some(option) = options.and_then(|options| options.last_mut()) {
                        option.more.push("");
                    }
                }
                continue;
            }
            let indent = python_indent(line);
            if current.is_some() && have_option && indent > indent_level {
                let options = match current {
                    Some(Some(section)) => sections.get_mut(section).map(|s| &mut s.2),
                    _ => Some(&mut defaults),
                };
                if let Some(option) = options.and_then(|options| options.last_mut()) {
                    option.more.push(stripped);
                }
                continue;
            }
            indent_level = indent;

            // `\[(?P<header>.+)\]` matched at the start: the header runs to the last `]`.
            if let Some(header) = stripped
                .strip_prefix('[')
                .and_then(|rest| rest.rfind(']').filter(|end| *end > 0).and_then(|end| rest.get(..end)))
            {
                have_option = false;
                if header == CONFIGPARSER_DEFAULT_SECTION {
                    diagnostics.push(Diagnostic::warning(
                        DiagnosticCode::ConfigparserDefaults,
                        origin(line_number),
                        "[DEFAULT] is special to the AWS CLI (Python's configparser copies its keys into \
                     every section of this file) while the AWS SDKs ignore it; rename it to \
                     [default] if you meant the default profile",
                    ));
                    current = Some(None);
                    continue;
                }
                if let Some(&earlier) = headers_seen.get(header) {
                    refuse(
                        &mut diagnostics,
                        &mut refused,
                        DiagnosticCode::DuplicateSection,
                        origin(line_number),
                        format!(
                            "[{header}] appears twice in this file: the AWS SDKs merge the two, but the \
                         AWS CLI refuses the whole file (DuplicateSectionError); merge them into one \
                         section"
                        ),
                    );
                    current = Some(Some(earlier));
                    continue;
                }
                headers_seen.insert(header, sections.len());
                sections.push((header, line_number, Vec::new()));
                current = Some(Some(sections.len() - 1));
                continue;
            }

            let Some(section_index) = current else {
                refuse(
                    &mut diagnostics,
                    &mut refused,
                    DiagnosticCode::NoSectionHeader,
                    origin(line_number),
                    "this line comes before any [section] header: the AWS CLI refuses the whole file \
                 (MissingSectionHeaderError); start the file with a header such as [default]"
                        .to_owned(),
                );
                // configparser stops at the first such error.
                break 'lines;
            };

            // `(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$`: split at the first `=` or `:`.
            let delimiter = stripped.as_bytes().iter().position(|byte| matches!(byte, b'=' | b':'));
            let Some(delimiter_index) = delimiter else {
                refuse(
                    &mut diagnostics,
                    &mut refused,
                    DiagnosticCode::CliSyntax,
                    origin(line_number),
                    "the AWS CLI cannot parse this line (it has no '=' or ':') and refuses the whole \
                 file; write it as key = value, or indent it to continue the value above"
                        .to_owned(),
                );
                continue;
            };
            // The delimiter is an ASCII byte: both sides are whole text (`get` keeps the wasm module
            // free of the panicking slice path).
            let key = stripped.get(..delimiter_index).unwrap_or_default().trim_end_matches(is_python_space);
            let value = trim_python_space(stripped.get(delimiter_index + 1..).unwrap_or_default());
            if key.is_empty() {
                refuse(
                    &mut diagnostics,
                    &mut refused,
                    DiagnosticCode::CliSyntax,
                    origin(line_number),
                    "the AWS CLI cannot parse this line (nothing before the '=') and refuses the whole \
                 file; write the key before the '='"
                        .to_owned(),
                );
                continue;
            }
            if stripped.as_bytes().get(delimiter_index) == Some(&b':') {
                diagnostics.push(Diagnostic::warning(
                    DiagnosticCode::ColonSeparator,
                    origin(line_number),
                    format!(
                        "the AWS CLI reads this line as key \"{}\" because it accepts ':' as a separator, \
                     while the AWS SDKs split only at '='; use key = value",
                        python_lower(key, lowercase)
                    ),
                ));
            }
            let options = match section_index {
                Some(index) => match sections.get_mut(index) {
                    Some(section) => &mut section.2,
                    None => continue,
                },
                None => &mut defaults,
            };
            options.push(PendingOption {
                key: python_lower(key, lowercase),
                line: line_number,
                first: value,
                more: Vec::new(),
            });
            have_option = true;
        }
    }

    let joined = |section_name: &str,
                  options: Vec<PendingOption<'a>>,
                  diagnostics: &mut Vec<Diagnostic>,
                  refused: &mut bool| {
        let mut result = SortedMap::with_capacity(options.len());
        // In key order (equal keys next to each other, earlier first), so the map is filled by
        // appending and a repeated key is found by looking at the next option: a repeated key
        // replaces the earlier one, and configparser's strict mode refuses the file at each one.
        let order = stable_order(options.len(), &|a, b| options[a].key.cmp(&options[b].key));
        for (position, &index) in order.iter().enumerate() {
            let option = &options[index];
            let replaced_by =
                order.get(position + 1).map(|&next| &options[next]).filter(|later| later.key == option.key);
            if let Some(later) = replaced_by {
                refuse(
                    diagnostics,
                    refused,
                    DiagnosticCode::DuplicateKey,
                    origin(later.line),
                    format!(
                        "\"{}\" is set twice in [{section_name}]: the AWS SDKs use the last value, but \
                         the AWS CLI refuses the whole file (DuplicateOptionError); keep one",
                        later.key
                    ),
                );
                continue;
            }
            let text = if option.more.is_empty() {
                // Trimmed when it was read.
                Cow::Borrowed(option.first)
            } else {
                let mut text = option.first.to_owned();
                for line in &option.more {
                    text.push('\n');
                    text.push_str(line);
                }
                let end = text.trim_end_matches(is_python_space).len();
                text.truncate(end);
                Cow::Owned(text)
            };
            let value = if text.starts_with('\n') {
                let mut nested = SortedMap::new();
                for nested_line in text.lines() {
                    let nested_line = nested_line.trim_matches(is_python_space);
                    if nested_line.is_empty() {
                        continue;
                    }
                    match nested_line.split_once('=') {
                        Some((name, value)) => {
                            nested.insert(
                                name.trim_matches(is_python_space).to_owned(),
                                value.trim_matches(is_python_space).to_owned(),
                            );
                        }
                        None => {
                            *refused = true;
                            diagnostics.push(Diagnostic::error(
                                DiagnosticCode::CliSubProperty,
                                origin(option.line),
                                format!(
                                    "the AWS CLI refuses the whole file because the indented lines under \
                                     \"{}\" must each look like name = value",
                                    option.key
                                ),
                            ));
                            break;
                        }
                    }
                }
                BotoValue::Nested(nested)
            } else {
                BotoValue::Text(text)
            };
            result.insert(option.key.clone(), BotoOption { value, file: file.name, line: option.line });
        }
        result
    };

    let defaults = joined(CONFIGPARSER_DEFAULT_SECTION, defaults, &mut diagnostics, &mut refused);
    let mut built = Vec::new();
    for (header, line, options) in sections {
        let mut options = joined(header, options, &mut diagnostics, &mut refused);
        let mut inherited = SortedSet::new();
        for (key, option) in &defaults {
            if !options.contains_key(key) {
                options.insert(key.clone(), option.clone());
                inherited.insert(key.clone(), ());
            }
        }
        built.push(BotoSection { header, line, options, inherited });
    }
    super::sort_in_reading_order(&mut diagnostics, Some(file.name));
    BotoFile { sections: if refused { None } else { Some(built) }, diagnostics }
}

/// Python's `shlex.split` (POSIX mode, no comments); `None` where it raises `ValueError`.
pub(crate) fn shlex_split(text: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            // shlex's `whitespace`: space, tab, `\r`, `\n`; not form feed (which `str.split` and
            // configparser's `strip` do count).
            ' ' | '\t' | '\r' | '\n' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\\' => {
                word.push(chars.next()?);
                in_word = true;
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        other => word.push(other),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => {
                            let escaped = chars.next()?;
                            if escaped != '"' && escaped != '\\' {
                                word.push('\\');
                            }
                            word.push(escaped);
                        }
                        other => word.push(other),
                    }
                }
            }
            other => {
                word.push(other);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

/// What botocore's `build_profile_map` makes of one config-file section header.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BotoSectionKind<'a> {
    Profile(Cow<'a, str>),
    SsoSession(Cow<'a, str>),
    Other,
}

pub(crate) fn classify_config_header(header: &str) -> BotoSectionKind<'_> {
    let two_words = |prefix: &str| {
        // `prefix name` with nothing shlex treats specially: the name as written, without a copy.
        let plain = header
            .get(prefix.len()..)
            .and_then(|rest| rest.strip_prefix(' '))
            .filter(|name| !name.is_empty() && name.bytes().all(|byte| !b" \t\r\n'\"\\".contains(&byte)));
        if let Some(name) = plain {
            return Some(Cow::Borrowed(name));
        }
        match shlex_split(header) {
            Some(mut parts) if parts.len() == 2 => parts.pop().map(Cow::Owned),
            _ => None,
        }
    };
    if header.starts_with(PROFILE_PREFIX) {
        two_words(PROFILE_PREFIX).map(BotoSectionKind::Profile).unwrap_or(BotoSectionKind::Other)
    } else if header.starts_with(SSO_SESSION_PREFIX) {
        two_words(SSO_SESSION_PREFIX).map(BotoSectionKind::SsoSession).unwrap_or(BotoSectionKind::Other)
    } else if header == DEFAULT_PROFILE {
        BotoSectionKind::Profile(Cow::Borrowed(DEFAULT_PROFILE))
    } else {
        BotoSectionKind::Other
    }
}

/// A section as botocore ends up with it, with the file and line of its header.
struct BotoView<'a> {
    values: SortedMap<Cow<'a, str>, BotoOption<'a>>,
    inherited: SortedSet<Cow<'a, str>>,
    origin: Origin,
}

/// Both files as botocore ends up with them (`session.full_config`'s profiles and sso-sessions).
struct Built<'a> {
    profiles: SortedMap<Cow<'a, str>, BotoView<'a>>,
    sso_sessions: SortedMap<Cow<'a, str>, BotoView<'a>>,
    refused: bool,
    diagnostics: Vec<Diagnostic>,
    /// Every section header as botocore read it, with its [`place`], in reading order.
    headers: Vec<(u64, FileKind, &'a str)>,
}

/// A place in the files as one number, for sorted lists of places (a map keyed by [`Origin`] would
/// be one more copy of the map code in the wasm module): the index of the file with that name
/// (the last one, should two share a name) and the line.
fn place(files: &[SourceFile<'_>], origin: &Origin) -> u64 {
    place_at(files, &origin.file, origin.line)
}

fn place_at(files: &[SourceFile<'_>], file_name: &str, line: u32) -> u64 {
    let file = files.iter().rposition(|file| file.name == file_name).unwrap_or(files.len());
    (file as u64) << 32 | u64::from(line)
}

/// The places the comparison looks up, sorted.
struct Places<'a> {
    files: &'a [SourceFile<'a>],
    /// Where the SDK side already reported something (one diagnostic per place is enough).
    reported: Vec<u64>,
    headers: &'a [(u64, FileKind, &'a str)],
    /// Indices into `headers` in order of place (among equal places, the later header last).
    header_order: Vec<usize>,
}

impl<'a> Places<'a> {
    fn new(
        files: &'a [SourceFile<'a>],
        reported: &[Diagnostic],
        headers: &'a [(u64, FileKind, &'a str)],
    ) -> Self {
        let mut places = Vec::with_capacity(reported.len());
        for diagnostic in reported {
            places.push(place(files, &diagnostic.origin));
        }
        let order = stable_order(places.len(), &|a, b| places[a].cmp(&places[b]));
        let mut reported = Vec::with_capacity(places.len());
        for index in order {
            reported.push(places.get(index).copied().unwrap_or_default());
        }
        let header_order = stable_order(headers.len(), &|a, b| headers[a].0.cmp(&headers[b].0));
        Places { files, reported, headers, header_order }
    }

    fn is_reported(&self, origin: &Origin) -> bool {
        self.is_reported_at(&origin.file, origin.line)
    }

    fn is_reported_at(&self, file_name: &str, line: u32) -> bool {
        !self.reported.is_empty()
            && self.reported.binary_search(&place_at(self.files, file_name, line)).is_ok()
    }

    /// The section header botocore read at `origin` (the later one if two files share a name).
    fn header(&self, origin: &Origin) -> Option<&'a (u64, FileKind, &'a str)> {
        let wanted = place(self.files, origin);
        let after = self.header_order.partition_point(|&index| self.headers[index].0 <= wanted);
        let header = self.headers.get(*self.header_order.get(after.checked_sub(1)?)?)?;
        (header.0 == wanted).then_some(header)
    }
}

fn build<'a>(files: &[SourceFile<'a>], lowercase: UnicodeLowercase) -> Built<'a> {
    let mut built = Built {
        profiles: SortedMap::new(),
        sso_sessions: SortedMap::new(),
        refused: false,
        diagnostics: Vec::new(),
        headers: Vec::new(),
    };
    for file in files {
        let parsed = read(file, lowercase);
        built.diagnostics.extend(parsed.diagnostics);
        let Some(sections) = parsed.sections else {
            built.refused = true;
            continue;
        };
        // Collected in file order, then merged into the maps with one sort each.
        let mut profiles = Vec::new();
        let mut sso_sessions = Vec::new();
        let file_name: std::sync::Arc<str> = file.name.into();
        for section in sections {
            let origin = Origin::in_file(&file_name, section.line);
            built.headers.push((place(files, &origin), file.kind, section.header));
            let BotoSection { header, options, inherited, .. } = section;
            let view = BotoView { values: options, inherited, origin };
            match file.kind {
                FileKind::Config => match classify_config_header(header) {
                    BotoSectionKind::Profile(name) => profiles.push((name, view)),
                    BotoSectionKind::SsoSession(name) => sso_sessions.push((name, view)),
                    BotoSectionKind::Other => {}
                },
                // Credentials sections merge into profiles by their raw header.
                FileKind::Credentials => profiles.push((Cow::Borrowed(header), view)),
            }
        }
        match file.kind {
            // `[default]` and `[profile default]`: the later one replaces the earlier.
            FileKind::Config => built.profiles.extend_merging(profiles, replace_view),
            // `dict.update`: the credentials file's values win, and are no longer inherited.
            FileKind::Credentials => built.profiles.extend_merging(profiles, |existing, view| {
                for (key, option) in view.values {
                    existing.inherited.remove(key.as_ref());
                    existing.values.insert(key, option);
                }
            }),
        }
        built.sso_sessions.extend_merging(sso_sessions, replace_view);
    }
    built
}

fn replace_view<'a>(earlier: &mut BotoView<'a>, later: BotoView<'a>) {
    *earlier = later;
}

/// A value as the AWS CLI holds it: text, or a block of sub-properties.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum CliValue {
    /// A plain value, as botocore stores it.
    Text(String),
    /// A property written as a block (`s3 =` then indented `name = value` lines): name → value.
    Nested(SortedMap<String, String>),
}

/// What the AWS CLI (botocore) reads from the files: `{"profiles": …, "sso_sessions": …}` in the
/// shape of botocore's `full_config`, so the popup can show both readings side by side.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct CliConfig {
    /// Profile name → key → value, as the AWS CLI merges the two files.
    pub profiles: SortedMap<String, SortedMap<String, CliValue>>,
    /// sso-session name → key → value.
    pub sso_sessions: SortedMap<String, SortedMap<String, CliValue>>,
}

/// Reads the files as the AWS CLI would, or returns why it refuses them (diagnostics of severity
/// [`super::Severity::Error`]).
pub fn read_like_cli(files: &[SourceFile<'_>]) -> Result<CliConfig, Vec<Diagnostic>> {
    let built = build(files, str::to_lowercase);
    if built.refused {
        return Err(built
            .diagnostics
            .into_iter()
            .filter(|d| d.severity == super::diagnostics::Severity::Error)
            .collect());
    }
    let plain = |views: SortedMap<Cow<'_, str>, BotoView<'_>>| {
        views
            .into_iter()
            .map(|(name, view)| {
                let values = view
                    .values
                    .into_iter()
                    .map(|(key, option)| {
                        let value = match option.value {
                            BotoValue::Text(text) => CliValue::Text(text.into_owned()),
                            BotoValue::Nested(nested) => CliValue::Nested(nested),
                        };
                        (key.into_owned(), value)
                    })
                    .collect();
                (name.into_owned(), values)
            })
            .collect()
    };
    Ok(CliConfig { profiles: plain(built.profiles), sso_sessions: plain(built.sso_sessions) })
}

/// Compares what botocore reads with what the SDKs read (`set`), adding diagnostics to `set`.
pub(crate) fn compare(set: &mut ConfigSet, files: &[SourceFile<'_>], lowercase: UnicodeLowercase) {
    let Built { profiles, sso_sessions, refused, diagnostics: mut found, headers } = build(files, lowercase);
    // Where botocore refuses a file, only its reasons matter: everything else would be noise.
    if !refused {
        let places = Places::new(files, &set.diagnostics, &headers);
        compare_sections(&mut found, "profile", &set.profiles, &profiles, &places);
        compare_sections(&mut found, "sso-session", &set.sso_sessions, &sso_sessions, &places);
    }
    set.diagnostics.extend(found);
}

fn compare_sections(
    found: &mut Vec<Diagnostic>,
    kind: &str,
    sdk: &SortedMap<String, super::model::Section>,
    boto: &SortedMap<Cow<'_, str>, BotoView<'_>>,
    places: &Places<'_>,
) {
    // Both maps are in name order: one walk through each finds the pairs, one comparison per step
    // instead of a search of the other map per section.
    // (Index loops: iterator adapters would add a copy of themselves per closure to the wasm module.)
    let (boto_names, boto_views) = (boto.keys().as_slice(), boto.values().as_slice());
    let mut cursor = 0;
    for (name, section) in sdk {
        while boto_names.get(cursor).is_some_and(|boto_name| boto_name.as_ref() < name.as_str()) {
            cursor += 1;
        }
        let view = boto_names.get(cursor).filter(|boto_name| boto_name.as_ref() == name.as_str());
        let Some(view) = view.and(boto_views.get(cursor)) else {
            if places.is_reported(&section.origin) {
                continue;
            }
            let header = places.header(&section.origin).map(|(_, file_kind, header)| (file_kind, header));
            let expected = match (kind, header) {
                (_, Some((FileKind::Credentials, _))) => format!("[{name}]"),
                ("profile", _) if name == DEFAULT_PROFILE => "[default]".to_owned(),
                (kind, _) => format!("[{kind} {name}]"),
            };
            let (code, message) = match header {
                Some((file_kind, header))
                    if header.starts_with(is_python_space)
                        || (*file_kind == FileKind::Credentials && header.ends_with(is_python_space)) =>
                {
                    (
                        DiagnosticCode::HeaderWhitespace,
                        format!(
                            "the AWS SDKs read {kind} \"{name}\" here but the AWS CLI does not, because \
                             it does not trim the spaces inside [{header}]; write {expected}"
                        ),
                    )
                }
                Some((_, header)) => (
                    DiagnosticCode::CliProfileDiffers,
                    format!(
                        "the AWS SDKs read {kind} \"{name}\" here but the AWS CLI reads [{header}] as \
                         something else (it treats quotes and backslashes as shell quoting); write \
                         {expected}"
                    ),
                ),
                None => (
                    DiagnosticCode::CliProfileDiffers,
                    format!(
                        "the AWS SDKs read {kind} \"{name}\" here but the AWS CLI does not; write {expected}"
                    ),
                ),
            };
            found.push(Diagnostic::warning(code, section.origin.clone(), message));
            continue;
        };
        // Different sections won (`[default]` vs `[profile default]`): the SDK side said so.
        if places.is_reported(&section.origin) || places.is_reported(&view.origin) {
            continue;
        }
        // Both in key order: walked side by side, as the sections are.
        let (boto_keys, boto_options) = (view.values.keys().as_slice(), view.values.values().as_slice());
        let mut cursor = 0;
        for (key, property) in &section.properties {
            while boto_keys.get(cursor).is_some_and(|boto_key| boto_key.as_ref() < key.as_ref()) {
                cursor += 1;
            }
            if places.is_reported(&property.origin) {
                continue;
            }
            let option = boto_keys.get(cursor).filter(|boto_key| boto_key.as_ref() == key.as_ref());
            let message = match option.and(boto_options.get(cursor)).map(|option| &option.value) {
                None => Some((
                    DiagnosticCode::CliReadsDifferently,
                    format!("the AWS CLI does not see \"{key}\" in {kind} \"{name}\"; check the line's spelling and indentation"),
                )),
                Some(BotoValue::Text(text)) if *text != property.value.as_str() => {
                    Some(describe_difference(kind, name, key, &property.value, text))
                }
                Some(BotoValue::Nested(nested)) => {
                    // The last value of a name wins.
                    let mut sdk_pairs = SortedMap::new();
                    for_each_sub_property(&property.value, &mut |name, value| {
                        sdk_pairs.insert(name, value);
                    });
                    let mut boto_pairs = SortedMap::new();
                    for (name, value) in nested {
                        boto_pairs.insert(name.to_ascii_lowercase(), value.clone());
                    }
                    (sdk_pairs != boto_pairs).then(|| {
                        (
                            DiagnosticCode::CliReadsDifferently,
                            format!(
                                "the AWS CLI and the AWS SDKs read the indented lines under \"{key}\" in \
                                 {kind} \"{name}\" differently; write each as name = value without \
                                 comments"
                            ),
                        )
                    })
                }
                Some(BotoValue::Text(_)) => None,
            };
            if let Some((code, message)) = message {
                found.push(Diagnostic::warning(code, property.origin.clone(), message));
            }
        }
        let sdk_keys = section.properties.keys().as_slice();
        let mut cursor = 0;
        for (key, option) in &view.values {
            while sdk_keys.get(cursor).is_some_and(|sdk_key| sdk_key.as_ref() < key.as_ref()) {
                cursor += 1;
            }
            if sdk_keys.get(cursor).is_some_and(|sdk_key| sdk_key.as_ref() == key.as_ref())
                || view.inherited.contains_key(key.as_ref())
            {
                continue;
            }
            if places.is_reported_at(option.file, option.line)
                || found.iter().any(|d| d.origin.line == option.line && *d.origin.file == *option.file)
            {
                continue;
            }
            let origin = option.origin();
            found.push(Diagnostic::warning(
                DiagnosticCode::CliReadsDifferently,
                origin,
                format!(
                    "the AWS CLI reads \"{key}\" in {kind} \"{name}\" but the AWS SDKs do not; write \
                     it as key = value with a plain key"
                ),
            ));
        }
    }
    let sdk_names = sdk.keys().as_slice();
    let mut cursor = 0;
    for (name, view) in boto {
        while sdk_names.get(cursor).is_some_and(|sdk_name| sdk_name.as_str() < name.as_ref()) {
            cursor += 1;
        }
        if sdk_names.get(cursor).is_none_or(|sdk_name| sdk_name.as_str() != name.as_ref())
            && !places.is_reported(&view.origin)
            && !found.iter().any(|d| d.origin == view.origin)
        {
            found.push(Diagnostic::warning(
                DiagnosticCode::CliProfileDiffers,
                view.origin.clone(),
                format!(
                    "the AWS CLI reads this section as {kind} \"{name}\" but the AWS SDKs do not see \
                     it; write the header as [{}{name}] with a name of letters, digits and _ - / . % @ : +",
                    if kind == "profile" { "profile " } else { "sso-session " }
                ),
            ));
        }
    }
}

fn describe_difference(kind: &str, name: &str, key: &str, sdk: &str, boto: &str) -> (DiagnosticCode, String) {
    let comment =
        boto.strip_prefix(sdk).map(|rest| rest.trim_start()).filter(|rest| rest.starts_with(['#', ';']));
    if comment.is_some() {
        return (
            DiagnosticCode::InlineComment,
            format!(
                "the AWS CLI keeps the comment at the end of this line as part of \"{key}\" in {kind} \
                 \"{name}\" (the AWS SDKs drop it); move the comment to a line of its own"
            ),
        );
    }
    let detail = if is_secret_key(key) {
        String::new()
    } else {
        format!(" (the AWS CLI reads {}, the AWS SDKs read {})", Quoted(boto), Quoted(sdk))
    };
    (
        DiagnosticCode::CliReadsDifferently,
        format!(
            "the AWS CLI and the AWS SDKs read \"{key}\" in {kind} \"{name}\" differently{detail}; avoid \
             comment or blank lines inside indented continuation lines"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_scans_read_whitespace_as_python_does() {
        for byte in 0..=127u8 {
            assert_eq!(is_ascii_python_space(byte), is_python_space(char::from(byte)), "{byte:#x}");
        }
        let spaces = [
            " ", "\t", "\x0b", "\x0c", "\r", "\n", "\x1c", "\x1f", "\u{85}", "\u{a0}", "\u{2003}", "\u{3000}",
        ];
        let words = ["", "a", "é", "key = v", "\u{a0}x", "x\u{2003}", "日本"];
        for left in spaces.iter().chain(&[""]) {
            for right in spaces.iter().chain(&[""]) {
                for word in words {
                    for text in [
                        format!("{left}{word}{right}"),
                        format!("{left}{right}{word}{left}"),
                        format!("{right}{left}{word}"),
                    ] {
                        assert_eq!(trim_python_space(&text), text.trim_matches(is_python_space), "{text:?}");
                        let indent = text.chars().take_while(|c| is_python_space(*c)).count();
                        assert_eq!(python_indent(&text), indent, "{text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn shlex_like_python() {
        assert_eq!(shlex_split("profile foo"), Some(vec!["profile".into(), "foo".into()]));
        assert_eq!(shlex_split("profile \"my name\""), Some(vec!["profile".into(), "my name".into()]));
        assert_eq!(shlex_split("profile 'a b' c"), Some(vec!["profile".into(), "a b".into(), "c".into()]));
        assert_eq!(shlex_split("profile a\\ b"), Some(vec!["profile".into(), "a b".into()]));
        assert_eq!(shlex_split("profile \"a"), None);
        assert_eq!(shlex_split("profile a\\"), None);
        assert_eq!(shlex_split("profile \"\""), Some(vec!["profile".into(), "".into()]));
        assert_eq!(shlex_split("profile\u{c}foo"), Some(vec!["profile\u{c}foo".into()]));
        assert_eq!(shlex_split("profile\rfoo"), Some(vec!["profile".into(), "foo".into()]));
    }

    #[test]
    fn section_classification() {
        assert_eq!(classify_config_header("profile foo"), BotoSectionKind::Profile("foo".into()));
        assert_eq!(classify_config_header(" profile foo"), BotoSectionKind::Other);
        assert_eq!(classify_config_header("Profile foo"), BotoSectionKind::Other);
        assert_eq!(classify_config_header("profile a b"), BotoSectionKind::Other);
        assert_eq!(classify_config_header("profiles x"), BotoSectionKind::Profile("x".into()));
        assert_eq!(classify_config_header("default"), BotoSectionKind::Profile("default".into()));
        assert_eq!(classify_config_header("sso-session s"), BotoSectionKind::SsoSession("s".into()));
    }

    fn read_config(text: &str) -> BotoFile<'_> {
        read(&SourceFile::config("c", text), str::to_lowercase)
    }

    #[test]
    fn repeated_headers_and_keys_are_found_among_thousands_of_sections() {
        let mut text = String::new();
        for index in 0..1000 {
            text.push_str(&format!("[profile p{index}]\nk = {index}\n"));
        }
        // Lines 2001-2006: p7 again (its `k` is then repeated), p999 again, a new p1000.
        text.push_str("[profile p7]\nk = again\n[profile p999]\ny = 2\n[profile p1000]\nk = new\n");
        let file = read_config(&text);
        assert!(file.sections.is_none());
        let found: Vec<(DiagnosticCode, u32)> =
            file.diagnostics.iter().map(|d| (d.code, d.origin.line)).collect();
        assert_eq!(
            found,
            [
                (DiagnosticCode::DuplicateSection, 2001),
                (DiagnosticCode::DuplicateKey, 2002),
                (DiagnosticCode::DuplicateSection, 2003)
            ]
        );
        assert!(file.diagnostics[1].message.contains("[profile p7]"), "{:?}", file.diagnostics[1]);
    }

    #[test]
    fn configparser_rules() {
        let file = read_config("[default]\nregion = us-east-1 # c\nkey: value\n  # indented comment\n");
        let sections = file.sections.unwrap();
        assert_eq!(sections[0].options.get("region").unwrap().value, BotoValue::Text("us-east-1 # c".into()));
        assert_eq!(sections[0].options.get("key").unwrap().value, BotoValue::Text("value".into()));
        let file = read_config("[a]\nx = 1\n\n  more\n[a]\n");
        assert!(file.sections.is_none());
        let file = read_config("[a]\nx = 1\n  \n  more");
        assert_eq!(
            file.sections.unwrap()[0].options.get("x").unwrap().value,
            BotoValue::Text("1\n\nmore".into())
        );
        let file = read_config("[a]\ns3 =\n  addressing_style = path\n");
        let expected = SortedMap::from([("addressing_style".to_owned(), "path".to_owned())]);
        assert_eq!(file.sections.unwrap()[0].options.get("s3").unwrap().value, BotoValue::Nested(expected));
        let file = read_config("[DEFAULT]\nregion = x\n[profile a]\n");
        assert_eq!(
            file.sections.unwrap()[0].options.get("region").unwrap().value,
            BotoValue::Text("x".into())
        );
        assert!(read_config("x = 1\n[a]").sections.is_none());
        assert!(read_config("[a]\nX = 1\nx = 2").sections.is_none());
        assert!(read_config("[a]\ns3 =\n  broken\n").sections.is_none());
        assert!(read_config("[a]\nnot a property\n").sections.is_none());
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line_as_in_python_but_keeps_the_sdk_line_number() {
        let file = read_config("[a]\nx = 1\ry = 2\r\nz = 3\r\r\nw = 4\r");
        let sections = file.sections.unwrap();
        let options = &sections[0].options;
        for (key, value, line) in [("x", "1", 2), ("y", "2", 2), ("z", "3", 3), ("w", "4", 4)] {
            let option = options.get(key).unwrap();
            assert_eq!(option.value, BotoValue::Text(value.into()), "{key}");
            assert_eq!(option.line, line, "{key}");
        }
        assert_eq!(options.len(), 4);
    }

    #[test]
    fn every_repetition_of_a_key_is_refused_at_its_line_and_the_last_value_is_read() {
        let file = read_config("[a]\nx = 1\ny = 2\nX = 3\n[b]\nx = 0\n[a]\nx = 4\ny = 5\n");
        let found: Vec<(DiagnosticCode, u32)> =
            file.diagnostics.iter().map(|d| (d.code, d.origin.line)).collect();
        assert_eq!(
            found,
            [
                (DiagnosticCode::DuplicateKey, 4),
                (DiagnosticCode::DuplicateSection, 7),
                (DiagnosticCode::DuplicateKey, 8),
                (DiagnosticCode::DuplicateKey, 9)
            ]
        );
        assert!(
            file.diagnostics[0].message.starts_with("\"x\" is set twice in [a]"),
            "{:?}",
            file.diagnostics
        );
    }

    #[test]
    fn a_form_feed_does_not_separate_the_words_of_a_header() {
        assert_eq!(classify_config_header("profile\u{c}foo"), BotoSectionKind::Other);
        assert_eq!(classify_config_header("sso-session\u{c}s"), BotoSectionKind::Other);
    }
}
