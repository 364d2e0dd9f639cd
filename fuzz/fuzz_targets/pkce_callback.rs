//! The PKCE sign-in's callback URL, which a web page can make the browser open: nothing may panic,
//! and a code is only ever taken from a URL that carries this sign-in's `state`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sso_bridge::flows::pkce::{parse_callback, PendingPkce};
use sso_bridge::secret::Secret;
use sso_bridge::time::UtcTime;

const STATE: &str = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

fuzz_target!(|url: &str| {
    let pending = PendingPkce {
        client_id: "client".into(),
        client_secret: Secret::new("client-secret"),
        redirect_uri: "http://127.0.0.1:43123/oauth/callback".into(),
        state: STATE.into(),
        code_verifier: Secret::new("verifier"),
        expires_at: 2_000_000_000,
    };
    match parse_callback(&pending, url, UtcTime::from_unix_seconds(1_900_000_000)) {
        Ok(code) => {
            let pairs =
                sso_bridge::oidc::url::query_pairs(url).expect("a URL a code was taken from has a query");
            let states: Vec<&str> =
                pairs.iter().filter(|(k, _)| k == "state").map(|(_, v)| v.as_str()).collect();
            assert!(states.contains(&STATE), "a code was taken without this sign-in's state: {url:?}");
            assert!(
                !pairs.iter().any(|(k, _)| k == "error"),
                "a code was taken from an error callback: {url:?}"
            );
            assert!(!code.is_empty());
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
});
