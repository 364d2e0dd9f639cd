//! Crossing the JS boundary: values as JSON (`JSON.parse`/`JSON.stringify` on the JS side, which
//! is smaller than a per-field converter; the shapes' writers ([`crate::shapes`]) out and the core's
//! [`sso_bridge::json`] reader in), errors as JS `Error`s.

use crate::shapes::ErrorMember;
use sso_bridge::error::SsoError;
use sso_bridge::json::{Json, MemberError, Members};
use wasm_bindgen::prelude::*;

/// A failure on its way to JavaScript (declared in [`crate::shapes`]): thrown (or rejected) as an
/// `Error` whose `name` is `SsoBridgeError`, with `code` (stable, snake_case), `variant` (the Rust
/// variant name) and `retryable` properties. The message is the sentence for the user.
pub use crate::shapes::JsFailure;

impl JsFailure {
    pub fn new(
        code: impl Into<String>,
        variant: impl Into<String>,
        retryable: bool,
        message: impl Into<String>,
    ) -> Self {
        JsFailure {
            code: code.into(),
            variant: variant.into(),
            retryable,
            message: message.into(),
            operation: None,
            status: None,
            file: None,
            line: None,
        }
    }

    /// An argument that does not have the documented shape (a JS caller bypassing the types).
    /// Details name members in backticks; any quoted text is dropped from the message all the
    /// same, in case a detail ever quotes a value (which may be a token).
    pub fn invalid_argument(what: &str, detail: impl std::fmt::Display) -> Self {
        let detail = redact_quoted(&detail.to_string());
        JsFailure::new(
            "invalid_argument",
            "InvalidArgument",
            false,
            format!(
                "{what} does not have the expected shape: {detail}. Check it against the TypeScript types."
            ),
        )
    }
}

/// `a "secret" b` → `a "…" b` (an unpaired quote hides the rest).
fn redact_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut parts = text.split('"');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    let mut inside = true;
    for part in parts {
        if inside {
            out.push_str("\"…\"");
        } else {
            out.push_str(part);
        }
        inside = !inside;
    }
    out
}

impl From<JsFailure> for JsValue {
    fn from(failure: JsFailure) -> JsValue {
        let error = js_sys::Error::new(&failure.message);
        error.set_name(JsFailure::NAME);
        failure.members(|key, member| {
            let value = match member {
                ErrorMember::Text(text) => JsValue::from_str(text),
                ErrorMember::Flag(flag) => JsValue::from_bool(flag),
                ErrorMember::Number(number) => JsValue::from_f64(number),
            };
            // Setting a property on a fresh, extensible Error object cannot fail.
            let _ = js_sys::Reflect::set(&error, &JsValue::from_str(key), &value);
        });
        error.into()
    }
}

impl From<SsoError> for JsFailure {
    fn from(error: SsoError) -> Self {
        JsFailure {
            code: error.code().to_owned(),
            variant: format!("{:?}", error.kind()),
            retryable: error.retryable(),
            // The Display form: operation, what happened, the service's code/message, advice.
            message: error.to_string(),
            operation: Some(error.operation().as_str().to_owned()),
            status: error.status(),
            file: None,
            line: None,
        }
    }
}

/// JSON text (a result shape's, written by [`crate::shapes`]) as a plain JS value.
pub fn to_js(json: &str) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(json)
}

/// A plain JS object read by `read` (after `JSON.stringify`, so only plain data is seen); `what`
/// names the argument in the error.
pub fn from_js<T>(
    what: &str,
    value: &JsValue,
    read: fn(Members<'_>) -> Result<T, MemberError>,
) -> Result<T, JsFailure> {
    let json = js_to_json(what, value)?;
    Members::of(&json).and_then(read).map_err(|e| JsFailure::invalid_argument(what, e))
}

/// The non-generic part of [`from_js`]: one copy in the wasm module rather than one per type.
#[inline(never)]
fn js_to_json(what: &str, value: &JsValue) -> Result<Json, JsFailure> {
    let text = js_sys::JSON::stringify(value)
        .map_err(|_| JsFailure::invalid_argument(what, "it cannot be converted to JSON"))?;
    // `undefined` (and functions) stringify to `undefined`: not an object either.
    Json::parse(&text.as_string().unwrap_or_default())
        .map_err(|_| JsFailure::invalid_argument(what, MemberError::NotAnObject))
}
