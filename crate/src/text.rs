//! Substring search for the few fixed needles the core looks for (`://`, `aws_`, `secret`, …),
//! without the standard library's two-way searcher, which is built for long needles and is a large
//! part of the size-budgeted wasm module (`npm/README.md`, section Size, has the measurement); and
//! quoting for messages.

/// The byte index of the first `needle` in `haystack` (a character boundary, as the needle is
/// whole UTF-8), like `str::find` with a `&str` pattern.
pub(crate) fn find(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.as_bytes().windows(needle.len()).position(|window| window == needle.as_bytes())
}

/// Whether `needle` occurs in `haystack`, like `str::contains` with a `&str` pattern.
pub(crate) fn contains(haystack: &str, needle: &str) -> bool {
    find(haystack, needle).is_some()
}

/// A user's text quoted for a message, as `{:?}` quotes a `str` for everything a config file
/// holds in practice: `"` and `\\` escaped, control characters and the invisible format
/// characters (zero-width spaces and joiners, bidirectional controls, the BOM, …) shown as
/// `\u{…}` so a message never hides or reorders what is really there. Written out because the
/// standard library's `Debug` escaping brings Unicode printability tables into the wasm module.
pub(crate) struct Quoted<'a>(pub &'a str);

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write;
        f.write_char('"')?;
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                '\0' => f.write_str("\\0")?,
                c if is_hidden(c) => write!(f, "\\u{{{:x}}}", u32::from(c))?,
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
    }
}

/// Control characters and the format characters that print as nothing.
fn is_hidden(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00..=0x1f
            | 0x7f..=0x9f
            | 0xad
            | 0x61c
            | 0x180e
            | 0x200b..=0x200f
            | 0x2028..=0x202e
            | 0x2060..=0x2064
            | 0x2066..=0x206f
            | 0xfeff
            | 0xfff9..=0xfffb
            | 0xe0001
            | 0xe0020..=0xe007f
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_str_find() {
        let haystacks = ["", "a", "https://x", "é://é", "aws_key", "xx://yy://", "ab", "ééé", "k://"];
        let needles = ["", "://", "a", "é", "aws_", "key", "://y", "abc", "éé"];
        for haystack in haystacks {
            for needle in needles {
                assert_eq!(find(haystack, needle), haystack.find(needle), "{haystack:?} {needle:?}");
                assert_eq!(contains(haystack, needle), haystack.contains(needle));
            }
        }
    }

    #[test]
    fn quoted_reads_like_debug_for_config_text() {
        for text in [
            "",
            "us-east-1",
            "say \"hi\" \\ there",
            "tab\tnew\nline\rnul\0",
            "esc \u{1b} del \u{7f} c1 \u{85}",
            "zero\u{200b}width\u{200d}joiner \u{2028} \u{202e}rtl \u{feff}bom \u{ad}shy \u{2066}iso",
            "é ü ß 日本 😀 Ω ﬁ",
            "https://d-abc123.awsapps.com/start?x=1&y='2'",
        ] {
            assert_eq!(Quoted(text).to_string(), format!("{text:?}"), "{text:?}");
        }
    }
}
