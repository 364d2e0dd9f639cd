//! The few URL operations the SSO calls need: query encoding the way the CLI does it, query
//! decoding for the PKCE callback, and the origin of an endpoint (for `/authorize`).
//!
//! Hand-written instead of a URL crate: the wasm size budget, and these rules are narrow and exact.

/// Percent-encode one query key or value: every byte of its UTF-8 except ALPHA / DIGIT / `-._~`,
/// as Python `urllib.parse.quote` with `safe=''` does (the CLI's `urlencode(..., quote_via=quote)`,
/// spec §4): `:` → `%3A`, `/` → `%2F`, space → `%20`. Written out rather than through the
/// `percent-encoding` crate (its encoder and `Display` cost the wasm module measurably more); a test
/// holds the two together.
pub fn encode_component(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut encoded = String::with_capacity(value.len());
    for &byte in value.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(char::from(HEX[usize::from(byte >> 4)]));
            encoded.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    encoded
}

/// Decode one `application/x-www-form-urlencoded` component (`+` is a space, like Python's
/// `parse_qs`). `None` when the bytes are not UTF-8.
///
/// Written out (one byte loop) rather than `str::replace` plus `percent_encoding`'s decoder, which
/// cost the wasm module more for the one PKCE callback; a test holds it to that crate's decoder:
/// `%` not followed by two hex digits stays as it is.
pub fn decode_component(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let hex_at = |index: usize| bytes.get(index).and_then(|b| char::from(*b).to_digit(16));
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        match (byte, hex_at(index + 1), hex_at(index + 2)) {
            (b'+', _, _) => decoded.push(b' '),
            (b'%', Some(high), Some(low)) => {
                // Two hex digits: at most 0xff.
                decoded.push((high * 16 + low) as u8);
                index += 2;
            }
            _ => decoded.push(byte),
        }
        index += 1;
    }
    String::from_utf8(decoded).ok()
}

/// `scheme://authority` of an absolute http(s) URL, without path, query or fragment.
pub fn origin(url: &str) -> Option<&str> {
    let scheme_end = crate::text::find(url, "://")?;
    let scheme = url.get(..scheme_end)?;
    if !(scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")) {
        return None;
    }
    let rest = url.get(scheme_end + 3..)?;
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    if authority_len == 0 {
        return None;
    }
    url.get(..scheme_end + 3 + authority_len)
}

/// Whether `url` is an absolute http(s) URL with a host.
pub fn is_http_url(url: &str) -> bool {
    origin(url).is_some() && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The decoded `key=value` pairs of a URL's query, in order. The fragment is ignored. `None` when a
/// component is not valid UTF-8 after decoding.
pub fn query_pairs(url: &str) -> Option<Vec<(String, String)>> {
    let without_fragment = url.split('#').next().unwrap_or("");
    let Some((_, query)) = without_fragment.split_once('?') else {
        return Some(Vec::new());
    };
    // A plain loop rather than `collect::<Option<Vec<_>>>()`, whose iterator machinery would be
    // one more copy in the wasm module.
    let mut pairs = Vec::new();
    for part in query.split('&').filter(|part| !part.is_empty()) {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        pairs.push((decode_component(key)?, decode_component(value)?));
    }
    Some(pairs)
}

/// `base` (which may carry a path, kept for API calls, spec §6) joined with an absolute `path`.
pub fn join(base: &str, path: &str) -> String {
    format!("{}{}", base.trim_end_matches('/'), path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_python_quote_with_empty_safe() {
        assert_eq!(
            encode_component("http://127.0.0.1:55555/oauth/callback"),
            "http%3A%2F%2F127.0.0.1%3A55555%2Foauth%2Fcallback"
        );
        assert_eq!(encode_component("sso:foo sso:bar"), "sso%3Afoo%20sso%3Abar");
        assert_eq!(encode_component("a-b.c_d~e+f=g/h"), "a-b.c_d~e%2Bf%3Dg%2Fh");
        assert_eq!(encode_component("é"), "%C3%A9");
    }

    #[test]
    fn decodes_query_pairs() {
        let pairs =
            query_pairs("http://127.0.0.1:1/oauth/callback?code=a%2Bb+c&state=s&flag#frag=x").unwrap();
        assert_eq!(
            pairs,
            vec![
                ("code".to_owned(), "a+b c".to_owned()),
                ("state".to_owned(), "s".to_owned()),
                ("flag".to_owned(), String::new())
            ]
        );
        assert_eq!(query_pairs("http://x/").unwrap(), vec![]);
        assert!(query_pairs("http://x/?code=%FF").is_none());
    }

    #[test]
    fn encodes_like_the_percent_encoding_crate() {
        use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
        // The encoder this replaced is the referee.
        const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
        let every_char: String = (0u32..0x800).chain([0xfffd, 0x1f600]).filter_map(char::from_u32).collect();
        assert_eq!(encode_component(&every_char), utf8_percent_encode(&every_char, COMPONENT).to_string());
        for c in every_char.chars() {
            let text = c.to_string();
            assert_eq!(encode_component(&text), utf8_percent_encode(&text, COMPONENT).to_string(), "{c:?}");
        }
    }

    #[test]
    fn decodes_like_the_percent_encoding_crate() {
        // The decoder this replaced (`+` to space first, then percent_encoding) is the referee.
        let referee = |value: &str| {
            percent_encoding::percent_decode_str(&value.replace('+', " "))
                .decode_utf8()
                .ok()
                .map(|s| s.into_owned())
        };
        let pieces = [
            "%", "%4", "%41", "%4g", "%g4", "%%41", "+", "%2B", "%2b", "a", "é", "%C3", "%A9", "%ff", "%FF",
            "%00", "~", " ",
        ];
        let mut inputs = vec![String::new()];
        for first in pieces {
            inputs.push(first.to_owned());
            for second in pieces {
                inputs.push(format!("{first}{second}"));
                for third in pieces {
                    inputs.push(format!("{first}{second}{third}"));
                }
            }
        }
        for input in &inputs {
            assert_eq!(decode_component(input), referee(input), "{input:?}");
        }
        assert_eq!(decode_component("a%2Bb+c%20d"), Some("a+b c d".to_owned()));
        assert_eq!(decode_component("%C3%A9"), Some("é".to_owned()));
        assert_eq!(decode_component("%FF"), None);
    }

    #[test]
    fn origin_drops_path_query_and_fragment() {
        assert_eq!(
            origin("https://oidc.us-east-1.amazonaws.com"),
            Some("https://oidc.us-east-1.amazonaws.com")
        );
        assert_eq!(origin("http://127.0.0.1:4566/some/path?x#y"), Some("http://127.0.0.1:4566"));
        assert_eq!(origin("http://127.0.0.1:4566?x"), Some("http://127.0.0.1:4566"));
        assert_eq!(origin("ftp://host/"), None);
        assert_eq!(origin("https:///path"), None);
        assert_eq!(origin("not a url"), None);
        assert!(!is_http_url("https://host/a b"));
    }

    #[test]
    fn join_keeps_base_path() {
        assert_eq!(join("http://h:1/base/", "/token"), "http://h:1/base/token");
        assert_eq!(
            join("https://oidc.us-east-1.amazonaws.com", "/token"),
            "https://oidc.us-east-1.amazonaws.com/token"
        );
    }
}
