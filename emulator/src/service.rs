//! The emulated IAM Identity Center: state and the handlers of every route.
//!
//! `Emulator::handle` takes a parsed [`Request`] and returns a [`Response`]; the HTTP server in
//! `server.rs` is only glue, so the behaviour here is testable without sockets.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fs::File;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::pages::{self, ConsentView};
use crate::rng::Rng;
use crate::scenario::{Account, Fault, FaultKind, Operation, Scenario};
use crate::urlenc;
use crate::wire::{ApiError, Request, Response, Service};

pub const GRANT_DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
pub const GRANT_AUTHORIZATION_CODE: &str = "authorization_code";
pub const GRANT_REFRESH_TOKEN: &str = "refresh_token";
const KNOWN_GRANTS: &[&str] = &[GRANT_DEVICE_CODE, GRANT_AUTHORIZATION_CODE, GRANT_REFRESH_TOKEN];

/// Path prefix of the test-control API (answered only when control is enabled).
pub const CONTROL_PREFIX: &str = "/_emulator/";

/// How the server runs, besides the scenario.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Answer `/_emulator/…` test-control requests over HTTP.
    pub control_over_http: bool,
    /// Print one redacted line per request to stderr.
    pub verbose: bool,
    /// Append a redacted JSON line per request to this file.
    pub request_log: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone)]
struct Client {
    client_name: String,
    client_secret: String,
    scopes: Vec<String>,
    /// Grants registered explicitly; `None` means a plain device-flow client.
    grant_types: Option<Vec<String>>,
    redirect_uris: Vec<String>,
    secret_expires_at: i64,
}

impl Client {
    fn allows_grant(&self, grant: &str) -> bool {
        match &self.grant_types {
            Some(grants) => grants.iter().any(|g| g == grant),
            None => grant == GRANT_DEVICE_CODE || grant == GRANT_REFRESH_TOKEN,
        }
    }

    /// AWS hands out refresh tokens only to clients that registered scopes or the refresh grant.
    fn gets_refresh_tokens(&self) -> bool {
        !self.scopes.is_empty()
            || self.grant_types.as_ref().is_some_and(|g| g.iter().any(|x| x == GRANT_REFRESH_TOKEN))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionStatus {
    Pending,
    Approved,
    Denied,
    /// The device code has been exchanged for a token.
    Redeemed,
}

#[derive(Debug, Clone)]
struct DeviceAuthorization {
    device_code: String,
    user_code: String,
    client_id: String,
    start_url: String,
    expires_at: i64,
    interval: u64,
    status: DecisionStatus,
    user: Option<String>,
    last_poll: Option<Instant>,
    created_seq: u64,
}

#[derive(Debug, Clone)]
struct PendingAuthorization {
    id: String,
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
    code_challenge: String,
    scopes: Vec<String>,
    expires_at: i64,
    created_seq: u64,
}

#[derive(Debug, Clone)]
struct AuthorizationCode {
    client_id: String,
    redirect_uri: String,
    code_challenge: String,
    scopes: Vec<String>,
    user: String,
    expires_at: i64,
    used: bool,
}

#[derive(Debug, Clone)]
struct AccessToken {
    user: String,
    expires_at: i64,
    revoked: bool,
    refresh_token: Option<String>,
}

#[derive(Debug, Clone)]
struct RefreshToken {
    client_id: String,
    user: String,
    scopes: Vec<String>,
    expires_at: i64,
    revoked: bool,
}

#[derive(Debug, Clone)]
struct ArmedFault {
    fault: Fault,
    remaining: u32,
}

/// One request as recorded in the log.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LoggedRequest {
    pub seq: u64,
    /// Emulator clock, epoch milliseconds.
    pub time_ms: i64,
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub status: u16,
    pub operation: Option<String>,
    pub duration_ms: f64,
}

#[derive(Debug)]
struct State {
    rng: Rng,
    seq: u64,
    clients: HashMap<String, Client>,
    device_authorizations: HashMap<String, DeviceAuthorization>,
    pending_authorizations: HashMap<String, PendingAuthorization>,
    authorization_codes: HashMap<String, AuthorizationCode>,
    access_tokens: HashMap<String, AccessToken>,
    refresh_tokens: HashMap<String, RefreshToken>,
    faults: Vec<ArmedFault>,
    throttle_windows: HashMap<String, VecDeque<Instant>>,
    log: VecDeque<LoggedRequest>,
    /// Accounts taken out of the directory through test control (as when an account is closed or
    /// its assignments are removed): no longer listed, their roles and credentials refused.
    removed_accounts: HashSet<String>,
}

impl State {
    fn new(scenario: &Scenario) -> State {
        State {
            rng: Rng::new(scenario.seed.unwrap_or_else(Rng::unpredictable_seed)),
            seq: 0,
            clients: HashMap::new(),
            device_authorizations: HashMap::new(),
            pending_authorizations: HashMap::new(),
            authorization_codes: HashMap::new(),
            access_tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            faults: scenario
                .faults
                .iter()
                .map(|f| ArmedFault { fault: f.clone(), remaining: f.count })
                .collect(),
            throttle_windows: HashMap::new(),
            log: VecDeque::new(),
            removed_accounts: HashSet::new(),
        }
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn issue_tokens(
        &mut self,
        client_id: &str,
        user: &str,
        scopes: &[String],
        with_refresh: bool,
        lifetimes: (i64, i64),
        now: i64,
    ) -> Value {
        let (access_seconds, refresh_seconds) = lifetimes;
        let access_token = format!("aoa{}", self.rng.alphanumeric(120));
        let refresh_token = with_refresh.then(|| format!("aor{}", self.rng.alphanumeric(120)));
        if let Some(refresh) = &refresh_token {
            self.refresh_tokens.insert(
                refresh.clone(),
                RefreshToken {
                    client_id: client_id.into(),
                    user: user.into(),
                    scopes: scopes.to_vec(),
                    expires_at: now + refresh_seconds,
                    revoked: false,
                },
            );
        }
        self.access_tokens.insert(
            access_token.clone(),
            AccessToken {
                user: user.into(),
                expires_at: now + access_seconds,
                revoked: false,
                refresh_token: refresh_token.clone(),
            },
        );
        let mut body =
            json!({"accessToken": access_token, "tokenType": "Bearer", "expiresIn": access_seconds});
        if let Some(refresh) = refresh_token {
            body["refreshToken"] = Value::String(refresh);
        }
        body
    }
}

/// A pending device code, as test control shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DeviceAuthorizationInfo {
    pub user_code: String,
    pub client_id: String,
    pub start_url: String,
    pub status: DecisionStatus,
    pub expires_at: i64,
}

/// A sign-in page waiting for a decision, as test control shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuthorizationInfo {
    pub id: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub scopes: Vec<String>,
}

/// The emulator itself: scenario, directory, clock and mutable state. Shared by the server threads.
pub struct Emulator {
    scenario: Scenario,
    options: Options,
    base_url: String,
    directory: Vec<Account>,
    account_index: HashMap<String, usize>,
    clock_offset_ms: AtomicI64,
    state: Mutex<State>,
    log_file: Option<Mutex<File>>,
    log_file_failed: AtomicBool,
    federation: crate::federation::Federation,
}

type Handled = Result<Response, ApiError>;

impl Emulator {
    pub fn new(scenario: Scenario, options: Options, base_url: String) -> Result<Emulator, String> {
        scenario.validate()?;
        let log_file = match &options.request_log {
            Some(path) => Some(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| format!("cannot open the request log {}: {e}", path.display()))?,
            )),
            None => None,
        };
        let directory = scenario.directory();
        let account_index = directory.iter().enumerate().map(|(i, a)| (a.account_id.clone(), i)).collect();
        Ok(Emulator {
            state: Mutex::new(State::new(&scenario)),
            scenario,
            options,
            base_url,
            directory,
            account_index,
            clock_offset_ms: AtomicI64::new(0),
            log_file,
            log_file_failed: AtomicBool::new(false),
            federation: crate::federation::Federation::default(),
        })
    }

    /// Starts a server for `scenario` on an ephemeral loopback port; same as [`RunningEmulator::start`].
    pub fn start(scenario: Scenario) -> Result<crate::RunningEmulator, String> {
        crate::RunningEmulator::start(scenario)
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn directory(&self) -> &[Account] {
        &self.directory
    }

    /// The accounts the portal lists now: the directory without those removed through test control.
    pub fn listed_accounts(&self) -> Vec<&Account> {
        let state = self.lock();
        self.directory.iter().filter(|a| !state.removed_accounts.contains(&a.account_id)).collect()
    }

    /// Takes an account out of the directory until the next reset (test control).
    pub fn remove_account(&self, account_id: &str) -> Result<String, String> {
        if !self.account_index.contains_key(account_id) {
            return Err(format!("no account {account_id} in the directory"));
        }
        self.lock().removed_accounts.insert(account_id.to_string());
        Ok(account_id.to_string())
    }

    fn is_removed(&self, account_id: &str) -> bool {
        self.lock().removed_accounts.contains(account_id)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A handler that panicked cannot leave the maps half-written in a way later requests trip
        // over (each update is a single insert), so keep serving.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    // ----- clock -----

    /// The emulator's clock in epoch milliseconds: the system clock plus any test-control advance.
    pub fn now_ms(&self) -> i64 {
        let system = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        system + self.clock_offset_ms.load(Ordering::Relaxed)
    }

    fn now(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    pub fn advance_clock(&self, seconds: i64) -> i64 {
        self.clock_offset_ms.fetch_add(seconds.saturating_mul(1000), Ordering::Relaxed);
        self.now()
    }

    // ----- entry point -----

    pub fn handle(&self, request: &Request) -> Response {
        let started = Instant::now();
        let origin = request.header("origin").map(str::to_string);
        let (operation, mut response) =
            if request.method == "OPTIONS" { (None, self.preflight(request)) } else { self.route(request) };
        if let Some(origin) = origin {
            if self.scenario.cors.allows(&origin) {
                response.headers.push(("Access-Control-Allow-Origin".into(), origin));
                response.headers.push((
                    "Access-Control-Expose-Headers".into(),
                    "x-amzn-RequestId, x-amzn-ErrorType, Retry-After".into(),
                ));
            }
            response.headers.push(("Vary".into(), "Origin".into()));
        }
        let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        self.record(request, &response, operation, duration_ms);
        response
    }

    fn preflight(&self, request: &Request) -> Response {
        let allowed = request.header("origin").is_some_and(|o| self.scenario.cors.allows(o));
        if !allowed {
            return Response { status: 403, headers: Vec::new(), body: Vec::new() };
        }
        let requested_headers = request.header("access-control-request-headers").unwrap_or("content-type");
        Response {
            status: 204,
            headers: vec![
                ("Access-Control-Allow-Methods".into(), "GET, POST, OPTIONS".into()),
                ("Access-Control-Allow-Headers".into(), requested_headers.to_string()),
                ("Access-Control-Max-Age".into(), "600".into()),
            ],
            body: Vec::new(),
        }
    }

    fn route(&self, request: &Request) -> (Option<Operation>, Response) {
        let method = request.method.as_str();
        let path = request.path.as_str();
        if path.starts_with(CONTROL_PREFIX) {
            if !self.options.control_over_http {
                return (None, not_found());
            }
            return (None, crate::control::handle_http(self, request));
        }
        let operation = match (method, path) {
            ("POST", "/client/register") => Operation::RegisterClient,
            ("POST", "/device_authorization") => Operation::StartDeviceAuthorization,
            ("POST", "/token") => Operation::CreateToken,
            ("GET", "/authorize") => Operation::Authorize,
            ("GET", "/assignment/accounts") => Operation::ListAccounts,
            ("GET", "/assignment/roles") => Operation::ListAccountRoles,
            ("GET", "/federation/credentials") => Operation::GetRoleCredentials,
            ("POST", "/logout") => Operation::Logout,
            ("GET", "/") => return (None, self.index()),
            ("GET", "/federation") => return (None, self.federation(request)),
            ("GET", "/console") => return (None, self.federation.console_page(request)),
            ("POST", "/authorize") => return (None, self.authorize_decision(request)),
            ("GET", "/device") => return (None, self.device_page(request)),
            ("POST", "/device") => return (None, self.device_confirm(request)),
            ("POST", "/device/decision") => return (None, self.device_decision(request)),
            _ => return (None, not_found()),
        };
        let service = if operation.is_portal() { Service::Portal } else { Service::Oidc };
        let request_id = self.lock().rng.uuid();
        let result = self.apply_fault(operation, service).and_then(|()| match operation {
            Operation::RegisterClient => self.register_client(request),
            Operation::StartDeviceAuthorization => self.start_device_authorization(request),
            Operation::CreateToken => self.create_token(request),
            Operation::Authorize => Ok(self.authorize(request)),
            Operation::ListAccounts => self.list_accounts(request),
            Operation::ListAccountRoles => self.list_account_roles(request),
            Operation::GetRoleCredentials => self.get_role_credentials(request),
            Operation::Logout => self.logout(request),
        });
        let mut response = match result {
            Ok(response) => response,
            Err(error) if operation == Operation::Authorize => {
                Response::html(error.status, pages::error_page("Sign-in is unavailable", &error.message))
            }
            Err(error) => error.into_response(),
        };
        response.headers.push(("x-amzn-RequestId".into(), request_id));
        (Some(operation), response)
    }

    // ----- faults and throttling -----

    /// Consumes one armed fault for `operation`, if any, and turns it into an error (or a delay).
    fn apply_fault(&self, operation: Operation, service: Service) -> Result<(), ApiError> {
        let fault = {
            let mut state = self.lock();
            let found = state.faults.iter_mut().find(|f| f.fault.operation == operation && f.remaining > 0);
            match found {
                Some(armed) => {
                    armed.remaining -= 1;
                    armed.fault.clone()
                }
                None => return Ok(()),
            }
        };
        let portal = service == Service::Portal;
        match fault.kind {
            FaultKind::InternalError => Err(ApiError::internal(service)),
            FaultKind::SlowDown | FaultKind::Throttle if portal => {
                Err(ApiError::portal_too_many_requests(self.scenario.throttling.retry_after_seconds))
            }
            FaultKind::SlowDown | FaultKind::Throttle => Err(ApiError::slow_down()),
            FaultKind::AccessDenied if portal => Err(ApiError::portal_forbidden()),
            FaultKind::AccessDenied => Err(ApiError::access_denied("Access denied")),
            FaultKind::ExpiredToken
            | FaultKind::InvalidGrant
            | FaultKind::Unauthorized
            | FaultKind::AuthorizationPending
                if portal =>
            {
                Err(ApiError::portal_unauthorized())
            }
            FaultKind::ExpiredToken => Err(ApiError::expired_token("Token has expired")),
            FaultKind::InvalidGrant => Err(ApiError::invalid_grant("Invalid grant provided")),
            FaultKind::AuthorizationPending => Err(ApiError::authorization_pending()),
            FaultKind::Unauthorized => Err(ApiError::invalid_client("Invalid client provided")),
            FaultKind::Timeout => {
                std::thread::sleep(Duration::from_millis(fault.delay_ms.unwrap_or(30_000)));
                Err(ApiError::internal(service))
            }
            FaultKind::Delay => {
                std::thread::sleep(Duration::from_millis(fault.delay_ms.unwrap_or(2_000)));
                Ok(())
            }
        }
    }

    pub fn inject_fault(&self, fault: Fault) {
        let remaining = fault.count;
        self.lock().faults.push(ArmedFault { fault, remaining });
    }

    /// Portal throttling: at most `requests_per_second` calls per bearer token in any second.
    fn throttle(&self, token: &str) -> Result<(), ApiError> {
        let Some(limit) = self.scenario.throttling.requests_per_second else {
            return Ok(());
        };
        let now = Instant::now();
        let mut state = self.lock();
        let window = state.throttle_windows.entry(token.to_string()).or_default();
        while window.front().is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1)) {
            window.pop_front();
        }
        if window.len() >= limit as usize {
            return Err(ApiError::portal_too_many_requests(self.scenario.throttling.retry_after_seconds));
        }
        window.push_back(now);
        Ok(())
    }

    // ----- OIDC -----

    fn register_client(&self, request: &Request) -> Handled {
        let body = json_body(request)?;
        let client_name = required_string(&body, "clientName")?;
        let client_type = required_string(&body, "clientType")?;
        if client_type != "public" {
            return Err(ApiError::invalid_client_metadata(format!(
                "Invalid client type: {client_type}. Only public clients are supported"
            )));
        }
        let scopes = string_list(&body, "scopes")?;
        for scope in &scopes {
            if !self.scenario.allowed_scopes.iter().any(|s| s == scope) {
                return Err(ApiError::invalid_scope(format!("Invalid scope: {scope}")));
            }
        }
        let grant_types = match body.get("grantTypes") {
            None | Some(Value::Null) => None,
            Some(_) => Some(string_list(&body, "grantTypes")?),
        };
        if let Some(grants) = &grant_types {
            if let Some(unknown) = grants.iter().find(|g| !KNOWN_GRANTS.contains(&g.as_str())) {
                return Err(ApiError::unsupported_grant_type(format!("Unsupported grant type: {unknown}")));
            }
        }
        let redirect_uris = string_list(&body, "redirectUris")?;
        for uri in &redirect_uris {
            if !self.redirect_uri_acceptable(uri) {
                return Err(ApiError::invalid_redirect_uri(format!(
                    "Invalid redirect URI: {uri}. Only loopback http://127.0.0.1 redirect URIs are allowed"
                )));
            }
        }
        let wants_code =
            grant_types.as_ref().is_some_and(|g| g.iter().any(|x| x == GRANT_AUTHORIZATION_CODE));
        if wants_code && redirect_uris.is_empty() {
            return Err(ApiError::invalid_request(
                "redirectUris is required for the authorization_code grant",
            ));
        }
        if !wants_code && !redirect_uris.is_empty() {
            return Err(ApiError::invalid_request(
                "redirectUris can only be used with the authorization_code grant",
            ));
        }
        if let Some(issuer) = optional_string(&body, "issuerUrl")? {
            if !self.start_url_known(&issuer) {
                return Err(ApiError::invalid_request(format!("Invalid issuer URL: {issuer}")));
            }
        }
        let now = self.now();
        let secret_expires_at = now + self.scenario.lifetimes.registration_seconds as i64;
        let mut state = self.lock();
        let client_id = state.rng.url_safe(22);
        let client_secret =
            format!("eyJraWQiOiJlbXVsYXRvciJ9.{}.{}", state.rng.url_safe(160), state.rng.url_safe(43));
        state.clients.insert(
            client_id.clone(),
            Client {
                client_name: client_name.clone(),
                client_secret: client_secret.clone(),
                scopes,
                grant_types,
                redirect_uris,
                secret_expires_at,
            },
        );
        let mut out = json!({
            "clientId": client_id,
            "clientSecret": client_secret,
            "clientIdIssuedAt": now,
            "clientSecretExpiresAt": secret_expires_at,
        });
        if wants_code {
            out["authorizationEndpoint"] = Value::String(format!("{}/authorize", self.base_url));
            out["tokenEndpoint"] = Value::String(format!("{}/token", self.base_url));
        }
        Ok(Response::json(200, &out))
    }

    fn redirect_uri_acceptable(&self, uri: &str) -> bool {
        if self.scenario.extra_redirect_uri_prefixes.iter().any(|p| uri.starts_with(p.as_str())) {
            return true;
        }
        parse_loopback(uri).is_some()
    }

    fn start_url_known(&self, url: &str) -> bool {
        self.scenario.start_urls.is_empty() || self.scenario.start_urls.iter().any(|s| s == url)
    }

    /// Checks `clientId`/`clientSecret` and returns the client.
    fn authenticate_client(&self, state: &State, body: &Value) -> Result<(String, Client), ApiError> {
        let client_id = required_string(body, "clientId")?;
        let client_secret = required_string(body, "clientSecret")?;
        let client = state
            .clients
            .get(&client_id)
            .ok_or_else(|| ApiError::invalid_client("Invalid client provided"))?;
        if client.client_secret != client_secret {
            return Err(ApiError::invalid_client("Invalid client provided"));
        }
        if client.secret_expires_at <= self.now() {
            return Err(ApiError::invalid_client("Client secret has expired"));
        }
        Ok((client_id, client.clone()))
    }

    fn start_device_authorization(&self, request: &Request) -> Handled {
        let body = json_body(request)?;
        let start_url = required_string(&body, "startUrl")?;
        let mut state = self.lock();
        let (client_id, client) = self.authenticate_client(&state, &body)?;
        if !client.allows_grant(GRANT_DEVICE_CODE) {
            return Err(ApiError::unauthorized_client("Client is not registered for the device code grant"));
        }
        if !self.start_url_known(&start_url) {
            return Err(ApiError::invalid_request(format!("Invalid start URL: {start_url}")));
        }
        let lifetimes = &self.scenario.lifetimes;
        let device_code = state.rng.url_safe(86);
        let user_code = loop {
            let candidate = state.rng.user_code();
            if !state.device_authorizations.values().any(|d| d.user_code == candidate) {
                break candidate;
            }
        };
        let seq = state.next_seq();
        let (status, user) = if self.scenario.auto_approve {
            (DecisionStatus::Approved, Some(self.default_user().to_string()))
        } else {
            (DecisionStatus::Pending, None)
        };
        state.device_authorizations.insert(
            device_code.clone(),
            DeviceAuthorization {
                device_code: device_code.clone(),
                user_code: user_code.clone(),
                client_id,
                start_url,
                expires_at: self.now() + lifetimes.device_code_seconds as i64,
                interval: lifetimes.poll_interval_seconds,
                status,
                user,
                last_poll: None,
                created_seq: seq,
            },
        );
        let verification_uri = format!("{}/device", self.base_url);
        Ok(Response::json(
            200,
            &json!({
                "deviceCode": device_code,
                "userCode": user_code,
                "verificationUri": verification_uri,
                "verificationUriComplete": format!("{verification_uri}?user_code={user_code}"),
                "expiresIn": lifetimes.device_code_seconds,
                "interval": lifetimes.poll_interval_seconds,
            }),
        ))
    }

    fn token_lifetimes(&self) -> (i64, i64) {
        let l = &self.scenario.lifetimes;
        (l.access_token_seconds as i64, l.refresh_token_seconds as i64)
    }

    fn create_token(&self, request: &Request) -> Handled {
        let body = json_body(request)?;
        let grant_type = required_string(&body, "grantType")?;
        let mut state = self.lock();
        let (client_id, client) = self.authenticate_client(&state, &body)?;
        if !KNOWN_GRANTS.contains(&grant_type.as_str()) {
            return Err(ApiError::unsupported_grant_type(format!("Unsupported grant type: {grant_type}")));
        }
        if !client.allows_grant(&grant_type) {
            return Err(ApiError::unauthorized_client(format!(
                "Client is not authorized for the {grant_type} grant"
            )));
        }
        let now = self.now();
        match grant_type.as_str() {
            GRANT_DEVICE_CODE => {
                let device_code = required_string(&body, "deviceCode")?;
                let enforce = self.scenario.enforce_poll_interval;
                let entry = state
                    .device_authorizations
                    .get_mut(&device_code)
                    .filter(|d| d.client_id == client_id)
                    .ok_or_else(|| ApiError::invalid_grant("Invalid device code provided"))?;
                if entry.expires_at <= now && entry.status != DecisionStatus::Redeemed {
                    return Err(ApiError::expired_token("Device code has expired"));
                }
                let interval = Duration::from_secs(entry.interval);
                let polled_too_soon = entry.last_poll.is_some_and(|t| t.elapsed() < interval);
                entry.last_poll = Some(Instant::now());
                match entry.status {
                    DecisionStatus::Pending if enforce && polled_too_soon => Err(ApiError::slow_down()),
                    DecisionStatus::Pending => Err(ApiError::authorization_pending()),
                    DecisionStatus::Denied => {
                        Err(ApiError::access_denied("The user denied the authorization request"))
                    }
                    DecisionStatus::Redeemed => {
                        Err(ApiError::invalid_grant("Device code has already been used"))
                    }
                    DecisionStatus::Approved => {
                        entry.status = DecisionStatus::Redeemed;
                        let user = entry.user.clone().unwrap_or_else(|| self.default_user().to_string());
                        let scopes = client.scopes.clone();
                        let tokens = state.issue_tokens(
                            &client_id,
                            &user,
                            &scopes,
                            client.gets_refresh_tokens(),
                            self.token_lifetimes(),
                            now,
                        );
                        Ok(Response::json(200, &tokens))
                    }
                }
            }
            GRANT_AUTHORIZATION_CODE => {
                let code = required_string(&body, "code")?;
                let redirect_uri = required_string(&body, "redirectUri")?;
                let verifier = required_string(&body, "codeVerifier")?;
                let entry = state
                    .authorization_codes
                    .get_mut(&code)
                    .filter(|c| c.client_id == client_id)
                    .ok_or_else(|| ApiError::invalid_grant("Invalid authorization code provided"))?;
                if entry.used {
                    return Err(ApiError::invalid_grant("Authorization code has already been used"));
                }
                entry.used = true;
                if entry.expires_at <= now {
                    return Err(ApiError::invalid_grant("Authorization code has expired"));
                }
                if entry.redirect_uri != redirect_uri {
                    return Err(ApiError::invalid_grant(
                        "Redirect URI does not match the authorization request",
                    ));
                }
                if !(43..=128).contains(&verifier.len()) || !verifier.bytes().all(is_verifier_byte) {
                    return Err(ApiError::invalid_request(
                        "codeVerifier must be 43 to 128 unreserved characters",
                    ));
                }
                if pkce_challenge(&verifier) != entry.code_challenge {
                    return Err(ApiError::invalid_grant("Code verifier does not match the code challenge"));
                }
                let (user, scopes) = (entry.user.clone(), entry.scopes.clone());
                let tokens = state.issue_tokens(
                    &client_id,
                    &user,
                    &scopes,
                    client.gets_refresh_tokens(),
                    self.token_lifetimes(),
                    now,
                );
                Ok(Response::json(200, &tokens))
            }
            _ => {
                let refresh_token = required_string(&body, "refreshToken")?;
                let invalid = || ApiError::invalid_grant("Invalid refresh token provided");
                let entry = state.refresh_tokens.get(&refresh_token).cloned().ok_or_else(invalid)?;
                if entry.client_id != client_id || entry.revoked || entry.expires_at <= now {
                    return Err(invalid());
                }
                let requested = string_list(&body, "scope")?;
                if let Some(extra) = requested.iter().find(|s| !entry.scopes.contains(s)) {
                    return Err(ApiError::invalid_scope(format!(
                        "Scope {extra} was not granted to this refresh token"
                    )));
                }
                let scopes = if requested.is_empty() { entry.scopes.clone() } else { requested };
                // Rotate: the old refresh token stops working once a new one is issued.
                if let Some(old) = state.refresh_tokens.get_mut(&refresh_token) {
                    old.revoked = true;
                }
                let tokens =
                    state.issue_tokens(&client_id, &entry.user, &scopes, true, self.token_lifetimes(), now);
                Ok(Response::json(200, &tokens))
            }
        }
    }

    /// The user a test-control decision acts as: the one named, or the scenario's first.
    fn scenario_user(&self, user: Option<&str>) -> Result<String, String> {
        let user = user.unwrap_or(self.default_user());
        if self.scenario.users.iter().any(|u| u.username == user) {
            Ok(user.to_string())
        } else {
            Err(format!("there is no user `{user}` in the scenario"))
        }
    }

    fn default_user(&self) -> &str {
        self.scenario.users.first().map_or("alice", |u| u.username.as_str())
    }

    fn password_hint(&self) -> String {
        if self.scenario.users.iter().all(|u| u.password.is_none()) {
            format!("No password needed in this scenario. Users: {}.", self.user_names())
        } else {
            format!("Users: {}.", self.user_names())
        }
    }

    fn user_names(&self) -> String {
        self.scenario.users.iter().map(|u| u.username.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// Checks a sign-in form; returns the user name or a message for the page.
    fn sign_in(&self, form: &[(String, String)]) -> Result<String, &'static str> {
        let username = form_value(form, "username").unwrap_or("").trim();
        let password = form_value(form, "password").unwrap_or("");
        let user = self
            .scenario
            .users
            .iter()
            .find(|u| u.username == username)
            .ok_or("Incorrect username or password.")?;
        match &user.password {
            Some(expected) if expected != password => Err("Incorrect username or password."),
            _ => Ok(user.username.clone()),
        }
    }

    fn display_start_url(&self) -> &str {
        self.scenario.start_urls.first().map_or("your AWS access portal", |s| s.as_str())
    }

    // ----- /authorize (PKCE) -----

    fn authorize(&self, request: &Request) -> Response {
        let param = |name: &str| request.query_param(name).map(str::to_string);
        let Some(client_id) = param("client_id") else {
            return Response::html(
                400,
                pages::error_page("Invalid request", "The client_id parameter is missing."),
            );
        };
        let client = self.lock().clients.get(&client_id).cloned();
        let Some(client) = client else {
            return Response::html(
                400,
                pages::error_page("Invalid request", "The application is not registered."),
            );
        };
        let Some(redirect_uri) = param("redirect_uri") else {
            return Response::html(
                400,
                pages::error_page("Invalid request", "The redirect_uri parameter is missing."),
            );
        };
        if !client.redirect_uris.iter().any(|registered| redirect_matches(registered, &redirect_uri)) {
            return Response::html(
                400,
                pages::error_page(
                    "Invalid request",
                    "The redirect_uri does not match the application's registration.",
                ),
            );
        }
        let state_param = param("state");
        let fail = |error: &str, description: &str| {
            Response::redirect(&error_redirect(&redirect_uri, error, description, state_param.as_deref()))
        };
        if param("response_type").as_deref() != Some("code") {
            return fail("unsupported_response_type", "response_type must be code");
        }
        if !client.allows_grant(GRANT_AUTHORIZATION_CODE) {
            return fail(
                "unauthorized_client",
                "The client is not registered for the authorization_code grant",
            );
        }
        let challenge = param("code_challenge").unwrap_or_default();
        if param("code_challenge_method").as_deref() != Some("S256") || challenge.len() != 43 {
            return fail("invalid_request", "A code_challenge with code_challenge_method=S256 is required");
        }
        // The CLI sends `scopes` (plural); standard OAuth clients send `scope`.
        let requested: Vec<String> = param("scopes")
            .or_else(|| param("scope"))
            .map(|s| s.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        if let Some(extra) = requested.iter().find(|s| !client.scopes.contains(s)) {
            return fail("invalid_scope", &format!("Scope {extra} is not registered for this client"));
        }
        let scopes = if requested.is_empty() { client.scopes.clone() } else { requested };
        let mut state = self.lock();
        let id = state.rng.url_safe(32);
        let seq = state.next_seq();
        let pending = PendingAuthorization {
            id: id.clone(),
            client_id,
            redirect_uri,
            state: state_param,
            code_challenge: challenge,
            scopes: scopes.clone(),
            expires_at: self.now() + self.scenario.lifetimes.device_code_seconds as i64,
            created_seq: seq,
        };
        if self.scenario.auto_approve {
            let user = self.default_user().to_string();
            return Response::redirect(&self.grant_code(&mut state, &pending, &user));
        }
        state.pending_authorizations.insert(id.clone(), pending);
        drop(state);
        let hint = self.password_hint();
        let view = ConsentView {
            client_name: &client.client_name,
            scopes: &scopes,
            start_url: self.display_start_url(),
            default_username: self.default_user(),
            password_hint: &hint,
            error: None,
        };
        Response::html(200, pages::authorize_page(&id, &view))
    }

    /// Issues an authorization code for `pending` and returns the redirect URL carrying it.
    fn grant_code(&self, state: &mut State, pending: &PendingAuthorization, user: &str) -> String {
        let code = state.rng.url_safe(64);
        state.authorization_codes.insert(
            code.clone(),
            AuthorizationCode {
                client_id: pending.client_id.clone(),
                redirect_uri: pending.redirect_uri.clone(),
                code_challenge: pending.code_challenge.clone(),
                scopes: pending.scopes.clone(),
                user: user.to_string(),
                expires_at: self.now() + self.scenario.lifetimes.authorization_code_seconds as i64,
                used: false,
            },
        );
        let mut pairs = vec![("code", code.as_str())];
        if let Some(s) = &pending.state {
            pairs.push(("state", s.as_str()));
        }
        append_query(&pending.redirect_uri, &urlenc::build_query(&pairs))
    }

    fn authorize_decision(&self, request: &Request) -> Response {
        let form = request.form();
        let id = form_value(&form, "request_id").unwrap_or("").to_string();
        let pending = self.lock().pending_authorizations.get(&id).cloned();
        let Some(pending) = pending.filter(|p| p.expires_at > self.now()) else {
            return Response::html(
                400,
                pages::error_page(
                    "Request expired",
                    "This sign-in request has expired or was already used. Start again from the application.",
                ),
            );
        };
        if form_value(&form, "decision") != Some("allow") {
            self.lock().pending_authorizations.remove(&id);
            return Response::redirect(&error_redirect(
                &pending.redirect_uri,
                "access_denied",
                "The user denied the authorization request",
                pending.state.as_deref(),
            ));
        }
        match self.sign_in(&form) {
            Ok(user) => {
                let mut state = self.lock();
                state.pending_authorizations.remove(&id);
                Response::redirect(&self.grant_code(&mut state, &pending, &user))
            }
            Err(message) => {
                let client_name = self
                    .lock()
                    .clients
                    .get(&pending.client_id)
                    .map(|c| c.client_name.clone())
                    .unwrap_or_default();
                let hint = self.password_hint();
                let view = ConsentView {
                    client_name: &client_name,
                    scopes: &pending.scopes,
                    start_url: self.display_start_url(),
                    default_username: form_value(&form, "username").unwrap_or(""),
                    password_hint: &hint,
                    error: Some(message),
                };
                Response::html(200, pages::authorize_page(&id, &view))
            }
        }
    }

    // ----- device verification pages -----

    /// Finds a device authorization by the code a person typed (case and dash forgiven).
    fn find_user_code(&self, typed: &str) -> Option<DeviceAuthorization> {
        let cleaned: String =
            typed.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_uppercase();
        if cleaned.len() != 8 {
            return None;
        }
        let normalized = format!("{}-{}", &cleaned[..4], &cleaned[4..]);
        let now = self.now();
        self.lock()
            .device_authorizations
            .values()
            .find(|d| d.user_code == normalized && d.status == DecisionStatus::Pending && d.expires_at > now)
            .cloned()
    }

    fn device_page(&self, request: &Request) -> Response {
        match request.query_param("user_code") {
            None => Response::html(200, pages::device_entry_page("", None)),
            Some(typed) => match self.find_user_code(typed) {
                Some(found) => Response::html(200, pages::device_confirm_page(&found.user_code)),
                None => Response::html(200, pages::device_entry_page(typed, Some(INVALID_CODE))),
            },
        }
    }

    fn consent_view_page(
        &self,
        found: &DeviceAuthorization,
        username: &str,
        error: Option<&str>,
    ) -> Response {
        let client = self.lock().clients.get(&found.client_id).cloned();
        let (name, scopes) = client.map(|c| (c.client_name, c.scopes)).unwrap_or_default();
        let hint = self.password_hint();
        let view = ConsentView {
            client_name: &name,
            scopes: &scopes,
            start_url: &found.start_url,
            default_username: username,
            password_hint: &hint,
            error,
        };
        Response::html(200, pages::device_consent_page(&found.user_code, &view))
    }

    fn device_confirm(&self, request: &Request) -> Response {
        let form = request.form();
        let typed = form_value(&form, "user_code").unwrap_or("");
        match self.find_user_code(typed) {
            Some(found) => self.consent_view_page(&found, self.default_user(), None),
            None => Response::html(200, pages::device_entry_page(typed, Some(INVALID_CODE))),
        }
    }

    fn device_decision(&self, request: &Request) -> Response {
        let form = request.form();
        let typed = form_value(&form, "user_code").unwrap_or("");
        let Some(found) = self.find_user_code(typed) else {
            return Response::html(200, pages::device_entry_page(typed, Some(INVALID_CODE)));
        };
        if form_value(&form, "decision") != Some("allow") {
            self.decide_device(&found.device_code, DecisionStatus::Denied, None);
            return Response::html(200, pages::result_page(false));
        }
        match self.sign_in(&form) {
            Ok(user) => {
                self.decide_device(&found.device_code, DecisionStatus::Approved, Some(user));
                Response::html(200, pages::result_page(true))
            }
            Err(message) => {
                self.consent_view_page(&found, form_value(&form, "username").unwrap_or(""), Some(message))
            }
        }
    }

    fn decide_device(&self, device_code: &str, status: DecisionStatus, user: Option<String>) {
        if let Some(entry) = self.lock().device_authorizations.get_mut(device_code) {
            if entry.status == DecisionStatus::Pending {
                entry.status = status;
                entry.user = user;
            }
        }
    }

    fn index(&self) -> Response {
        Response::html(
            200,
            pages::index_page(
                &self.base_url,
                &self.scenario.region,
                self.display_start_url(),
                self.directory.len(),
                self.options.control_over_http,
            ),
        )
    }

    // ----- portal -----

    /// Validates the bearer token (and throttles per token); returns the signed-in user.
    fn portal_session(&self, request: &Request) -> Result<String, ApiError> {
        let token = request.header("x-amz-sso_bearer_token").ok_or_else(ApiError::portal_unauthorized)?;
        let now = self.now();
        let user = {
            let state = self.lock();
            let entry = state.access_tokens.get(token).ok_or_else(ApiError::portal_unauthorized)?;
            if entry.revoked || entry.expires_at <= now {
                return Err(ApiError::portal_unauthorized());
            }
            entry.user.clone()
        };
        self.throttle(token)?;
        Ok(user)
    }

    fn page_params(&self, request: &Request, kind: &str) -> Result<(usize, usize), ApiError> {
        let size = match request.query_param("max_result") {
            None => self.scenario.default_page_size,
            Some(raw) => match raw.parse::<usize>() {
                Ok(n) if (1..=100).contains(&n) => n,
                _ => {
                    return Err(ApiError::portal_invalid_request(
                        "max_result must be an integer from 1 to 100",
                    ))
                }
            },
        };
        let offset = match request.query_param("next_token") {
            None => 0,
            Some(token) => decode_page_token(token, kind)
                .ok_or_else(|| ApiError::portal_invalid_request("The next_token is not valid"))?,
        };
        Ok((offset, size))
    }

    fn list_accounts(&self, request: &Request) -> Handled {
        self.portal_session(request)?;
        let (offset, size) = self.page_params(request, "accounts")?;
        let listed = self.listed_accounts();
        let end = (offset + size).min(listed.len());
        let accounts: Vec<Value> = listed[offset.min(end)..end]
            .iter()
            .map(|a| json!({"accountId": a.account_id, "accountName": a.account_name, "emailAddress": a.email_address}))
            .collect();
        let mut body = json!({"accountList": accounts});
        if end < listed.len() {
            body["nextToken"] = Value::String(encode_page_token("accounts", end));
        }
        Ok(Response::json(200, &body))
    }

    fn list_account_roles(&self, request: &Request) -> Handled {
        self.portal_session(request)?;
        let account_id = request
            .query_param("account_id")
            .ok_or_else(|| ApiError::portal_invalid_request("account_id is required"))?;
        let account = self
            .account_index
            .get(account_id)
            .filter(|_| !self.is_removed(account_id))
            .map(|&i| &self.directory[i])
            .ok_or_else(|| ApiError::portal_not_found(format!("Account {account_id} was not found")))?;
        let (offset, size) = self.page_params(request, &format!("roles:{account_id}"))?;
        let end = (offset + size).min(account.roles.len());
        let roles: Vec<Value> = account.roles[offset.min(end)..end]
            .iter()
            .map(|r| json!({"roleName": r, "accountId": account.account_id}))
            .collect();
        let mut body = json!({"roleList": roles});
        if end < account.roles.len() {
            body["nextToken"] = Value::String(encode_page_token(&format!("roles:{account_id}"), end));
        }
        Ok(Response::json(200, &body))
    }

    fn get_role_credentials(&self, request: &Request) -> Handled {
        let user = self.portal_session(request)?;
        let role_name = request
            .query_param("role_name")
            .ok_or_else(|| ApiError::portal_invalid_request("role_name is required"))?;
        let account_id = request
            .query_param("account_id")
            .ok_or_else(|| ApiError::portal_invalid_request("account_id is required"))?;
        let assigned = self
            .account_index
            .get(account_id)
            .is_some_and(|&i| self.directory[i].roles.iter().any(|r| r == role_name))
            && !self.is_removed(account_id);
        if !assigned {
            return Err(ApiError::portal_forbidden());
        }
        let expiration = self.now_ms() + self.scenario.lifetimes.role_credentials_seconds as i64 * 1000;
        // Whole seconds, as AWS sends them.
        let expiration = expiration - expiration.rem_euclid(1000);
        let mut state = self.lock();
        let access_key_id = format!("ASIA{}", state.rng.upper_alnum(16));
        let secret_access_key = state.rng.alphanumeric(40);
        let session_token = format!("IQoJb3JpZ2luX2VjE{}", state.rng.alphanumeric(220));
        drop(state);
        self.federation.record_issued(
            &access_key_id,
            &secret_access_key,
            &session_token,
            account_id,
            role_name,
            &user,
            expiration,
        );
        Ok(Response::json(
            200,
            &json!({"roleCredentials": {
                "accessKeyId": access_key_id,
                "secretAccessKey": secret_access_key,
                "sessionToken": session_token,
                "expiration": expiration,
            }}),
        ))
    }

    fn logout(&self, request: &Request) -> Handled {
        self.portal_session(request)?;
        let token = request.header("x-amz-sso_bearer_token").unwrap_or_default();
        let mut state = self.lock();
        let refresh = state.access_tokens.get_mut(token).and_then(|entry| {
            entry.revoked = true;
            entry.refresh_token.clone()
        });
        if let Some(refresh) = refresh {
            if let Some(entry) = state.refresh_tokens.get_mut(&refresh) {
                entry.revoked = true;
            }
        }
        Ok(Response { status: 200, headers: Vec::new(), body: Vec::new() })
    }

    // ----- console federation -----

    /// `GET /federation` (AWS serves it on the partition's sign-in host; here on the one base URL).
    fn federation(&self, request: &Request) -> Response {
        let now_ms = self.now_ms();
        let mut state = self.lock();
        self.federation.handle(request, &self.base_url, now_ms, &mut state.rng)
    }

    /// The console sessions the federation login opened (test control).
    pub fn console_sessions(&self) -> Vec<crate::federation::ConsoleSession> {
        self.federation.consoles()
    }

    // ----- test control -----

    pub fn device_authorizations(&self) -> Vec<DeviceAuthorizationInfo> {
        let state = self.lock();
        let mut entries: Vec<&DeviceAuthorization> = state.device_authorizations.values().collect();
        entries.sort_by_key(|d| d.created_seq);
        entries
            .into_iter()
            .map(|d| DeviceAuthorizationInfo {
                user_code: d.user_code.clone(),
                client_id: d.client_id.clone(),
                start_url: d.start_url.clone(),
                status: d.status.clone(),
                expires_at: d.expires_at,
            })
            .collect()
    }

    /// Approves (or denies) the pending device code with this user code, or the newest pending one.
    pub fn decide_device_code(
        &self,
        user_code: Option<&str>,
        approve: bool,
        user: Option<&str>,
    ) -> Result<String, String> {
        let user = self.scenario_user(user)?;
        let mut state = self.lock();
        let now = self.now();
        let entry = state
            .device_authorizations
            .values_mut()
            .filter(|d| d.status == DecisionStatus::Pending && d.expires_at > now)
            .filter(|d| user_code.is_none_or(|code| d.user_code.eq_ignore_ascii_case(code)))
            .max_by_key(|d| d.created_seq)
            .ok_or_else(|| match user_code {
                Some(code) => format!("no pending device authorization has the user code {code}"),
                None => "no device authorization is pending".to_string(),
            })?;
        entry.status = if approve { DecisionStatus::Approved } else { DecisionStatus::Denied };
        entry.user = approve.then_some(user);
        Ok(entry.user_code.clone())
    }

    pub fn authorizations(&self) -> Vec<AuthorizationInfo> {
        let state = self.lock();
        let mut entries: Vec<&PendingAuthorization> = state.pending_authorizations.values().collect();
        entries.sort_by_key(|p| p.created_seq);
        entries
            .into_iter()
            .map(|p| AuthorizationInfo {
                id: p.id.clone(),
                client_id: p.client_id.clone(),
                redirect_uri: p.redirect_uri.clone(),
                state: p.state.clone(),
                scopes: p.scopes.clone(),
            })
            .collect()
    }

    /// Decides a pending `/authorize` request (by id, or the newest) as if the person had clicked;
    /// returns the URL the browser would be redirected to.
    pub fn decide_authorization(
        &self,
        id: Option<&str>,
        approve: bool,
        user: Option<&str>,
    ) -> Result<String, String> {
        let user = self.scenario_user(user)?;
        let mut state = self.lock();
        let found = state
            .pending_authorizations
            .values()
            .filter(|p| id.is_none_or(|wanted| p.id == wanted))
            .max_by_key(|p| p.created_seq)
            .cloned()
            .ok_or_else(|| match id {
                Some(id) => format!("no pending authorization has the id {id}"),
                None => "no authorization request is pending".to_string(),
            })?;
        state.pending_authorizations.remove(&found.id);
        if approve {
            Ok(self.grant_code(&mut state, &found, &user))
        } else {
            Ok(error_redirect(
                &found.redirect_uri,
                "access_denied",
                "The user denied the authorization request",
                found.state.as_deref(),
            ))
        }
    }

    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.lock().log.iter().cloned().collect()
    }

    pub fn clear_requests(&self) {
        self.lock().log.clear();
    }

    /// Back to the state right after start: no clients, tokens or pending requests, the scenario's
    /// faults re-armed, the clock un-advanced, the log emptied.
    pub fn reset(&self) {
        *self.lock() = State::new(&self.scenario);
        self.clock_offset_ms.store(0, Ordering::Relaxed);
    }

    // ----- request log -----

    fn record(&self, request: &Request, response: &Response, operation: Option<Operation>, duration_ms: f64) {
        let time_ms = self.now_ms();
        let entry = {
            let mut state = self.lock();
            let seq = state.next_seq();
            let entry = LoggedRequest {
                seq,
                time_ms,
                method: request.method.clone(),
                path: request.path.clone(),
                query: request.raw_query.clone(),
                headers: request.headers.clone(),
                body: String::from_utf8_lossy(&request.body).into_owned(),
                status: response.status,
                operation: operation.map(|o| o.name().to_string()),
                duration_ms,
            };
            // Control reads are not part of the traffic under test.
            if !request.path.starts_with(CONTROL_PREFIX) {
                if state.log.len() == MAX_LOGGED_REQUESTS {
                    state.log.pop_front();
                }
                state.log.push_back(entry.clone());
            }
            entry
        };
        if self.options.verbose {
            eprintln!(
                "{} {} {} -> {} ({:.1} ms)",
                entry.method,
                entry.path,
                entry.operation.as_deref().unwrap_or("-"),
                entry.status,
                entry.duration_ms
            );
        }
        if let Some(file) = &self.log_file {
            let line = serde_json::to_string(&redact(&entry)).unwrap_or_default();
            let mut file = file.lock().unwrap_or_else(|p| p.into_inner());
            if writeln!(file, "{line}").is_err() && !self.log_file_failed.swap(true, Ordering::Relaxed) {
                eprintln!("sso-bridge-emulator: cannot write to the request log; later entries are dropped");
            }
        }
    }
}

/// The in-memory log keeps the newest requests only, so a long demo run does not grow without bound.
const MAX_LOGGED_REQUESTS: usize = 50_000;

const INVALID_CODE: &str = "That code is not valid or has expired. Check the code and try again.";

/// Field names whose values are secrets.
const SECRET_FIELDS: &[&str] =
    &["clientSecret", "deviceCode", "code", "codeVerifier", "refreshToken", "accessToken", "password"];

/// A copy of a log entry safe to print: bearer tokens, client secrets, codes and passwords replaced.
pub fn redact(entry: &LoggedRequest) -> LoggedRequest {
    let mut safe = entry.clone();
    for (name, value) in &mut safe.headers {
        let lower = name.to_ascii_lowercase();
        if lower == "x-amz-sso_bearer_token" || lower == "authorization" || lower == "cookie" {
            *value = "<redacted>".into();
        }
    }
    if let Ok(Value::Object(mut map)) = serde_json::from_str::<Value>(&safe.body) {
        for field in SECRET_FIELDS {
            if let Some(v) = map.get_mut(*field) {
                *v = Value::String("<redacted>".into());
            }
        }
        safe.body = Value::Object(map).to_string();
    } else if safe.body.contains('=') {
        safe.body = redact_pairs(&safe.body);
    }
    safe.query = redact_pairs(&safe.query);
    safe
}

fn redact_pairs(input: &str) -> String {
    input
        .split('&')
        .map(|pair| match pair.split_once('=') {
            // The federation endpoint's `Session` carries role credentials; its `SigninToken` is a
            // console sign-in; `session` names an open console page.
            Some((key, _))
                if ["password", "code", "user_code", "Session", "SigninToken", "session"].contains(&key) =>
            {
                format!("{key}=<redacted>")
            }
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn not_found() -> Response {
    let mut response = Response::json(404, &json!({"message": "Not Found"}));
    response.headers.push(("x-amzn-ErrorType".into(), "UnknownOperationException".into()));
    response
}

fn json_body(request: &Request) -> Result<Value, ApiError> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    match serde_json::from_slice::<Value>(&request.body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        _ => Err(ApiError::invalid_request("The request body must be a JSON object")),
    }
}

fn required_string(body: &Value, field: &str) -> Result<String, ApiError> {
    optional_string(body, field)?.ok_or_else(|| ApiError::invalid_request(format!("{field} is required")))
}

fn optional_string(body: &Value, field: &str) -> Result<Option<String>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
        Some(Value::String(_)) => Ok(None),
        Some(_) => Err(ApiError::invalid_request(format!("{field} must be a string"))),
    }
}

fn string_list(body: &Value, field: &str) -> Result<Vec<String>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| ApiError::invalid_request(format!("{field} must be a list of strings"))),
        Some(_) => Err(ApiError::invalid_request(format!("{field} must be a list of strings"))),
    }
}

fn form_value<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn is_verifier_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// base64url(SHA-256(verifier)) without padding (RFC 7636 S256).
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A loopback redirect URI split into (scheme, host, port, rest); `None` when it is not
/// `http://127.0.0.1…` (the only form AWS accepts).
fn parse_loopback(uri: &str) -> Option<(Option<u16>, String)> {
    let rest = uri.strip_prefix("http://127.0.0.1")?;
    let (port, path) = match rest.strip_prefix(':') {
        Some(after) => {
            let end = after.find(['/', '?']).unwrap_or(after.len());
            let port = after[..end].parse::<u16>().ok()?;
            (Some(port), &after[end..])
        }
        None if rest.is_empty() || rest.starts_with('/') || rest.starts_with('?') => (None, rest),
        None => return None,
    };
    if path.contains('#') {
        return None;
    }
    let path = if path.is_empty() || path.starts_with('?') { format!("/{path}") } else { path.to_string() };
    Some((port, path))
}

/// RFC 8252 §7.3: for loopback redirect URIs the port may differ from the registered one; everything
/// else must match exactly.
pub fn redirect_matches(registered: &str, requested: &str) -> bool {
    match (parse_loopback(registered), parse_loopback(requested)) {
        (Some((_, registered_path)), Some((_, requested_path))) => registered_path == requested_path,
        _ => registered == requested,
    }
}

fn append_query(uri: &str, query: &str) -> String {
    let separator = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{separator}{query}")
}

fn error_redirect(redirect_uri: &str, error: &str, description: &str, state: Option<&str>) -> String {
    let mut pairs = vec![("error", error), ("error_description", description)];
    if let Some(s) = state {
        pairs.push(("state", s));
    }
    append_query(redirect_uri, &urlenc::build_query(&pairs))
}

fn encode_page_token(kind: &str, offset: usize) -> String {
    URL_SAFE.encode(format!("{kind}|{offset}"))
}

fn decode_page_token(token: &str, kind: &str) -> Option<usize> {
    let raw = URL_SAFE.decode(token).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (token_kind, offset) = text.rsplit_once('|')?;
    (token_kind == kind).then_some(())?;
    offset.parse().ok()
}
