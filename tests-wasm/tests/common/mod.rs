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

/// The emulator where sign-ins wait for approval through test control (1,000 accounts × 3 roles).
/// `cargo xtask test` starts it and bakes its URL into this build.
pub fn emulator() -> &'static str {
    match option_env!("SSO_BRIDGE_EMULATOR_URL") {
        Some(url) => url,
        None => panic!("SSO_BRIDGE_EMULATOR_URL is not set: run the browser tests with `cargo xtask test`"),
    }
}

/// The emulator that approves every sign-in by itself.
pub fn auto_emulator() -> &'static str {
    match option_env!("SSO_BRIDGE_EMULATOR_AUTO_URL") {
        Some(url) => url,
        None => {
            panic!("SSO_BRIDGE_EMULATOR_AUTO_URL is not set: run the browser tests with `cargo xtask test`")
        }
    }
}

/// Awaits a Promise returned by the API.
pub async fn settle(promise: js_sys::Promise) -> Result<JsValue, JsValue> {
    wasm_bindgen_futures::JsFuture::from(promise).await
}

/// A plain `fetch` (for test control and for following an authorize URL), returning status and body.
pub async fn http(method: &str, url: &str, body: Option<&str>, redirect: &str) -> (u16, String) {
    let init = js_sys::Object::new();
    let set = |key: &str, value: JsValue| {
        js_sys::Reflect::set(&init, &JsValue::from_str(key), &value).unwrap();
    };
    set("method", method.into());
    set("redirect", redirect.into());
    if let Some(body) = body {
        set("body", body.into());
        set("headers", js("{\"content-type\": \"application/json\"}"));
    }
    let global = js_sys::global();
    let fetch: js_sys::Function = get(&global, "fetch").unchecked_into();
    let promise: js_sys::Promise = fetch.call2(&global, &url.into(), &init).unwrap().unchecked_into();
    let response = settle(promise).await.expect("the request reaches the emulator");
    let status = get(&response, "status").as_f64().unwrap() as u16;
    let text: js_sys::Function = get(&response, "text").unchecked_into();
    let text = settle(text.call0(&response).unwrap().unchecked_into()).await.unwrap();
    (status, text.as_string().unwrap_or_default())
}

/// `POST <emulator>/_emulator/<path>` with a JSON body; the JSON answer.
pub async fn control(emulator: &str, path: &str, body: &str) -> JsValue {
    let (status, text) = http("POST", &format!("{emulator}/_emulator/{path}"), Some(body), "follow").await;
    assert!(status < 300, "test control {path} answered {status}: {text}");
    if text.is_empty() {
        JsValue::NULL
    } else {
        js(&text)
    }
}

/// Waits `millis` with setTimeout.
pub async fn pause(millis: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout: js_sys::Function = get(&global, "setTimeout").unchecked_into();
        set_timeout.call2(&global, &resolve, &JsValue::from(millis)).unwrap();
    });
    settle(promise).await.unwrap();
}

/// A string property.
pub fn text(value: &JsValue, key: &str) -> String {
    get(value, key).as_string().unwrap_or_else(|| panic!("`{key}` is not a string in {}", json(value)))
}
