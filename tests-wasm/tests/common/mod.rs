//! Helpers shared by the browser test files (each `tests/*.rs` includes this with `mod common;`).
#![allow(dead_code)]

use wasm_bindgen::{JsCast, JsValue};

/// A JS value from JSON text (what a JS caller would pass).
pub fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap_or_else(|_| panic!("test JSON does not parse: {json}"))
}

/// A JS value as JSON text (to compare results).
pub fn json(value: &JsValue) -> String {
    js_sys::JSON::stringify(value).expect("result is JSON-serialisable").into()
}

/// A property of a JS object.
pub fn get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &JsValue::from_str(key)).expect("object property")
}

/// The `(code, variant, retryable, message)` of a thrown `SsoBridgeError`.
pub fn error_parts(error: &JsValue) -> (String, String, bool, String) {
    let as_error: &js_sys::Error = error.dyn_ref().expect("an Error instance was thrown");
    assert_eq!(String::from(as_error.name()), "SsoBridgeError");
    (
        get(error, "code").as_string().expect("code is a string"),
        get(error, "variant").as_string().expect("variant is a string"),
        get(error, "retryable").as_bool().expect("retryable is a boolean"),
        String::from(as_error.message()),
    )
}
