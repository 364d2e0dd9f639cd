//! The console federation endpoint: getSigninToken for credentials the portal issued, a single-use
//! login redirect to the stand-in console page, and AWS's refusals.

use serde_json::{json, Value};
use sso_bridge_emulator::wire::{Request, Response};
use sso_bridge_emulator::{Emulator, Options, Scenario};

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const BASE: &str = "http://127.0.0.1:9";

fn emulator() -> Emulator {
    Emulator::new(Scenario { seed: Some(10), ..Scenario::default() }, Options::default(), BASE.into())
        .unwrap()
}

fn post(emu: &Emulator, path: &str, body: Value) -> Response {
    emu.handle(&Request::new(
        "POST",
        path,
        vec![("Content-Type".into(), "application/json".into())],
        body.to_string().into_bytes(),
    ))
}

fn get(emu: &Emulator, target: &str, token: Option<&str>) -> Response {
    let headers =
        token.map(|t| vec![("x-amz-sso_bearer_token".to_string(), t.to_string())]).unwrap_or_default();
    emu.handle(&Request::new("GET", target, headers, vec![]))
}

fn encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn access_token(emu: &Emulator) -> String {
    let client =
        post(emu, "/client/register", json!({"clientName": "t", "clientType": "public"})).json_body();
    let (id, secret) = (client["clientId"].as_str().unwrap(), client["clientSecret"].as_str().unwrap());
    let auth = post(
        emu,
        "/device_authorization",
        json!({"clientId": id, "clientSecret": secret, "startUrl": "https://d-1.awsapps.com/start"}),
    )
    .json_body();
    emu.decide_device_code(None, true, None).unwrap();
    let token = post(
        emu,
        "/token",
        json!({"clientId": id, "clientSecret": secret, "grantType": DEVICE_GRANT, "deviceCode": auth["deviceCode"]}),
    );
    token.json_body()["accessToken"].as_str().unwrap().to_string()
}

/// Role credentials for the first account's first role, as the `Session` JSON AWS expects.
fn session_json(emu: &Emulator) -> (String, String, String) {
    let token = access_token(emu);
    let account = &emu.directory()[0];
    let role = &account.roles[0];
    let response = get(
        emu,
        &format!("/federation/credentials?account_id={}&role_name={role}", account.account_id),
        Some(&token),
    );
    assert_eq!(response.status, 200);
    let creds = &response.json_body()["roleCredentials"];
    let session = json!({
        "sessionId": creds["accessKeyId"],
        "sessionKey": creds["secretAccessKey"],
        "sessionToken": creds["sessionToken"],
    });
    (session.to_string(), account.account_id.clone(), role.clone())
}

fn signin_token(emu: &Emulator, session: &str) -> Response {
    get(emu, &format!("/federation?Action=getSigninToken&Session={}", encode(session)), None)
}

#[test]
fn signin_token_then_single_use_login_lands_on_the_console_page() {
    let emu = emulator();
    let (session, account_id, role) = session_json(&emu);
    let response = signin_token(&emu, &session);
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    let body = response.json_body();
    assert_eq!(body.as_object().unwrap().len(), 1, "exactly {{\"SigninToken\": …}}: {body}");
    let token = body["SigninToken"].as_str().unwrap().to_string();
    assert!(token.len() >= 100);

    let destination = "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1";
    let login = format!(
        "/federation?Action=login&Issuer={}&Destination={}&SigninToken={}",
        encode("sso-bridge"),
        encode(destination),
        encode(&token)
    );
    let redirect = get(&emu, &login, None);
    assert_eq!(redirect.status, 302);
    let location = redirect.header("Location").unwrap().to_string();
    assert!(location.starts_with(&format!("{BASE}/console?session=")), "{location}");

    let page = get(&emu, location.strip_prefix(BASE).unwrap(), None);
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body).unwrap();
    assert!(html.contains(&format!("<dd id=\"console-account\">{account_id}</dd>")), "{html}");
    assert!(html.contains(&format!("<dd id=\"console-role\">{role}</dd>")), "{html}");
    assert!(html.contains("<dd id=\"console-region\">eu-west-1</dd>"), "{html}");
    assert!(html.contains("<dd id=\"console-issuer\">sso-bridge</dd>"), "{html}");
    assert_eq!(emu.console_sessions().len(), 1);

    // Single use: the same token again is refused.
    let again = get(&emu, &login, None);
    assert_eq!(again.status, 400);
    assert_eq!(emu.console_sessions().len(), 1);
}

#[test]
fn unknown_tampered_or_expired_credentials_are_refused() {
    let emu = emulator();
    let (session, _, _) = session_json(&emu);
    let mut tampered: Value = serde_json::from_str(&session).unwrap();
    tampered["sessionKey"] = json!("not-the-secret");
    assert_eq!(signin_token(&emu, &tampered.to_string()).status, 400);
    let mut unknown: Value = serde_json::from_str(&session).unwrap();
    unknown["sessionId"] = json!("ASIANOTISSUEDBYUS00");
    assert_eq!(signin_token(&emu, &unknown.to_string()).status, 400);
    assert_eq!(signin_token(&emu, "{not json").status, 400);
    assert_eq!(get(&emu, "/federation?Action=getSigninToken", None).status, 400);

    // Role credentials last an hour by default: two hours later they are expired.
    emu.advance_clock(2 * 3600);
    let expired = signin_token(&emu, &session);
    assert_eq!(expired.status, 400);
    assert!(String::from_utf8_lossy(&expired.body).contains("expired"));
}

#[test]
fn session_duration_is_refused_for_role_session_credentials() {
    let emu = emulator();
    let (session, _, _) = session_json(&emu);
    let response = get(
        &emu,
        &format!("/federation?Action=getSigninToken&SessionDuration=3600&Session={}", encode(&session)),
        None,
    );
    assert_eq!(response.status, 400);
    assert!(String::from_utf8_lossy(&response.body).contains("SessionDuration"));
}

#[test]
fn login_needs_a_known_token_and_an_https_destination() {
    let emu = emulator();
    let (session, _, _) = session_json(&emu);
    let token = signin_token(&emu, &session).json_body()["SigninToken"].as_str().unwrap().to_string();
    let bad_destination = format!(
        "/federation?Action=login&Destination={}&SigninToken={}",
        encode("javascript:x"),
        encode(&token)
    );
    assert_eq!(get(&emu, &bad_destination, None).status, 400);
    let unknown = format!(
        "/federation?Action=login&Destination={}&SigninToken=forged",
        encode("https://console.aws.amazon.com/")
    );
    assert_eq!(get(&emu, &unknown, None).status, 400);
    // The refused attempts did not spend the token.
    let good = format!(
        "/federation?Action=login&Destination={}&SigninToken={}",
        encode("https://console.aws.amazon.com/"),
        encode(&token)
    );
    assert_eq!(get(&emu, &good, None).status, 302);
    assert_eq!(emu.console_sessions()[0].region, "us-east-1");
}

#[test]
fn the_request_log_never_holds_the_session_or_the_signin_token() {
    let emu = emulator();
    let (session, _, _) = session_json(&emu);
    let token = signin_token(&emu, &session).json_body()["SigninToken"].as_str().unwrap().to_string();
    let secret: Value = serde_json::from_str(&session).unwrap();
    let logged = emu.requests().into_iter().map(|r| sso_bridge_emulator::redact(&r)).collect::<Vec<_>>();
    let text = format!("{logged:?}");
    assert!(!text.contains(secret["sessionKey"].as_str().unwrap()));
    assert!(!text.contains(&token));
}
