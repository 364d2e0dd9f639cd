//! The browser's effects behind the core's injected traits: [`FetchTransport`] (`fetch`),
//! [`TimerSleep`] (`setTimeout`), [`CryptoRandom`] (`crypto.getRandomValues` via getrandom) and
//! [`BrowserClock`] (`Date.now`).
//!
//! `fetch` and `setTimeout` are called as globals so the same module works in a page, a dedicated
//! worker and an extension's service worker (which has no `window`).

use crate::http::{
    Clock, HttpRequest, HttpResponse, Method, Random, Sleep, Transport, TransportError, TransportErrorKind,
};
use crate::time::UtcTime;
use js_sys::{Promise, Uint8Array};
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, Request, RequestInit, Response};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(request: &Request) -> Promise;

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, millis: f64) -> JsValue;

    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);

    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Sends requests with the global `fetch`. With a signal, an aborted caller makes the request fail
/// with [`TransportErrorKind::Cancelled`] (also before it starts).
#[derive(Default)]
pub struct FetchTransport {
    signal: Option<AbortSignal>,
}

impl FetchTransport {
    pub fn new(signal: Option<AbortSignal>) -> Self {
        FetchTransport { signal }
    }

    fn is_aborted(&self) -> bool {
        self.signal.as_ref().is_some_and(|s| s.aborted())
    }

    async fn send_inner(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if self.is_aborted() {
            return Err(cancelled());
        }
        let init = RequestInit::new();
        init.set_method(request.method.as_str());
        let headers = Headers::new().map_err(|e| js_failure(TransportErrorKind::Other, &e))?;
        for (name, value) in &request.headers {
            headers.append(name, value).map_err(|e| js_failure(TransportErrorKind::Other, &e))?;
        }
        init.set_headers(&headers);
        if request.method == Method::Post || !request.body.is_empty() {
            init.set_body(&Uint8Array::from(request.body.as_slice()));
        }
        if let Some(signal) = &self.signal {
            init.set_signal(Some(signal));
        }
        let js_request = Request::new_with_str_and_init(&request.url, &init)
            .map_err(|e| js_failure(TransportErrorKind::Other, &e))?;
        let response: Response = JsFuture::from(global_fetch(&js_request))
            .await
            .map_err(|e| self.fetch_failure(&e))?
            .unchecked_into();

        let mut header_pairs = Vec::new();
        // Header names arrive lower-cased; a cross-origin response shows only CORS-safelisted and
        // exposed headers (the emulator exposes x-amzn-ErrorType and Retry-After).
        let entries = js_sys::try_iter(&response.headers())
            .map_err(|e| js_failure(TransportErrorKind::Other, &e))?
            .ok_or_else(|| {
                TransportError::new(TransportErrorKind::Other, "response headers are not iterable")
            })?;
        for entry in entries {
            let pair: js_sys::Array = entry.map_err(|e| js_failure(TransportErrorKind::Other, &e))?.into();
            header_pairs.push((
                pair.get(0).as_string().unwrap_or_default(),
                pair.get(1).as_string().unwrap_or_default(),
            ));
        }
        let buffer = response.array_buffer().map_err(|e| js_failure(TransportErrorKind::Other, &e))?;
        let body = JsFuture::from(buffer).await.map_err(|e| self.fetch_failure(&e))?;
        Ok(HttpResponse {
            status: response.status(),
            headers: header_pairs,
            body: Uint8Array::new(&body).to_vec(),
        })
    }

    fn fetch_failure(&self, error: &JsValue) -> TransportError {
        if self.is_aborted() || error_name(error).as_deref() == Some("AbortError") {
            cancelled()
        } else {
            // fetch rejects with a TypeError for DNS, refused connections, TLS and CORS failures:
            // the browser does not tell them apart (on purpose), and neither can we.
            js_failure(TransportErrorKind::Connect, error)
        }
    }
}

impl Transport for FetchTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.send_inner(request).await
    }
}

fn cancelled() -> TransportError {
    TransportError::new(TransportErrorKind::Cancelled, "the operation was cancelled (AbortSignal)")
}

fn error_name(error: &JsValue) -> Option<String> {
    js_sys::Reflect::get(error, &JsValue::from_str("name")).ok()?.as_string()
}

/// A transport error described by the JS error's name and message (never the request).
fn js_failure(kind: TransportErrorKind, error: &JsValue) -> TransportError {
    let message = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".to_string());
    let name = error_name(error).unwrap_or_else(|| "Error".to_string());
    TransportError::new(kind, format!("fetch failed: {name}: {message}"))
}

/// Waits with `setTimeout`. With a signal, an abort ends the wait at once, so a polling loop
/// reaches its next (cancelled) request without sleeping out the interval.
#[derive(Default)]
pub struct TimerSleep {
    signal: Option<AbortSignal>,
}

impl TimerSleep {
    pub fn new(signal: Option<AbortSignal>) -> Self {
        TimerSleep { signal }
    }
}

impl Sleep for TimerSleep {
    async fn sleep(&self, duration: Duration) {
        if self.signal.as_ref().is_some_and(|s| s.aborted()) {
            return;
        }
        let millis = duration.as_millis().min(i32::MAX as u128) as f64;
        let mut on_abort: Option<Closure<dyn FnMut()>> = None;
        let promise = Promise::new(&mut |resolve, _reject| {
            let handle = set_timeout(&resolve, millis);
            if let Some(signal) = &self.signal {
                let closure = Closure::once(move || {
                    clear_timeout(&handle);
                    let _ = resolve.call0(&JsValue::UNDEFINED);
                });
                let _ = signal.add_event_listener_with_callback("abort", closure.as_ref().unchecked_ref());
                on_abort = Some(closure);
            }
        });
        // The promise never rejects.
        let _ = JsFuture::from(promise).await;
        // Unhook before the closure is freed, so polling for minutes does not pile up listeners.
        if let (Some(signal), Some(closure)) = (&self.signal, on_abort) {
            let _ = signal.remove_event_listener_with_callback("abort", closure.as_ref().unchecked_ref());
        }
    }
}

/// `crypto.getRandomValues` through getrandom's `wasm_js` backend.
#[derive(Default)]
pub struct CryptoRandom;

impl Random for CryptoRandom {
    fn fill_bytes(&self, dest: &mut [u8]) {
        // getrandom fails only where there is no Web Crypto at all (every browser and worker
        // has it). Proceeding with unfilled bytes would produce guessable PKCE verifiers and
        // OAuth state, so this is the one place a failure must stop everything.
        if let Err(error) = getrandom::fill(dest) {
            panic!("no secure randomness available (crypto.getRandomValues): {error}");
        }
    }
}

/// The wall clock from `Date.now()`.
#[derive(Default)]
pub struct BrowserClock;

impl Clock for BrowserClock {
    fn now(&self) -> UtcTime {
        UtcTime::from_unix_millis(js_sys::Date::now() as i64)
    }
}

/// Prints panics with `console.error` (the module is dead afterwards; the message says why).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error(&format!("sso-bridge: internal error (please report it): {info}"));
    }));
}
