//! A small JSON reader for everything the core receives as JSON: SSO service responses, the CLI's
//! cache files, and the values the JS API is handed (which cross the wasm boundary as
//! `JSON.stringify` text).
//!
//! Why not serde_json's deserializer: in the wasm module it cost about half as much as the whole
//! package may weigh (the derive-generated visitors, the float formatter its error messages use, a
//! `BTreeMap` per object). Writing still goes through serde's `Serialize` (small), and
//! Python-exact writing through [`crate::cache::pyjson`].
//!
//! What it accepts is RFC 8259, as serde_json does (a test holds the two together):
//! - numbers are kept as their text; [`Json::as_i64`] reads whole numbers in any notation (`1.7e9`,
//!   `30.0`) without going through floating point;
//! - an object keeps its members in order, duplicates included; lookups return the last one, as a
//!   Python dict and serde_json's map do;
//! - nesting is limited to serde_json's depth (127), so hostile input cannot exhaust the stack;
//! - `\u` escapes must pair surrogates (a Rust string cannot hold a lone one; serde_json refuses
//!   them too);
//! - a number too large for an `f64` (`1e400`) is refused, exactly where serde_json refuses it
//!   (`overflows_like_serde_json`); numbers too small for one read as zero there, and are kept.
//!
//! Errors name a position and what went wrong, never the text: the input may hold secrets.

use std::fmt;

/// A parsed JSON value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// The number's text as written (valid JSON number syntax).
    Number(String),
    /// A string, its escapes decoded.
    String(String),
    /// An array's items in order.
    Array(Vec<Json>),
    /// Members in document order, duplicates kept.
    Object(Vec<(String, Json)>),
}

/// serde_json's recursion limit: 127 nested arrays/objects are read, 128 are refused.
const MAX_DEPTH: usize = 127;

/// Why a text is not JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonErrorKind {
    /// The text ends inside a value.
    EndOfInput,
    /// A complete value is followed by more than whitespace.
    TrailingCharacters,
    /// Anything else that is not JSON.
    Syntax,
    /// Nested deeper than the reader's depth limit.
    TooDeep,
    /// A number beyond the range of an `f64` (`1e400`), which serde_json refuses too.
    NumberOutOfRange,
}

/// A syntax error with its 1-based line and column (in characters). Never holds input text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// What went wrong.
    pub kind: JsonErrorKind,
    /// The line it went wrong on, from 1.
    pub line: usize,
    /// The column on that line, from 1, counted in characters (not bytes).
    pub column: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            JsonErrorKind::EndOfInput => "it ends too early",
            JsonErrorKind::TrailingCharacters => "there is text after the JSON value",
            JsonErrorKind::Syntax => "syntax error",
            JsonErrorKind::TooDeep => "it is nested too deeply",
            JsonErrorKind::NumberOutOfRange => "a number is too large",
        };
        write!(f, "{what} at line {} column {}", self.line, self.column)
    }
}

impl std::error::Error for JsonError {}

impl Json {
    /// Parses one JSON value, with optional whitespace around it.
    pub fn parse(text: &str) -> Result<Json, JsonError> {
        let mut parser = Parser { text, bytes: text.as_bytes(), pos: 0, depth: 0 };
        parser.skip_whitespace();
        let value = parser.value()?;
        parser.skip_whitespace();
        if parser.pos < parser.bytes.len() {
            return Err(parser.error(JsonErrorKind::TrailingCharacters));
        }
        Ok(value)
    }

    /// [`Json::parse`] for bytes; text that is not UTF-8 is a syntax error at its first bad byte.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Json, JsonError> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Json::parse(text),
            Err(e) => {
                let valid = &bytes[..e.valid_up_to()];
                let parser = Parser { text: "", bytes: valid, pos: valid.len(), depth: 0 };
                Err(parser.error(JsonErrorKind::Syntax))
            }
        }
    }

    /// The member `key` of an object (the last one if the key repeats); `None` for non-objects.
    pub fn get(&self, key: &str) -> Option<&Json> {
        member(self.as_object()?, key)
    }

    /// The text of a string; `None` for other values (a number is not read as text).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(text) => Some(text),
            _ => None,
        }
    }

    /// The value of `true` or `false`; `None` for other values (no truthiness).
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(value) => Some(*value),
            _ => None,
        }
    }

    /// The items of an array; `None` for other values.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members of an object in document order, duplicates kept (look one up with [`member`]);
    /// `None` for other values.
    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }

    /// Whether the value is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// A whole number that fits an `i64`, in any notation (`5`, `5.0`, `1.7e9`); `None` for other
    /// numbers (`1.5`, `1e40`) and non-numbers.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Json::Number(text) => whole_number(text),
            _ => None,
        }
    }
}

/// The last member named `key` (Python dict and serde_json semantics for repeated keys).
pub fn member<'a>(members: &'a [(String, Json)], key: &str) -> Option<&'a Json> {
    members.iter().rev().find(|(name, _)| name == key).map(|(_, value)| value)
}

/// Why an object's member could not be read as asked. Names the member, never its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MemberError {
    /// The value whose members were asked for is not an object.
    NotAnObject,
    /// A required member is absent or `null`; holds its name.
    Missing(String),
    /// The member is there with a value of another type.
    WrongType {
        /// The member's name.
        key: String,
        /// What it must be, as the message says it (`a string`, `a whole number`, …).
        expected: &'static str,
    },
}

impl fmt::Display for MemberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MemberError::NotAnObject => f.write_str("it is not an object"),
            MemberError::Missing(key) => write!(f, "`{key}` is missing"),
            MemberError::WrongType { key, expected } => write!(f, "`{key}` must be {expected}"),
        }
    }
}

impl std::error::Error for MemberError {}

/// Typed reads of an object's members, for values handed to the core (JS API arguments, saved
/// state). `null` counts as absent, as it does for serde's `Option` fields.
#[derive(Clone, Copy, Debug)]
pub struct Members<'a>(&'a [(String, Json)]);

impl<'a> Members<'a> {
    /// The members of `value`; [`MemberError::NotAnObject`] if it is not an object.
    pub fn of(value: &'a Json) -> Result<Self, MemberError> {
        value.as_object().map(Members).ok_or(MemberError::NotAnObject)
    }

    /// The member, unless absent or `null`.
    pub fn present(&self, key: &str) -> Option<&'a Json> {
        member(self.0, key).filter(|value| !value.is_null())
    }

    fn wrong_type(key: &str, expected: &'static str) -> MemberError {
        MemberError::WrongType { key: key.to_owned(), expected }
    }

    fn required<T>(key: &str, value: Option<T>) -> Result<T, MemberError> {
        value.ok_or_else(|| MemberError::Missing(key.to_owned()))
    }

    /// A string member; `Ok(None)` when absent or `null`, an error for any other type.
    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, MemberError> {
        self.present(key)
            .map(|value| value.as_str().ok_or_else(|| Self::wrong_type(key, "a string")))
            .transpose()
    }

    /// A required string member.
    pub fn str(&self, key: &str) -> Result<&'a str, MemberError> {
        Self::required(key, self.opt_str(key)?)
    }

    /// [`Members::opt_str`], owned.
    pub fn opt_string(&self, key: &str) -> Result<Option<String>, MemberError> {
        Ok(self.opt_str(key)?.map(str::to_owned))
    }

    /// [`Members::str`], owned.
    pub fn string(&self, key: &str) -> Result<String, MemberError> {
        self.str(key).map(str::to_owned)
    }

    /// A whole number (see [`Json::as_i64`]).
    pub fn opt_i64(&self, key: &str) -> Result<Option<i64>, MemberError> {
        self.present(key)
            .map(|value| value.as_i64().ok_or_else(|| Self::wrong_type(key, "a whole number")))
            .transpose()
    }

    /// A required whole number (see [`Json::as_i64`]).
    pub fn i64(&self, key: &str) -> Result<i64, MemberError> {
        Self::required(key, self.opt_i64(key)?)
    }

    /// An array of strings; `Ok(None)` when absent or `null`, an error if any item is not a string.
    pub fn opt_str_list(&self, key: &str) -> Result<Option<Vec<String>>, MemberError> {
        let Some(value) = self.present(key) else { return Ok(None) };
        match value.as_array().and_then(string_items) {
            Some(items) => Ok(Some(items)),
            None => Err(Self::wrong_type(key, "a list of strings")),
        }
    }

    /// An object whose members are all strings (an environment), in document order.
    pub fn opt_str_map(&self, key: &str) -> Result<Vec<(String, String)>, MemberError> {
        let Some(value) = self.present(key) else { return Ok(Vec::new()) };
        let expected = "an object of strings";
        let members = value.as_object().ok_or_else(|| Self::wrong_type(key, expected))?;
        // A plain loop: each `collect::<Result<Vec<_>, _>>()` is its own copy of the iterator
        // machinery in the wasm module.
        let mut pairs = Vec::with_capacity(members.len());
        for (name, value) in members {
            let text = value.as_str().ok_or_else(|| Self::wrong_type(key, expected))?;
            pairs.push((name.clone(), text.to_owned()));
        }
        Ok(pairs)
    }
}

/// The items of a JSON array when every one is a string; `None` otherwise. One plain loop for every
/// list-of-strings reader (arguments and cache files), instead of a `collect::<Result<Vec<_>, _>>()`
/// each, which the wasm module would carry as separate copies of the iterator machinery.
pub(crate) fn string_items(items: &[Json]) -> Option<Vec<String>> {
    let mut strings = Vec::with_capacity(items.len());
    for item in items {
        strings.push(item.as_str()?.to_owned());
    }
    Some(strings)
}

/// A JSON string as serde_json writes it: `"` and `\` escaped, the control characters as `\b`,
/// `\t`, `\n`, `\f`, `\r` or `\u00xx`, everything else (non-ASCII included) as it is.
pub fn write_string(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (index, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "\\u00",
            _ => continue,
        };
        // `index` is at an ASCII byte: a character boundary.
        out.push_str(text.get(start..index).unwrap_or_default());
        out.push_str(escape);
        if escape == "\\u00" {
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
        start = index + 1;
    }
    out.push_str(text.get(start..).unwrap_or_default());
    out.push('"');
}

/// Writes one JSON object member by member, in the order called, with serde_json's string escapes:
/// the SSO OIDC request bodies, the console's federation session and the saved PKCE sign-in. A
/// handful of non-generic methods instead of serde's generic serializer, one copy per type, in the
/// size-budgeted wasm module. `opt_str_list` writes `None` as `null`, as serde writes an `Option`
/// field; the `_if_some` methods leave the member out.
pub struct ObjectWriter {
    out: String,
    empty: bool,
}

impl Default for ObjectWriter {
    fn default() -> Self {
        ObjectWriter::new()
    }
}

impl ObjectWriter {
    /// An empty object, ready for members.
    pub fn new() -> Self {
        ObjectWriter { out: String::from("{"), empty: true }
    }

    fn key(&mut self, key: &str) -> &mut String {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        write_string(&mut self.out, key);
        self.out.push(':');
        &mut self.out
    }

    /// A string member.
    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        write_string(self.key(key), value);
        self
    }

    /// A whole-number member (written exactly; JS reads integers up to 2^53 without loss).
    pub fn int(&mut self, key: &str, value: i64) -> &mut Self {
        self.raw(key, &value.to_string())
    }

    /// An array of strings, or `null`.
    pub fn opt_str_list(&mut self, key: &str, value: Option<&[String]>) -> &mut Self {
        let Some(items) = value else { return self.raw(key, "null") };
        let out = self.key(key);
        out.push('[');
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            write_string(out, item);
        }
        out.push(']');
        self
    }

    /// The member only when there is a value (serde's `skip_serializing_if = "Option::is_none"`).
    pub fn str_if_some(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        match value {
            Some(value) => self.str(key, value),
            None => self,
        }
    }

    /// The member only when there is a list.
    pub fn str_list_if_some(&mut self, key: &str, value: Option<&[String]>) -> &mut Self {
        match value {
            Some(_) => self.opt_str_list(key, value),
            None => self,
        }
    }

    /// A member whose value is already JSON text (a nested object or array).
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Self {
        self.key(key).push_str(json);
        self
    }

    /// Closes the object and returns its text. Call it once: the writer is empty afterwards.
    pub fn finish(&mut self) -> String {
        self.out.push('}');
        std::mem::take(&mut self.out)
    }
}

/// `[a,b,…]` from items already written as JSON text.
pub fn array_of(items: impl IntoIterator<Item = String>) -> String {
    let mut out = String::from("[");
    for item in items {
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str(&item);
    }
    out.push(']');
    out
}

/// Exact integer reading of a JSON number's text (decimal digits, optional fraction and exponent).
fn whole_number(text: &str) -> Option<i64> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = unsigned.split_once(['e', 'E']).unwrap_or((unsigned, "0"));
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // Trailing zeros of the fraction change nothing and would only overflow the digit count.
    let fraction = fraction.trim_end_matches('0');
    let mut value: u64 = 0;
    for byte in whole.bytes().chain(fraction.bytes()) {
        let digit = byte.checked_sub(b'0').filter(|d| *d <= 9)?;
        value = value.checked_mul(10)?.checked_add(u64::from(digit))?;
    }
    if value == 0 {
        return Some(0);
    }
    let mut shift = exponent_value(exponent)?.checked_sub(i64::try_from(fraction.len()).ok()?)?;
    while shift < 0 {
        if value % 10 != 0 {
            return None; // a fraction is left
        }
        value /= 10;
        shift += 1;
    }
    while shift > 0 {
        value = value.checked_mul(10)?;
        shift -= 1;
    }
    if negative {
        // -(2^63) is the one magnitude above i64::MAX that fits.
        0i64.checked_sub_unsigned(value).or((value == 1 << 63).then_some(i64::MIN))
    } else {
        i64::try_from(value).ok()
    }
}

/// `[+-]digits` as an `i64` (`None` past its range), without the generic integer parser.
fn exponent_value(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: i64 = 0;
    for byte in digits.bytes() {
        let digit = byte.checked_sub(b'0').filter(|d| *d <= 9)?;
        value = value.checked_mul(10)?.checked_add(i64::from(digit))?;
    }
    Some(if negative { -value } else { value })
}

/// `10^289` … `10^308`, the entries of serde_json's power table that can make an overflow: a `u64`
/// significand is below `2 * 10^19`, so a smaller power never reaches `f64::MAX`.
const LARGE_POWERS_OF_TEN: [f64; 20] = [
    1e289, 1e290, 1e291, 1e292, 1e293, 1e294, 1e295, 1e296, 1e297, 1e298, 1e299, 1e300, 1e301, 1e302, 1e303,
    1e304, 1e305, 1e306, 1e307, 1e308,
];

/// Whether serde_json refuses this JSON number text as out of range. Its reader (without the
/// `float_roundtrip` feature) is followed step by step, so the answer matches at the very edge of
/// `f64::MAX` too (`1.7976931348623158e308` is refused there though it rounds to `f64::MAX`):
/// digits go into a `u64` significand until the next would overflow it, later integer digits count
/// into the exponent and later fraction digits are dropped; an exponent beyond `i32` is out of range
/// unless the significand is 0 or the exponent negative; then `significand as f64 * 10^exponent`
/// must be finite. Integers that fit a `u64` are never floats there, and never out of range.
fn overflows_like_serde_json(text: &str) -> bool {
    let overflows_u64 =
        |value: u64, digit: u64| value >= u64::MAX / 10 && (value > u64::MAX / 10 || digit > u64::MAX % 10);
    let bytes = text.strip_prefix('-').unwrap_or(text).as_bytes();
    let mut significand: u64 = 0;
    let mut exponent: i32 = 0;
    // The integer part's digits past the u64 count into the exponent; the fraction's are dropped
    // once one does not fit (the fraction starts afresh: a digit that fits is still taken).
    let mut integer_full = false;
    let mut fraction_full = false;
    let mut in_fraction = false;
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b'0'..=b'9' => {
                let digit = u64::from(byte - b'0');
                if in_fraction {
                    fraction_full = fraction_full || overflows_u64(significand, digit);
                    if !fraction_full {
                        significand = significand * 10 + digit;
                        exponent = exponent.saturating_sub(1);
                    }
                } else if integer_full || overflows_u64(significand, digit) {
                    integer_full = true;
                    exponent = exponent.saturating_add(1);
                } else {
                    significand = significand * 10 + digit;
                }
            }
            b'.' => in_fraction = true,
            _ => break, // `e` or `E`
        }
        index += 1;
    }
    if let Some(exponent_text) = bytes.get(index + 1..) {
        let (positive, digits) = match exponent_text.first() {
            Some(b'-') => (false, &exponent_text[1..]),
            Some(b'+') => (true, &exponent_text[1..]),
            _ => (true, exponent_text),
        };
        let mut value: i32 = 0;
        for &byte in digits {
            let digit = i32::from(byte - b'0');
            if value >= i32::MAX / 10 && (value > i32::MAX / 10 || digit > i32::MAX % 10) {
                return significand != 0 && positive;
            }
            value = value * 10 + digit;
        }
        exponent = if positive { exponent.saturating_add(value) } else { exponent.saturating_sub(value) };
    } else if !integer_full && !in_fraction {
        return false; // an integer that fits a u64
    }
    if significand == 0 || exponent < 289 {
        return false;
    }
    match LARGE_POWERS_OF_TEN.get((exponent - 289) as usize) {
        Some(power) => (significand as f64 * power).is_infinite(),
        None => true,
    }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, kind: JsonErrorKind) -> JsonError {
        let before = &self.bytes[..self.pos.min(self.bytes.len())];
        let line_start = before.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let line = 1 + before.iter().filter(|b| **b == b'\n').count();
        // Characters, not bytes: count the bytes that start a UTF-8 sequence.
        let column = 1 + before[line_start..].iter().filter(|b| (**b & 0xC0) != 0x80).count();
        JsonError { kind, line, column }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The error for an unexpected byte: end of input if there is none.
    fn unexpected(&self) -> JsonError {
        self.error(if self.pos >= self.bytes.len() {
            JsonErrorKind::EndOfInput
        } else {
            JsonErrorKind::Syntax
        })
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), JsonError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn value(&mut self) -> Result<Json, JsonError> {
        match self.peek() {
            Some(b'{') => self.nested(Parser::object_members).map(Json::Object),
            Some(b'[') => self.nested(Parser::array_items).map(Json::Array),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.unexpected()),
        }
    }

    /// Runs `read` one nesting level deeper, refusing to go past [`MAX_DEPTH`].
    fn nested<T>(&mut self, read: fn(&mut Self) -> Result<T, JsonError>) -> Result<T, JsonError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(JsonErrorKind::TooDeep));
        }
        self.depth += 1;
        self.pos += 1; // the opening bracket
        let result = read(self);
        self.depth -= 1;
        result
    }

    fn literal(&mut self, word: &str, value: Json) -> Result<Json, JsonError> {
        for expected in word.bytes() {
            self.expect(expected)?;
        }
        Ok(value)
    }

    fn object_members(&mut self) -> Result<Vec<(String, Json)>, JsonError> {
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(members);
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected());
            }
            let key = self.string()?;
            self.skip_whitespace();
            self.expect(b':')?;
            self.skip_whitespace();
            let value = self.value()?;
            members.push((key, value));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(members);
                }
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn array_items(&mut self) -> Result<Vec<Json>, JsonError> {
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(items);
        }
        loop {
            self.skip_whitespace();
            items.push(self.value()?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(items);
                }
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1; // the opening quote
        let mut out = String::new();
        loop {
            let start = self.pos;
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.pos += 1;
            }
            // Both ends sit next to ASCII bytes (or the text's end): char boundaries.
            out.push_str(self.text.get(start..self.pos).unwrap_or_default());
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    out.push(self.escape()?);
                }
                // A raw control character, or the end.
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn escape(&mut self) -> Result<char, JsonError> {
        let simple = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                return self.unicode_escape();
            }
            _ => return Err(self.unexpected()),
        };
        self.pos += 1;
        Ok(simple)
    }

    /// After `\u`: four hex digits, and for a high surrogate the `\uXXXX` low surrogate after it.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                self.expect(b'\\')?;
                self.expect(b'u')?;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error(JsonErrorKind::Syntax));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error(JsonErrorKind::Syntax)),
            _ => first,
        };
        char::from_u32(code).ok_or_else(|| self.error(JsonErrorKind::Syntax))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit =
                self.peek().and_then(|b| char::from(b).to_digit(16)).ok_or_else(|| self.unexpected())?;
            code = code * 16 + digit;
            self.pos += 1;
        }
        Ok(code)
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept as text.
    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.unexpected()),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.one_or_more_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.one_or_more_digits()?;
        }
        let text = self.text.get(start..self.pos).unwrap_or_default();
        if overflows_like_serde_json(text) {
            return Err(self.error(JsonErrorKind::NumberOutOfRange));
        }
        Ok(Json::Number(text.to_owned()))
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn one_or_more_digits(&mut self) -> Result<(), JsonError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.unexpected());
        }
        self.digits();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> JsonErrorKind {
        Json::parse(text).unwrap_err().kind
    }

    #[test]
    fn reads_every_kind_of_value() {
        let value = Json::parse(
            " {\"s\": \"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\", \"n\": -1.5e+3, \"t\": true, \
             \"f\": false, \"z\": null, \"a\": [1, [], {}], \"o\": {\"k\": \"v\"}}\n",
        )
        .unwrap();
        assert_eq!(value.get("s").and_then(Json::as_str), Some("a\"b\\c/\u{8}\u{c}\n\r\t\u{e9}\u{1F600}"));
        assert_eq!(value.get("n"), Some(&Json::Number("-1.5e+3".into())));
        assert_eq!(value.get("t").and_then(Json::as_bool), Some(true));
        assert_eq!(value.get("f").and_then(Json::as_bool), Some(false));
        assert!(value.get("z").is_some_and(Json::is_null));
        assert_eq!(value.get("a").and_then(Json::as_array).map(<[Json]>::len), Some(3));
        assert_eq!(value.get("o").and_then(|o| o.get("k")).and_then(Json::as_str), Some("v"));
        assert_eq!(value.get("missing"), None);
        assert_eq!(Json::parse("\"é😀\"").unwrap(), Json::String("é😀".into()));
    }

    #[test]
    fn repeated_keys_keep_the_last_like_python_and_serde_json() {
        let value = Json::parse(r#"{"k": 1, "k": 2}"#).unwrap();
        assert_eq!(value.get("k").and_then(Json::as_i64), Some(2));
        assert_eq!(value.as_object().map(<[_]>::len), Some(2));
    }

    #[test]
    fn whole_numbers_in_any_notation() {
        let int = |text: &str| Json::Number(text.into()).as_i64();
        assert_eq!(int("0"), Some(0));
        assert_eq!(int("-0"), Some(0));
        assert_eq!(int("28800"), Some(28800));
        assert_eq!(int("-5"), Some(-5));
        assert_eq!(int("30.0"), Some(30));
        assert_eq!(int("1.7e9"), Some(1_700_000_000));
        assert_eq!(int("17E+8"), Some(1_700_000_000));
        assert_eq!(int("1700e-2"), Some(17));
        assert_eq!(int("1.000000000000000000000000000000"), Some(1));
        assert_eq!(int("0.0e99999999999999999999"), Some(0));
        assert_eq!(int("9223372036854775807"), Some(i64::MAX));
        assert_eq!(int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(int("9223372036854775808"), None);
        assert_eq!(int("-9223372036854775809"), None);
        assert_eq!(int("1.5"), None);
        assert_eq!(int("15e-1"), None);
        assert_eq!(int("1e40"), None);
        assert_eq!(int("1e-99999999999999999999"), None);
        assert_eq!(Json::String("5".into()).as_i64(), None);
    }

    #[test]
    fn errors_say_what_and_where_without_the_text() {
        assert_eq!(kind(""), JsonErrorKind::EndOfInput);
        assert_eq!(kind(r#"{"accessToken": "SEC"#), JsonErrorKind::EndOfInput);
        assert_eq!(kind(r#"{"a": tru"#), JsonErrorKind::EndOfInput);
        assert_eq!(kind(r#"{"a": 1"#), JsonErrorKind::EndOfInput);
        assert_eq!(kind("[1, 2"), JsonErrorKind::EndOfInput);
        assert_eq!(kind("\"\\u12"), JsonErrorKind::EndOfInput);
        assert_eq!(kind("-"), JsonErrorKind::EndOfInput);
        assert_eq!(kind("1."), JsonErrorKind::EndOfInput);
        assert_eq!(kind(r#"{"accessToken": "SECRET"} x"#), JsonErrorKind::TrailingCharacters);
        assert_eq!(kind("01"), JsonErrorKind::TrailingCharacters);
        for bad in [
            "{,}",
            "[1,]",
            r#"{"a":1,}"#,
            "{'a': 1}",
            "[01]",
            "+1",
            ".5",
            "1.e5",
            "NaN",
            "Infinity",
            "nul!",
            "\"a\tb\"",
            "\"\\x\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"\\ud800\\u0041\"",
            "\u{feff}{}",
            "[1 2]",
            r#"{"a" 1}"#,
            "{1: 2}",
        ] {
            assert!(Json::parse(bad).is_err(), "{bad:?} was accepted");
        }
        let error = Json::parse("{\n  \"secret\": \"SECRET\" x}").unwrap_err();
        assert_eq!((error.kind, error.line, error.column), (JsonErrorKind::Syntax, 2, 22));
        assert_eq!(error.to_string(), "syntax error at line 2 column 22");
        let error = Json::parse("[\"é\" x]").unwrap_err();
        assert_eq!(error.column, 6, "columns count characters");
        assert_eq!(Json::parse_bytes(b"{\"a\": \"\xff\"}").unwrap_err().column, 8);
    }

    #[test]
    fn the_object_writer_writes_what_serde_json_writes() {
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Shape<'a> {
            name: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            missing: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            present: Option<&'a str>,
            count: i64,
            #[serde(skip_serializing_if = "Option::is_none")]
            no_grants: Option<Vec<String>>,
            scopes: Option<Vec<String>>,
            no_scopes: Option<Vec<String>>,
            nested: Vec<u8>,
        }
        let tricky = "quote \" backslash \\ tab \t nul \u{0} bell \u{7} é 😀 \u{2028}";
        let expected = serde_json::to_string(&Shape {
            name: tricky,
            missing: None,
            present: Some(tricky),
            count: -42,
            no_grants: None,
            scopes: Some(vec!["a".into(), tricky.into()]),
            no_scopes: None,
            nested: vec![1, 2],
        })
        .unwrap();
        let written = ObjectWriter::new()
            .str("name", tricky)
            .str_if_some("missing", None)
            .str_if_some("present", Some(tricky))
            .int("count", -42)
            .str_list_if_some("noGrants", None)
            .opt_str_list("scopes", Some(&["a".to_owned(), tricky.to_owned()]))
            .opt_str_list("noScopes", None)
            .raw("nested", &array_of(["1".to_owned(), "2".to_owned()]))
            .finish();
        assert_eq!(written, expected);
        assert_eq!(ObjectWriter::new().finish(), "{}");
        assert_eq!(array_of(Vec::new()), "[]");
        assert_eq!(Json::parse(&written).unwrap().get("name").and_then(Json::as_str), Some(tricky));
    }

    #[test]
    fn nesting_is_limited_like_serde_json() {
        let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(Json::parse(&nested(MAX_DEPTH)).is_ok());
        assert_eq!(kind(&nested(MAX_DEPTH + 1)), JsonErrorKind::TooDeep);
        assert_eq!(kind(&"[{\"a\":".repeat(100_000)), JsonErrorKind::TooDeep);
    }
}
