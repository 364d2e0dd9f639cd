//! Every SSO OIDC and portal operation's response parser with arbitrary responses: any status,
//! an optional `x-amzn-ErrorType` header and any body. Nothing may panic, every error has a message,
//! and no error message repeats a secret the body carried.
//!
//! Input: byte 0 picks the status, byte 1 whether there is an error-type header (its value is the
//! body's first line), the rest is the body.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sso_bridge::http::HttpResponse;
use sso_bridge::{oidc, portal};

const STATUSES: [u16; 12] = [200, 200, 200, 204, 400, 401, 403, 404, 429, 500, 503, 302];

fuzz_target!(|data: &[u8]| {
    let (Some(&status), Some(&header)) = (data.first(), data.get(1)) else { return };
    let body = data.get(2..).unwrap_or_default().to_vec();
    let mut response = HttpResponse::new(STATUSES[status as usize % STATUSES.len()]);
    if header % 2 == 1 {
        let first_line = body.split(|b| *b == b'\n').next().unwrap_or_default();
        response.headers.push(("x-amzn-ErrorType".into(), String::from_utf8_lossy(first_line).into_owned()));
    }
    response.body = body;
    let errors = [
        oidc::parse_register_client(&response).err(),
        oidc::parse_start_device_authorization(&response).err(),
        oidc::parse_create_token(&response).err(),
        portal::parse_list_accounts(&response).err(),
        portal::parse_list_account_roles(&response).err(),
        portal::parse_get_role_credentials(&response).err(),
        portal::parse_logout(&response).err(),
    ];
    // Secret members of these responses, when they are long enough to recognise in a message.
    let secrets: Vec<String> = sso_bridge::json::Json::parse_bytes(&response.body)
        .ok()
        .and_then(|value| {
            let mut found = Vec::new();
            let mut look = |v: &sso_bridge::json::Json| {
                for key in [
                    "accessToken",
                    "refreshToken",
                    "idToken",
                    "clientSecret",
                    "deviceCode",
                    "secretAccessKey",
                    "sessionToken",
                ] {
                    if let Some(text) = v.get(key).and_then(|m| m.as_str()) {
                        found.push(text.to_owned());
                    }
                }
            };
            look(&value);
            if let Some(inner) = value.get("roleCredentials") {
                look(inner);
            }
            Some(found)
        })
        .unwrap_or_default()
        .into_iter()
        .filter(|s| s.len() >= 12 && s.bytes().all(|b| b.is_ascii_alphanumeric()))
        .collect();
    for error in errors.into_iter().flatten() {
        let message = error.to_string();
        assert!(!message.is_empty());
        for secret in &secrets {
            assert!(!message.contains(secret.as_str()), "{message}");
        }
    }
});
