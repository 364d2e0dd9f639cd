//! The core's JSON reader differentially against serde_json (the referee of
//! `crate/tests/json_referee.rs`): for any bytes, both accept or both refuse, and what they accept
//! they read alike (numbers as whole numbers where both see one, else as the same `f64`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use sso_bridge::json::Json;

fn within_rounding(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= a.abs().max(b.abs()) * 1e-15
}

fn same(ours: &Json, theirs: &Value) -> bool {
    match (ours, theirs) {
        (Json::Null, Value::Null) => true,
        (Json::Bool(a), Value::Bool(b)) => a == b,
        (Json::String(a), Value::String(b)) => a == b,
        (Json::Number(text), Value::Number(number)) => match (ours.as_i64(), number.as_i64()) {
            (Some(a), Some(b)) => a == b,
            // A whole number in float notation (`-13000000010000000000e-3`): serde_json reads it as
            // an f64, not correctly rounded, so agree to within rounding as below.
            (Some(a), None) => number.as_f64().is_some_and(|b| within_rounding(a as f64, b)),
            // serde_json's float reading is not correctly rounded: agree to within rounding.
            (None, _) => match (text.parse::<f64>(), number.as_f64()) {
                (Ok(a), Some(b)) => within_rounding(a, b),
                _ => false,
            },
        },
        (Json::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
        (Json::Object(members), Value::Object(map)) => {
            map.iter().all(|(key, value)| ours.get(key).is_some_and(|o| same(o, value)))
                && members.iter().all(|(key, _)| map.contains_key(key))
        }
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let ours = Json::parse_bytes(data);
    let theirs = serde_json::from_slice::<Value>(data);
    match (&ours, &theirs) {
        (Ok(o), Ok(t)) => assert!(same(o, t), "we read {o:?}, serde_json {t:?}"),
        (Err(error), Err(_)) => assert!(!error.to_string().is_empty()),
        _ => panic!("we say {ours:?}, serde_json says {theirs:?}"),
    }
});
