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

/// `items` joined by `separator`, like `[String]::join`, as one small non-generic function.
pub(crate) fn join(items: &[String], separator: &str) -> String {
    let mut out = String::new();
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push_str(separator);
        }
        out.push_str(item);
    }
    out
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
    fn join_agrees_with_slice_join() {
        for items in [vec![], vec!["a".to_owned()], vec!["a".to_owned(), String::new(), "é".to_owned()]] {
            for separator in ["", ", ", "\n"] {
                assert_eq!(join(&items, separator), items.join(separator));
            }
        }
    }
}
