//! The few URL operations the SSO calls need: query encoding the way the CLI does it, query
//! decoding for the PKCE callback, and the origin of an endpoint (for `/authorize`).
//!
//! The encoding and decoding are the `percent-encoding` crate's; the rest is a few string
//! operations, where a URL crate would parse more than the CLI does and add to the wasm module.

/// Percent-encode one query key or value: every byte of its UTF-8 except ALPHA / DIGIT / `-._~`,
/// as Python `urllib.parse.quote` with `safe=''` does (the CLI's `urlencode(..., quote_via=quote)`,
/// spec §4): `:` → `%3A`, `/` → `%2F`, space → `%20`.
pub fn encode_component(value: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// Decode one `application/x-www-form-urlencoded` component (`+` is a space, like Python's
/// `parse_qs`; `%` not followed by two hex digits stays as it is). `None` when the bytes are not UTF-8.
pub fn decode_component(value: &str) -> Option<String> {
    percent_encoding::percent_decode_str(&value.replace('+', " ")).decode_utf8().ok().map(|s| s.into_owned())
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
    fn decodes_plus_as_space_and_leaves_stray_percent_signs() {
        assert_eq!(decode_component("a%2Bb+c%20d"), Some("a+b c d".to_owned()));
        assert_eq!(decode_component("%C3%A9"), Some("é".to_owned()));
        assert_eq!(decode_component("%4g%%41%"), Some("%4g%A%".to_owned()));
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
