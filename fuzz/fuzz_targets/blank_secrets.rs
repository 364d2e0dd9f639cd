//! `readConfig`'s blanking of secret values (issue 14), for any config or credentials text:
//!
//! - always: the blanked text has the same line breaks, and no secret value the core reads from the
//!   original (8 or more letters and digits, what a key or token looks like) is left on its line;
//! - for plain text: the blanked text parses into the same sections, keys, non-secret values and
//!   findings (same diagnostic codes on the same lines, but for the one that compares a value's
//!   readings), or fails on the same line. Findings are compared only when no continuation line of
//!   a secret was rewritten: the blanking rewrites those lines whole, and the AWS CLI's reading of
//!   the lines after them (a header, an option or a continuation) depends on their text.
//!
//! Plain means no control character other than tab and CRLF, and no line with a colon before its
//! `=` where either reading of the key is secret (`secret_key:VALUE = x`, `:token =`).
//! Elsewhere the AWS CLI (configparser: a lone `\r` ends a line, Python's `strip` removes
//! U+001C..U+001F, `:` ends a key) and the SDKs (the core's parser) read different lines or keys;
//! the blanking blanks what either reads as secret, the safer side, so the core's reading of the
//! blanked text may differ there.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sso_bridge::config::model::is_secret_key;
use sso_bridge::config::{check_files, ConfigSet, DiagnosticCode, FileKind, SourceFile};
use sso_bridge::secret::blank_secret_values;

fn parse(text: &str, kind: FileKind) -> Result<ConfigSet, sso_bridge::config::ParseError> {
    let file = SourceFile { kind, name: "f", contents: text };
    match kind {
        FileKind::Config => check_files(Some(&file), None),
        FileKind::Credentials => check_files(None, Some(&file)),
    }
}

fn is_plain(text: &str) -> bool {
    let controls = text.replace("\r\n", "\n").chars().any(|c| c.is_control() && c != '\t' && c != '\n');
    let secret_in_key = text.lines().any(|line| match (line.find(':'), line.find('=')) {
        // The AWS CLI's key ends at the colon, the SDKs' at the `=`: either secret, the readers
        // disagree on what the secret is (and the CLI's reading of the following lines with it).
        (Some(colon), Some(equals)) => {
            colon < equals && (is_secret_key(&line[..colon]) || is_secret_key(&line[..equals]))
        }
        _ => false,
    });
    !controls && !secret_in_key
}

/// The diagnostics' codes and lines, but for "the CLI and the SDKs read this value differently",
/// which compares a value's text the blanking changes by design (two different readings of a
/// secret may become the same `*`).
fn findings(set: &ConfigSet) -> Vec<(DiagnosticCode, u32)> {
    set.diagnostics
        .iter()
        .filter(|d| d.code != DiagnosticCode::CliReadsDifferently)
        .map(|d| (d.code, d.origin.line))
        .collect()
}

fuzz_target!(|text: &str| {
    let blanked = blank_secret_values(text);
    let breaks = |t: &str| t.matches(['\n', '\r']).count();
    assert_eq!(breaks(&blanked), breaks(text));
    let blanked_lines: Vec<&str> = blanked.split('\n').collect();
    let plain = is_plain(text);
    // For the SDKs `token =` followed by indented `a = 1` and `b = 2` holds sub-properties, for the
    // AWS CLI it is one multi-line secret, so the blanking rewrites those lines whole: `a` and `b`
    // both become `*` (a duplicate key), and an indented `[x] =` the CLI read as a header (after a
    // line it could not parse) becomes an option, which changes how it reads the lines after it.
    let continuation_rewritten = text
        .split('\n')
        .zip(&blanked_lines)
        .any(|(line, blanked)| line.starts_with([' ', '\t']) && line != *blanked);
    for kind in [FileKind::Config, FileKind::Credentials] {
        let (original, seen) = (parse(text, kind), parse(&blanked, kind));
        if let Ok(original) = &original {
            for section in original.profiles.values().chain(original.sso_sessions.values()) {
                for property in section.properties.values().filter(|p| is_secret_key(&p.key)) {
                    let value = property.value.trim();
                    if value.len() >= 8 && value.bytes().all(|b| b.is_ascii_alphanumeric()) {
                        let line =
                            blanked_lines.get(property.origin.line as usize - 1).copied().unwrap_or_default();
                        // After the key (the same letters may be part of the key's name).
                        let after_key = line.split_once('=').map_or("", |(_, value)| value);
                        assert!(
                            !after_key.contains(value),
                            "{value:?} survived on line {}",
                            property.origin.line
                        );
                    }
                }
            }
        }
        if !plain {
            continue;
        }
        match (original, seen) {
            (Ok(original), Ok(seen)) => {
                if !continuation_rewritten {
                    assert_eq!(findings(&original), findings(&seen));
                }
                for (a, b) in
                    [(&original.profiles, &seen.profiles), (&original.sso_sessions, &seen.sso_sessions)]
                {
                    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
                    for (section, other) in a.values().zip(b.values()) {
                        assert_eq!(section.properties.len(), other.properties.len());
                        for (property, other) in section.properties.values().zip(other.properties.values()) {
                            assert_eq!((&property.key, &property.origin), (&other.key, &other.origin));
                            if is_secret_key(&property.key) {
                                continue;
                            }
                            if property.value.contains('\n') {
                                // A block's sub-properties may be secret (`s3 =` then
                                // `  session_token = …`): the first line and the line count stay.
                                assert_eq!(property.value.lines().next(), other.value.lines().next());
                                assert_eq!(property.value.lines().count(), other.value.lines().count());
                            } else {
                                assert_eq!(property.value, other.value);
                            }
                        }
                    }
                }
            }
            (Err(original), Err(seen)) => assert_eq!((original.line, original.kind), (seen.line, seen.kind)),
            (original, seen) => panic!("{original:?} became {seen:?}"),
        }
    }
});
