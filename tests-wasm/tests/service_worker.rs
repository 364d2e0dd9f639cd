//! The package in an extension-like service worker (no `window`, no DOM): parsing, Web Crypto
//! randomness and `fetch` with timers all work there.
#![cfg(target_arch = "wasm32")]

mod common;

use common::{auto_emulator, get, js, settle, text};
use sso_bridge_wasm::config::parse_config;
use sso_bridge_wasm::sso::{OidcClientJs, PortalClientJs};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_service_worker);

#[wasm_bindgen_test]
fn there_is_no_window_here() {
    assert!(get(&js_sys::global(), "window").is_undefined());
    assert!(!get(&js_sys::global(), "registration").is_undefined(), "a ServiceWorkerGlobalScope");
}

#[wasm_bindgen_test]
async fn device_sign_in_pkce_start_and_listing_work_in_a_service_worker() {
    let parsed = parse_config("[profile dev]\nsso_session = s\n", None).unwrap();
    assert!(!get(&get(&parsed, "profiles"), "dev").is_undefined());

    let base = auto_emulator();
    let oidc = OidcClientJs::new(base).unwrap();
    let request =
        js(r#"{"kind": "deviceCode", "startUrl": "https://w.awsapps.com/start", "region": "us-east-1"}"#);
    let registration = get(&settle(oidc.register(request)).await.unwrap(), "registration");
    let authorization =
        settle(oidc.start_device_authorization(registration.clone(), "https://w.awsapps.com/start".into()))
            .await
            .unwrap();
    let issued = settle(oidc.poll_device_token(registration.clone(), authorization, None)).await.unwrap();

    let started = oidc.pkce_start(registration, js(r#"{"port": 8123}"#)).unwrap();
    assert_eq!(text(&get(&started, "pending"), "codeVerifier").len(), 64);

    let portal = PortalClientJs::new(base).unwrap();
    let accounts: js_sys::Array =
        settle(portal.list_accounts(text(&issued, "accessToken"), None)).await.unwrap().into();
    assert!(accounts.length() > 0);
}
