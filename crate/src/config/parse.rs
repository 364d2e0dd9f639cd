//! Step one of parse → normalize → typed: split one file into raw sections and properties exactly
//! as the AWS SDK shared-config spec reads it (spec §8.2), keeping every line number.
//!
//! Nothing here looks at what a section *means* (`profile`, `sso-session`, …); that is
//! [`super::normalize`]'s job. Errors are the SDKs' own phrases (the conformance tables check them)
//! followed by the file, the line and what to do about it.

use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

use super::model::{is_secret_key, FileKind, Origin, SourceFile};

/// The SDK spec's whitespace: only space and tab (a stray `\r` or form feed is content).
pub(crate) const WHITESPACE: &[char] = &[' ', '\t'];
const COMMENT_CHARS: [char; 2] = ['#', ';'];

/// One `[header]` occurrence and the properties under it, in file order.
#[derive(Debug, Clone)]
pub(crate) struct RawSection<'a> {
    /// The text between the brackets, comments removed, not yet trimmed or split.
    pub header: &'a str,
    pub line: u32,
    pub properties: Vec<RawProperty<'a>>,
}

/// One `key = value` and its continuation lines.
#[derive(Clone)]
pub(crate) struct RawProperty<'a> {
    /// Lower-cased (smithy-rs PR #3344); borrowed from the file when it already is.
    pub key: Cow<'a, str>,
    pub line: u32,
    /// The trimmed value on the key's own line.
    pub first_value: &'a str,
    /// Trimmed continuation lines with their line numbers.
    pub continuations: Vec<(u32, &'a str)>,
}

impl RawProperty<'_> {
    /// The value as the SDKs store it: the first line, then `\n` + each continuation line.
    pub fn value(&self) -> String {
        let mut value = self.first_value.to_owned();
        for (_, line) in &self.continuations {
            value.push('\n');
            value.push_str(line);
        }
        value
    }

    /// `s3 =` followed by indented `name = value` lines: a block of sub-properties.
    pub fn is_sub_property_block(&self) -> bool {
        self.first_value.is_empty()
    }
}

impl fmt::Debug for RawProperty<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = if is_secret_key(&self.key) { "** redacted **".to_owned() } else { self.value() };
        f.debug_struct("RawProperty")
            .field("key", &self.key)
            .field("line", &self.line)
            .field("value", &value)
            .finish()
    }
}

/// What went wrong on a line. The `Display` of each starts with the SDKs' own error phrase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase", tag = "code")]
pub enum ParseErrorKind {
    /// `[profile foo` without the closing bracket.
    UnclosedSectionHeader,
    /// `key = value` before any `[section]`.
    PropertyOutsideSection,
    /// The file starts with a UTF-8 byte-order mark, which no AWS tool skips.
    ByteOrderMark,
    /// An indented line before any `[section]`.
    ContinuationOutsideSection,
    /// An indented line right after a `[section]` header.
    ContinuationWithoutProperty,
    /// A line with no `=`.
    MissingEquals {
        /// The line is one of the indented `name = value` lines under a property with an empty
        /// value (`s3 =`).
        sub_property: bool,
        /// The line has a `:` where the `=` would be (`key: value`), which the AWS CLI reads and
        /// the SDKs refuse.
        colon: bool,
    },
    /// A line like `= value`.
    MissingKey {
        /// The line is an indented sub-property line.
        sub_property: bool,
    },
}

/// A line the SDKs refuse to read. Carries the file's display name and the 1-based line number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParseError {
    /// The file's display name, as in [`super::model::SourceFile::name`].
    pub file: String,
    /// The line, from 1.
    pub line: u32,
    /// What is wrong with it.
    pub kind: ParseErrorKind,
    /// The offending line, shortened, or `None` when it may hold a secret.
    pub excerpt: Option<String>,
}

impl ParseError {
    /// The file and line, as an [`Origin`].
    pub fn origin(&self) -> Origin {
        Origin::at(&self.file, self.line)
    }

    /// Stable machine-readable name of the problem (for the popup and JS `Error.code`).
    pub fn code(&self) -> &'static str {
        match self.kind {
            ParseErrorKind::UnclosedSectionHeader => "unclosed-section-header",
            ParseErrorKind::PropertyOutsideSection => "property-outside-section",
            ParseErrorKind::ByteOrderMark => "byte-order-mark",
            ParseErrorKind::ContinuationOutsideSection => "continuation-outside-section",
            ParseErrorKind::ContinuationWithoutProperty => "continuation-without-property",
            ParseErrorKind::MissingEquals { .. } => "missing-equals",
            ParseErrorKind::MissingKey { .. } => "missing-key",
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}: ", self.file, self.line)?;
        let found = match &self.excerpt {
            Some(text) => format!("found {}", crate::text::Quoted(text)),
            None => "found a line whose text is not shown because it may hold a secret".to_owned(),
        };
        match &self.kind {
            ParseErrorKind::UnclosedSectionHeader => write!(
                f,
                "Profile definition must end with ']' ({found}); write section headers as \
                 [profile name] or [sso-session name], and note that # or ; inside the brackets \
                 starts a comment"
            ),
            ParseErrorKind::ByteOrderMark => write!(
                f,
                "Expected a profile definition, but the file starts with an invisible byte-order mark \
                 (BOM) that neither the AWS CLI nor the AWS SDKs skip; save the file as UTF-8 without \
                 BOM"
            ),
            ParseErrorKind::PropertyOutsideSection => write!(
                f,
                "Expected a profile definition before this property ({found}); add a section \
                 header such as [default] or [profile name] above it"
            ),
            ParseErrorKind::ContinuationOutsideSection => write!(
                f,
                "Expected a profile definition before this indented line ({found}); add a section \
                 header above it, or remove the leading spaces"
            ),
            ParseErrorKind::ContinuationWithoutProperty => write!(
                f,
                "Expected a property definition, found continuation ({found}); an indented line \
                 continues the property above it, so remove the leading spaces to start a new \
                 property"
            ),
            ParseErrorKind::MissingEquals { sub_property: false, colon } => {
                write!(
                    f,
                    "Expected an '=' sign defining a property ({found}); properties look like key = value"
                )?;
                if *colon {
                    write!(f, " (the AWS CLI also accepts ':', but the AWS SDKs do not)")?;
                }
                Ok(())
            }
            ParseErrorKind::MissingEquals { sub_property: true, .. } => write!(
                f,
                "Expected an '=' sign defining a sub-property ({found}); the indented lines under \
                 a property with an empty value (like `s3 =`) must each look like name = value"
            ),
            ParseErrorKind::MissingKey { sub_property: false } => write!(
                f,
                "Property did not have a name ({found}); write the key before the '=', as in \
                 region = us-east-1"
            ),
            ParseErrorKind::MissingKey { sub_property: true } => write!(
                f,
                "Sub-property did not have a name ({found}); write the name before the '=', as \
                 in endpoint_url = https://…"
            ),
        }
    }
}

impl std::error::Error for ParseError {}

fn is_whitespace_byte(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t')
}

/// `text` without the spaces and tabs at either end. By bytes: both are ASCII, so every cut is at a
/// character boundary, and a line is trimmed without decoding it (the parser trims each line).
pub(crate) fn trim_whitespace(text: &str) -> &str {
    let bytes = text.as_bytes();
    let (mut start, mut end) = (0, bytes.len());
    while start < end && is_whitespace_byte(bytes[start]) {
        start += 1;
    }
    while end > start && is_whitespace_byte(bytes[end - 1]) {
        end -= 1;
    }
    text.get(start..end).unwrap_or_default()
}

/// `true` for a line of only spaces and tabs (a blank line, skipped everywhere).
fn is_blank(line: &str) -> bool {
    trim_whitespace(line).is_empty()
}

/// Full-line comments start in the first column; an indented `# x` is a continuation.
fn is_comment(line: &str) -> bool {
    line.starts_with(COMMENT_CHARS)
}

/// Trims a line and cuts an inline comment. In property lines a comment needs whitespace before
/// it (`value#x` keeps the `#x`); in section headers it does not.
/// "Whitespace" before a comment is any Unicode whitespace, as the SDKs test it.
pub(crate) fn strip_inline_comment(line: &str, comment_needs_whitespace: bool) -> &str {
    let line = trim_whitespace(line);
    // `#` and `;` are ASCII: a byte equal to one is that character, never part of another.
    let bytes = line.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        if matches!(bytes[index], b'#' | b';') {
            let before = line.get(..index).unwrap_or_default();
            if !comment_needs_whitespace || before.chars().next_back().is_some_and(char::is_whitespace) {
                return trim_whitespace(before);
            }
        }
        index += 1;
    }
    line
}

/// `text` lower-cased (ASCII only, as the SDKs do), without a copy when there is nothing to lower.
fn ascii_lowercase(text: &str) -> Cow<'_, str> {
    if text.bytes().any(|byte| byte.is_ascii_uppercase()) {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

enum KeyValueError {
    MissingEquals,
    MissingKey,
}

fn split_key_value(line: &str) -> Result<(&str, &str), KeyValueError> {
    // By bytes: `=` is ASCII, and a line is short (a search for one character costs more to start).
    let bytes = line.as_bytes();
    let mut equals = 0;
    while equals < bytes.len() && bytes[equals] != b'=' {
        equals += 1;
    }
    if equals == bytes.len() {
        return Err(KeyValueError::MissingEquals);
    }
    let (key, value) = (line.get(..equals).unwrap_or_default(), line.get(equals + 1..).unwrap_or_default());
    let key = trim_whitespace(key);
    if key.is_empty() {
        return Err(KeyValueError::MissingKey);
    }
    Ok((key, trim_whitespace(value)))
}

/// A short, secret-free quote of a line for an error message.
fn excerpt(kind: FileKind, line: &str) -> Option<String> {
    let line = trim_whitespace(line);
    if kind == FileKind::Credentials
        || is_secret_key(line)
        || crate::text::contains(line, "aws_") && crate::text::contains(line, "key")
    {
        return None;
    }
    const MAX_CHARS: usize = 60;
    if line.chars().count() > MAX_CHARS {
        let shortened: String = line.chars().take(MAX_CHARS).collect();
        Some(format!("{shortened}…"))
    } else {
        Some(line.to_owned())
    }
}

/// Splits `file` into sections. Lines are split on `\n` (a `\r` before it is dropped).
pub(crate) fn parse_file<'a>(file: &SourceFile<'a>) -> Result<Vec<RawSection<'a>>, ParseError> {
    let mut sections: Vec<RawSection<'a>> = Vec::new();
    let error = |line_number: u32, kind: ParseErrorKind, text: &str| ParseError {
        file: file.name.to_owned(),
        line: line_number,
        kind,
        excerpt: excerpt(file.kind, text),
    };

    for (index, line) in file.contents.lines().enumerate() {
        let line_number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if is_blank(line) || is_comment(line) {
            continue;
        }
        if line.starts_with('[') {
            let header = strip_inline_comment(line, false);
            let inside = header
                .strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .ok_or_else(|| error(line_number, ParseErrorKind::UnclosedSectionHeader, line))?;
            sections.push(RawSection { header: inside, line: line_number, properties: Vec::new() });
        } else if line.starts_with(WHITESPACE) {
            let section = sections
                .last_mut()
                .ok_or_else(|| error(line_number, ParseErrorKind::ContinuationOutsideSection, line))?;
            let property = section
                .properties
                .last_mut()
                .ok_or_else(|| error(line_number, ParseErrorKind::ContinuationWithoutProperty, line))?;
            let continuation = trim_whitespace(line);
            if property.is_sub_property_block() {
                split_key_value(continuation).map_err(|problem| {
                    let kind = match problem {
                        KeyValueError::MissingEquals => {
                            ParseErrorKind::MissingEquals { sub_property: true, colon: false }
                        }
                        KeyValueError::MissingKey => ParseErrorKind::MissingKey { sub_property: true },
                    };
                    error(line_number, kind, line)
                })?;
            }
            property.continuations.push((line_number, continuation));
        } else {
            let section = sections.last_mut().ok_or_else(|| {
                let kind = if line.starts_with('\u{feff}') {
                    ParseErrorKind::ByteOrderMark
                } else {
                    ParseErrorKind::PropertyOutsideSection
                };
                error(line_number, kind, line)
            })?;
            let content = strip_inline_comment(line, true);
            let (key, value) = split_key_value(content).map_err(|problem| {
                let kind = match problem {
                    KeyValueError::MissingEquals => {
                        ParseErrorKind::MissingEquals { sub_property: false, colon: content.contains(':') }
                    }
                    KeyValueError::MissingKey => ParseErrorKind::MissingKey { sub_property: false },
                };
                error(line_number, kind, line)
            })?;
            section.properties.push(RawProperty {
                key: ascii_lowercase(key),
                line: line_number,
                first_value: value,
                continuations: Vec::new(),
            });
        }
    }
    Ok(sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<RawSection<'_>>, ParseError> {
        parse_file(&SourceFile::config("~/.aws/config", text))
    }

    #[test]
    fn errors_name_the_file_and_line_and_say_what_to_do() {
        let error = parse("[profile dev]\nsso_session = corp\n\nregion us-east-1\n").unwrap_err();
        assert_eq!(error.line, 4);
        assert_eq!(
            error.to_string(),
            "~/.aws/config line 4: Expected an '=' sign defining a property (found \"region us-east-1\"); \
             properties look like key = value"
        );
        let error = parse("[profile dev]\nregion: us-east-1").unwrap_err();
        assert!(error.to_string().contains("the AWS CLI also accepts ':'"), "{error}");
    }

    #[test]
    fn errors_never_quote_lines_that_may_hold_secrets() {
        let error =
            parse_file(&SourceFile::credentials("creds", "[default]\naws_secret_access_key wJalrXUtnFEMI"))
                .unwrap_err();
        assert!(!error.to_string().contains("wJalr"), "{error}");
        let error = parse("[default]\naws_session_token  IQoJb3JpZ2luX2VjE").unwrap_err();
        assert!(!error.to_string().contains("IQoJ"), "{error}");
    }

    #[test]
    fn header_comments_need_no_whitespace_but_value_comments_do() {
        let sections = parse("[profile a]#c\nk = v#not-a-comment\nk2 = v ;comment").unwrap();
        assert_eq!(sections[0].header, "profile a");
        assert_eq!(sections[0].properties[0].value(), "v#not-a-comment");
        assert_eq!(sections[0].properties[1].value(), "v");
    }

    #[test]
    fn a_byte_order_mark_is_named() {
        let error = parse("\u{feff}[default]\nregion = x").unwrap_err();
        assert_eq!(error.code(), "byte-order-mark");
        assert!(error.to_string().contains("save the file as UTF-8 without BOM"), "{error}");
    }

    #[test]
    fn errors_serialize_with_a_code() {
        let error = parse("[default]\n= x").unwrap_err();
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["kind"], serde_json::json!({"code": "missingKey", "subProperty": false}));
        assert_eq!(json["line"], 2);
    }

    #[test]
    fn long_lines_are_shortened_on_a_character_boundary() {
        let line = "é".repeat(200);
        let error = parse(&format!("[default]\n{line}")).unwrap_err();
        assert!(error.to_string().contains("éé…"), "{error}");
    }
}
