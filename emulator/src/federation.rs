//! The console federation endpoint (AWS sign-in's `/federation`, IAM User Guide: "Enable custom
//! identity broker access to the AWS console"), for role credentials this emulator issued.
//!
//! - `GET /federation?Action=getSigninToken&Session=<json>` answers `{"SigninToken":"…"}` when the
//!   JSON's `sessionId`/`sessionKey`/`sessionToken` are credentials GetRoleCredentials handed out and
//!   that have not expired. `SessionDuration` is refused for them, as AWS refuses it for role session
//!   credentials (Granted's `assume -c` and aws-vault's `login` omit it for exactly that reason).
//! - `GET /federation?Action=login&Issuer=…&Destination=…&SigninToken=…` redeems the token once (it
//!   is valid for 15 minutes) and redirects to `/console?session=…`, a small page standing in for
//!   the AWS console that shows the account, role, destination and region it was opened for.
//!
//! Failures answer 400 with a short plain-text body: AWS's sign-in endpoint does not use the JSON
//! error shapes of the API services, and the clients (Granted, aws-vault) only look at the status.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Deserialize;

use crate::rng::Rng;
use crate::urlenc::html_escape as esc;
use crate::wire::{Request, Response};

/// A sign-in token must be redeemed within this many seconds (AWS: 15 minutes).
pub const SIGNIN_TOKEN_LIFETIME_SECONDS: i64 = 15 * 60;

/// Role credentials GetRoleCredentials issued, by access key id.
#[derive(Debug, Clone)]
struct IssuedCredentials {
    secret_access_key: String,
    session_token: String,
    account_id: String,
    role_name: String,
    user: String,
    /// Epoch milliseconds.
    expires_at_ms: i64,
}

#[derive(Debug, Clone)]
struct SigninGrant {
    account_id: String,
    role_name: String,
    user: String,
    expires_at_ms: i64,
    redeemed: bool,
}

/// A console "session" the login redirect opened: what the console page shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConsoleSession {
    pub account_id: String,
    pub role_name: String,
    pub user: String,
    pub issuer: String,
    pub destination: String,
    pub region: String,
}

#[derive(Debug, Default)]
struct FederationState {
    issued: HashMap<String, IssuedCredentials>,
    tokens: HashMap<String, SigninGrant>,
    consoles: HashMap<String, ConsoleSession>,
}

/// The federation endpoint's state (its own lock: sign-in never waits on the portal's state).
#[derive(Debug, Default)]
pub struct Federation {
    state: Mutex<FederationState>,
}

/// The `Session` parameter, as AWS documents it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionParameter {
    session_id: String,
    session_key: String,
    session_token: String,
}

fn refused(message: &str) -> Response {
    Response {
        status: 400,
        headers: vec![
            ("Content-Type".into(), "text/plain; charset=utf-8".into()),
            ("Cache-Control".into(), "no-store".into()),
        ],
        body: message.as_bytes().to_vec(),
    }
}

impl Federation {
    fn lock(&self) -> std::sync::MutexGuard<'_, FederationState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Remembers credentials GetRoleCredentials issued so getSigninToken can check them.
    #[allow(clippy::too_many_arguments)]
    pub fn record_issued(
        &self,
        access_key_id: &str,
        secret_access_key: &str,
        session_token: &str,
        account_id: &str,
        role_name: &str,
        user: &str,
        expires_at_ms: i64,
    ) {
        self.lock().issued.insert(
            access_key_id.to_string(),
            IssuedCredentials {
                secret_access_key: secret_access_key.to_string(),
                session_token: session_token.to_string(),
                account_id: account_id.to_string(),
                role_name: role_name.to_string(),
                user: user.to_string(),
                expires_at_ms,
            },
        );
    }

    /// `GET /federation`: dispatches on `Action`.
    pub fn handle(&self, request: &Request, base_url: &str, now_ms: i64, rng: &mut Rng) -> Response {
        match request.query_param("Action") {
            Some("getSigninToken") => self.get_signin_token(request, now_ms, rng),
            Some("login") => self.login(request, base_url, now_ms, rng),
            Some(other) => refused(&format!("Unsupported Action: {other}")),
            None => refused("The Action parameter is required (getSigninToken or login)"),
        }
    }

    fn get_signin_token(&self, request: &Request, now_ms: i64, rng: &mut Rng) -> Response {
        if request.query_param("SessionDuration").is_some() {
            return refused(
                "SessionDuration cannot be used with role session credentials (the console session lasts \
                 as long as the credentials)",
            );
        }
        let Some(raw) = request.query_param("Session") else {
            return refused("The Session parameter is required");
        };
        let Ok(session) = serde_json::from_str::<SessionParameter>(raw) else {
            return refused("The Session parameter must be JSON with sessionId, sessionKey and sessionToken");
        };
        let mut state = self.lock();
        let Some(issued) = state.issued.get(&session.session_id) else {
            return refused("The security token included in the request is invalid");
        };
        if issued.secret_access_key != session.session_key || issued.session_token != session.session_token {
            return refused("The security token included in the request is invalid");
        }
        if issued.expires_at_ms <= now_ms {
            return refused("The security token included in the request is expired");
        }
        let grant = SigninGrant {
            account_id: issued.account_id.clone(),
            role_name: issued.role_name.clone(),
            user: issued.user.clone(),
            expires_at_ms: (now_ms + SIGNIN_TOKEN_LIFETIME_SECONDS * 1000).min(issued.expires_at_ms),
            redeemed: false,
        };
        // Real tokens are long opaque URL-safe strings (several hundred characters).
        let token = rng.url_safe(400);
        state.tokens.insert(token.clone(), grant);
        Response::json(200, &serde_json::json!({ "SigninToken": token }))
    }

    fn login(&self, request: &Request, base_url: &str, now_ms: i64, rng: &mut Rng) -> Response {
        let Some(token) = request.query_param("SigninToken") else {
            return refused("The SigninToken parameter is required");
        };
        let Some(destination) = request.query_param("Destination") else {
            return refused("The Destination parameter is required");
        };
        let Some(region) = destination_region(destination) else {
            return refused("The Destination must be an https URL of the AWS console");
        };
        let mut state = self.lock();
        let Some(grant) = state.tokens.get_mut(token) else {
            return refused("Your request included an invalid sign-in token");
        };
        if grant.redeemed || grant.expires_at_ms <= now_ms {
            return refused("Your request included an expired or already used sign-in token");
        }
        grant.redeemed = true;
        let console = ConsoleSession {
            account_id: grant.account_id.clone(),
            role_name: grant.role_name.clone(),
            user: grant.user.clone(),
            issuer: request.query_param("Issuer").unwrap_or_default().to_string(),
            destination: destination.to_string(),
            region,
        };
        let id = rng.alphanumeric(24);
        state.consoles.insert(id.clone(), console);
        Response::redirect(&format!("{base_url}/console?session={id}"))
    }

    /// `GET /console?session=…`: the stand-in console page.
    pub fn console_page(&self, request: &Request) -> Response {
        let state = self.lock();
        let Some(console) = request.query_param("session").and_then(|id| state.consoles.get(id)) else {
            return Response::html(
                404,
                crate::pages::error_page("No console session", "Sign in through /federation first."),
            );
        };
        Response::html(200, console_page(console))
    }

    /// The console sessions opened so far (test control).
    pub fn consoles(&self) -> Vec<ConsoleSession> {
        self.lock().consoles.values().cloned().collect()
    }
}

/// The region a console destination opens in: `?region=` wins, then a `<region>.console.…` host,
/// else the console's default (us-east-1). `None` when it is not an https URL.
pub fn destination_region(destination: &str) -> Option<String> {
    let rest = destination.strip_prefix("https://")?;
    let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    if host.is_empty() {
        return None;
    }
    let query = path.split_once('?').map_or("", |(_, q)| q.split('#').next().unwrap_or(""));
    if let Some(region) = crate::urlenc::parse_pairs(query).into_iter().find(|(k, _)| k == "region") {
        return Some(region.1);
    }
    match host.split_once(".console.") {
        Some((region, _)) if region.contains('-') => Some(region.to_string()),
        _ => Some("us-east-1".to_string()),
    }
}

fn console_page(console: &ConsoleSession) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>AWS console (emulated)</title>\
</head><body><main><h1>AWS Management Console (emulated)</h1><dl>\
<dt>Account</dt><dd id=\"console-account\">{}</dd>\
<dt>Role</dt><dd id=\"console-role\">{}</dd>\
<dt>User</dt><dd id=\"console-user\">{}</dd>\
<dt>Region</dt><dd id=\"console-region\">{}</dd>\
<dt>Destination</dt><dd id=\"console-destination\">{}</dd>\
<dt>Issuer</dt><dd id=\"console-issuer\">{}</dd></dl>\
<p>sso-bridge-emulator: a local stand-in for the AWS console sign-in. Nothing here talks to AWS.</p>\
</main></body></html>\n",
        esc(&console.account_id),
        esc(&console.role_name),
        esc(&console.user),
        esc(&console.region),
        esc(&console.destination),
        esc(&console.issuer),
    )
}

#[cfg(test)]
mod tests {
    use super::destination_region;

    #[test]
    fn region_from_query_then_host_then_default() {
        assert_eq!(
            destination_region("https://console.aws.amazon.com/ec2/home?region=eu-west-1#x").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(
            destination_region("https://us-west-2.console.aws.amazon.com/console/home").as_deref(),
            Some("us-west-2")
        );
        assert_eq!(destination_region("https://console.aws.amazon.com/").as_deref(), Some("us-east-1"));
        assert_eq!(destination_region("http://console.aws.amazon.com/"), None);
        assert_eq!(destination_region("javascript:alert(1)"), None);
    }
}
