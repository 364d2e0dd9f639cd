//! Secrets as a type: access tokens, refresh tokens, client secrets, role credentials.
//!
//! `Debug` and `Display` never show the value, so a secret cannot leak through `{:?}` in a log or
//! an error message; reading it takes an explicit [`Secret::expose`]. The buffer is zeroized on drop.
//!
//! [`blank_secret_values`] takes the secrets out of a config or credentials file's text before it
//! leaves the machine's files for the browser.

#[cfg(not(target_arch = "wasm32"))]
use crate::config::model::is_secret_key;
use std::fmt;
use zeroize::Zeroize;

/// A secret string: redacted in `Debug` and `Display`, zeroized on drop.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value. Every call site is a place where the secret leaves the type: keep them few.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty (a check that does not expose it).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(** redacted **)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("** redacted **")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

/// The text of a config or credentials file with the value of every secret key
/// ([`is_secret_key`]: `aws_secret_access_key`, `aws_session_token`, …) blanked, for a reader that
/// needs the profiles and non-secret values but must never hold long-term keys (the extension).
///
/// Blanked means each run of characters other than whitespace, control characters and `= : # ;`
/// becomes one `*`: the line count, line breaks, indentation and comment markers stay, so the core
/// parses the result into the same sections, keys and diagnostics (same codes, same lines), and the
/// length of a secret is not told either. Reading is deliberately wider than the parsers', so that
/// whatever the AWS CLI or the SDKs would read as a secret is blanked: a line break is `\n` or a lone
/// `\r` (configparser's), a key ends at the first `=` or `:` (the CLI's) or `=` (the SDKs'), any
/// whitespace or control character indents (Python's `\s`), continuation lines of a secret are
/// blanked through comments and blank lines, and commented-out `key = value` lines are blanked too
/// (an old key kept as a comment is still a key).
///
/// Native only: the helper blanks; the size-budgeted wasm module has no use for it.
#[cfg(not(target_arch = "wasm32"))]
pub fn blank_secret_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Whether indented lines continue a secret value.
    let mut in_secret = false;
    // Whether the previous piece was a secret's line cut at a lone `\r`.
    let mut after_lone_cr_of_secret = false;
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find(['\n', '\r']).map_or(rest.len(), |i| i + 1);
        let (line, after) = rest.split_at(end);
        rest = after;
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        let first = body.chars().next();
        if after_lone_cr_of_secret {
            // The SDKs end lines only at `\n`: for them this is still the secret's line.
            out.push_str(&blank(body));
        } else if body.trim().is_empty() {
            out.push_str(body);
        } else if first.is_some_and(|c| c.is_whitespace() || c.is_control()) {
            // (Python's `\s` also matches U+001C..U+001F: configparser reads such a line as
            // indented, a continuation of the value before.)
            let (blanked, own_secret) = blank_property_line(body);
            if in_secret {
                out.push_str(&blank(body));
            } else {
                out.push_str(&blanked);
            }
            in_secret |= own_secret;
        } else if let Some(comment) = body.strip_prefix(['#', ';']) {
            out.push_str(&body[..body.len() - comment.len()]);
            out.push_str(&blank_property_line(comment).0);
        } else if first == Some('[') {
            out.push_str(body);
            in_secret = false;
        } else {
            let (blanked, secret) = blank_property_line(body);
            out.push_str(&blanked);
            in_secret = secret;
        }
        out.push_str(ending);
        after_lone_cr_of_secret = in_secret && ending == "\r" && !rest.starts_with('\n');
    }
    out
}

/// `key = value` with the value blanked when the key is secret, and whether it was. A line without
/// `=` or `:` that names a secret key (`aws_secret_access_key wJalr…`, a typo) keeps only its first
/// word.
#[cfg(not(target_arch = "wasm32"))]
fn blank_property_line(line: &str) -> (String, bool) {
    // The key as the AWS CLI reads it (up to the first `=` or `:`) and as the SDKs do (up to the
    // first `=`): blank from the first delimiter whose key is secret in either reading.
    let delimiters = [line.find(['=', ':']), line.find('=')];
    let secret_from = delimiters.into_iter().flatten().filter(|&at| is_secret_key(line[..at].trim())).min();
    match secret_from {
        Some(at) => {
            let (key, value) = line.split_at(at + 1);
            (format!("{key}{}", blank(value)), true)
        }
        None if delimiters[0].is_some() => (line.to_owned(), false),
        None if is_secret_key(line) => {
            let start = line.len() - line.trim_start().len();
            let word_end = line[start..].find(char::is_whitespace).map_or(line.len(), |i| start + i);
            let (word, value) = line.split_at(word_end);
            (format!("{word}{}", blank(value)), true)
        }
        None => (line.to_owned(), false),
    }
}

/// Each run of characters other than whitespace, control characters and `= : # ;` becomes one `*`.
#[cfg(not(target_arch = "wasm32"))]
fn blank(value: &str) -> String {
    let mut out = String::with_capacity(value.len().min(64));
    let mut in_run = false;
    for c in value.chars() {
        // Control characters stay too: Python's `strip` (the AWS CLI's) removes U+001C..U+001F,
        // which are not Unicode whitespace, so the two readers' difference must survive.
        if c.is_whitespace() || c.is_control() || "=:#;".contains(c) {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('*');
            in_run = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let s = Secret::new("aoa-very-secret-token");
        assert_eq!(format!("{s:?}"), "Secret(** redacted **)");
        assert_eq!(format!("{s}"), "** redacted **");
        assert!(!format!("{:?}", Some(&s)).contains("very-secret"));
        assert_eq!(s.expose(), "aoa-very-secret-token");
    }
}

/// The blanking is native only (see [`blank_secret_values`]).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod blanking_tests {
    use super::*;
    use crate::config::FileKind;

    const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjEOr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexample+token==";

    fn credentials_file() -> String {
        format!(
            "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {SECRET_KEY}\n\
             region = eu-west-1\n\n[temp]\r\naws_access_key_id=ASIAIOSFODNN7EXAMPLE\r\n\
             AWS_Session_Token={SESSION_TOKEN} # from the console\r\n\
             [odd]\naws_secret_access_key: {SECRET_KEY}\n\
             aws_session_token =\n    {SESSION_TOKEN}\n\n  # still the token\n    moreSECRET\n\
             #aws_secret_access_key = {SECRET_KEY}\n\
             ; aws_secret_access_key={SECRET_KEY}\n\
             region = us-east-1\n\
             [lone-cr]\naws_access_key_id = AKIAEXAMPLE\raws_secret_access_key = {SECRET_KEY}\n\
             [nested]\ns3 =\n  max_concurrency = 10\n  session_token = {SESSION_TOKEN}\n\
             [typo]\naws_secret_access_key {SECRET_KEY}"
        )
    }

    #[test]
    fn what_follows_a_lone_carriage_return_on_a_secret_line_is_blanked() {
        let text = "[default]\naws_secret_access_key =\rwJalrXUtnFEMIafterCR\nregion = x\n";
        assert_eq!(blank_secret_values(text), "[default]\naws_secret_access_key =\r*\nregion = x\n");
    }

    #[test]
    fn a_line_python_reads_as_indented_continues_a_secret() {
        let text = "[default]\naws_secret_access_key = first\n\u{1d}secondHALFofTHEkey = x\n";
        assert_eq!(blank_secret_values(text), "[default]\naws_secret_access_key = *\n\u{1d}* = *\n");
    }

    #[test]
    fn blanking_removes_every_secret_and_keeps_every_line() {
        let text = credentials_file();
        let blanked = blank_secret_values(&text);
        for piece in [
            SECRET_KEY,
            SESSION_TOKEN,
            "wJalrXUtnFEMI",
            "K7MDENG",
            "bPxRfiCYEXAMPLEKEY",
            "IQoJb3J",
            "moreSECRET",
        ] {
            assert!(!blanked.contains(piece), "{piece} left in:\n{blanked}");
        }
        let breaks = |t: &str| t.matches(['\n', '\r']).count();
        assert_eq!(breaks(&blanked), breaks(&text));
        for kept in [
            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = *\nregion = eu-west-1\n",
            "AWS_Session_Token=*== # * * *\r\n",
            "aws_secret_access_key: *\naws_session_token =\n    *==\n\n  # * * *\n    *\n",
            "#aws_secret_access_key = *\n; aws_secret_access_key=*\nregion = us-east-1\n",
            "aws_access_key_id = AKIAEXAMPLE\raws_secret_access_key = *\n",
            "s3 =\n  max_concurrency = 10\n  session_token = *==\n",
            "[typo]\naws_secret_access_key *",
        ] {
            assert!(blanked.contains(kept), "{kept:?} not in:\n{blanked}");
        }
        let plain = "[default]\nregion = us-east-1\n# a comment: kept\n[profile x]\nsso_session = a\n";
        assert_eq!(blank_secret_values(plain), plain);
    }

    /// Found by the `blank_secrets` fuzz target: with `:` and `=` on one line the SDKs read
    /// `aws_secret_access_key: VALUE` as an invalid key, and its diagnostic quoted the key, value and
    /// all. No diagnostic may hold the value.
    #[test]
    fn diagnostics_never_quote_a_secret_value() {
        use crate::config::{check_files, SourceFile};
        let texts = [
            format!("[default]\naws_secret_access_key: {SECRET_KEY} = x\n"),
            format!("[profile a]\naws_session_token: {SESSION_TOKEN} =\n"),
            format!("[services s]\naws_secret_access_key: {SECRET_KEY} = x\n"),
        ];
        let files = texts
            .iter()
            .flat_map(|t| [SourceFile::config("config", t), SourceFile::credentials("credentials", t)]);
        for file in files {
            let set = match file.kind {
                FileKind::Config => check_files(Some(&file), None),
                FileKind::Credentials => check_files(None, Some(&file)),
            };
            let shown = match set {
                Ok(set) => set.diagnostics.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("\n"),
                Err(error) => error.to_string(),
            };
            assert!(shown.contains("aws_se"), "{shown}");
            // Keys are lower-cased: so would a value read as part of one be.
            for piece in ["wjalrxutnfemi", "k7mdeng", "iqojb3j"] {
                assert!(!shown.to_ascii_lowercase().contains(piece), "{shown}");
            }
        }
    }

    /// The extension parses the blanked text with the core: it must read the same profiles, keys,
    /// non-secret values and diagnostics (same codes, lines and messages), or the same error.
    #[test]
    fn blanked_files_parse_like_the_originals() {
        use crate::config::{check_files, SourceFile};
        let mut corpus = vec![credentials_file()];
        corpus.push(format!(
            "[profile a]\naws_secret_access_key = {SECRET_KEY} ; old\naws_secret_access_key = x\n\
             [profile a]\nsso_session = s\n[sso-session s]\nsso_start_url = https://d-1.awsapps.com/start\n\
             sso_region=us-east-1\n[ profile b]\naws_session_token = a\n  b\n\n  c\n[b]\nregion=x # c"
        ));
        corpus.push(format!("aws_secret_access_key = {SECRET_KEY}\n[default]\n"));
        corpus.push(format!("[default]\n  aws_session_token = {SESSION_TOKEN}\n"));
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/parse_config");
        for entry in std::fs::read_dir(&seeds).expect("the fuzz seeds") {
            let bytes = std::fs::read(entry.expect("a seed").path()).expect("a seed");
            corpus.push(String::from_utf8_lossy(&bytes).into_owned());
        }
        for text in &corpus {
            let blanked = blank_secret_values(text);
            for kind in [FileKind::Config, FileKind::Credentials] {
                let parse = |t: &str| {
                    let file = SourceFile { name: "f", contents: t, kind };
                    match kind {
                        FileKind::Config => check_files(Some(&file), None),
                        FileKind::Credentials => check_files(None, Some(&file)),
                    }
                };
                match (parse(text), parse(&blanked)) {
                    (Ok(original), Ok(seen)) => {
                        assert_eq!(original.diagnostics, seen.diagnostics, "{text:?}");
                        for (a, b) in [
                            (&original.profiles, &seen.profiles),
                            (&original.sso_sessions, &seen.sso_sessions),
                        ] {
                            assert_eq!(
                                a.keys().collect::<Vec<_>>(),
                                b.keys().collect::<Vec<_>>(),
                                "{text:?}"
                            );
                            for (section, other) in a.values().zip(b.values()) {
                                for (property, other) in
                                    section.properties.values().zip(other.properties.values())
                                {
                                    assert_eq!(
                                        (&property.key, &property.origin),
                                        (&other.key, &other.origin)
                                    );
                                    // After a lone `\r` the CLI reads another line; so does the blanking.
                                    if !is_secret_key(&property.key) && !property.value.contains('\r') {
                                        assert_eq!(property.value, other.value, "{text:?}");
                                    }
                                }
                            }
                        }
                    }
                    (Err(original), Err(seen)) => {
                        assert_eq!((original.line, original.kind), (seen.line, seen.kind), "{text:?}")
                    }
                    (original, seen) => panic!("{text:?}: {original:?} became {seen:?}"),
                }
            }
        }
    }
}
