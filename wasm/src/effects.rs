//! The browser's effects behind the core's injected traits: [`FetchTransport`] (`fetch`),
//! [`TimerSleep`] (`setTimeout`), [`CryptoRandom`] (`crypto.getRandomValues` via getrandom) and
//! [`BrowserClock`] (`Date.now`).
//!
//! `fetch` and `setTimeout` are called as globals so the same module works in a page, a dedicated
//! worker and an extension's service worker (which has no `window`).

use js_sys::Promise;
use sso_bridge::http::{
    Clock, HttpRequest, HttpResponse, Random, Sleep, Transport, TransportError, TransportErrorKind,
};
use sso_bridge::time::UtcTime;
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

// The two effects as small JS functions (one import each) rather than web-sys calls: `Request`,
// `Headers`, `RequestInit`'s setters, header iteration and the `setTimeout`/abort-listener closures
// were some twenty imports and their Rust-side conversions. Headers cross as
// `name\nvalue\n` lines: HTTP forbids line breaks in names and values (and `send` refuses them).
// The native transport's guards, here too: no redirects (`redirect: "error"`: an AWS API answering
// 3xx is an error, and a POST carrying a secret is never re-sent elsewhere), no HTTP cache
// (`no-store`: answers hold tokens and keys), no cookies, and at most 10 MiB read from a response.
#[wasm_bindgen(inline_js = r#"
export async function ssoBridgeFetch(url, method, headerLines, body, signal) {
  const headers = [];
  const lines = headerLines.split("\n");
  for (let i = 0; i + 1 < lines.length; i += 2) headers.push([lines[i], lines[i + 1]]);
  // The body is a view into wasm memory: copy it before anything can grow that memory.
  const response = await fetch(url, {
    method,
    headers,
    body: body.length > 0 || method === "POST" ? body.slice() : undefined,
    signal: signal ?? undefined,
    redirect: "error",
    cache: "no-store",
    credentials: "omit",
  });
  const chunks = [];
  let size = 0;
  for (const reader = response.body?.getReader(); reader; ) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    if ((size += value.length) > 10485760) {
      reader.cancel();
      throw new RangeError("the answer is larger than 10485760 bytes");
    }
  }
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let received = "";
  for (const [name, value] of response.headers) received += name + "\n" + value + "\n";
  return { status: response.status, headers: received, body: bytes };
}

export function ssoBridgeSleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done);
  });
}
"#)]
extern "C" {
    /// `fetch` with the request's parts; resolves to a [`FetchedResponse`], rejects as `fetch` does.
    #[wasm_bindgen(js_name = ssoBridgeFetch)]
    fn bridge_fetch(
        url: &str,
        method: &str,
        header_lines: &str,
        body: &[u8],
        signal: Option<AbortSignal>,
    ) -> Promise;

    /// Resolves after `millis`, or at once when `signal` aborts; never rejects.
    #[wasm_bindgen(js_name = ssoBridgeSleep)]
    fn bridge_sleep(millis: f64, signal: Option<AbortSignal>) -> Promise;
}

#[wasm_bindgen]
extern "C" {
    /// What `ssoBridgeFetch` resolves to (a plain object).
    type FetchedResponse;
    #[wasm_bindgen(method, getter)]
    fn status(this: &FetchedResponse) -> u16;
    /// `name\nvalue\n` lines, names lower-cased by the browser.
    #[wasm_bindgen(method, getter)]
    fn headers(this: &FetchedResponse) -> String;
    #[wasm_bindgen(method, getter)]
    fn body(this: &FetchedResponse) -> Vec<u8>;

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
        let mut lines = String::new();
        for (name, value) in &request.headers {
            if [name, value].iter().any(|text| text.contains(['\n', '\r'])) {
                return Err(TransportError::new(
                    TransportErrorKind::Other,
                    // Header names are the core's own constants; values are never shown.
                    format!("the request header `{name}` contains a line break"),
                ));
            }
            lines.push_str(name);
            lines.push('\n');
            lines.push_str(value);
            lines.push('\n');
        }
        let promise =
            bridge_fetch(&request.url, request.method.as_str(), &lines, &request.body, self.signal.clone());
        let response: FetchedResponse =
            JsFuture::from(promise).await.map_err(|e| self.fetch_failure(&e))?.unchecked_into();
        // A cross-origin response shows only CORS-safelisted and exposed headers (the emulator
        // exposes x-amzn-ErrorType and Retry-After).
        let header_text = response.headers();
        let mut parts = header_text.split('\n');
        let mut headers = Vec::new();
        while let (Some(name), Some(value)) = (parts.next(), parts.next()) {
            headers.push((name.to_owned(), value.to_owned()));
        }
        Ok(HttpResponse { status: response.status(), headers, body: response.body() })
    }

    fn fetch_failure(&self, error: &JsValue) -> TransportError {
        let name = error_name(error);
        if self.is_aborted() || name.as_deref() == Some("AbortError") {
            cancelled()
        } else if name.as_deref() == Some("RangeError") {
            // The size cap: asking again would get the same oversized answer.
            js_failure(TransportErrorKind::Other, error)
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
        let millis = duration.as_millis().min(i32::MAX as u128) as f64;
        // The promise never rejects; an abort resolves it early.
        let _ = JsFuture::from(bridge_sleep(millis, self.signal.clone())).await;
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
        if getrandom::fill(dest).is_err() {
            panic!("no secure randomness available (crypto.getRandomValues)");
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
