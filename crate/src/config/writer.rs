//! The config writer: creates or updates `[profile …]` and `[sso-session …]` exactly as `aws configure sso`
//! lays them out (spec §9.2), preserving every other byte of the file.
//!
//! It follows the AWS CLI's `ConfigFileWriter` (`awscli/customizations/configure/writer.py`):
//! - a missing section is appended as `[header]\n` + `key = value\n` lines, after a line break only
//!   if the file does not already end with one; no blank separator lines;
//! - an existing key is replaced in place by `key = value`; missing keys are inserted after the
//!   section's last property;
//! - headers are `default`, `profile NAME`, `sso-session NAME`, with a name containing a space or
//!   tab shell-quoted (`[profile 'my name']`).
//!
//! Deliberate differences, where the CLI would damage the file or write something a parser reads
//! differently (each is exercised by the corpus referee test, `crate/tests/config_writer_referee.rs`;
//! `crate/tests/config_writer_properties.rs` checks the invariants over generated files):
//! 1. **Line endings are kept.** The CLI rewrites the whole file with `\n` when it updates a section
//!    (Python text mode); we keep every `\r\n` and use the file's own style for the lines we add.
//! 2. **No final newline stays no final newline** when our lines go in the middle of the file (the
//!    CLI appends a `\n` at the end of the file in that case).
//! 3. **Keys match case-insensitively** (`Region = x` is replaced by `region = …`): botocore
//!    lower-cases keys, so adding a second `region` would make the file a duplicate-key error.
//! 4. **Indented lines belong to the property above them.** The CLI matches `  region = x` under
//!    `s3 =` (a sub-property) as if it were the profile's `region` and replaces it, un-indented;
//!    we only touch top-level keys. Replacing a key also removes its continuation lines (an
//!    indented `# …` under a key included: the SDKs read it as part of the value), which would
//!    otherwise be glued onto the new value; and new keys never go right above an indented line.
//! 5. **New keys go right after the section's last property** (or its continuation lines). The
//!    CLI's insertion point is the last line matching its option regex, which includes comments
//!    containing `=` or `:` (often the comment above the next section), and when the section runs to
//!    the end of the file it inserts one line later than that (after a blank line, say).
//! 6. **`[profile default]`.** For the default profile the CLI only looks for `[default]`; we also
//!    update `[profile default]` (the Rust SDK ignores every `[default]` once `[profile default]`
//!    exists, and botocore takes whichever of the two comes later), so the values take effect
//!    whichever sections the file has.
//! 7. **Duplicate sections** (which botocore rejects and the SDKs merge, last value winning): existing
//!    keys are replaced in every copy and missing keys go into the last one of each header spelling,
//!    so the new values win in every parser. The CLI only edits the first copy.
//! 8. A section header written in botocore's other accepted quoting (`[profile "my name"]`) is
//!    recognised as the same profile as `[profile 'my name']` (handled like 6 when both exist).
//! 9. **Keys of the other SSO layout are removed from the profile**: `sso_start_url`, `sso_region`
//!    and `sso_registration_scopes` when writing the sso-session layout, `sso_session` when writing
//!    the legacy layout. The CLI leaves them, and the result is then rejected by the Rust SDK
//!    (`sso_start_url` beside `sso_session`, even with equal values) and by botocore when a value
//!    differs from the session's.

use std::fmt;

/// Which kind of section to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionKind {
    /// `[profile NAME]`, or `[default]` for the profile named `default`.
    Profile,
    /// `[sso-session NAME]`.
    SsoSession,
}

/// Why the writer refused to write. Each message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigWriteError {
    /// A profile or sso-session name is empty or only whitespace.
    #[error("the {what} name must not be empty")]
    EmptyName {
        /// `profile` or `sso-session`.
        what: &'static str,
    },
    /// A name holds `[`, `]` or a line break, or starts or ends with whitespace: a section header
    /// cannot carry it unchanged.
    #[error("the {what} name `{name}` contains `{bad}`, which cannot be written in a config section header")]
    BadName {
        /// `profile` or `sso-session`.
        what: &'static str,
        /// The name as given.
        name: String,
        /// The first character that cannot be written (escaped), or `surrounding whitespace`.
        bad: String,
    },
    /// A key that is empty or has a character other than letters, digits, `_`, `-` and `.`.
    #[error("the key `{key}` is not a valid config key; use letters, digits and `_`")]
    BadKey {
        /// The key as given.
        key: String,
    },
    /// A value the file cannot hold unchanged (the SDKs would read it back differently). Names
    /// the key, never the value, which may be a secret.
    #[error("the value for `{key}` contains a line break or starts or ends with whitespace, which the config file cannot hold")]
    BadValue {
        /// The key whose value it is.
        key: String,
    },
}

/// A section to create or update, with its values in the order the CLI writes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionUpdate<'a> {
    /// A profile or an sso-session.
    pub kind: SectionKind,
    /// The name without the `profile ` or `sso-session ` prefix.
    pub name: &'a str,
    /// The keys and values to set.
    pub values: Vec<(&'a str, &'a str)>,
    /// Keys to delete from the section if present (with their continuation lines).
    pub remove: Vec<&'a str>,
}

impl<'a> SectionUpdate<'a> {
    /// Set `values` in the section, removing nothing.
    pub fn new(kind: SectionKind, name: &'a str, values: Vec<(&'a str, &'a str)>) -> Self {
        SectionUpdate { kind, name, values, remove: Vec::new() }
    }
}

/// The sso-session half of an SSO profile (`aws configure sso` with a session name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoSessionSpec<'a> {
    /// The session's name (`[sso-session NAME]`, `sso_session = NAME`).
    pub name: &'a str,
    /// `sso_start_url`: the AWS access portal URL.
    pub start_url: &'a str,
    /// `sso_region`: where IAM Identity Center lives.
    pub region: &'a str,
    /// `sso_registration_scopes` as typed (comma-separated); `None` leaves the key out.
    pub registration_scopes: Option<&'a str>,
}

/// How the profile signs in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SsoLogin<'a> {
    /// `sso_session = NAME` plus an `[sso-session NAME]` section.
    Session(SsoSessionSpec<'a>),
    /// Legacy layout: `sso_start_url` and `sso_region` in the profile itself.
    Legacy {
        /// `sso_start_url`: the AWS access portal URL.
        start_url: &'a str,
        /// `sso_region`: where IAM Identity Center lives.
        region: &'a str,
    },
}

/// Everything `aws configure sso` writes for one profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoProfileSpec<'a> {
    /// The profile's name (`default` writes `[default]`).
    pub profile: &'a str,
    /// The session or legacy keys it signs in with.
    pub login: SsoLogin<'a>,
    /// `sso_account_id`; `None` (with no role) writes a bearer-only profile.
    pub account_id: Option<&'a str>,
    /// `sso_role_name`: the role (permission set) in that account.
    pub role_name: Option<&'a str>,
    /// Default client region (`region`), if one was given.
    pub region: Option<&'a str>,
    /// Default output format (`output`), if one was given.
    pub output: Option<&'a str>,
}

impl<'a> SsoProfileSpec<'a> {
    /// The section updates in the CLI's order: the profile, then (if any) its sso-session.
    pub fn section_updates(&self) -> Vec<SectionUpdate<'a>> {
        let mut updates = vec![self.profile_update()];
        if let SsoLogin::Session(session) = &self.login {
            updates.push(session_update(session));
        }
        updates
    }

    /// The `[profile …]` update alone (the session's own fields are not used).
    pub fn profile_update(&self) -> SectionUpdate<'a> {
        let mut profile = Vec::new();
        let remove = match &self.login {
            SsoLogin::Session(session) => {
                profile.push(("sso_session", session.name));
                vec!["sso_start_url", "sso_region", "sso_registration_scopes"]
            }
            SsoLogin::Legacy { start_url, region } => {
                profile.push(("sso_start_url", *start_url));
                profile.push(("sso_region", *region));
                vec!["sso_session"]
            }
        };
        let optional = [
            ("sso_account_id", self.account_id),
            ("sso_role_name", self.role_name),
            ("region", self.region),
            ("output", self.output),
        ];
        profile.extend(optional.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))));
        SectionUpdate { kind: SectionKind::Profile, name: self.profile, values: profile, remove }
    }
}

/// The `[sso-session …]` update `aws configure sso-session` writes.
pub fn session_update<'a>(session: &SsoSessionSpec<'a>) -> SectionUpdate<'a> {
    let mut values = vec![("sso_start_url", session.start_url), ("sso_region", session.region)];
    if let Some(scopes) = session.registration_scopes {
        values.push(("sso_registration_scopes", scopes));
    }
    SectionUpdate::new(SectionKind::SsoSession, session.name, values)
}

/// Write an SSO profile (and its session) into the config file text `config` (empty for a new file).
pub fn write_sso_profile(config: &str, spec: &SsoProfileSpec<'_>) -> Result<String, ConfigWriteError> {
    let mut text = config.to_owned();
    for update in spec.section_updates() {
        text = update_section(&text, &update)?;
    }
    Ok(text)
}

/// The header text (inside the brackets) the CLI writes: `default`, `profile NAME`,
/// `sso-session NAME`, the name shell-quoted when it contains a space or tab.
pub fn section_header(kind: SectionKind, name: &str) -> String {
    match kind {
        SectionKind::Profile if name == "default" => "default".to_owned(),
        SectionKind::Profile => format!("profile {}", quote_name(name)),
        SectionKind::SsoSession => format!("sso-session {}", quote_name(name)),
    }
}

/// Python's `shlex.quote`, applied by the CLI only to names with a space or tab.
fn quote_name(name: &str) -> String {
    if name.contains([' ', '\t']) {
        format!("'{}'", name.replace('\'', "'\"'\"'"))
    } else {
        name.to_owned()
    }
}

fn validate(update: &SectionUpdate<'_>) -> Result<(), ConfigWriteError> {
    let what = match update.kind {
        SectionKind::Profile => "profile",
        SectionKind::SsoSession => "sso-session",
    };
    if update.name.trim().is_empty() {
        return Err(ConfigWriteError::EmptyName { what });
    }
    if let Some(bad) = update.name.chars().find(|c| matches!(c, '[' | ']' | '\n' | '\r')) {
        return Err(ConfigWriteError::BadName {
            what,
            name: update.name.to_owned(),
            bad: bad.escape_default().to_string(),
        });
    }
    if update.name != update.name.trim_matches([' ', '\t']) {
        return Err(ConfigWriteError::BadName {
            what,
            name: update.name.to_owned(),
            bad: "surrounding whitespace".into(),
        });
    }
    let valid_key = |key: &str| {
        !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    };
    if let Some(key) = update.remove.iter().find(|key| !valid_key(key)) {
        return Err(ConfigWriteError::BadKey { key: (*key).to_owned() });
    }
    for (key, value) in &update.values {
        if !valid_key(key) {
            return Err(ConfigWriteError::BadKey { key: (*key).to_owned() });
        }
        if value.contains(['\n', '\r']) || *value != value.trim_matches([' ', '\t']) {
            return Err(ConfigWriteError::BadValue { key: (*key).to_owned() });
        }
    }
    Ok(())
}

/// One physical line: its content and its ending (`"\n"`, `"\r\n"` or `""` for a last line
/// without one).
#[derive(Clone, Debug)]
struct Line<'t> {
    content: &'t str,
    ending: &'t str,
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (line, after) = match rest.find('\n') {
            Some(i) => (&rest[..=i], &rest[i + 1..]),
            None => (rest, ""),
        };
        let (content, ending) = if let Some(c) = line.strip_suffix("\r\n") {
            (c, "\r\n")
        } else if let Some(c) = line.strip_suffix('\n') {
            (c, "\n")
        } else {
            (line, "")
        };
        lines.push(Line { content, ending });
        rest = after;
    }
    lines
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LineKind {
    Blank,
    Comment,
    /// A section header; the boundary test of the CLI (`^\s*\[[^]]+\]`).
    Header,
    /// `key = value` or `key: value` at the top level of a section.
    Property,
    /// An indented line under a property: continuation or sub-property.
    Continuation,
    /// Anything else (not valid INI; left alone).
    Other,
}

fn is_header(content: &str) -> bool {
    let trimmed = content.trim_start();
    trimmed.strip_prefix('[').is_some_and(|rest| rest.find(']').is_some_and(|end| end > 0))
}

/// The key of a property line: the text before the first `=` or `:`, trimmed (configparser's
/// delimiters); `None` when there is no delimiter or nothing before it.
fn property_key(content: &str) -> Option<&str> {
    let at = content.find(['=', ':'])?;
    let key = content[..at].trim();
    (!key.is_empty()).then_some(key)
}

fn classify(lines: &[Line<'_>]) -> Vec<LineKind> {
    let mut kinds = Vec::with_capacity(lines.len());
    let mut in_property = false;
    for line in lines {
        let c = line.content;
        let trimmed = c.trim();
        let indented = c.starts_with([' ', '\t']);
        let kind = if trimmed.is_empty() {
            LineKind::Blank
        } else if indented && in_property {
            // Even an indented `# …`: the SDKs read it as part of the value (botocore skips it).
            LineKind::Continuation
        } else if trimmed.starts_with(['#', ';']) {
            LineKind::Comment
        } else if is_header(c) {
            in_property = false;
            LineKind::Header
        } else if property_key(c).is_some() {
            in_property = true;
            LineKind::Property
        } else {
            in_property = false;
            LineKind::Other
        };
        kinds.push(kind);
    }
    kinds
}

/// Which of the `wanted` header spellings `content` is, if any: the CLI's own form (`[header]` at
/// the start of the line, then anything) or an alternative spelling the parsers read as the same.
fn header_form(content: &str, wanted: &[String]) -> Option<usize> {
    wanted.iter().position(|w| {
        content.strip_prefix('[').and_then(|r| r.strip_prefix(w.as_str())).is_some_and(|r| r.starts_with(']'))
    })
}

/// The header spellings that name the section: the CLI's, then the alternatives. For the default
/// profile both `[default]` and `[profile default]`; for names with whitespace botocore's
/// double-quoted form beside the CLI's single-quoted one.
fn wanted_headers(kind: SectionKind, name: &str) -> Vec<String> {
    let mut wanted = vec![section_header(kind, name)];
    if kind == SectionKind::Profile && name == "default" {
        wanted.push("profile default".to_owned());
    }
    if name.contains([' ', '\t']) && !name.contains('"') {
        let prefix = match kind {
            SectionKind::Profile => "profile",
            SectionKind::SsoSession => "sso-session",
        };
        wanted.push(format!("{prefix} \"{name}\""));
    }
    wanted
}

/// A section's extent: header line index, the index one past its last line, and which header
/// spelling it uses.
#[derive(Clone, Copy, Debug)]
struct SectionSpan {
    header: usize,
    end: usize,
    form: usize,
}

fn find_sections(lines: &[Line<'_>], kinds: &[LineKind], wanted: &[String]) -> Vec<SectionSpan> {
    let mut spans = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if kinds[i] != LineKind::Header {
            continue;
        }
        if let Some(form) = header_form(line.content, wanted) {
            let end = (i + 1..lines.len()).find(|&j| kinds[j] == LineKind::Header).unwrap_or(lines.len());
            spans.push(SectionSpan { header: i, end, form });
        }
    }
    spans
}

/// The line ending we use for lines we add: the file's first one, else `\n`.
fn file_line_ending(lines: &[Line<'_>]) -> &'static str {
    match lines.iter().map(|l| l.ending).find(|e| !e.is_empty()) {
        Some("\r\n") => "\r\n",
        _ => "\n",
    }
}

/// Create or update one section in the config file text, the way `ConfigFileWriter.update_config`
/// does (see the module docs for the deliberate differences).
pub fn update_section(config: &str, update: &SectionUpdate<'_>) -> Result<String, ConfigWriteError> {
    validate(update)?;
    let lines = split_lines(config);
    let kinds = classify(&lines);
    let eol = file_line_ending(&lines);

    let sections = find_sections(&lines, &kinds, &wanted_headers(update.kind, update.name));
    if sections.is_empty() {
        return Ok(append_section(config, eol, update));
    }

    // Per line: replaced (Some(new text)), dropped, or kept.
    let mut replacement: Vec<Option<String>> = vec![None; lines.len()];
    let mut dropped = vec![false; lines.len()];
    // Per header spelling: which of our keys its sections already have.
    let forms = sections.iter().map(|s| s.form).max().map_or(0, |m| m + 1);
    let mut found = vec![vec![false; update.values.len()]; forms];
    for span in &sections {
        // Inside a property we replaced or removed: its continuation lines go too.
        let mut dropping_continuations = false;
        for i in span.header + 1..span.end {
            match kinds[i] {
                LineKind::Property => {
                    dropping_continuations = false;
                    let key = property_key(lines[i].content).unwrap_or_default();
                    if let Some(v) = update.values.iter().position(|(k, _)| k.eq_ignore_ascii_case(key)) {
                        let (k, value) = update.values[v];
                        replacement[i] = Some(format!("{k} = {value}"));
                        found[span.form][v] = true;
                        dropping_continuations = true;
                    } else if update.remove.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                        dropped[i] = true;
                        dropping_continuations = true;
                    }
                }
                LineKind::Continuation if dropping_continuations => dropped[i] = true,
                LineKind::Continuation | LineKind::Blank | LineKind::Comment => {}
                LineKind::Header | LineKind::Other => dropping_continuations = false,
            }
        }
    }

    // Missing keys go into the last section of each header spelling (so they win in every parser,
    // see the module docs), after its last property (with its continuation lines).
    let mut insertions: Vec<(usize, Vec<(&str, &str)>)> = Vec::new();
    for (index, span) in sections.iter().enumerate() {
        if sections[index + 1..].iter().any(|later| later.form == span.form) {
            continue;
        }
        let missing: Vec<(&str, &str)> =
            update.values.iter().zip(&found[span.form]).filter(|(_, f)| !**f).map(|(kv, _)| *kv).collect();
        if missing.is_empty() {
            continue;
        }
        // After the section's last line that is neither blank nor a comment in the first column:
        // nothing indented may follow our lines, or the parsers would glue it onto our last value.
        let after = (span.header + 1..span.end)
            .rev()
            .find(|&i| {
                let indented_comment =
                    kinds[i] == LineKind::Comment && lines[i].content.starts_with([' ', '\t']);
                !dropped[i]
                    && (indented_comment
                        || matches!(kinds[i], LineKind::Property | LineKind::Continuation | LineKind::Other))
            })
            .unwrap_or(span.header);
        insertions.push((after, missing));
    }

    let mut out = String::with_capacity(config.len() + 64 * update.values.len());
    for (i, line) in lines.iter().enumerate() {
        if dropped[i] {
            continue;
        }
        let content = replacement[i].as_deref().unwrap_or(line.content);
        out.push_str(content);
        if let Some((_, missing)) = insertions.iter().find(|(after, _)| *after == i) {
            // A last line without an ending gets one before our lines (as the CLI does).
            out.push_str(if line.ending.is_empty() { eol } else { line.ending });
            for (k, v) in missing {
                out.push_str(&format!("{k} = {v}{eol}"));
            }
        } else {
            out.push_str(line.ending);
        }
    }
    Ok(out)
}

/// What happens to each line of the file: replaced, dropped, or followed by inserted lines, for
/// [`apply_section_edits`]. Its `plan_update` is [`update_section`]'s logic for the many-sections
/// case, and `update_section` keeps its own copy: this batch code is left out of the wasm module
/// (which never writes config files), where it would only add to the size budget.
/// The batch referee (`crate/tests/config_writer_batch.rs`) holds the two copies to the same bytes.
#[cfg(not(target_arch = "wasm32"))]
struct LineEdits<'u> {
    replacement: Vec<Option<String>>,
    dropped: Vec<bool>,
    /// Per line: `key = value` lines to insert after it.
    insert_after: Vec<Vec<(&'u str, &'u str)>>,
}

#[cfg(not(target_arch = "wasm32"))]
impl<'u> LineEdits<'u> {
    fn new(lines: usize) -> Self {
        LineEdits {
            replacement: vec![None; lines],
            dropped: vec![false; lines],
            insert_after: vec![Vec::new(); lines],
        }
    }

    /// The edits `update` makes to its existing `sections` (all copies of the same section).
    fn plan_update(
        &mut self,
        lines: &[Line<'_>],
        kinds: &[LineKind],
        sections: &[SectionSpan],
        update: &SectionUpdate<'u>,
    ) {
        // Per header spelling: which of our keys its sections already have.
        let forms = sections.iter().map(|s| s.form).max().map_or(0, |m| m + 1);
        let mut found = vec![vec![false; update.values.len()]; forms];
        for span in sections {
            // Inside a property we replaced or removed: its continuation lines go too.
            let mut dropping_continuations = false;
            for i in span.header + 1..span.end {
                match kinds[i] {
                    LineKind::Property => {
                        dropping_continuations = false;
                        let key = property_key(lines[i].content).unwrap_or_default();
                        if let Some(v) = update.values.iter().position(|(k, _)| k.eq_ignore_ascii_case(key)) {
                            let (k, value) = update.values[v];
                            self.replacement[i] = Some(format!("{k} = {value}"));
                            found[span.form][v] = true;
                            dropping_continuations = true;
                        } else if update.remove.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                            self.dropped[i] = true;
                            dropping_continuations = true;
                        }
                    }
                    LineKind::Continuation if dropping_continuations => self.dropped[i] = true,
                    LineKind::Continuation | LineKind::Blank | LineKind::Comment => {}
                    LineKind::Header | LineKind::Other => dropping_continuations = false,
                }
            }
        }

        // Missing keys go into the last section of each header spelling (so they win in every parser,
        // see the module docs), after its last property (with its continuation lines).
        for (index, span) in sections.iter().enumerate() {
            if sections[index + 1..].iter().any(|later| later.form == span.form) {
                continue;
            }
            let missing: Vec<(&str, &str)> = update
                .values
                .iter()
                .zip(&found[span.form])
                .filter(|(_, f)| !**f)
                .map(|(kv, _)| *kv)
                .collect();
            if missing.is_empty() {
                continue;
            }
            // After the section's last line that is neither blank nor a comment in the first column:
            // nothing indented may follow our lines, or the parsers would glue it onto our last value.
            let after = (span.header + 1..span.end)
                .rev()
                .find(|&i| {
                    let indented_comment =
                        kinds[i] == LineKind::Comment && lines[i].content.starts_with([' ', '\t']);
                    !self.dropped[i]
                        && (indented_comment
                            || matches!(
                                kinds[i],
                                LineKind::Property | LineKind::Continuation | LineKind::Other
                            ))
                })
                .unwrap_or(span.header);
            self.insert_after[after].extend(missing);
        }
    }

    /// Removes a whole section: its header and everything up to its last property (or continuation
    /// or unparsed line). Blank lines and comments at its end stay: they usually introduce the next
    /// section.
    fn plan_removal(&mut self, kinds: &[LineKind], span: &SectionSpan) {
        let last = (span.header + 1..span.end)
            .rev()
            .find(|&i| matches!(kinds[i], LineKind::Property | LineKind::Continuation | LineKind::Other))
            .unwrap_or(span.header);
        for i in span.header..=last {
            self.dropped[i] = true;
            self.replacement[i] = None;
            self.insert_after[i].clear();
        }
    }

    fn render(&self, lines: &[Line<'_>], eol: &str, capacity: usize) -> String {
        let mut out = String::with_capacity(capacity);
        for (i, line) in lines.iter().enumerate() {
            if self.dropped[i] {
                continue;
            }
            out.push_str(self.replacement[i].as_deref().unwrap_or(line.content));
            let missing = &self.insert_after[i];
            if missing.is_empty() {
                out.push_str(line.ending);
            } else {
                // A last line without an ending gets one before our lines (as the CLI does).
                out.push_str(if line.ending.is_empty() { eol } else { line.ending });
                for (k, v) in missing {
                    out.push_str(&format!("{k} = {v}{eol}"));
                }
            }
        }
        out
    }
}

/// Many section edits in one pass over the file, for writing thousands of profiles at once
/// (`populate`): `updates` as [`update_section`] would make them one after another, then `removals`
/// (whole sections deleted). The result equals applying the updates in order with
/// [`update_section`] (checked by `crate/tests/config_writer_batch.rs`), in one pass instead of
/// one rewrite per section. A section named by both an update and a removal is removed.
#[cfg(not(target_arch = "wasm32"))]
pub fn apply_section_edits(
    config: &str,
    updates: &[SectionUpdate<'_>],
    removals: &[(SectionKind, &str)],
) -> Result<String, ConfigWriteError> {
    for update in updates {
        validate(update)?;
    }
    let lines = split_lines(config);
    let kinds = classify(&lines);
    let eol = file_line_ending(&lines);

    // Every header in the CLI's position (`[` in the first column), by the text inside the brackets.
    let mut headers: std::collections::HashMap<&str, Vec<SectionSpan>> = std::collections::HashMap::new();
    let header_lines: Vec<usize> = (0..lines.len()).filter(|&i| kinds[i] == LineKind::Header).collect();
    for (n, &i) in header_lines.iter().enumerate() {
        let end = header_lines.get(n + 1).copied().unwrap_or(lines.len());
        if let Some(inner) = lines[i].content.strip_prefix('[').and_then(|r| r.split(']').next()) {
            headers.entry(inner).or_default().push(SectionSpan { header: i, end, form: 0 });
        }
    }
    let spans_of = |kind: SectionKind, name: &str| -> Vec<SectionSpan> {
        let mut spans: Vec<SectionSpan> = wanted_headers(kind, name)
            .iter()
            .enumerate()
            .flat_map(|(form, header)| {
                headers.get(header.as_str()).into_iter().flatten().map(move |s| SectionSpan { form, ..*s })
            })
            .collect();
        spans.sort_by_key(|s| s.header);
        spans
    };

    let removed: std::collections::HashSet<String> =
        removals.iter().map(|(kind, name)| section_header(*kind, name)).collect();
    let mut edits = LineEdits::new(lines.len());
    let mut appended: Vec<&SectionUpdate<'_>> = Vec::new();
    let mut touched = std::collections::HashSet::new();
    // Updates aimed at a section an earlier update already edits are applied afterwards, one by
    // one, so the result stays exactly the sequential one.
    let mut later: Vec<&SectionUpdate<'_>> = Vec::new();
    for update in updates {
        let header = section_header(update.kind, update.name);
        if removed.contains(&header) {
            continue;
        }
        if !touched.insert(header) {
            later.push(update);
            continue;
        }
        let sections = spans_of(update.kind, update.name);
        if sections.is_empty() {
            appended.push(update);
        } else {
            edits.plan_update(&lines, &kinds, &sections, update);
        }
    }
    for (kind, name) in removals {
        for span in spans_of(*kind, name) {
            edits.plan_removal(&kinds, &span);
        }
    }
    let capacity = config.len() + appended.iter().map(|u| 32 + 48 * u.values.len()).sum::<usize>();
    let mut out = edits.render(&lines, eol, capacity);
    for update in appended {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(eol);
        }
        out.push_str(&format!("[{}]{eol}", section_header(update.kind, update.name)));
        for (k, v) in &update.values {
            out.push_str(&format!("{k} = {v}{eol}"));
        }
    }
    for update in later {
        out = update_section(&out, update)?;
    }
    Ok(out)
}

fn append_section(config: &str, eol: &str, update: &SectionUpdate<'_>) -> String {
    let mut out = String::with_capacity(config.len() + 64 * (update.values.len() + 1));
    out.push_str(config);
    if !config.is_empty() && !config.ends_with('\n') {
        out.push_str(eol);
    }
    out.push_str(&format!("[{}]{eol}", section_header(update.kind, update.name)));
    for (k, v) in &update.values {
        out.push_str(&format!("{k} = {v}{eol}"));
    }
    out
}

impl fmt::Display for SectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SectionKind::Profile => "profile",
            SectionKind::SsoSession => "sso-session",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session_spec<'a>(profile: &'a str, session: &'a str) -> SsoProfileSpec<'a> {
        SsoProfileSpec {
            profile,
            login: SsoLogin::Session(SsoSessionSpec {
                name: session,
                start_url: "https://d-abc123.awsapps.com/start",
                region: "us-east-1",
                registration_scopes: Some("sso:account:access"),
            }),
            account_id: Some("123456789012"),
            role_name: Some("ReadOnly"),
            region: Some("eu-west-1"),
            output: Some("json"),
        }
    }

    #[test]
    fn new_file_gets_the_cli_layout() {
        assert_eq!(
            write_sso_profile("", &session_spec("dev", "my-sso")).unwrap(),
            "[profile dev]\nsso_session = my-sso\nsso_account_id = 123456789012\nsso_role_name = ReadOnly\n\
             region = eu-west-1\noutput = json\n[sso-session my-sso]\nsso_start_url = https://d-abc123.awsapps.com/start\n\
             sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n"
        );
    }

    #[test]
    fn legacy_layout_and_default_header() {
        let spec = SsoProfileSpec {
            profile: "default",
            login: SsoLogin::Legacy { start_url: "https://x.awsapps.com/start", region: "us-west-2" },
            account_id: Some("1"),
            role_name: Some("R"),
            region: None,
            output: None,
        };
        assert_eq!(
            write_sso_profile("", &spec).unwrap(),
            "[default]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-west-2\nsso_account_id = 1\nsso_role_name = R\n"
        );
    }

    #[test]
    fn names_with_whitespace_are_shell_quoted() {
        assert_eq!(section_header(SectionKind::Profile, "my name"), "profile 'my name'");
        assert_eq!(section_header(SectionKind::Profile, "it's me"), "profile 'it'\"'\"'s me'");
        assert_eq!(section_header(SectionKind::SsoSession, "a\tb"), "sso-session 'a\tb'");
        assert_eq!(section_header(SectionKind::Profile, "plain'quote"), "profile plain'quote");
        let update = SectionUpdate::new(SectionKind::Profile, "my name", vec![("region", "x")]);
        let updated = update_section("[profile \"my name\"]\nregion = old\n", &update).unwrap();
        assert_eq!(updated, "[profile \"my name\"]\nregion = x\n");
    }

    #[test]
    fn appends_after_a_missing_final_newline() {
        let update = SectionUpdate::new(SectionKind::SsoSession, "s", vec![("sso_region", "r")]);
        assert_eq!(
            update_section("[default]\nregion = x", &update).unwrap(),
            "[default]\nregion = x\n[sso-session s]\nsso_region = r\n"
        );
        assert_eq!(
            update_section("[default]\r\nregion = x", &update).unwrap(),
            "[default]\r\nregion = x\r\n[sso-session s]\r\nsso_region = r\r\n"
        );
    }

    #[test]
    fn replaces_in_place_and_inserts_after_the_last_property() {
        let before = "# top\n[profile dev]\nregion = us-east-1 # old\n\toutput = text\nsso_role_name=Old\n\n# about prod: x\n[profile prod]\nregion = x";
        let update = SectionUpdate::new(
            SectionKind::Profile,
            "dev",
            vec![("sso_session", "s"), ("sso_role_name", "New"), ("region", "eu-west-1")],
        );
        assert_eq!(
            update_section(before, &update).unwrap(),
            "# top\n[profile dev]\nregion = eu-west-1\nsso_role_name = New\nsso_session = s\n\n# about prod: x\n[profile prod]\nregion = x"
        );
    }

    #[test]
    fn sub_properties_are_not_keys() {
        let before = "[profile dev]\ns3 =\n  region = nested\n  max_concurrent_requests = 5\n[x]\n";
        let update = SectionUpdate::new(SectionKind::Profile, "dev", vec![("region", "r")]);
        assert_eq!(
            update_section(before, &update).unwrap(),
            "[profile dev]\ns3 =\n  region = nested\n  max_concurrent_requests = 5\nregion = r\n[x]\n"
        );
        let update = SectionUpdate::new(SectionKind::Profile, "dev", vec![("s3", "flat")]);
        assert_eq!(update_section(before, &update).unwrap(), "[profile dev]\ns3 = flat\n[x]\n");
    }

    #[test]
    fn crlf_and_case_insensitive_keys() {
        let before = "[profile dev]\r\nRegion: old\r\n";
        let update =
            SectionUpdate::new(SectionKind::Profile, "dev", vec![("region", "new"), ("output", "json")]);
        assert_eq!(
            update_section(before, &update).unwrap(),
            "[profile dev]\r\nregion = new\r\noutput = json\r\n"
        );
    }

    #[test]
    fn default_profile_falls_back_to_profile_default() {
        let update = SectionUpdate::new(SectionKind::Profile, "default", vec![("region", "r")]);
        assert_eq!(
            update_section("[profile default]\noutput = json\n", &update).unwrap(),
            "[profile default]\noutput = json\nregion = r\n"
        );
        assert_eq!(
            update_section("[profile default]\n[default]\n", &update).unwrap(),
            "[profile default]\nregion = r\n[default]\nregion = r\n"
        );
    }

    #[test]
    fn duplicate_sections_all_get_the_value() {
        let update = SectionUpdate::new(SectionKind::Profile, "a", vec![("region", "r"), ("output", "o")]);
        assert_eq!(
            update_section("[profile a]\nregion = 1\n[profile a]\nx = 2\n", &update).unwrap(),
            "[profile a]\nregion = r\n[profile a]\nx = 2\noutput = o\n"
        );
    }

    #[test]
    fn switching_layouts_removes_the_other_layouts_keys() {
        let legacy_profile = "[profile dev]\nsso_start_url = https://old/start\nsso_region = us-west-2\n  odd-continuation\nregion = x\n";
        let spec = session_spec("dev", "my-sso");
        assert_eq!(
            update_section(legacy_profile, &spec.profile_update()).unwrap(),
            "[profile dev]\nregion = eu-west-1\nsso_session = my-sso\nsso_account_id = 123456789012\nsso_role_name = ReadOnly\noutput = json\n"
        );
        let session_profile = "[profile dev]\nsso_session = my-sso\nsso_account_id = 1\n";
        let legacy = SsoProfileSpec {
            login: SsoLogin::Legacy { start_url: "https://x/start", region: "us-east-1" },
            ..session_spec("dev", "unused")
        };
        assert_eq!(
            update_section(session_profile, &legacy.profile_update()).unwrap(),
            "[profile dev]\nsso_account_id = 123456789012\nsso_start_url = https://x/start\nsso_region = us-east-1\nsso_role_name = ReadOnly\nregion = eu-west-1\noutput = json\n"
        );
    }

    #[test]
    fn refuses_values_that_would_corrupt_the_file() {
        let bad = |name: &'static str, key: &'static str, value: &'static str| {
            update_section("", &SectionUpdate::new(SectionKind::Profile, name, vec![(key, value)]))
                .unwrap_err()
        };
        assert!(matches!(bad("a]b", "region", "x"), ConfigWriteError::BadName { .. }));
        assert!(matches!(bad("", "region", "x"), ConfigWriteError::EmptyName { .. }));
        assert!(matches!(bad(" a", "region", "x"), ConfigWriteError::BadName { .. }));
        assert!(matches!(bad("a", "reg ion", "x"), ConfigWriteError::BadKey { .. }));
        let removing_a_bad_key =
            SectionUpdate { remove: vec!["a=b"], ..SectionUpdate::new(SectionKind::Profile, "a", vec![]) };
        assert!(matches!(update_section("", &removing_a_bad_key), Err(ConfigWriteError::BadKey { .. })));
        assert!(matches!(bad("a", "region", "x\n[evil]"), ConfigWriteError::BadValue { .. }));
        assert!(matches!(bad("a", "region", "x "), ConfigWriteError::BadValue { .. }));
        assert!(bad("a\nb", "region", "x").to_string().contains("cannot be written"));
    }
}
