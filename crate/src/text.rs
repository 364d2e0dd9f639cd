//! Substring search for the few fixed needles the core looks for (`://`, `aws_`, `secret`, …),
//! without the standard library's two-way searcher: it cost 2 KB of the size-budgeted wasm module
//! for needles of a few bytes.

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
}
