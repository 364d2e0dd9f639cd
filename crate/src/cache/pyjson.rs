//! A JSON writer that produces the same bytes as Python's `json.dumps`, which is what the AWS CLI
//! uses for every file and cache key it writes (spec §1.2, §2, §1.6, §9.4).
//!
//! serde_json's formatting differs from Python's in several ways that change bytes (and so SHA-1
//! cache keys): no spaces after separators, no ASCII escaping, upper-case hex, `\u` escapes only for
//! control characters. Rather than bend a serde formatter, we describe the value with [`PyValue`]
//! (objects keep insertion order, like a Python dict) and print it like CPython's pure-Python
//! encoder with `ensure_ascii=True`.

/// A JSON value the way a Python dict/list/str/int/None/bool is handed to `json.dumps`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PyValue<'a> {
    /// `None`, written `null`.
    Null,
    /// `True`/`False`, written `true`/`false`.
    Bool(bool),
    /// An `int`, written in decimal.
    Int(i64),
    /// A `str`, written with `ensure_ascii` escapes (`\u00e9`, surrogate pairs beyond the BMP).
    Str(&'a str),
    /// A `list`.
    List(Vec<PyValue<'a>>),
    /// Keys in insertion order (Python ≥ 3.7 dicts), unless the writer sorts them.
    Object(Vec<(&'a str, PyValue<'a>)>),
}

impl<'a> PyValue<'a> {
    /// A Python list of strings.
    pub fn str_list(items: &'a [String]) -> PyValue<'a> {
        PyValue::List(items.iter().map(|s| PyValue::Str(s)).collect())
    }
}

/// The `json.dumps` keyword arguments the AWS tools use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DumpsOptions {
    /// `separators=(item, key)`.
    pub item_separator: &'static str,
    /// `separators=(item, key)`: what goes between a key and its value.
    pub key_separator: &'static str,
    /// `sort_keys=True`.
    pub sort_keys: bool,
    /// `indent=N` (None: everything on one line).
    pub indent: Option<usize>,
}

impl DumpsOptions {
    /// `json.dumps(value)`: separators `", "` and `": "`, insertion order, one line.
    pub const DEFAULT: DumpsOptions =
        DumpsOptions { item_separator: ", ", key_separator: ": ", sort_keys: false, indent: None };

    /// `json.dumps(value, sort_keys=True)`: the client-registration cache key (spec §2).
    pub const SORTED: DumpsOptions = DumpsOptions { sort_keys: true, ..DumpsOptions::DEFAULT };

    /// `json.dumps(value, sort_keys=True, separators=(',', ':'))`: the role-credential cache key
    /// (spec §1.6).
    pub const COMPACT_SORTED: DumpsOptions =
        DumpsOptions { item_separator: ",", key_separator: ":", sort_keys: true, indent: None };

    /// `json.dumps(value, indent=2, separators=(',', ': '))`: `export-credentials --format process`
    /// (spec §9.4).
    pub const INDENT_2: DumpsOptions =
        DumpsOptions { item_separator: ",", key_separator: ": ", sort_keys: false, indent: Some(2) };
}

/// `json.dumps(value, **options)` with `ensure_ascii=True`.
pub fn dumps(value: &PyValue<'_>, options: DumpsOptions) -> String {
    let mut out = String::new();
    write_value(&mut out, value, options, 0);
    out
}

fn write_newline_indent(out: &mut String, options: DumpsOptions, level: usize) {
    if let Some(width) = options.indent {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', width * level));
    }
}

fn write_value(out: &mut String, value: &PyValue<'_>, options: DumpsOptions, level: usize) {
    match value {
        PyValue::Null => out.push_str("null"),
        PyValue::Bool(true) => out.push_str("true"),
        PyValue::Bool(false) => out.push_str("false"),
        PyValue::Int(n) => out.push_str(&n.to_string()),
        PyValue::Str(s) => write_ascii_string(out, s),
        PyValue::List(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(options.item_separator);
                }
                write_newline_indent(out, options, level + 1);
                write_value(out, item, options, level + 1);
            }
            write_newline_indent(out, options, level);
            out.push(']');
        }
        PyValue::Object(entries) => {
            if entries.is_empty() {
                out.push_str("{}");
                return;
            }
            // Stable, like Python's sort. Rust compares `str` by UTF-8 bytes, which orders like
            // Python's code points.
            let order = if options.sort_keys {
                crate::sorted_map::stable_order(entries.len(), &|a, b| entries[a].0.cmp(entries[b].0))
            } else {
                (0..entries.len()).collect()
            };
            out.push('{');
            for (i, (key, item)) in order.into_iter().map(|index| &entries[index]).enumerate() {
                if i > 0 {
                    out.push_str(options.item_separator);
                }
                write_newline_indent(out, options, level + 1);
                write_ascii_string(out, key);
                out.push_str(options.key_separator);
                write_value(out, item, options, level + 1);
            }
            write_newline_indent(out, options, level);
            out.push('}');
        }
    }
}

/// A JSON string literal as Python's `py_encode_basestring_ascii` writes it: `"` and `\` and the
/// five short escapes (`\n \r \t \b \f`), everything else outside printable ASCII (` `..`~`) as a
/// lower-case `\uXXXX`, characters beyond the BMP as a UTF-16 surrogate pair.
pub fn write_ascii_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{:04x}", unit));
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> String {
        let mut out = String::new();
        write_ascii_string(&mut out, v);
        out
    }

    #[test]
    fn escapes_like_python_ensure_ascii() {
        assert_eq!(s("plain"), r#""plain""#);
        assert_eq!(s("a\"b\\c/d"), r#""a\"b\\c/d""#);
        assert_eq!(s("\n\r\t\u{8}\u{c}"), r#""\n\r\t\b\f""#);
        assert_eq!(s("\u{0}\u{1f}\u{7f}"), r#""\u0000\u001f\u007f""#);
        assert_eq!(s("café"), r#""caf\u00e9""#);
        assert_eq!(s("日本"), r#""\u65e5\u672c""#);
        assert_eq!(s("😀"), r#""\ud83d\ude00""#);
        assert_eq!(s("\u{2028}\u{feff}"), r#""\u2028\ufeff""#);
    }

    #[test]
    fn separators_sorting_and_indent() {
        let value = PyValue::Object(vec![
            ("b", PyValue::List(vec![PyValue::Str("x"), PyValue::Int(-3)])),
            ("a", PyValue::Null),
            ("c", PyValue::Object(vec![])),
            ("d", PyValue::List(vec![])),
            ("e", PyValue::Bool(true)),
        ]);
        assert_eq!(
            dumps(&value, DumpsOptions::DEFAULT),
            r#"{"b": ["x", -3], "a": null, "c": {}, "d": [], "e": true}"#
        );
        assert_eq!(
            dumps(&value, DumpsOptions::SORTED),
            r#"{"a": null, "b": ["x", -3], "c": {}, "d": [], "e": true}"#
        );
        assert_eq!(
            dumps(&value, DumpsOptions::COMPACT_SORTED),
            r#"{"a":null,"b":["x",-3],"c":{},"d":[],"e":true}"#
        );
        assert_eq!(
            dumps(&value, DumpsOptions::INDENT_2),
            "{\n  \"b\": [\n    \"x\",\n    -3\n  ],\n  \"a\": null,\n  \"c\": {},\n  \"d\": [],\n  \"e\": true\n}"
        );
    }

    #[test]
    fn sorts_by_code_point_like_python() {
        let value =
            PyValue::Object(vec![("é", PyValue::Int(1)), ("z", PyValue::Int(2)), ("Z", PyValue::Int(3))]);
        assert_eq!(dumps(&value, DumpsOptions::SORTED), r#"{"Z": 3, "z": 2, "\u00e9": 1}"#);
    }
}
