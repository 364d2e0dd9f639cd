//! Test control: approve or deny what a person would, move the clock, read the request log, reset.
//!
//! In-process users (Rust integration tests) call [`Control`]; other processes (pytest, Playwright)
//! use the HTTP form under `/_emulator/`, which exists only with `--control`:
//!
//! | request | effect |
//! |---|---|
//! | `GET /_emulator/health` | `{"ok":true}` |
//! | `GET /_emulator/device-authorizations` | device codes with user code and status |
//! | `POST /_emulator/device-authorizations/approve` `{"user_code"?, "user"?}` | approve one (default: newest pending) |
//! | `POST /_emulator/device-authorizations/deny` `{"user_code"?}` | deny one |
//! | `GET /_emulator/authorizations` | `/authorize` requests waiting on the sign-in page |
//! | `POST /_emulator/authorizations/approve` `{"id"?, "user"?}` | `{"redirect_url"}` with `code` and `state` |
//! | `POST /_emulator/authorizations/deny` `{"id"?}` | `{"redirect_url"}` with `error=access_denied` |
//! | `GET /_emulator/clock` / `POST /_emulator/clock/advance` `{"seconds"}` | `{"now": epoch seconds}` |
//! | `GET /_emulator/requests` (`?redacted=1`) / `POST /_emulator/requests/clear` | the request log |
//! | `POST /_emulator/faults` `{"operation","kind","count"?,"delay_ms"?}` | arm a fault |
//! | `POST /_emulator/reset` | forget clients, tokens, pending requests; re-arm scenario faults |
//! | `GET /_emulator/accounts` | the account directory (without removed accounts) |
//! | `POST /_emulator/accounts/remove` `{"account_id"}` | take an account out of the directory until reset |

use std::sync::Arc;

use serde_json::{json, Value};

use crate::scenario::{Account, Fault};
use crate::service::{redact, AuthorizationInfo, DeviceAuthorizationInfo, Emulator, LoggedRequest};
use crate::wire::{Request, Response};

/// A handle for tests to act on a running emulator. Cheap to clone.
#[derive(Clone)]
pub struct Control {
    emulator: Arc<Emulator>,
}

impl Control {
    pub(crate) fn new(emulator: Arc<Emulator>) -> Control {
        Control { emulator }
    }

    pub fn device_authorizations(&self) -> Vec<DeviceAuthorizationInfo> {
        self.emulator.device_authorizations()
    }

    /// Approves the pending device code with `user_code` (or the newest pending one) as the
    /// scenario's first user; returns the user code approved.
    pub fn approve_device(&self, user_code: Option<&str>) -> Result<String, String> {
        self.emulator.decide_device_code(user_code, true, None)
    }

    pub fn approve_device_as(&self, user_code: Option<&str>, user: &str) -> Result<String, String> {
        self.emulator.decide_device_code(user_code, true, Some(user))
    }

    pub fn deny_device(&self, user_code: Option<&str>) -> Result<String, String> {
        self.emulator.decide_device_code(user_code, false, None)
    }

    pub fn authorizations(&self) -> Vec<AuthorizationInfo> {
        self.emulator.authorizations()
    }

    /// Allows a pending `/authorize` request (by id, or the newest); returns the redirect URL with
    /// `code` and `state`.
    pub fn approve_authorization(&self, id: Option<&str>) -> Result<String, String> {
        self.emulator.decide_authorization(id, true, None)
    }

    /// Denies a pending `/authorize` request; returns the redirect URL with `error=access_denied`.
    pub fn deny_authorization(&self, id: Option<&str>) -> Result<String, String> {
        self.emulator.decide_authorization(id, false, None)
    }

    /// Moves the emulator's clock forward (or back, with a negative value); returns the new time in
    /// epoch seconds. Tokens, codes and registrations expire against this clock.
    pub fn advance_clock(&self, seconds: i64) -> i64 {
        self.emulator.advance_clock(seconds)
    }

    pub fn now_epoch_seconds(&self) -> i64 {
        self.emulator.now_ms().div_euclid(1000)
    }

    /// Every API and page request so far (not control requests), unredacted.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.emulator.requests()
    }

    pub fn clear_requests(&self) {
        self.emulator.clear_requests()
    }

    pub fn inject_fault(&self, fault: Fault) {
        self.emulator.inject_fault(fault)
    }

    pub fn reset(&self) {
        self.emulator.reset()
    }

    pub fn accounts(&self) -> Vec<Account> {
        self.emulator.listed_accounts().into_iter().cloned().collect()
    }

    /// Takes an account out of the directory until the next reset, as closing it would.
    pub fn remove_account(&self, account_id: &str) -> Result<String, String> {
        self.emulator.remove_account(account_id)
    }
}

fn ok(value: Value) -> Response {
    Response::json(200, &value)
}

fn problem(status: u16, message: impl Into<String>) -> Response {
    Response::json(status, &json!({"message": message.into()}))
}

fn body_of(request: &Request) -> Result<Value, Response> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice::<Value>(&request.body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| problem(400, "the body must be a JSON object"))
}

fn text<'a>(body: &'a Value, field: &str) -> Option<&'a str> {
    body.get(field).and_then(Value::as_str)
}

/// Answers a `/_emulator/…` request.
pub(crate) fn handle_http(emulator: &Emulator, request: &Request) -> Response {
    let body = match body_of(request) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let route = request.path.trim_start_matches(crate::service::CONTROL_PREFIX);
    let decided = |result: Result<String, String>, key: &str| match result {
        Ok(value) => ok(json!({ key: value })),
        Err(message) => problem(404, message),
    };
    match (request.method.as_str(), route) {
        ("GET", "health") => ok(json!({"ok": true, "base_url": emulator.base_url()})),
        ("GET", "device-authorizations") => {
            ok(json!({"device_authorizations": emulator.device_authorizations()}))
        }
        ("POST", "device-authorizations/approve") => decided(
            emulator.decide_device_code(text(&body, "user_code"), true, text(&body, "user")),
            "user_code",
        ),
        ("POST", "device-authorizations/deny") => {
            decided(emulator.decide_device_code(text(&body, "user_code"), false, None), "user_code")
        }
        ("GET", "authorizations") => ok(json!({"authorizations": emulator.authorizations()})),
        ("POST", "authorizations/approve") => decided(
            emulator.decide_authorization(text(&body, "id"), true, text(&body, "user")),
            "redirect_url",
        ),
        ("POST", "authorizations/deny") => {
            decided(emulator.decide_authorization(text(&body, "id"), false, None), "redirect_url")
        }
        ("GET", "clock") => ok(json!({"now": emulator.now_ms().div_euclid(1000)})),
        ("POST", "clock/advance") => match body.get("seconds").and_then(Value::as_i64) {
            Some(seconds) => ok(json!({"now": emulator.advance_clock(seconds)})),
            None => problem(400, "send {\"seconds\": <integer>}"),
        },
        ("GET", "requests") => {
            let redacted = request.query_param("redacted").is_some_and(|v| v == "1" || v == "true");
            let log: Vec<LoggedRequest> = emulator.requests();
            let log: Vec<LoggedRequest> = if redacted { log.iter().map(redact).collect() } else { log };
            ok(json!({"requests": log}))
        }
        ("POST", "requests/clear") => {
            emulator.clear_requests();
            ok(json!({"ok": true}))
        }
        ("POST", "faults") => match serde_json::from_value::<Fault>(body) {
            Ok(fault) => {
                emulator.inject_fault(fault);
                ok(json!({"ok": true}))
            }
            Err(e) => problem(400, format!("not a fault: {e}")),
        },
        ("POST", "reset") => {
            emulator.reset();
            ok(json!({"ok": true}))
        }
        ("POST", "accounts/remove") => match text(&body, "account_id") {
            Some(account_id) => decided(emulator.remove_account(account_id), "account_id"),
            None => problem(400, "send {\"account_id\": \"<12 digits>\"}"),
        },
        ("GET", "accounts") => {
            let accounts: Vec<Value> = emulator
                .listed_accounts()
                .into_iter()
                .map(
                    |a| json!({"account_id": a.account_id, "account_name": a.account_name, "roles": a.roles}),
                )
                .collect();
            ok(json!({"accounts": accounts}))
        }
        _ => problem(404, format!("no control endpoint {} {}", request.method, request.path)),
    }
}
