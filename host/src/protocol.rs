//! The native-messaging protocol's envelopes (`host/PROTOCOL.md`): parsing a request into its
//! `id`, `type` and fields with precise errors, building replies, and chunking replies that would
//! exceed the browser's 1 MiB limit.

use crate::error_codes::{ErrorCode, HostError};
use crate::framing::MAX_REPLY_BYTES;
use serde_json::{json, Map, Value};

/// The protocol version in every reply. Bumped only for incompatible changes; additions (new
/// request types, new reply fields, new error codes) keep it.
pub const PROTOCOL_VERSION: u32 = 1;

/// Longest string the helper accepts in any request field (a token is a few kilobytes).
pub const MAX_STRING_BYTES: usize = 32 * 1024;
/// Longest session or profile name.
pub const MAX_NAME_BYTES: usize = 128;
/// Longest `id`.
pub const MAX_ID_BYTES: usize = 256;
/// Payload bytes per chunk of a chunked reply. JSON-escaping a piece of serialized JSON at most
/// doubles it (quotes and backslashes; serde_json never emits raw control characters), so a chunk
/// frame stays far below 1 MiB.
pub const CHUNK_PAYLOAD_BYTES: usize = 256 * 1024;

/// A parsed request: its `id` (echoed back), its `type`, and the whole object for the handler.
#[derive(Debug)]
pub struct Request {
    pub id: Value,
    pub kind: String,
    pub body: Map<String, Value>,
}

/// A request that could not be parsed: the id (if one could be read) and the error.
#[derive(Debug)]
pub struct Rejected {
    pub id: Value,
    pub error: HostError,
}

/// Parse a frame's bytes into a request. Unknown fields are ignored (a newer extension may send
/// more); the `type` is checked against the handler table by the caller.
pub fn parse_request(bytes: &[u8]) -> Result<Request, Rejected> {
    let reject = |id: Value, code, message: String| Rejected { id, error: HostError::new(code, message) };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        reject(Value::Null, ErrorCode::InvalidUtf8, format!("the message is not valid UTF-8 ({e})"))
    })?;
    let value: Value = serde_json::from_str(text).map_err(|e| {
        reject(Value::Null, ErrorCode::InvalidJson, format!("the message is not valid JSON ({e})"))
    })?;
    let Value::Object(body) = value else {
        return Err(reject(Value::Null, ErrorCode::NotAnObject, "the message must be a JSON object".into()));
    };
    let id = match body.get("id") {
        None | Some(Value::Null) => {
            return Err(reject(Value::Null, ErrorCode::MissingField, "the request has no `id`".into()))
        }
        Some(Value::String(s)) if s.len() > MAX_ID_BYTES => {
            return Err(reject(
                Value::Null,
                ErrorCode::FieldTooLong,
                format!("`id` is longer than {MAX_ID_BYTES} bytes"),
            ))
        }
        Some(id @ Value::String(_)) => id.clone(),
        Some(id @ Value::Number(_)) => id.clone(),
        Some(other) => {
            return Err(reject(
                Value::Null,
                ErrorCode::WrongFieldType,
                format!("`id` must be a string or a number, not {}", type_name(other)),
            ))
        }
    };
    let kind = match body.get("type") {
        None | Some(Value::Null) => {
            return Err(reject(id, ErrorCode::MissingType, "the request has no `type`".into()))
        }
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(reject(
                id,
                ErrorCode::WrongFieldType,
                format!("`type` must be a string, not {}", type_name(other)),
            ))
        }
    };
    Ok(Request { id, kind, body })
}

/// `{"id", "version", "ok": true, …fields}`.
pub fn ok_reply(id: &Value, fields: Map<String, Value>) -> Value {
    let mut reply = Map::new();
    reply.insert("id".into(), id.clone());
    reply.insert("version".into(), json!(PROTOCOL_VERSION));
    reply.insert("ok".into(), json!(true));
    for (k, v) in fields {
        reply.insert(k, v);
    }
    Value::Object(reply)
}

/// `{"id", "version", "ok": false, "error": {"code", "name", "message"}}`.
pub fn error_reply(id: &Value, error: &HostError) -> Value {
    json!({
        "id": id,
        "version": PROTOCOL_VERSION,
        "ok": false,
        "error": { "code": error.code.code(), "name": error.code.name(), "message": error.message },
    })
}

/// Serialize a reply into one frame body, or, when it is over the 1 MiB limit, into chunk frames
/// `{"id", "version", "ok": true, "chunk": {"index", "count", "data"}}` whose `data` strings,
/// concatenated in `index` order, are the JSON text of the full reply.
pub fn encode_reply(reply: &Value) -> Vec<Vec<u8>> {
    let text = reply.to_string();
    if text.len() <= MAX_REPLY_BYTES {
        return vec![text.into_bytes()];
    }
    let id = reply.get("id").cloned().unwrap_or(Value::Null);
    let pieces = split_at_char_boundaries(&text, CHUNK_PAYLOAD_BYTES);
    let count = pieces.len();
    pieces
        .into_iter()
        .enumerate()
        .map(|(index, data)| {
            json!({
                "id": id,
                "version": PROTOCOL_VERSION,
                "ok": true,
                "chunk": { "index": index, "count": count, "data": data },
            })
            .to_string()
            .into_bytes()
        })
        .collect()
}

fn split_at_char_boundaries(text: &str, max: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut end = rest.len().min(max);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let (piece, tail) = rest.split_at(end);
        pieces.push(piece);
        rest = tail;
    }
    pieces
}

pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Typed, checked access to a request object's fields. Every error names the field by its path
/// (`token.accessToken`) and never quotes its value (it may be a secret).
#[derive(Debug)]
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    prefix: String,
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a Map<String, Value>) -> Self {
        Fields { map, prefix: String::new() }
    }

    fn path(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    fn present(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    /// The error for a required field that is absent.
    pub fn missing(&self, name: &str) -> HostError {
        HostError::new(ErrorCode::MissingField, format!("the request has no `{}`", self.path(name)))
    }

    fn wrong_type(&self, name: &str, expected: &str, got: &Value) -> HostError {
        HostError::new(
            ErrorCode::WrongFieldType,
            format!("`{}` must be {expected}, not {}", self.path(name), type_name(got)),
        )
    }

    /// A required string: at most [`MAX_STRING_BYTES`], no control characters, not empty.
    pub fn str(&self, name: &str) -> Result<&'a str, HostError> {
        self.opt_str(name)?.ok_or_else(|| self.missing(name))
    }

    /// An optional string (absent or `null` is `None`), with the same checks as [`Fields::str`].
    pub fn opt_str(&self, name: &str) -> Result<Option<&'a str>, HostError> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::String(s)) => {
                check_string(&self.path(name), s, MAX_STRING_BYTES)?;
                Ok(Some(s.as_str()))
            }
            Some(other) => Err(self.wrong_type(name, "a string", other)),
        }
    }

    /// A required session or profile name (see [`check_name`]).
    pub fn name(&self, name: &str) -> Result<&'a str, HostError> {
        self.opt_name(name)?.ok_or_else(|| self.missing(name))
    }

    pub fn opt_name(&self, name: &str) -> Result<Option<&'a str>, HostError> {
        let value = self.opt_str(name)?;
        if let Some(v) = value {
            check_name(&self.path(name), v)?;
        }
        Ok(value)
    }

    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, HostError> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(self.wrong_type(name, "true or false", other)),
        }
    }

    /// An optional non-negative integer.
    pub fn opt_u64(&self, name: &str) -> Result<Option<u64>, HostError> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_u64().map(Some).ok_or_else(|| {
                HostError::new(
                    ErrorCode::InvalidValue,
                    format!("`{}` must be a whole number ≥ 0", self.path(name)),
                )
            }),
            Some(other) => Err(self.wrong_type(name, "a number", other)),
        }
    }

    /// An optional list of strings (each checked like [`Fields::str`]).
    pub fn opt_str_list(&self, name: &str) -> Result<Option<Vec<&'a str>>, HostError> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let path = format!("{}[{i}]", self.path(name));
                    match item {
                        Value::String(s) => {
                            check_string(&path, s, MAX_STRING_BYTES)?;
                            out.push(s.as_str());
                        }
                        other => {
                            return Err(HostError::new(
                                ErrorCode::WrongFieldType,
                                format!("`{path}` must be a string, not {}", type_name(other)),
                            ))
                        }
                    }
                }
                Ok(Some(out))
            }
            Some(other) => Err(self.wrong_type(name, "a list of strings", other)),
        }
    }

    /// A required nested object.
    pub fn object(&self, name: &str) -> Result<Fields<'a>, HostError> {
        self.opt_object(name)?.ok_or_else(|| self.missing(name))
    }

    pub fn opt_object(&self, name: &str) -> Result<Option<Fields<'a>>, HostError> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Fields { map, prefix: format!("{}.", self.path(name)) })),
            Some(other) => Err(self.wrong_type(name, "an object", other)),
        }
    }

    /// An optional list of objects, each read with its own path (`accounts[3].accountId`).
    pub fn opt_object_list(&self, name: &str) -> Result<Option<Vec<Fields<'a>>>, HostError> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let path = format!("{}[{i}]", self.path(name));
                    match item {
                        Value::Object(map) => Ok(Fields { map, prefix: format!("{path}.") }),
                        other => Err(HostError::new(
                            ErrorCode::WrongFieldType,
                            format!("`{path}` must be an object, not {}", type_name(other)),
                        )),
                    }
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(other) => Err(self.wrong_type(name, "a list of objects", other)),
        }
    }

    /// The error for a field whose value is rejected.
    pub fn invalid(&self, name: &str, why: &str) -> HostError {
        HostError::new(ErrorCode::InvalidValue, format!("`{}` {why}", self.path(name)))
    }
}

/// Length and content checks shared by every string field.
pub fn check_string(path: &str, value: &str, max: usize) -> Result<(), HostError> {
    if value.len() > max {
        return Err(HostError::new(
            ErrorCode::FieldTooLong,
            format!("`{path}` is {} bytes; the limit is {max}", value.len()),
        ));
    }
    if value.chars().any(|c| c.is_control()) {
        return Err(HostError::new(
            ErrorCode::ControlCharacter,
            format!("`{path}` contains a NUL byte, a line break or another control character"),
        ));
    }
    if value.is_empty() {
        return Err(HostError::new(ErrorCode::InvalidValue, format!("`{path}` is empty")));
    }
    Ok(())
}

/// Session and profile names end up in `~/.aws/config` section headers and in cache keys. Accept
/// only what the AWS SDKs accept in names (`[A-Za-z0-9_\-/.%@:+]`, spec §8.2), and refuse on top
/// anything that reads as a path: a `..` segment, a leading `/` or `\`, a drive letter (`C:`).
pub fn check_name(path: &str, value: &str) -> Result<(), HostError> {
    let unsafe_name = |why: &str| {
        HostError::new(
            ErrorCode::UnsafeName,
            format!("`{path}` {why}; use letters, digits and - _ . @ + only"),
        )
    };
    if value.len() > MAX_NAME_BYTES {
        return Err(HostError::new(
            ErrorCode::FieldTooLong,
            format!("`{path}` is longer than {MAX_NAME_BYTES} bytes"),
        ));
    }
    if !value.chars().all(|c| c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c)) {
        return Err(unsafe_name("has characters the AWS tools do not accept in a name"));
    }
    if value.starts_with('/') {
        return Err(unsafe_name("is an absolute path"));
    }
    if value.split('/').any(|segment| segment == ".." || segment == ".") {
        return Err(unsafe_name("contains a `..` or `.` path segment"));
    }
    let bytes = value.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Err(unsafe_name("starts with a drive letter"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects_envelopes() {
        let r = parse_request(br#"{"id":"7","type":"ping","extra":1}"#).unwrap();
        assert_eq!((r.id, r.kind.as_str()), (json!("7"), "ping"));
        let code = |b: &[u8]| parse_request(b).unwrap_err().error.code;
        assert_eq!(code(b"\xff\xfe"), ErrorCode::InvalidUtf8);
        assert_eq!(code(b"{nope"), ErrorCode::InvalidJson);
        assert_eq!(code(b"[1]"), ErrorCode::NotAnObject);
        assert_eq!(code(br#"{"type":"ping"}"#), ErrorCode::MissingField);
        assert_eq!(code(br#"{"id":[1],"type":"ping"}"#), ErrorCode::WrongFieldType);
        assert_eq!(code(br#"{"id":1}"#), ErrorCode::MissingType);
        assert_eq!(code(br#"{"id":1,"type":5}"#), ErrorCode::WrongFieldType);
        let rejected = parse_request(br#"{"id":9,"type":true}"#).unwrap_err();
        assert_eq!(rejected.id, json!(9), "the id is echoed once it could be read");
    }

    #[test]
    fn names_that_could_be_paths_are_refused() {
        for bad in ["../x", "a/../b", "/etc", "C:evil", "a b", "a\\b", "tab\t", "", "..", "./x", "ü"] {
            let r = check_name("n", bad).and_then(|_| check_string("n", bad, 100));
            assert!(r.is_err(), "{bad:?} must be refused");
        }
        for good in ["dev", "my-session_1", "team/dev", "a.b@c+d", "x%y:z"] {
            check_name("n", good).unwrap();
        }
    }

    #[test]
    fn field_errors_name_the_path_never_the_value() {
        let map: Map<String, Value> =
            serde_json::from_str(r#"{"token":{"accessToken":"sec\u0000ret","n":1}}"#).unwrap();
        let f = Fields::new(&map);
        let t = f.object("token").unwrap();
        let e = t.str("accessToken").unwrap_err();
        assert_eq!(e.code, ErrorCode::ControlCharacter);
        assert!(e.message.contains("token.accessToken") && !e.message.contains("sec"));
        assert_eq!(t.str("n").unwrap_err().code, ErrorCode::WrongFieldType);
        assert_eq!(t.str("missing").unwrap_err().code, ErrorCode::MissingField);
        assert_eq!(f.object("nope").unwrap_err().code, ErrorCode::MissingField);
    }

    #[test]
    fn large_replies_are_chunked_below_the_limit_and_reassemble() {
        let big = "\"é\\".repeat(MAX_REPLY_BYTES / 2);
        let reply = ok_reply(&json!("r1"), Map::from_iter([("content".to_string(), json!(big))]));
        let frames = encode_reply(&reply);
        assert!(frames.len() > 1);
        let mut joined = String::new();
        for (i, frame) in frames.iter().enumerate() {
            assert!(frame.len() <= MAX_REPLY_BYTES, "frame {i} is {} bytes", frame.len());
            let v: Value = serde_json::from_slice(frame).unwrap();
            assert_eq!(v["id"], json!("r1"));
            assert_eq!(v["chunk"]["index"], json!(i));
            assert_eq!(v["chunk"]["count"], json!(frames.len()));
            joined.push_str(v["chunk"]["data"].as_str().unwrap());
        }
        assert_eq!(serde_json::from_str::<Value>(&joined).unwrap(), reply);
        assert_eq!(encode_reply(&ok_reply(&json!(1), Map::new())).len(), 1);
    }
}
