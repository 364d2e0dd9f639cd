//! The core's SSO flows over real HTTP (the native ureq transport on loopback) against the
//! in-process IAM Identity Center emulator: device and PKCE logins, refresh, paging over 1,000
//! accounts, 429 storms, every error mapping, cancellation, logout.

use sso_bridge::cache::{CachedToken, ClientRegistration, RegistrationKind};
use sso_bridge::error::SsoError;
use sso_bridge::flows::device::{poll_device_token, start_device_login, DeviceLoginStarted};
use sso_bridge::flows::listing::{
    list_accounts_and_roles, list_all_accounts, logout, role_credentials, ListOptions,
};
use sso_bridge::flows::pkce::{pkce_finish, start_pkce_login, PendingPkce};
use sso_bridge::flows::refresh::refresh_token;
use sso_bridge::flows::registration::RegistrationRequest;
use sso_bridge::flows::retry::RetryPolicy;
use sso_bridge::flows::{Cancellation, IssuedToken};
use sso_bridge::http::{HttpRequest, Method};
use sso_bridge::oidc::{ClientCredentials, Grant, OidcClient, RegisterClientInput};
use sso_bridge::portal::PortalClient;
use sso_bridge::secret::Secret;
use sso_bridge_emulator::{Fault, FaultKind, Operation as EmuOp, RunningEmulator, Scenario};
use sso_bridge_host::native::{NativeEffects, NativeTransport};
use std::time::{Duration, Instant};

const START_URL: &str = "https://d-1234567890.awsapps.com/start";
const REGION: &str = "us-east-1";

fn scenario() -> Scenario {
    let mut scenario = Scenario { seed: Some(7), ..Scenario::default() };
    scenario.lifetimes.poll_interval_seconds = 1;
    scenario
}

fn start(scenario: Scenario) -> RunningEmulator {
    RunningEmulator::start(scenario).expect("emulator starts")
}

struct Clients {
    effects: NativeEffects,
}

impl Clients {
    fn new() -> Self {
        Clients { effects: NativeEffects::new() }
    }
    fn oidc<'a>(&'a self, emu: &RunningEmulator) -> OidcClient<&'a NativeTransport> {
        OidcClient::new(emu.base_url(), self.effects.transport()).unwrap()
    }
    fn portal<'a>(&'a self, emu: &RunningEmulator) -> PortalClient<&'a NativeTransport> {
        PortalClient::new(emu.base_url(), self.effects.transport()).unwrap()
    }
}

fn session_request(scopes: Option<&[String]>) -> RegistrationRequest<'_> {
    RegistrationRequest {
        session_name: Some("dev"),
        start_url: START_URL,
        issuer_url: START_URL,
        region: REGION,
        scopes,
    }
}

fn device_start(c: &Clients, emu: &RunningEmulator, cached: Option<&str>) -> DeviceLoginStarted {
    let request = session_request(None);
    pollster::block_on(start_device_login(&c.oidc(emu), &c.effects, &request, cached)).unwrap()
}

fn device_poll(
    c: &Clients,
    emu: &RunningEmulator,
    started: &DeviceLoginStarted,
    cancel: &Cancellation,
) -> Result<IssuedToken, SsoError> {
    let client = ClientCredentials::from(&started.registration.registration);
    pollster::block_on(poll_device_token(
        &c.oidc(emu),
        &c.effects,
        &c.effects,
        &client,
        &started.authorization,
        started.started_at,
        cancel,
    ))
}

fn pkce_login(
    c: &Clients,
    emu: &RunningEmulator,
    cached: Option<&str>,
) -> (ClientRegistration, PendingPkce, String) {
    let request = session_request(None);
    let started =
        pollster::block_on(start_pkce_login(&c.oidc(emu), &c.effects, &c.effects, &request, cached, 50123))
            .unwrap();
    // The browser opens the authorize URL: the emulator shows its sign-in page…
    let page =
        c.effects.transport().send_blocking(&HttpRequest::new(Method::Get, &started.authorize_url)).unwrap();
    assert_eq!(page.status, 200, "{}", String::from_utf8_lossy(&page.body));
    (started.registration.registration, started.pending, started.authorize_url)
}

#[test]
fn device_login_with_auto_approve_then_accounts_and_credentials() {
    let emu = start(Scenario { auto_approve: true, ..scenario() });
    let c = Clients::new();
    let started = device_start(&c, &emu, None);
    let registration_file = started.registration.new_cache_file.clone().expect("a new registration");
    let registration_file = registration_file.expose();
    assert_eq!(started.registration.registration.kind(), RegistrationKind::DeviceCode);
    let token = device_poll(&c, &emu, &started, &Cancellation::new()).unwrap();
    let cached = token.into_cached_token(START_URL, REGION, &started.registration.registration);
    assert!(cached.expires_at.unix_seconds() > emu.control().now_epoch_seconds() + 3600);

    // Exactly one CreateToken: the immediate attempt got the pre-approved token.
    let ops: Vec<_> = emu.control().requests().iter().filter_map(|r| r.operation.clone()).collect();
    assert_eq!(ops, ["RegisterClient", "StartDeviceAuthorization", "CreateToken"]);

    let accounts = pollster::block_on(list_all_accounts(
        &c.portal(&emu),
        &c.effects,
        &c.effects,
        &cached.access_token,
        &ListOptions::default(),
        &Cancellation::new(),
    ))
    .unwrap();
    assert!(!accounts.is_empty());
    let all = pollster::block_on(list_accounts_and_roles(
        &c.portal(&emu),
        &c.effects,
        &c.effects,
        &cached.access_token,
        &ListOptions::default(),
        &Cancellation::new(),
    ))
    .unwrap();
    let first = &all[0];
    let creds = pollster::block_on(role_credentials(
        &c.portal(&emu),
        &c.effects,
        &c.effects,
        &c.effects,
        &cached,
        &first.account.account_id,
        &first.roles[0].role_name,
        &RetryPolicy::DEFAULT,
        &Cancellation::new(),
    ))
    .unwrap();
    assert!(creds.access_key_id.starts_with("ASIA"));
    assert!(creds.expiration.unwrap().unix_seconds() > emu.control().now_epoch_seconds());

    // A second login reuses the cached registration: no RegisterClient.
    emu.control().clear_requests();
    let again = device_start(&c, &emu, Some(registration_file));
    assert_eq!(again.registration.new_cache_file, None);
    assert_eq!(emu.control().requests()[0].operation.as_deref(), Some("StartDeviceAuthorization"));

    // The service forgets every client: the cached registration is refused once, then replaced.
    emu.control().reset();
    emu.control().clear_requests();
    let recovered = device_start(&c, &emu, Some(registration_file));
    assert!(recovered.registration.new_cache_file.is_some());
    let ops: Vec<_> = emu.control().requests().iter().filter_map(|r| r.operation.clone()).collect();
    assert_eq!(ops, ["StartDeviceAuthorization", "RegisterClient", "StartDeviceAuthorization"]);
    device_poll(&c, &emu, &recovered, &Cancellation::new()).unwrap();
}

#[test]
fn device_login_waits_for_approval_with_the_server_interval() {
    // The emulator answers slow_down to any poll that comes sooner than the interval.
    let emu = start(Scenario { enforce_poll_interval: true, ..scenario() });
    let c = Clients::new();
    let started = device_start(&c, &emu, None);
    assert_eq!(started.authorization.interval, Some(1));
    let control = emu.control();
    let user_code = started.authorization.user_code.clone();
    let approver = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        control.approve_device(Some(&user_code)).unwrap();
    });
    let t0 = Instant::now();
    let token = device_poll(&c, &emu, &started, &Cancellation::new()).unwrap();
    approver.join().unwrap();
    let waited = t0.elapsed();
    // Approved at 1.5 s, fetched by the next 1 s poll; a slow_down would have added 5 s.
    assert!(waited >= Duration::from_millis(1500) && waited < Duration::from_secs(4), "{waited:?}");
    assert!(!token.access_token.is_empty());
    let create_tokens: Vec<_> = emu
        .control()
        .requests()
        .into_iter()
        .filter(|r| r.operation.as_deref() == Some("CreateToken"))
        .map(|r| r.status)
        .collect();
    // Immediate attempt, then one a second: pending, pending, then the token.
    assert!(create_tokens.len() >= 3, "{create_tokens:?}");
    assert_eq!(create_tokens.last(), Some(&200));
    assert!(create_tokens[..create_tokens.len() - 1].iter().all(|s| *s == 400));
}

#[test]
fn device_login_denied_slowed_down_and_expired() {
    let emu = start(scenario());
    let c = Clients::new();

    let started = device_start(&c, &emu, None);
    emu.control().deny_device(Some(&started.authorization.user_code)).unwrap();
    let err = device_poll(&c, &emu, &started, &Cancellation::new()).unwrap_err();
    assert_eq!(err.code(), "access_denied", "{err}");

    // slow_down adds 5 s to the 1 s interval: the next attempt comes ~6 s later.
    let started = device_start(&c, &emu, None);
    emu.control().inject_fault(Fault {
        operation: EmuOp::CreateToken,
        kind: FaultKind::SlowDown,
        count: 1,
        delay_ms: None,
    });
    emu.control().approve_device(Some(&started.authorization.user_code)).unwrap();
    let t0 = Instant::now();
    device_poll(&c, &emu, &started, &Cancellation::new()).unwrap();
    let waited = t0.elapsed();
    assert!(waited >= Duration::from_secs(6) && waited < Duration::from_secs(9), "{waited:?}");

    // The device code's lifetime ends the poll.
    let mut short = scenario();
    short.lifetimes.device_code_seconds = 2;
    let emu = start(short);
    let started = device_start(&c, &emu, None);
    let t0 = Instant::now();
    let err = device_poll(&c, &emu, &started, &Cancellation::new()).unwrap_err();
    assert_eq!(err.code(), "expired_token", "{err}");
    assert!(t0.elapsed() < Duration::from_secs(5));
}

#[test]
fn device_poll_cancellation_from_another_thread() {
    let emu = start(scenario());
    let c = Clients::new();
    let started = device_start(&c, &emu, None);
    let cancel = Cancellation::new();
    let switch = cancel.clone();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1200));
        switch.cancel();
    });
    let t0 = Instant::now();
    let err = device_poll(&c, &emu, &started, &cancel).unwrap_err();
    canceller.join().unwrap();
    assert_eq!(err.code(), "cancelled");
    assert!(!err.retryable());
    assert!(t0.elapsed() < Duration::from_millis(3500), "{:?}", t0.elapsed());
}

#[test]
fn pkce_login_refresh_and_logout() {
    let emu = start(scenario());
    let c = Clients::new();
    let (registration, pending, url) = pkce_login(&c, &emu, None);
    assert!(url.starts_with(&format!("{}/authorize?response_type=code&client_id=", emu.base_url())));
    assert_eq!(registration.kind(), RegistrationKind::AuthorizationCode);

    // The pending state survives a "service-worker restart" as JSON.
    let pending = PendingPkce::from_json(&pending.to_json()).unwrap();
    // …the person allows access; the browser lands on the loopback callback.
    let callback = emu.control().approve_authorization(None).unwrap();
    assert!(callback.starts_with("http://127.0.0.1:50123/oauth/callback?"), "{callback}");
    let token = pollster::block_on(pkce_finish(&c.oidc(&emu), &c.effects, &pending, &callback)).unwrap();
    assert!(token.refresh_token.is_some(), "PKCE logins are refreshable");
    let cached = token.into_cached_token(START_URL, REGION, &registration);
    let file = cached.to_cli_json();
    assert!(file.starts_with(
        r#"{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": ""#
    ));
    let reread = CachedToken::from_json(&file).unwrap();

    // The same code cannot be used twice.
    let err = pollster::block_on(pkce_finish(&c.oidc(&emu), &c.effects, &pending, &callback)).unwrap_err();
    assert_eq!(err.code(), "invalid_grant", "{err}");

    let refreshed =
        pollster::block_on(refresh_token(&c.oidc(&emu), &c.effects, &reread, START_URL, REGION)).unwrap();
    assert_ne!(refreshed.access_token, reread.access_token);
    assert_eq!(refreshed.client_id, reread.client_id);
    assert_eq!(refreshed.registration_expires_at, reread.registration_expires_at);
    let accounts = pollster::block_on(list_all_accounts(
        &c.portal(&emu),
        &c.effects,
        &c.effects,
        &refreshed.access_token,
        &ListOptions::default(),
        &Cancellation::new(),
    ))
    .unwrap();
    assert!(!accounts.is_empty());

    // Logout ends the session server-side.
    pollster::block_on(logout(&c.portal(&emu), &refreshed.access_token)).unwrap();
    let err = pollster::block_on(c.portal(&emu).list_accounts_page(&refreshed.access_token, None, None))
        .unwrap_err();
    assert_eq!(err.code(), "unauthorized");
    assert_eq!(err.detail(), Some("Session token not found or invalid"));
    assert_eq!(err.advice(), "Sign in again to get a new SSO session.");
}

#[test]
fn pkce_denied_wrong_state_and_registration_reuse() {
    let emu = start(scenario());
    let c = Clients::new();
    let (registration, pending, _) = pkce_login(&c, &emu, None);
    let denied = emu.control().deny_authorization(None).unwrap();
    let err = pollster::block_on(pkce_finish(&c.oidc(&emu), &c.effects, &pending, &denied)).unwrap_err();
    assert_eq!(err.code(), "authorization_failed", "{err}");
    assert!(err.to_string().contains("access_denied"), "{err}");

    // A second login reuses the PKCE registration; an old callback from the first is refused.
    emu.control().clear_requests();
    let (again, second, _) = pkce_login(&c, &emu, Some(&registration.to_cli_json()));
    assert_eq!(again.client_id, registration.client_id);
    assert!(emu.control().requests().iter().all(|r| r.operation.as_deref() != Some("RegisterClient")));
    let callback = emu.control().approve_authorization(None).unwrap();
    let err = pollster::block_on(pkce_finish(&c.oidc(&emu), &c.effects, &pending, &callback)).unwrap_err();
    assert_eq!(err.code(), "state_mismatch");
    pollster::block_on(pkce_finish(&c.oidc(&emu), &c.effects, &second, &callback)).unwrap();
}

fn login(c: &Clients, emu: &RunningEmulator) -> Secret {
    let started = device_start(c, emu, None);
    emu.control().approve_device(Some(&started.authorization.user_code)).unwrap();
    device_poll(c, emu, &started, &Cancellation::new()).unwrap().access_token
}

#[test]
fn pages_through_1000_accounts_and_their_roles() {
    let emu = start(Scenario { generated_accounts: Some(1000), roles_per_account: 3, ..scenario() });
    let c = Clients::new();
    let token = login(&c, &emu);
    emu.control().clear_requests();
    let t0 = Instant::now();
    let accounts = pollster::block_on(list_all_accounts(
        &c.portal(&emu),
        &c.effects,
        &c.effects,
        &token,
        &ListOptions::default(),
        &Cancellation::new(),
    ))
    .unwrap();
    let accounts_time = t0.elapsed();
    assert_eq!(accounts.len(), 1000);
    let mut ids: Vec<_> = accounts.iter().map(|a| a.account_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 1000, "no account twice");
    assert_eq!(emu.control().requests().len(), 10, "100 per page");

    let t0 = Instant::now();
    let options = ListOptions { page_size: 2, ..ListOptions::default() };
    let all = pollster::block_on(list_accounts_and_roles(
        &c.portal(&emu),
        &c.effects,
        &c.effects,
        &token,
        &options,
        &Cancellation::new(),
    ))
    .unwrap();
    let roles_time = t0.elapsed();
    assert_eq!(all.len(), 1000);
    assert!(all
        .iter()
        .all(|a| a.roles.len() == 3 && a.roles.iter().all(|r| r.account_id == a.account.account_id)));
    eprintln!("1000 accounts: {accounts_time:?} for 10 pages; all roles (2 pages each): {roles_time:?}");
}

#[test]
fn survives_a_429_storm() {
    let mut storm = Scenario { generated_accounts: Some(30), ..scenario() };
    storm.throttling.requests_per_second = Some(5);
    let emu = start(storm);
    let c = Clients::new();
    let token = login(&c, &emu);
    let all = pollster::block_on(list_accounts_and_roles(
        &c.portal(&emu),
        &c.effects,
        &c.effects,
        &token,
        &ListOptions { page_size: 10, ..ListOptions::default() },
        &Cancellation::new(),
    ))
    .unwrap();
    assert_eq!(all.len(), 30);
    let throttled = emu.control().requests().iter().filter(|r| r.status == 429).count();
    assert!(throttled > 0, "the storm happened");

    // With Retry-After the server's wait is honoured.
    let mut storm = Scenario { generated_accounts: Some(5), ..scenario() };
    storm.throttling.retry_after_seconds = Some(2);
    let emu = start(storm);
    let token = login(&c, &emu);
    emu.control().inject_fault(Fault {
        operation: EmuOp::ListAccounts,
        kind: FaultKind::Throttle,
        count: 1,
        delay_ms: None,
    });
    let t0 = Instant::now();
    let accounts = pollster::block_on(list_all_accounts(
        &c.portal(&emu),
        &c.effects,
        &c.effects,
        &token,
        &ListOptions::default(),
        &Cancellation::new(),
    ))
    .unwrap();
    assert_eq!(accounts.len(), 5);
    let waited = t0.elapsed();
    // The 429 carried `Retry-After: 2` (the scenario's): waited that long, not our 0.25–0.5 s.
    assert!(waited >= Duration::from_secs(2) && waited < Duration::from_secs(4), "{waited:?}");

    // A throttle that never ends gives up with a retryable error.
    emu.control().inject_fault(Fault {
        operation: EmuOp::ListAccounts,
        kind: FaultKind::Throttle,
        count: 100,
        delay_ms: None,
    });
    let quick = ListOptions {
        retry: RetryPolicy { max_attempts: 3, base_delay: Duration::from_millis(10), ..RetryPolicy::DEFAULT },
        ..ListOptions::default()
    };
    let err = pollster::block_on(list_all_accounts(
        &c.portal(&emu),
        &c.effects,
        &c.effects,
        &token,
        &quick,
        &Cancellation::new(),
    ))
    .unwrap_err();
    assert_eq!(err.code(), "too_many_requests");
    assert!(err.retryable());
}

#[test]
fn honours_retry_after_from_the_server() {
    let mut storm = Scenario { generated_accounts: Some(3), ..scenario() };
    storm.throttling.requests_per_second = Some(1);
    storm.throttling.retry_after_seconds = Some(1);
    let emu = start(storm);
    let c = Clients::new();
    let token = login(&c, &emu);
    let portal = c.portal(&emu);
    // Use up this second's allowance, then list: the 429 says Retry-After: 1.
    let _ = pollster::block_on(portal.list_accounts_page(&token, None, None));
    let err = pollster::block_on(portal.list_accounts_page(&token, None, None)).unwrap_err();
    assert_eq!(err.code(), "too_many_requests");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
    let t0 = Instant::now();
    let accounts = pollster::block_on(list_all_accounts(
        &portal,
        &c.effects,
        &c.effects,
        &token,
        &ListOptions::default(),
        &Cancellation::new(),
    ))
    .unwrap();
    assert_eq!(accounts.len(), 3);
    assert!(t0.elapsed() >= Duration::from_millis(900), "{:?}", t0.elapsed());
}

#[test]
fn every_error_maps_to_its_code() {
    let emu = start(scenario());
    let c = Clients::new();
    let token = login(&c, &emu);
    let oidc = c.oidc(&emu);
    let portal = c.portal(&emu);
    let control = emu.control();
    let reg =
        pollster::block_on(oidc.register_client(&RegisterClientInput::device("botocore-client-x", None)))
            .unwrap();
    let client = ClientCredentials::from(&reg);
    let bogus_grant = Grant::DeviceCode { device_code: Secret::new("not-a-device-code") };

    let oidc_faults = [
        (FaultKind::SlowDown, "slow_down"),
        (FaultKind::AccessDenied, "access_denied"),
        (FaultKind::ExpiredToken, "expired_token"),
        (FaultKind::InvalidGrant, "invalid_grant"),
        (FaultKind::AuthorizationPending, "authorization_pending"),
        (FaultKind::Unauthorized, "invalid_client"),
        (FaultKind::InternalError, "internal"),
    ];
    for (kind, code) in oidc_faults {
        control.inject_fault(Fault { operation: EmuOp::CreateToken, kind, count: 1, delay_ms: None });
        let err = pollster::block_on(oidc.create_token(&client, &bogus_grant)).unwrap_err();
        assert_eq!(err.code(), code, "{kind:?}: {err}");
        assert!(err.status().is_some());
    }
    // Real (not injected) OIDC errors.
    let err = pollster::block_on(oidc.create_token(&client, &bogus_grant)).unwrap_err();
    assert_eq!(err.code(), "invalid_grant", "{err}");
    let wrong_secret =
        ClientCredentials { client_id: client.client_id.clone(), client_secret: Secret::new("wrong") };
    let err = pollster::block_on(oidc.create_token(&wrong_secret, &bogus_grant)).unwrap_err();
    assert_eq!(err.code(), "invalid_client", "{err}");
    let err = pollster::block_on(
        oidc.register_client(&RegisterClientInput::device("x", Some(vec!["no:such:scope".into()]))),
    )
    .unwrap_err();
    assert_eq!(err.code(), "invalid_scope", "{err}");
    let mut bad = RegisterClientInput::device("x", None);
    bad.client_type = "confidential".into();
    let err = pollster::block_on(oidc.register_client(&bad)).unwrap_err();
    assert_eq!(err.code(), "invalid_client_metadata", "{err}");
    let mut bad = RegisterClientInput::pkce("x", None, START_URL);
    bad.grant_types = Some(vec!["password".into()]);
    let err = pollster::block_on(oidc.register_client(&bad)).unwrap_err();
    assert_eq!(err.code(), "unsupported_grant_type", "{err}");
    let mut bad = RegisterClientInput::pkce("x", None, START_URL);
    bad.redirect_uris = Some(vec!["https://evil.example/callback".into()]);
    let err = pollster::block_on(oidc.register_client(&bad)).unwrap_err();
    assert_eq!(err.code(), "invalid_redirect_uri", "{err}");
    let mut bad = RegisterClientInput::pkce("x", None, START_URL);
    bad.redirect_uris = None;
    let err = pollster::block_on(oidc.register_client(&bad)).unwrap_err();
    assert_eq!(err.code(), "invalid_request", "{err}");
    assert!(err.advice().starts_with("Check"), "{err}");
    let err = pollster::block_on(oidc.create_token(
        &client,
        &Grant::AuthorizationCode {
            code: Secret::new("c"),
            redirect_uri: "http://127.0.0.1:1/oauth/callback".into(),
            code_verifier: Secret::new("v"),
        },
    ))
    .unwrap_err();
    assert!(matches!(err.code(), "unauthorized_client" | "invalid_grant"), "{err}");
    control.inject_fault(Fault {
        operation: EmuOp::RegisterClient,
        kind: FaultKind::InternalError,
        count: 1,
        delay_ms: None,
    });
    let err = pollster::block_on(oidc.register_client(&RegisterClientInput::device("x", None))).unwrap_err();
    assert_eq!((err.code(), err.retryable()), ("internal", true));

    let accounts = pollster::block_on(portal.list_accounts_page(&token, None, None)).unwrap();
    let account = &accounts.items[0].account_id;
    let portal_faults = [
        (FaultKind::ExpiredToken, "unauthorized"),
        (FaultKind::AccessDenied, "access_denied"),
        (FaultKind::Throttle, "too_many_requests"),
        (FaultKind::InternalError, "internal"),
    ];
    for (kind, code) in portal_faults {
        control.inject_fault(Fault { operation: EmuOp::GetRoleCredentials, kind, count: 1, delay_ms: None });
        let err = pollster::block_on(portal.get_role_credentials(&token, account, "AnyRole")).unwrap_err();
        assert_eq!(err.code(), code, "{kind:?}: {err}");
    }
    let err =
        pollster::block_on(portal.get_role_credentials(&token, account, "NotAssignedRole")).unwrap_err();
    assert_eq!(err.code(), "access_denied", "{err}");
    let err =
        pollster::block_on(portal.list_account_roles_page(&token, "000000000000", None, None)).unwrap_err();
    assert_eq!(err.code(), "resource_not_found", "{err}");
    let err =
        pollster::block_on(portal.list_accounts_page(&Secret::new("not-a-token"), None, None)).unwrap_err();
    assert_eq!(err.code(), "unauthorized", "{err}");

    // Timeout: the emulator holds the answer longer than the transport waits.
    control.inject_fault(Fault {
        operation: EmuOp::ListAccounts,
        kind: FaultKind::Timeout,
        count: 1,
        delay_ms: Some(3000),
    });
    let impatient = NativeTransport::with_timeouts(Duration::from_secs(1), Duration::from_secs(1));
    let slow_portal = PortalClient::new(emu.base_url(), &impatient).unwrap();
    let err = pollster::block_on(slow_portal.list_accounts_page(&token, None, None)).unwrap_err();
    assert_eq!((err.code(), err.retryable()), ("timeout", true), "{err}");

    // Network: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let nowhere = PortalClient::new(&format!("http://127.0.0.1:{closed}"), c.effects.transport()).unwrap();
    let err = pollster::block_on(nowhere.list_accounts_page(&token, None, None)).unwrap_err();
    assert_eq!((err.code(), err.retryable()), ("network", true), "{err}");

    // Not the SSO API at all: an HTML page (the device verification page) where JSON was expected.
    let page_as_api =
        PortalClient::new(&format!("{}/device?page=", emu.base_url()), c.effects.transport()).unwrap();
    let err = pollster::block_on(page_as_api.list_accounts_page(&token, None, None)).unwrap_err();
    assert_eq!(err.code(), "malformed_response", "{err}");
    assert!(!err.retryable());
}

#[test]
fn no_secret_reaches_an_error_or_debug_output() {
    let emu = start(Scenario { auto_approve: true, ..scenario() });
    let c = Clients::new();
    let started = device_start(&c, &emu, None);
    let secret = started.registration.registration.client_secret.expose().to_owned();
    let token = device_poll(&c, &emu, &started, &Cancellation::new()).unwrap();
    let access = token.access_token.expose().to_owned();
    let refresh = token.refresh_token.as_ref().map(|r| r.expose().to_owned());
    let control = emu.control();
    let oidc = c.oidc(&emu);
    let portal = c.portal(&emu);
    let client = ClientCredentials::from(&started.registration.registration);

    let mut shown = Vec::new();
    control.inject_fault(Fault {
        operation: EmuOp::CreateToken,
        kind: FaultKind::InvalidGrant,
        count: 1,
        delay_ms: None,
    });
    let grant =
        Grant::RefreshToken { refresh_token: Secret::new(refresh.clone().unwrap_or_else(|| "rt".into())) };
    let err = pollster::block_on(oidc.create_token(&client, &grant)).unwrap_err();
    shown.push(format!("{err} {err:?}"));
    control.inject_fault(Fault {
        operation: EmuOp::GetRoleCredentials,
        kind: FaultKind::ExpiredToken,
        count: 1,
        delay_ms: None,
    });
    let err = pollster::block_on(portal.get_role_credentials(&token.access_token, "1", "r")).unwrap_err();
    shown.push(format!("{err} {err:?}"));
    shown.push(format!("{token:?} {started:?}"));
    for text in &shown {
        assert!(!text.contains(&secret), "client secret leaked: {text}");
        assert!(!text.contains(&access), "access token leaked: {text}");
        if let Some(refresh) = &refresh {
            assert!(!text.contains(refresh.as_str()), "refresh token leaked: {text}");
        }
    }
}
