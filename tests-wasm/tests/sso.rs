//! The OIDC and portal clients through the JS API, with real `fetch` calls to the emulator:
//! device-code and PKCE sign-in, refresh, listing 1,000 accounts, role credentials, console
//! sign-in, logout, the error mapping of every fault the emulator can inject, and cancellation.
#![cfg(target_arch = "wasm32")]

mod common;

use common::{auto_emulator, control, emulator, error_parts, get, http, js, json, pause, settle, text};
use sso_bridge_wasm::cache::token_file_json;
use sso_bridge_wasm::export::export_credentials;
use sso_bridge_wasm::sso::{
    plan_refresh_js, resolve_endpoints, token_file_for, OidcClientJs, PortalClientJs,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const START_URL: &str = "https://d-abc123.awsapps.com/start";
const REGION: &str = "us-east-1";

fn request(kind: &str, cached: Option<&str>) -> JsValue {
    let value = js(&format!(
        r#"{{"kind": "{kind}", "startUrl": "{START_URL}", "region": "{REGION}", "sessionName": "dev"}}"#
    ));
    if let Some(file) = cached {
        js_sys::Reflect::set(&value, &"cachedRegistrationFile".into(), &file.into()).unwrap();
    }
    value
}

fn session() -> JsValue {
    js(&format!(r#"{{"startUrl": "{START_URL}", "region": "{REGION}"}}"#))
}

fn with_signal(signal: &web_sys::AbortSignal) -> JsValue {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"signal".into(), signal).unwrap();
    options.into()
}

/// A device-code sign-in on the auto-approving emulator: (registration, token file).
async fn device_sign_in(base: &str) -> (JsValue, JsValue) {
    let oidc = OidcClientJs::new(base).unwrap();
    let obtained = settle(oidc.register(request("deviceCode", None))).await.unwrap();
    let registration = get(&obtained, "registration");
    let authorization =
        settle(oidc.start_device_authorization(registration.clone(), START_URL.into())).await.unwrap();
    let issued = settle(oidc.poll_device_token(registration.clone(), authorization, None)).await.unwrap();
    let token = token_file_for(issued, session(), registration.clone()).unwrap();
    (registration, token)
}

#[wasm_bindgen_test]
fn resolve_endpoints_follows_aws_defaults_and_overrides() {
    let endpoints = resolve_endpoints(js(r#"{"region": "eu-west-1"}"#)).unwrap();
    assert_eq!(text(&get(&endpoints, "oidc"), "url"), "https://oidc.eu-west-1.amazonaws.com");
    assert_eq!(text(&get(&endpoints, "portal"), "url"), "https://portal.sso.eu-west-1.amazonaws.com");
    assert_eq!(json(&get(&get(&endpoints, "oidc"), "source")), r#"{"kind":"awsDefault","partition":"aws"}"#);

    let overridden = resolve_endpoints(js(
        r#"{"region": "us-east-1", "env": {"AWS_ENDPOINT_URL_SSO_OIDC": "http://127.0.0.1:8080"},
            "profileName": "dev", "configText": "[profile dev]\nendpoint_url = http://127.0.0.1:9090\n"}"#,
    ))
    .unwrap();
    assert_eq!(text(&get(&overridden, "oidc"), "url"), "http://127.0.0.1:8080");
    assert_eq!(text(&get(&overridden, "portal"), "url"), "http://127.0.0.1:9090");
    assert_eq!(text(&get(&get(&overridden, "portal"), "source"), "kind"), "profileEndpointUrl");

    let (code, variant, ..) =
        error_parts(&resolve_endpoints(js(r#"{"region": "us-east-1/evil"}"#)).unwrap_err());
    assert_eq!((code.as_str(), variant.as_str()), ("invalid_region", "InvalidRegion"));
}

/// The bindings keep the last config text read as the SDKs do (the extension resolves each
/// session's endpoints from the same text): every answer must still be the answer for the text given.
#[wasm_bindgen_test]
fn endpoints_follow_the_config_text_given_each_time() {
    let options = |config: &str, credentials: Option<&str>| {
        let options = js(r#"{"region": "us-east-1", "profileName": "dev"}"#);
        js_sys::Reflect::set(&options, &"configText".into(), &config.into()).unwrap();
        if let Some(credentials) = credentials {
            js_sys::Reflect::set(&options, &"credentialsText".into(), &credentials.into()).unwrap();
        }
        options
    };
    let portal = |config: &str, credentials: Option<&str>| {
        text(&get(&resolve_endpoints(options(config, credentials)).unwrap(), "portal"), "url")
    };
    let a = "[profile dev]\nendpoint_url = http://127.0.0.1:9001\n";
    let b = "[profile dev]\nendpoint_url = http://127.0.0.1:9002\n";
    for (config, expected) in [(a, 9001), (a, 9001), (b, 9002), (a, 9001), (b, 9002), (b, 9002)] {
        assert_eq!(portal(config, None), format!("http://127.0.0.1:{expected}"));
    }
    // A file the SDKs refuse is refused each time, and does not replace the kept reading.
    for _ in 0..2 {
        let (code, ..) = error_parts(&resolve_endpoints(options("[profile dev\n", None)).unwrap_err());
        assert_eq!(code, "unclosed_section_header");
    }
    assert_eq!(portal(b, None), "http://127.0.0.1:9002");
    // With a credentials file the reading is not the kept one (its values win).
    let credentials = "[dev]\nendpoint_url = http://127.0.0.1:9003\n";
    assert_eq!(portal(b, Some(credentials)), "http://127.0.0.1:9003");
    assert_eq!(portal(b, None), "http://127.0.0.1:9002");
}

#[wasm_bindgen_test]
async fn device_sign_in_with_auto_approval_and_registration_reuse() {
    let oidc = OidcClientJs::new(auto_emulator()).unwrap();
    let obtained = settle(oidc.register(request("deviceCode", None))).await.unwrap();
    let registration = get(&obtained, "registration");
    let new_file = text(&obtained, "newCacheFile");
    assert!(new_file.starts_with(r#"{"clientId": ""#), "{new_file}");
    assert!(get(&registration, "grantTypes").is_null(), "a device registration has no grantTypes");
    assert_eq!(text(&obtained, "cacheKey").len(), 40);

    // The CLI's rule: a cached registration of the right kind is reused, not re-registered.
    let again = settle(oidc.register(request("deviceCode", Some(&new_file)))).await.unwrap();
    assert!(get(&again, "newCacheFile").is_null());
    assert_eq!(text(&get(&again, "registration"), "clientId"), text(&registration, "clientId"));

    let authorization =
        settle(oidc.start_device_authorization(registration.clone(), START_URL.into())).await.unwrap();
    assert!(!text(&authorization, "userCode").is_empty());
    assert!(text(&authorization, "startedAt").ends_with('Z'));
    let issued = settle(oidc.poll_device_token(registration.clone(), authorization, None)).await.unwrap();
    assert!(!text(&issued, "accessToken").is_empty());

    let token = token_file_for(issued, session(), registration).unwrap();
    assert_eq!(text(&token, "startUrl"), START_URL);
    let file = token_file_json(token.clone()).unwrap();
    assert!(
        file.starts_with(&format!(r#"{{"startUrl": "{START_URL}", "region": "{REGION}", "accessToken": ""#))
    );
    let plan = plan_refresh_js(token, None).unwrap();
    assert_eq!(text(&plan, "action"), "notYet");
}

#[wasm_bindgen_test]
async fn device_sign_in_waits_for_approval_through_test_control() {
    let base = emulator();
    let oidc = OidcClientJs::new(base).unwrap();
    let registration =
        get(&settle(oidc.register(request("deviceCode", None))).await.unwrap(), "registration");
    let authorization =
        settle(oidc.start_device_authorization(registration.clone(), START_URL.into())).await.unwrap();
    let user_code = text(&authorization, "userCode");
    let polling = oidc.poll_device_token(registration, authorization, None);
    pause(1500).await; // at least one authorization_pending answer first
    control(base, "device-authorizations/approve", &format!(r#"{{"user_code": "{user_code}"}}"#)).await;
    let issued = settle(polling).await.expect("the approved sign-in yields a token");
    assert!(!text(&issued, "accessToken").is_empty());
}

#[wasm_bindgen_test]
async fn pkce_sign_in_approved_through_test_control_then_refresh() {
    let base = emulator();
    let oidc = OidcClientJs::new(base).unwrap();
    let obtained = settle(oidc.register(request("authorizationCode", None))).await.unwrap();
    let registration = get(&obtained, "registration");
    assert_eq!(json(&get(&registration, "grantTypes")), r#"["authorization_code","refresh_token"]"#);

    let started = oidc.pkce_start(registration.clone(), js(r#"{"port": 43117}"#)).unwrap();
    let url = text(&started, "authorizeUrl");
    assert!(url.starts_with(&format!("{base}/authorize?response_type=code&client_id=")), "{url}");
    assert!(url.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A43117%2Foauth%2Fcallback"), "{url}");
    assert!(
        url.contains("code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge="),
        "{url}"
    );
    let pending = get(&started, "pending");
    assert_eq!(text(&pending, "codeVerifier").len(), 64);

    // The browser opens the authorize URL; the person approves; the redirect carries the code.
    http("GET", &url, None, "manual").await;
    let approval = control(base, "authorizations/approve", "{}").await;
    let callback = text(&approval, "redirect_url");
    assert!(callback.starts_with("http://127.0.0.1:43117/oauth/callback?"), "{callback}");

    // A tampered state is refused before any call.
    let forged = callback.replace("state=", "state=x");
    let (code, variant, ..) =
        error_parts(&settle(oidc.pkce_finish(pending.clone(), forged)).await.unwrap_err());
    assert_eq!((code.as_str(), variant.as_str()), ("state_mismatch", "StateMismatch"));
    // So is a denial.
    let denied = format!(
        "http://127.0.0.1:43117/oauth/callback?error=access_denied&state={}",
        text(&pending, "state")
    );
    let (code, ..) = error_parts(&settle(oidc.pkce_finish(pending.clone(), denied)).await.unwrap_err());
    assert_eq!(code, "authorization_failed");

    let issued = settle(oidc.pkce_finish(pending, callback)).await.expect("the code is exchanged");
    assert!(!get(&issued, "refreshToken").is_null(), "PKCE tokens come with a refresh token");
    let token = token_file_for(issued, session(), registration).unwrap();

    let refreshed = settle(oidc.refresh(token.clone(), session())).await.expect("the refresh succeeds");
    assert_ne!(text(&refreshed, "accessToken"), text(&token, "accessToken"));
    assert_eq!(text(&refreshed, "clientId"), text(&token, "clientId"));
}

#[wasm_bindgen_test]
async fn portal_lists_1000_accounts_roles_credentials_and_logs_out() {
    let base = emulator();
    // A device sign-in approved as soon as it is pending.
    let oidc = OidcClientJs::new(base).unwrap();
    let registration =
        get(&settle(oidc.register(request("deviceCode", None))).await.unwrap(), "registration");
    let authorization =
        settle(oidc.start_device_authorization(registration.clone(), START_URL.into())).await.unwrap();
    control(
        base,
        "device-authorizations/approve",
        &format!(r#"{{"user_code": "{}"}}"#, text(&authorization, "userCode")),
    )
    .await;
    let issued = settle(oidc.poll_device_token(registration.clone(), authorization, None)).await.unwrap();
    let token = token_file_for(issued, session(), registration).unwrap();
    let access_token = text(&token, "accessToken");

    let portal = PortalClientJs::new(base).unwrap();
    control(base, "requests/clear", "{}").await;
    let accounts: js_sys::Array =
        settle(portal.list_accounts(access_token.clone(), None)).await.unwrap().into();
    assert_eq!(accounts.length(), 1000);
    let ids: std::collections::BTreeSet<String> = accounts.iter().map(|a| text(&a, "accountId")).collect();
    assert_eq!(ids.len(), 1000, "every account once");
    let (_, log) = http("GET", &format!("{base}/_emulator/requests"), None, "follow").await;
    let log: js_sys::Array = get(&js(&log), "requests").into();
    let pages =
        log.iter().filter(|r| text(r, "method") == "GET" && text(r, "path") == "/assignment/accounts");
    assert_eq!(pages.count(), 10, "ten pages of 100 (plus CORS preflights)");

    let small_pages: js_sys::Array =
        settle(portal.list_accounts(access_token.clone(), Some(js(r#"{"pageSize": 7}"#))))
            .await
            .unwrap()
            .into();
    assert_eq!(small_pages.length(), 1000);

    let first = text(&accounts.get(0), "accountId");
    let roles: js_sys::Array =
        settle(portal.list_account_roles(access_token.clone(), first.clone(), None)).await.unwrap().into();
    assert_eq!(roles.length(), 3);
    let role = text(&roles.get(0), "roleName");

    let credentials =
        settle(portal.get_role_credentials(token.clone(), first.clone(), role.clone(), None)).await.unwrap();
    assert!(!text(&credentials, "accessKeyId").is_empty());
    assert_eq!(text(&credentials, "accountId"), first);
    let env = export_credentials(credentials, "env").unwrap();
    assert!(env.starts_with("export AWS_ACCESS_KEY_ID="), "{env}");

    settle(portal.logout(access_token.clone())).await.expect("logout succeeds");
    let (code, variant, retryable, _) =
        error_parts(&settle(portal.list_accounts(access_token, None)).await.unwrap_err());
    assert_eq!((code.as_str(), variant.as_str(), retryable), ("unauthorized", "Unauthorized", false));
}

#[wasm_bindgen_test]
async fn list_accounts_and_roles_covers_every_account() {
    let (_, token) = device_sign_in(auto_emulator()).await;
    let portal = PortalClientJs::new(auto_emulator()).unwrap();
    let all: js_sys::Array = settle(
        portal.list_accounts_and_roles(text(&token, "accessToken"), Some(js(r#"{"concurrency": 3}"#))),
    )
    .await
    .unwrap()
    .into();
    assert!(all.length() > 0);
    for entry in all.iter() {
        let account = text(&get(&entry, "account"), "accountId");
        let roles: js_sys::Array = get(&entry, "roles").into();
        assert!(roles.iter().all(|r| text(&r, "accountId") == account));
    }
}

/// Every fault kind the emulator injects, on a call that does not retry: the JS error's code,
/// variant, retryable flag, operation and HTTP status.
#[wasm_bindgen_test]
async fn each_service_error_maps_to_its_code() {
    let base = auto_emulator();
    let oidc = OidcClientJs::new(base).unwrap();
    let registration =
        get(&settle(oidc.register(request("deviceCode", None))).await.unwrap(), "registration");
    let cases = [
        ("internal_error", "internal", "Internal", true, 500),
        // IAM Identity Center's OIDC API throttles with SlowDownException.
        ("throttle", "slow_down", "SlowDown", true, 400),
        ("access_denied", "access_denied", "AccessDenied", false, 400),
        ("expired_token", "expired_token", "ExpiredToken", false, 400),
        ("invalid_grant", "invalid_grant", "InvalidGrant", false, 400),
        ("unauthorized", "invalid_client", "InvalidClient", false, 401),
        ("slow_down", "slow_down", "SlowDown", true, 400),
        ("authorization_pending", "authorization_pending", "AuthorizationPending", true, 400),
    ];
    for (kind, code, variant, retryable, status) in cases {
        control(
            base,
            "faults",
            &format!(r#"{{"operation": "StartDeviceAuthorization", "kind": "{kind}", "count": 1}}"#),
        )
        .await;
        let error = settle(oidc.start_device_authorization(registration.clone(), START_URL.into()))
            .await
            .unwrap_err();
        let (got_code, got_variant, got_retryable, message) = error_parts(&error);
        assert_eq!(
            (got_code.as_str(), got_variant.as_str(), got_retryable),
            (code, variant, retryable),
            "fault {kind}: {message}"
        );
        assert_eq!(text(&error, "operation"), "StartDeviceAuthorization", "fault {kind}");
        assert_eq!(get(&error, "status").as_f64(), Some(f64::from(status)), "fault {kind}: {message}");
        assert!(!message.contains(&text(&registration, "clientSecret")), "no secret in {message}");
    }

    // The portal's errors, with retries off.
    let (_, token) = device_sign_in(base).await;
    let portal = PortalClientJs::new(base).unwrap();
    let portal_cases = [
        ("throttle", "too_many_requests", "TooManyRequests", true, 429),
        ("internal_error", "internal", "Internal", true, 500),
        ("unauthorized", "unauthorized", "Unauthorized", false, 401),
        ("access_denied", "access_denied", "AccessDenied", false, 403),
    ];
    for (kind, code, variant, retryable, status) in portal_cases {
        control(base, "faults", &format!(r#"{{"operation": "ListAccounts", "kind": "{kind}", "count": 1}}"#))
            .await;
        let no_retry = Some(js(r#"{"maxAttempts": 1}"#));
        let error = settle(portal.list_accounts(text(&token, "accessToken"), no_retry)).await.unwrap_err();
        let (got_code, got_variant, got_retryable, message) = error_parts(&error);
        assert_eq!(
            (got_code.as_str(), got_variant.as_str(), got_retryable),
            (code, variant, retryable),
            "portal fault {kind}: {message}"
        );
        assert_eq!(text(&error, "operation"), "ListAccounts");
        assert_eq!(get(&error, "status").as_f64(), Some(f64::from(status)), "portal fault {kind}: {message}");
    }

    // By default the portal retries throttling and server faults: one injected 429 is absorbed.
    control(base, "faults", r#"{"operation": "ListAccounts", "kind": "throttle", "count": 1}"#).await;
    let accounts = settle(portal.list_accounts(text(&token, "accessToken"), None)).await;
    assert!(accounts.is_ok(), "a single 429 is retried: {:?}", accounts.err().map(|e| error_parts(&e)));

    // No server at all.
    let nowhere = OidcClientJs::new("http://127.0.0.1:9").unwrap();
    let (code, variant, retryable, _) =
        error_parts(&settle(nowhere.register(request("deviceCode", None))).await.unwrap_err());
    assert_eq!((code.as_str(), variant.as_str(), retryable), ("network", "Network", true));

    // Arguments that bypass the types.
    let (code, ..) = error_parts(&OidcClientJs::new("not a url").err().expect("a bad endpoint is refused"));
    assert_eq!(code, "invalid_input");
    let (code, ..) = error_parts(&settle(oidc.register(js(r#"{"kind": "magic"}"#))).await.unwrap_err());
    assert_eq!(code, "invalid_argument");
    for options in [r#"{"pageSize": 0}"#, r#"{"maxAttempts": 1.5}"#, r#"{"concurrency": "4"}"#, "7"] {
        let error = settle(portal.list_accounts(text(&token, "accessToken"), Some(js(options)))).await;
        let (code, _, _, message) = error_parts(&error.expect_err(options));
        assert_eq!(code, "invalid_argument", "{options}: {message}");
    }
    let (code, _, _, message) = error_parts(
        &settle(portal.console_signin_url(token.clone(), "111122223333".into(), "Admin".into(), js("{}")))
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "invalid_argument", "{message}");
    assert!(message.contains("`region` is missing"), "{message}");
}

#[wasm_bindgen_test]
async fn an_abort_signal_cancels_polling_and_listing() {
    let base = emulator();
    let oidc = OidcClientJs::new(base).unwrap();
    let registration =
        get(&settle(oidc.register(request("deviceCode", None))).await.unwrap(), "registration");
    let authorization =
        settle(oidc.start_device_authorization(registration.clone(), START_URL.into())).await.unwrap();
    let controller = web_sys::AbortController::new().unwrap();
    let polling =
        oidc.poll_device_token(registration, authorization, Some(with_signal(&controller.signal())));
    pause(300).await;
    let aborted_at = js_sys::Date::now();
    controller.abort();
    let error = settle(polling).await.expect_err("an aborted poll rejects");
    let waited = js_sys::Date::now() - aborted_at;
    let (code, variant, retryable, _) = error_parts(&error);
    assert_eq!((code.as_str(), variant.as_str(), retryable), ("cancelled", "Cancelled", false));
    assert!(waited < 1500.0, "the abort took {waited} ms to take effect");

    // A signal that outlives finished calls: its listeners are gone, so a later abort finds no
    // freed closure to call (that would throw inside the browser's event dispatch).
    let (_, token) = device_sign_in(auto_emulator()).await;
    let long_lived = web_sys::AbortController::new().unwrap();
    let auto_portal = PortalClientJs::new(auto_emulator()).unwrap();
    for _ in 0..3 {
        let listed =
            auto_portal.list_accounts(text(&token, "accessToken"), Some(with_signal(&long_lived.signal())));
        settle(listed).await.expect("listing with a live signal works");
    }
    let watch = js_sys::Function::new_no_args(
        "const seen = []; globalThis.addEventListener('error', (e) => seen.push(String(e.message))); return seen;",
    );
    let seen: js_sys::Array = watch.call0(&JsValue::NULL).unwrap().into();
    long_lived.abort();
    pause(50).await;
    assert_eq!(seen.length(), 0, "errors in abort listeners: {}", json(&seen));

    let already = web_sys::AbortController::new().unwrap();
    already.abort();
    let portal = PortalClientJs::new(base).unwrap();
    let error =
        settle(portal.list_accounts("token".into(), Some(with_signal(&already.signal())))).await.unwrap_err();
    assert_eq!(error_parts(&error).0, "cancelled");
}

/// Open console through the JS API: GetRoleCredentials, the emulator's getSigninToken and the login
/// URL all inside the module (the credentials never come out); the URL signs in once and lands on
/// the console page for that account and role; a bad destination fails before any request.
#[wasm_bindgen_test]
async fn console_signin_url_signs_in_once_for_that_role() {
    let base = auto_emulator();
    let (_, token) = device_sign_in(base).await;
    let portal = PortalClientJs::new(base).unwrap();
    let accounts: js_sys::Array =
        settle(portal.list_accounts(text(&token, "accessToken"), None)).await.unwrap().into();
    let account = text(&accounts.get(0), "accountId");
    let roles: js_sys::Array =
        settle(portal.list_account_roles(text(&token, "accessToken"), account.clone(), None))
            .await
            .unwrap()
            .into();
    let role = text(&roles.get(0), "roleName");

    let options = js(&format!(
        r#"{{"region": "eu-west-1", "destination": "/ec2/home", "federationEndpoint": "{base}"}}"#
    ));
    let signin = settle(portal.console_signin_url(token.clone(), account.clone(), role.clone(), options))
        .await
        .unwrap();
    assert_eq!(
        text(&signin, "destination"),
        "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"
    );
    let url = text(&signin, "url");
    assert!(
        url.starts_with(&format!("{base}/federation?Action=login&Issuer=sso-bridge&Destination=")),
        "{url}"
    );
    let keys: Vec<String> =
        js_sys::Object::keys(&signin.clone().into()).iter().filter_map(|k| k.as_string()).collect();
    assert_eq!(keys, ["url", "destination"], "no credentials in the answer");
    let (status, page) = http("GET", &url, None, "follow").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&format!(r#"<dd id="console-account">{account}</dd>"#)), "{page}");
    assert!(page.contains(&format!(r#"<dd id="console-role">{role}</dd>"#)), "{page}");
    let (again, refused) = http("GET", &url, None, "follow").await;
    assert_eq!(again, 400, "the sign-in token is single-use: {refused}");

    control(base, "requests/clear", "{}").await;
    let bad =
        js(&format!(r#"{{"region": "us-east-1", "destination": "ec2", "federationEndpoint": "{base}"}}"#));
    let error = settle(portal.console_signin_url(token, account, role, bad)).await.unwrap_err();
    let (code, variant, retryable, message) = error_parts(&error);
    assert_eq!((code.as_str(), variant.as_str(), retryable), ("invalid_destination", "ConsoleError", false));
    assert!(message.contains("\"ec2\""), "{message}");
    let (_, log) = http("GET", &format!("{base}/_emulator/requests"), None, "follow").await;
    let log: js_sys::Array = get(&js(&log), "requests").into();
    assert_eq!(log.length(), 0, "nothing was requested for a bad destination");
}
