//! The emulator's own logic, driven through `Emulator::handle` (no sockets) and, once, over loopback.

use std::io::{Read, Write};
use std::net::TcpStream;

use serde_json::{json, Value};
use sso_bridge_emulator::wire::{Request, Response};
use sso_bridge_emulator::{
    pkce_challenge, Emulator, Fault, FaultKind, Operation, Options, Scenario, Throttling, User,
};

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const START_URL: &str = "https://d-1234567890.awsapps.com/start";
const VERIFIER: &str = "dBjftJeZ4CVP-mJ92K27uhbUJU1p1r_wW1gFWFOEjXk";

fn emulator(scenario: Scenario) -> Emulator {
    Emulator::new(scenario, Options::default(), "http://127.0.0.1:9".into()).unwrap()
}

fn post(emu: &Emulator, path: &str, body: Value) -> Response {
    emu.handle(&Request::new(
        "POST",
        path,
        vec![("Content-Type".into(), "application/json".into())],
        body.to_string().into_bytes(),
    ))
}

fn post_form(emu: &Emulator, path: &str, form: &str) -> Response {
    emu.handle(&Request::new("POST", path, vec![], form.as_bytes().to_vec()))
}

fn get(emu: &Emulator, target: &str, token: Option<&str>) -> Response {
    let headers =
        token.map(|t| vec![("x-amz-sso_bearer_token".to_string(), t.to_string())]).unwrap_or_default();
    emu.handle(&Request::new("GET", target, headers, vec![]))
}

fn error_type(response: &Response) -> String {
    response.header("x-amzn-ErrorType").unwrap_or("").split(':').next().unwrap_or("").to_string()
}

fn register(emu: &Emulator, extra: Value) -> (String, String) {
    let mut body = json!({"clientName": "test", "clientType": "public"});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let response = post(emu, "/client/register", body);
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    let v = response.json_body();
    (v["clientId"].as_str().unwrap().into(), v["clientSecret"].as_str().unwrap().into())
}

fn device_token(emu: &Emulator, scopes: Value) -> (Value, (String, String)) {
    let client = register(emu, json!({"scopes": scopes}));
    let auth = post(
        emu,
        "/device_authorization",
        json!({"clientId": client.0, "clientSecret": client.1, "startUrl": START_URL}),
    );
    let device_code = auth.json_body()["deviceCode"].as_str().unwrap().to_string();
    emu.decide_device_code(None, true, None).unwrap();
    let token = post(
        emu,
        "/token",
        json!({"clientId": client.0, "clientSecret": client.1, "grantType": DEVICE_GRANT, "deviceCode": device_code}),
    );
    assert_eq!(token.status, 200);
    (token.json_body(), client)
}

#[test]
fn device_flow_pending_then_approved_then_redeemed() {
    let emu = emulator(Scenario { seed: Some(3), ..Scenario::default() });
    let (id, secret) = register(&emu, json!({}));
    let auth = post(
        &emu,
        "/device_authorization",
        json!({"clientId": id, "clientSecret": secret, "startUrl": START_URL}),
    )
    .json_body();
    assert_eq!(auth["verificationUri"], "http://127.0.0.1:9/device");
    assert_eq!(
        auth["verificationUriComplete"],
        format!("http://127.0.0.1:9/device?user_code={}", auth["userCode"].as_str().unwrap())
    );
    assert_eq!(auth["expiresIn"], 600);
    assert_eq!(auth["interval"], 1);
    let poll = json!({"clientId": id, "clientSecret": secret, "grantType": DEVICE_GRANT, "deviceCode": auth["deviceCode"]});
    let pending = post(&emu, "/token", poll.clone());
    assert_eq!((pending.status, error_type(&pending).as_str()), (400, "AuthorizationPendingException"));
    assert_eq!(emu.device_authorizations()[0].user_code, auth["userCode"].as_str().unwrap());
    emu.decide_device_code(auth["userCode"].as_str(), true, None).unwrap();
    let token = post(&emu, "/token", poll.clone()).json_body();
    assert_eq!(token["tokenType"], "Bearer");
    assert_eq!(token["expiresIn"], 28800);
    assert!(token.get("refreshToken").is_none(), "a client without scopes gets no refresh token");
    let again = post(&emu, "/token", poll);
    assert_eq!(error_type(&again), "InvalidGrantException");
}

#[test]
fn device_flow_denied_expired_and_wrong_client() {
    let emu = emulator(Scenario::default());
    let (id, secret) = register(&emu, json!({}));
    let start = |emu: &Emulator| {
        post(
            emu,
            "/device_authorization",
            json!({"clientId": id, "clientSecret": secret, "startUrl": START_URL}),
        )
        .json_body()
    };
    let poll = |code: &Value, secret: &str| {
        post(
            &emu,
            "/token",
            json!({"clientId": id, "clientSecret": secret, "grantType": DEVICE_GRANT, "deviceCode": code}),
        )
    };
    let denied = start(&emu);
    emu.decide_device_code(None, false, None).unwrap();
    assert_eq!(error_type(&poll(&denied["deviceCode"], &secret)), "AccessDeniedException");
    let wrong = poll(&denied["deviceCode"], "not-the-secret");
    assert_eq!((wrong.status, error_type(&wrong).as_str()), (401, "InvalidClientException"));
    let expiring = start(&emu);
    emu.advance_clock(601);
    assert_eq!(error_type(&poll(&expiring["deviceCode"], &secret)), "ExpiredTokenException");
    assert!(emu.decide_device_code(None, true, None).is_err(), "expired codes cannot be approved");
    emu.advance_clock(91 * 86400);
    assert_eq!(poll(&expiring["deviceCode"], &secret).status, 401, "the registration expired");
}

#[test]
fn polling_faster_than_the_interval_can_be_refused() {
    let mut scenario = Scenario { enforce_poll_interval: true, ..Scenario::default() };
    scenario.lifetimes.poll_interval_seconds = 5;
    let emu = emulator(scenario);
    let (id, secret) = register(&emu, json!({}));
    let auth = post(
        &emu,
        "/device_authorization",
        json!({"clientId": id, "clientSecret": secret, "startUrl": START_URL}),
    )
    .json_body();
    let poll = json!({"clientId": id, "clientSecret": secret, "grantType": DEVICE_GRANT, "deviceCode": auth["deviceCode"]});
    assert_eq!(error_type(&post(&emu, "/token", poll.clone())), "AuthorizationPendingException");
    assert_eq!(error_type(&post(&emu, "/token", poll)), "SlowDownException");
}

#[test]
fn register_validates_like_aws() {
    let emu = emulator(Scenario { start_urls: vec![START_URL.into()], ..Scenario::default() });
    let cases = [
        (json!({"clientName": "x"}), "InvalidRequestException"),
        (json!({"clientName": "x", "clientType": "confidential"}), "InvalidClientMetadataException"),
        (
            json!({"clientName": "x", "clientType": "public", "scopes": ["s3:everything"]}),
            "InvalidScopeException",
        ),
        (
            json!({"clientName": "x", "clientType": "public", "grantTypes": ["password"]}),
            "UnsupportedGrantTypeException",
        ),
        (
            json!({"clientName": "x", "clientType": "public", "grantTypes": ["authorization_code"], "redirectUris": ["https://abc.chromiumapp.org/"]}),
            "InvalidRedirectUriException",
        ),
        (
            json!({"clientName": "x", "clientType": "public", "grantTypes": ["authorization_code"], "redirectUris": ["http://localhost/cb"]}),
            "InvalidRedirectUriException",
        ),
        (
            json!({"clientName": "x", "clientType": "public", "grantTypes": ["authorization_code"], "redirectUris": ["http://127.0.0.1.evil.example/cb"]}),
            "InvalidRedirectUriException",
        ),
        (
            json!({"clientName": "x", "clientType": "public", "grantTypes": ["authorization_code"]}),
            "InvalidRequestException",
        ),
        (
            json!({"clientName": "x", "clientType": "public", "grantTypes": ["authorization_code"], "redirectUris": ["http://127.0.0.1/oauth/callback"], "issuerUrl": "https://other.awsapps.com/start"}),
            "InvalidRequestException",
        ),
    ];
    for (body, expected) in cases {
        let response = post(&emu, "/client/register", body.clone());
        assert_eq!(response.status, 400, "{body}");
        assert_eq!(error_type(&response), expected, "{body}");
        let parsed = response.json_body();
        assert!(parsed["error"].is_string() && parsed["error_description"].is_string());
    }
    let pkce = post(
        &emu,
        "/client/register",
        json!({"clientName": "x", "clientType": "public",
        "grantTypes": ["authorization_code", "refresh_token"], "redirectUris": ["http://127.0.0.1/oauth/callback"],
        "issuerUrl": START_URL, "scopes": ["sso:account:access"]}),
    );
    assert_eq!(pkce.status, 200);
    assert_eq!(pkce.json_body()["authorizationEndpoint"], "http://127.0.0.1:9/authorize");
    let malformed = emu.handle(&Request::new("POST", "/client/register", vec![], b"{not json".to_vec()));
    assert_eq!(error_type(&malformed), "InvalidRequestException");
}

fn pkce_client(emu: &Emulator) -> (String, String) {
    register(
        emu,
        json!({"grantTypes": ["authorization_code", "refresh_token"], "redirectUris": ["http://127.0.0.1/oauth/callback"], "scopes": ["sso:account:access"]}),
    )
}

fn authorize_target(client_id: &str, redirect: &str, extra: &str) -> String {
    format!(
        "/authorize?response_type=code&client_id={client_id}&redirect_uri={}&state=st-1&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge={}{extra}",
        redirect.replace(':', "%3A").replace('/', "%2F"),
        pkce_challenge(VERIFIER)
    )
}

fn query_of(location: &str) -> Vec<(String, String)> {
    let query = location.split_once('?').unwrap().1;
    query
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect()
}

#[test]
fn pkce_sign_in_page_allow_then_token() {
    let emu = emulator(Scenario {
        users: vec![User { username: "bob".into(), password: Some("pw".into()) }],
        ..Scenario::default()
    });
    let (id, secret) = pkce_client(&emu);
    let redirect = "http://127.0.0.1:54321/oauth/callback";
    let page = get(&emu, &authorize_target(&id, redirect, ""), None);
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body.clone()).unwrap();
    for needle in [
        "id=\"signin-form\"",
        "id=\"username\"",
        "id=\"password\"",
        "id=\"allow\"",
        "id=\"deny\"",
        "Allow access",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    let request_id = emu.authorizations()[0].id.clone();
    let wrong = post_form(
        &emu,
        "/authorize",
        &format!("request_id={request_id}&username=bob&password=nope&decision=allow"),
    );
    assert!(String::from_utf8_lossy(&wrong.body).contains("Incorrect username or password."));
    let allowed = post_form(
        &emu,
        "/authorize",
        &format!("request_id={request_id}&username=bob&password=pw&decision=allow"),
    );
    assert_eq!(allowed.status, 302);
    let location = allowed.header("Location").unwrap();
    assert!(location.starts_with("http://127.0.0.1:54321/oauth/callback?code="), "{location}");
    let params = query_of(location);
    assert_eq!(params[1], ("state".into(), "st-1".into()));
    let code = params[0].1.clone();
    let exchange = |verifier: &str, redirect: &str| {
        post(
            &emu,
            "/token",
            json!({"clientId": id, "clientSecret": secret, "grantType": "authorization_code",
            "code": code, "redirectUri": redirect, "codeVerifier": verifier}),
        )
    };
    let wrong_redirect = exchange(VERIFIER, "http://127.0.0.1:1/oauth/callback");
    assert_eq!(error_type(&wrong_redirect), "InvalidGrantException");
    // The code is single-use, even after a failed exchange: get a fresh one through test control.
    get(&emu, &authorize_target(&id, redirect, ""), None);
    let location = emu.decide_authorization(None, true, Some("bob")).unwrap();
    let code2 = query_of(&location)[0].1.clone();
    let exchange2 = |verifier: &str| {
        post(
            &emu,
            "/token",
            json!({"clientId": id, "clientSecret": secret, "grantType": "authorization_code",
            "code": code2, "redirectUri": redirect, "codeVerifier": verifier}),
        )
    };
    let bad_verifier = exchange2("A".repeat(43).as_str());
    assert_eq!(error_type(&bad_verifier), "InvalidGrantException");
    get(&emu, &authorize_target(&id, redirect, ""), None);
    let location = emu.decide_authorization(None, true, Some("alice"));
    assert!(location.is_err(), "alice is not in this scenario");
    let location = emu.decide_authorization(None, true, Some("bob")).unwrap();
    let code3 = query_of(&location)[0].1.clone();
    let token = post(
        &emu,
        "/token",
        json!({"clientId": id, "clientSecret": secret, "grantType": "authorization_code",
        "code": code3, "redirectUri": redirect, "codeVerifier": VERIFIER}),
    );
    assert_eq!(token.status, 200);
    assert!(token.json_body()["refreshToken"].is_string());
}

#[test]
fn authorize_rejections() {
    let emu = emulator(Scenario::default());
    let (id, _) = pkce_client(&emu);
    let denied_page = get(&emu, &authorize_target(&id, "http://127.0.0.1:5/oauth/callback", ""), None);
    assert_eq!(denied_page.status, 200);
    let request_id = emu.authorizations()[0].id.clone();
    let denied =
        post_form(&emu, "/authorize", &format!("request_id={request_id}&username=alice&decision=deny"));
    let params = query_of(denied.header("Location").unwrap());
    assert_eq!(params[0], ("error".into(), "access_denied".into()));
    assert_eq!(params.last().unwrap(), &("state".into(), "st-1".into()));
    // Wrong path: not the registered redirect, and no redirect to an unvetted URI.
    assert_eq!(get(&emu, &authorize_target(&id, "http://127.0.0.1:5/elsewhere", ""), None).status, 400);
    assert_eq!(
        get(&emu, &authorize_target("unknown", "http://127.0.0.1:5/oauth/callback", ""), None).status,
        400
    );
    let plain = get(
        &emu,
        &authorize_target(&id, "http://127.0.0.1:5/oauth/callback", "").replace("S256", "plain"),
        None,
    );
    assert!(plain.header("Location").unwrap().contains("error=invalid_request"));
    let scope = get(
        &emu,
        &authorize_target(&id, "http://127.0.0.1:5/oauth/callback", "")
            .replace("sso%3Aaccount%3Aaccess", "openid"),
        None,
    );
    assert!(scope.header("Location").unwrap().contains("error=invalid_scope"));
    let (device_client, _) = register(&emu, json!({}));
    let unauthorized =
        get(&emu, &authorize_target(&device_client, "http://127.0.0.1:5/oauth/callback", ""), None);
    assert_eq!(unauthorized.status, 400, "a device client has no redirect URIs registered");
}

#[test]
fn auto_approve_skips_the_person() {
    let emu = emulator(Scenario { auto_approve: true, ..Scenario::default() });
    let (id, _) = pkce_client(&emu);
    let response = get(&emu, &authorize_target(&id, "http://127.0.0.1:7/oauth/callback", ""), None);
    assert_eq!(response.status, 302);
    assert!(response.header("Location").unwrap().contains("code="));
    let (token, _) = {
        let client = register(&emu, json!({"scopes": ["sso:account:access"]}));
        let auth = post(
            &emu,
            "/device_authorization",
            json!({"clientId": client.0, "clientSecret": client.1, "startUrl": START_URL}),
        )
        .json_body();
        let token = post(
            &emu,
            "/token",
            json!({"clientId": client.0, "clientSecret": client.1, "grantType": DEVICE_GRANT, "deviceCode": auth["deviceCode"]}),
        );
        (token, client)
    };
    assert_eq!(token.status, 200, "the first poll succeeds");
}

#[test]
fn refresh_rotates_and_logout_revokes() {
    let emu = emulator(Scenario::default());
    let (token, (id, secret)) = device_token(&emu, json!(["sso:account:access"]));
    let refresh = |rt: &Value| {
        post(
            &emu,
            "/token",
            json!({"clientId": id, "clientSecret": secret, "grantType": "refresh_token", "refreshToken": rt}),
        )
    };
    let refreshed = refresh(&token["refreshToken"]);
    assert_eq!(refreshed.status, 200);
    let refreshed = refreshed.json_body();
    assert_ne!(refreshed["accessToken"], token["accessToken"]);
    let reused = refresh(&token["refreshToken"]);
    assert_eq!(error_type(&reused), "InvalidGrantException");
    assert_eq!(reused.json_body()["error_description"], "Invalid refresh token provided");
    let access = refreshed["accessToken"].as_str().unwrap();
    assert_eq!(get(&emu, "/assignment/accounts", Some(access)).status, 200);
    let logout = emu.handle(&Request::new(
        "POST",
        "/logout",
        vec![("x-amz-sso_bearer_token".into(), access.into())],
        vec![],
    ));
    assert_eq!(logout.status, 200);
    let after = get(&emu, "/assignment/accounts", Some(access));
    assert_eq!((after.status, error_type(&after).as_str()), (401, "UnauthorizedException"));
    assert_eq!(after.json_body(), json!({"message": "Session token not found or invalid"}));
    assert_eq!(
        error_type(&refresh(&refreshed["refreshToken"])),
        "InvalidGrantException",
        "logout revokes the refresh token"
    );
    // The first access token still works until it expires; then it does not.
    let first = token["accessToken"].as_str().unwrap();
    assert_eq!(get(&emu, "/assignment/accounts", Some(first)).status, 200);
    emu.advance_clock(8 * 3600);
    assert_eq!(get(&emu, "/assignment/accounts", Some(first)).status, 401);
}

#[test]
fn portal_pages_and_credentials() {
    let emu =
        emulator(Scenario { generated_accounts: Some(45), roles_per_account: 3, ..Scenario::default() });
    let (token, _) = device_token(&emu, json!([]));
    let access = token["accessToken"].as_str().unwrap();
    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let target = match &next {
            Some(t) => format!("/assignment/accounts?max_result=10&next_token={t}"),
            None => "/assignment/accounts?max_result=10".into(),
        };
        let page = get(&emu, &target, Some(access)).json_body();
        seen.extend(
            page["accountList"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["accountId"].as_str().unwrap().to_string()),
        );
        match page["nextToken"].as_str() {
            Some(t) => next = Some(t.replace('=', "%3D")),
            None => break,
        }
    }
    assert_eq!(seen.len(), 45);
    assert_eq!(seen, emu.directory().iter().map(|a| a.account_id.clone()).collect::<Vec<_>>());
    let default_page = get(&emu, "/assignment/accounts", Some(access)).json_body();
    assert_eq!(default_page["accountList"].as_array().unwrap().len(), 20);
    for bad in ["max_result=0", "max_result=101", "max_result=x", "next_token=garbage"] {
        let response = get(&emu, &format!("/assignment/accounts?{bad}"), Some(access));
        assert_eq!(
            (response.status, error_type(&response).as_str()),
            (400, "InvalidRequestException"),
            "{bad}"
        );
    }
    let account = &emu.directory()[0];
    let roles =
        get(&emu, &format!("/assignment/roles?account_id={}&max_result=2", account.account_id), Some(access))
            .json_body();
    assert_eq!(
        roles["roleList"][0],
        json!({"roleName": "AdministratorAccess", "accountId": account.account_id})
    );
    let token_for_other_account = roles["nextToken"].as_str().unwrap().replace('=', "%3D");
    let misuse =
        get(&emu, &format!("/assignment/accounts?next_token={token_for_other_account}"), Some(access));
    assert_eq!(misuse.status, 400, "a roles token is not an accounts token");
    let missing = get(&emu, "/assignment/roles?account_id=000000000000", Some(access));
    assert_eq!((missing.status, error_type(&missing).as_str()), (404, "ResourceNotFoundException"));
    let before = emu.now_ms();
    let creds = get(
        &emu,
        &format!("/federation/credentials?role_name=ReadOnlyAccess&account_id={}", account.account_id),
        Some(access),
    )
    .json_body();
    let expiration = creds["roleCredentials"]["expiration"].as_i64().unwrap();
    assert!(
        expiration >= before + 3_599_000 && expiration <= before + 3_601_000,
        "epoch milliseconds, one hour out"
    );
    assert!(creds["roleCredentials"]["accessKeyId"].as_str().unwrap().starts_with("ASIA"));
    let forbidden = get(
        &emu,
        &format!("/federation/credentials?role_name=Nope&account_id={}", account.account_id),
        Some(access),
    );
    assert_eq!((forbidden.status, error_type(&forbidden).as_str()), (403, "ForbiddenException"));
    let unauth = get(&emu, "/federation/credentials?role_name=a&account_id=1", None);
    assert_eq!(unauth.status, 401);
}

#[test]
fn faults_fire_the_given_number_of_times() {
    let emu = emulator(Scenario {
        faults: vec![Fault {
            operation: Operation::RegisterClient,
            kind: FaultKind::InternalError,
            count: 2,
            delay_ms: None,
        }],
        ..Scenario::default()
    });
    let body = json!({"clientName": "x", "clientType": "public"});
    for _ in 0..2 {
        let failed = post(&emu, "/client/register", body.clone());
        assert_eq!((failed.status, error_type(&failed).as_str()), (500, "InternalServerException"));
    }
    assert_eq!(post(&emu, "/client/register", body.clone()).status, 200);
    emu.inject_fault(Fault {
        operation: Operation::ListAccounts,
        kind: FaultKind::Throttle,
        count: 1,
        delay_ms: None,
    });
    let (token, _) = device_token(&emu, json!([]));
    let access = token["accessToken"].as_str().unwrap();
    let throttled = get(&emu, "/assignment/accounts", Some(access));
    assert_eq!((throttled.status, error_type(&throttled).as_str()), (429, "TooManyRequestsException"));
    assert_eq!(get(&emu, "/assignment/accounts", Some(access)).status, 200);
    emu.reset();
    assert_eq!(post(&emu, "/client/register", body).status, 500, "reset re-arms the scenario's faults");
}

#[test]
fn throttling_per_token_with_retry_after() {
    let emu = emulator(Scenario {
        throttling: Throttling { requests_per_second: Some(3), retry_after_seconds: Some(2) },
        ..Scenario::default()
    });
    let (a, _) = device_token(&emu, json!([]));
    let (b, _) = device_token(&emu, json!([]));
    let (a, b) =
        (a["accessToken"].as_str().unwrap().to_string(), b["accessToken"].as_str().unwrap().to_string());
    for _ in 0..3 {
        assert_eq!(get(&emu, "/assignment/accounts", Some(&a)).status, 200);
    }
    let limited = get(&emu, "/assignment/accounts", Some(&a));
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("Retry-After"), Some("2"));
    assert_eq!(get(&emu, "/assignment/accounts", Some(&b)).status, 200, "another token has its own budget");
}

#[test]
fn device_pages_walk_through() {
    let emu = emulator(Scenario::default());
    let (id, secret) = register(&emu, json!({}));
    let auth = post(
        &emu,
        "/device_authorization",
        json!({"clientId": id, "clientSecret": secret, "startUrl": START_URL}),
    )
    .json_body();
    let user_code = auth["userCode"].as_str().unwrap();
    let confirm = get(&emu, &format!("/device?user_code={user_code}"), None);
    let html = String::from_utf8(confirm.body).unwrap();
    assert!(html.contains("Confirm and continue") && html.contains(user_code));
    let lower = user_code.to_ascii_lowercase().replace('-', "");
    let consent = String::from_utf8(post_form(&emu, "/device", &format!("user_code={lower}")).body).unwrap();
    assert!(
        consent.contains("id=\"allow\"")
            && consent.contains("Allow access")
            && consent.contains("id=\"deny\"")
    );
    let bad = String::from_utf8(post_form(&emu, "/device", "user_code=ZZZZ-ZZZZ").body).unwrap();
    assert!(bad.contains("id=\"error\""));
    let done = String::from_utf8(
        post_form(&emu, "/device/decision", &format!("user_code={user_code}&username=alice&decision=allow"))
            .body,
    )
    .unwrap();
    assert!(done.contains("Request approved"));
    let token = post(
        &emu,
        "/token",
        json!({"clientId": id, "clientSecret": secret, "grantType": DEVICE_GRANT, "deviceCode": auth["deviceCode"]}),
    );
    assert_eq!(token.status, 200);
}

#[test]
fn cors_and_control_switch() {
    let emu = emulator(Scenario::default());
    let preflight = emu.handle(&Request::new(
        "OPTIONS",
        "/token",
        vec![
            ("Origin".into(), "http://localhost:8080".into()),
            ("Access-Control-Request-Headers".into(), "content-type,x-amz-user-agent".into()),
        ],
        vec![],
    ));
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("Access-Control-Allow-Origin"), Some("http://localhost:8080"));
    assert_eq!(preflight.header("Access-Control-Allow-Headers"), Some("content-type,x-amz-user-agent"));
    let refused = emu.handle(&Request::new(
        "OPTIONS",
        "/token",
        vec![("Origin".into(), "https://evil.example".into())],
        vec![],
    ));
    assert_eq!(refused.status, 403);
    assert_eq!(get(&emu, "/_emulator/health", None).status, 404, "control is off unless enabled");
    let with_control = Emulator::new(
        Scenario::default(),
        Options { control_over_http: true, ..Options::default() },
        "http://x".into(),
    )
    .unwrap();
    assert_eq!(get(&with_control, "/_emulator/health", None).status, 200);
}

#[test]
fn seeded_runs_repeat_and_logs_redact() {
    let run = || {
        let emu = emulator(Scenario { seed: Some(99), ..Scenario::default() });
        let (token, client) = device_token(&emu, json!(["sso:account:access"]));
        (token, client, emu.requests())
    };
    let (first, client, log) = run();
    let (second, _, _) = run();
    assert_eq!(first, second);
    let token_request = log.iter().find(|r| r.operation.as_deref() == Some("CreateToken")).unwrap();
    assert!(token_request.body.contains(&client.1), "the in-memory log keeps bodies for assertions");
    let printed = serde_json::to_string(&sso_bridge_emulator::redact(token_request)).unwrap();
    assert!(!printed.contains(&client.1) && printed.contains("<redacted>"));
}

/// Minimal HTTP/1.1 client over loopback (one request per connection).
fn http(base: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let address = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

#[test]
fn serves_over_loopback_and_stops_on_drop() {
    let running = Emulator::start(Scenario { auto_approve: true, ..Scenario::default() }).unwrap();
    let base = running.base_url().to_string();
    assert!(base.starts_with("http://127.0.0.1:"));
    let (status, body) = http(
        &base,
        "POST",
        "/client/register",
        &[("Content-Type", "application/json")],
        r#"{"clientName":"l","clientType":"public"}"#,
    );
    assert_eq!(status, 200);
    let client: Value = serde_json::from_str(&body).unwrap();
    let start = json!({"clientId": client["clientId"], "clientSecret": client["clientSecret"], "startUrl": START_URL}).to_string();
    let (status, body) = http(&base, "POST", "/device_authorization", &[], &start);
    assert_eq!(status, 200);
    let auth: Value = serde_json::from_str(&body).unwrap();
    let poll = json!({"clientId": client["clientId"], "clientSecret": client["clientSecret"], "grantType": DEVICE_GRANT, "deviceCode": auth["deviceCode"]}).to_string();
    let (status, body) = http(&base, "POST", "/token", &[], &poll);
    assert_eq!(status, 200, "{body}");
    let token: Value = serde_json::from_str(&body).unwrap();
    let (status, _) = http(
        &base,
        "GET",
        "/assignment/accounts",
        &[("x-amz-sso_bearer_token", token["accessToken"].as_str().unwrap())],
        "",
    );
    assert_eq!(status, 200);
    assert_eq!(running.control().requests().len(), 4);
    let address = running.address();
    drop(running);
    // tiny_http closes its accept thread asynchronously after the server is dropped.
    let closed = (0..50).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(20));
        TcpStream::connect(address).is_err()
    });
    assert!(closed, "the listener is closed after drop");
}

/// Reads one response (head + Content-Length body) off a keep-alive connection.
fn read_response(reader: &mut std::io::BufReader<TcpStream>) -> (u16, Vec<(String, String)>, String) {
    use std::io::BufRead;
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let status = status_line[9..12].parse().unwrap();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            break;
        }
        let (k, v) = line.split_once(':').unwrap();
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let length: usize =
        headers.iter().find(|(k, _)| k == "content-length").map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (status, headers, String::from_utf8(body).unwrap())
}

#[test]
fn keep_alive_chunked_bodies_and_bad_requests() {
    let running = Emulator::start(Scenario::default()).unwrap();
    let stream = TcpStream::connect(running.address()).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = std::io::BufReader::new(stream);
    let body = r#"{"clientName":"k","clientType":"public"}"#;
    // Two requests on one connection: a chunked one, then a Content-Length one.
    let (first, second) = body.split_at(10);
    write!(
        writer,
        "POST /client/register HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{first}\r\n{:x}\r\n{second}\r\n0\r\n\r\n",
        first.len(),
        second.len()
    )
    .unwrap();
    let (status, headers, text) = read_response(&mut reader);
    assert_eq!(status, 200, "{text}");
    assert!(headers.contains(&("connection".into(), "keep-alive".into())));
    write!(writer, "GET /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").unwrap();
    assert_eq!(read_response(&mut reader).0, 404);
    write!(writer, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n").unwrap();
    let (status, headers, _) = read_response(&mut reader);
    assert_eq!(status, 200);
    assert!(headers.contains(&("connection".into(), "close".into())));

    let (status, _) = http(running.base_url(), "NONSENSE", "", &[], "");
    assert_eq!(status, 400, "a request line without a target is refused");
    let mut big = TcpStream::connect(running.address()).unwrap();
    write!(big, "POST /token HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n").unwrap();
    let mut answer = String::new();
    big.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

#[test]
fn a_removed_account_is_no_longer_listed_nor_usable_until_reset() {
    let emu = Emulator::new(
        Scenario { generated_accounts: Some(25), roles_per_account: 2, ..Scenario::default() },
        Options { control_over_http: true, ..Options::default() },
        "http://127.0.0.1:9".into(),
    )
    .unwrap();
    let (token, _) = device_token(&emu, json!([]));
    let access = token["accessToken"].as_str().unwrap();
    let gone = emu.directory()[20].account_id.clone();
    let listed = |emu: &Emulator| -> Vec<String> {
        let mut ids = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let target = match &next {
                Some(t) => format!("/assignment/accounts?max_result=10&next_token={t}"),
                None => "/assignment/accounts?max_result=10".into(),
            };
            let page = get(emu, &target, Some(access)).json_body();
            ids.extend(
                page["accountList"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a["accountId"].as_str().unwrap().to_string()),
            );
            match page["nextToken"].as_str() {
                Some(t) => next = Some(t.replace('=', "%3D")),
                None => return ids,
            }
        }
    };
    assert_eq!(listed(&emu).len(), 25);

    let removed = post(&emu, "/_emulator/accounts/remove", json!({"account_id": gone}));
    assert_eq!(removed.status, 200, "{}", String::from_utf8_lossy(&removed.body));
    let now = listed(&emu);
    assert_eq!(now.len(), 24, "pages still add up without the removed account");
    assert!(!now.contains(&gone));
    let others: Vec<String> =
        emu.directory().iter().map(|a| a.account_id.clone()).filter(|id| *id != gone).collect();
    assert_eq!(now, others, "every other account, in the same order");
    let roles = get(&emu, &format!("/assignment/roles?account_id={gone}"), Some(access));
    assert_eq!((roles.status, error_type(&roles).as_str()), (404, "ResourceNotFoundException"));
    let creds = get(
        &emu,
        &format!("/federation/credentials?role_name=AdministratorAccess&account_id={gone}"),
        Some(access),
    );
    assert_eq!(creds.status, 403);
    let control_list = get(&emu, "/_emulator/accounts", None).json_body();
    assert_eq!(control_list["accounts"].as_array().unwrap().len(), 24);
    assert_eq!(post(&emu, "/_emulator/accounts/remove", json!({"account_id": "000000000000"})).status, 404);
    assert_eq!(post(&emu, "/_emulator/accounts/remove", json!({})).status, 400);

    emu.reset();
    assert_eq!(emu.listed_accounts().len(), 25, "reset brings it back");
}
