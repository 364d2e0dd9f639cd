//! The browser effects behind the core's traits: fetch transport, setTimeout sleep, Web Crypto
//! randomness, Date.now clock, and the JS error shape.
#![cfg(target_arch = "wasm32")]

use sso_bridge::http::{Clock, HttpRequest, Method, Random, Sleep, Transport, TransportErrorKind};
use sso_bridge_wasm::convert::JsFailure;
use sso_bridge_wasm::effects::{BrowserClock, CryptoRandom, FetchTransport, TimerSleep};
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn fetch_transport_returns_status_headers_and_body() {
    // A data: URL needs no server and goes through the real fetch.
    let request = HttpRequest::new(Method::Get, "data:application/json,%7B%22a%22%3A1%7D");
    let response = FetchTransport::default().send(request).await.expect("data: URLs can be fetched");
    assert_eq!(response.status, 200);
    assert_eq!(response.header("Content-Type"), Some("application/json"));
    assert_eq!(response.body, br#"{"a":1}"#);
}

#[wasm_bindgen_test]
async fn fetch_transport_reports_refused_connections_as_connect_errors() {
    // Port 9 (discard) is not listening on the test machine's loopback.
    let request = HttpRequest::new(Method::Post, "http://127.0.0.1:9/token").with_body("{}");
    let error = FetchTransport::default().send(request).await.expect_err("nothing listens on port 9");
    assert_eq!(error.kind, TransportErrorKind::Connect);
    assert!(error.message.starts_with("fetch failed: TypeError"), "{}", error.message);
}

#[wasm_bindgen_test]
async fn fetch_transport_reads_at_most_10_mib_of_a_response() {
    // As the native transport (MAX_RESPONSE_BYTES): an endless or huge answer is refused, not
    // buffered, and not retried (the same request would get the same answer).
    const LIMIT: usize = 10 * 1024 * 1024;
    let at_limit = format!("data:text/plain,{}", "a".repeat(LIMIT));
    let response = FetchTransport::default().send(HttpRequest::new(Method::Get, &at_limit)).await.unwrap();
    assert_eq!(response.body.len(), LIMIT);
    let over = format!("data:text/plain,{}", "a".repeat(LIMIT + 1));
    let error = FetchTransport::default().send(HttpRequest::new(Method::Get, &over)).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::Other);
    assert!(error.message.contains("larger than 10485760 bytes"), "{}", error.message);
}

#[wasm_bindgen_test]
async fn fetch_transport_with_an_aborted_signal_is_cancelled() {
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let request = HttpRequest::new(Method::Get, "data:text/plain,x");
    let error = FetchTransport::new(Some(controller.signal())).send(request).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::Cancelled);
}

#[wasm_bindgen_test]
async fn timer_sleep_waits_and_an_abort_ends_the_wait() {
    let start = js_sys::Date::now();
    TimerSleep::default().sleep(Duration::from_millis(50)).await;
    let slept = js_sys::Date::now() - start;
    assert!(slept >= 45.0, "slept only {slept} ms");

    let controller = web_sys::AbortController::new().unwrap();
    let signal = controller.signal();
    let abort_soon = js_sys::Function::new_with_args("c", "setTimeout(() => c.abort(), 20)");
    abort_soon.call1(&JsValue::NULL, &controller).unwrap();
    let start = js_sys::Date::now();
    TimerSleep::new(Some(signal)).sleep(Duration::from_secs(30)).await;
    let slept = js_sys::Date::now() - start;
    assert!(slept < 5_000.0, "the abort did not end a 30 s sleep (slept {slept} ms)");
}

#[wasm_bindgen_test]
fn crypto_random_fills_with_different_bytes_each_time() {
    let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
    CryptoRandom.fill_bytes(&mut a);
    CryptoRandom.fill_bytes(&mut b);
    assert_ne!(a, [0u8; 32]);
    assert_ne!(a, b);
}

#[wasm_bindgen_test]
fn browser_clock_is_the_wall_clock() {
    let now = BrowserClock.now().unix_seconds();
    let date_now = (js_sys::Date::now() / 1000.0) as i64;
    assert!((now - date_now).abs() <= 1, "{now} vs {date_now}");
    assert!(now > 1_700_000_000, "clock is not the wall clock: {now}");
}

#[wasm_bindgen_test]
fn failures_become_errors_with_code_variant_and_retryable() {
    let value: JsValue = JsFailure::new("slow_down", "SlowDown", true, "Wait and retry.").into();
    let error: &js_sys::Error = value.dyn_ref().expect("an Error instance");
    assert_eq!(String::from(error.name()), "SsoBridgeError");
    assert_eq!(String::from(error.message()), "Wait and retry.");
    let get = |key: &str| js_sys::Reflect::get(&value, &JsValue::from_str(key)).unwrap();
    assert_eq!(get("code").as_string().as_deref(), Some("slow_down"));
    assert_eq!(get("variant").as_string().as_deref(), Some("SlowDown"));
    assert_eq!(get("retryable").as_bool(), Some(true));
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(sso_bridge_wasm::version(), env!("CARGO_PKG_VERSION"));
}
