//! The scenario: the directory (start URLs, users, accounts and roles) and the behaviour knobs
//! (lifetimes, throttling, fault injection, approval, CORS). Loaded from TOML or JSON, or built in code.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::rng::Rng;

/// Everything that shapes one emulator run. Every field has a sensible default, so `{}` is a valid
/// scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// The region the emulator claims to be in (shown on pages; not enforced).
    pub region: String,
    /// Start URLs accepted by `StartDeviceAuthorization` and `issuerUrl`. Empty accepts any URL.
    pub start_urls: Vec<String>,
    /// Seed for every id and token; without one they are unpredictable.
    pub seed: Option<u64>,
    /// Approve device codes and authorization requests without a person (headless tests).
    pub auto_approve: bool,
    /// Who can sign in on the authorize and device pages.
    pub users: Vec<User>,
    /// Accounts listed explicitly.
    pub accounts: Vec<AccountSpec>,
    /// Accounts to generate after the listed ones (default 3 when none are listed, else 0).
    pub generated_accounts: Option<usize>,
    /// Roles in each generated account.
    pub roles_per_account: usize,
    /// Page size of ListAccounts / ListAccountRoles when the caller sends no `max_result`.
    pub default_page_size: usize,
    pub lifetimes: Lifetimes,
    pub throttling: Throttling,
    /// Faults armed at start (more can be added through test control).
    pub faults: Vec<Fault>,
    pub cors: Cors,
    /// Scopes RegisterClient and /authorize accept; anything else is `InvalidScopeException`.
    pub allowed_scopes: Vec<String>,
    /// Redirect URI prefixes accepted besides loopback `http://127.0.0.1` (AWS accepts none; a demo
    /// can opt in, for example to try `https://<id>.chromiumapp.org/`).
    pub extra_redirect_uri_prefixes: Vec<String>,
    /// Answer `slow_down` when a device code is polled faster than its interval (RFC 8628 §3.5).
    pub enforce_poll_interval: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub username: String,
    /// When set, the sign-in form must supply it.
    #[serde(default)]
    pub password: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    pub account_id: String,
    pub account_name: String,
    #[serde(default)]
    pub email_address: Option<String>,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Lifetimes {
    pub access_token_seconds: u64,
    pub refresh_token_seconds: u64,
    pub device_code_seconds: u64,
    pub poll_interval_seconds: u64,
    pub registration_seconds: u64,
    pub authorization_code_seconds: u64,
    pub role_credentials_seconds: u64,
}

impl Default for Lifetimes {
    fn default() -> Self {
        // What AWS fixtures and public reports show: 8 h access tokens, 10 min device codes,
        // about 90 days for registrations and refresh tokens, 1 h role credentials.
        Lifetimes {
            access_token_seconds: 8 * 3600,
            refresh_token_seconds: 90 * 86400,
            device_code_seconds: 600,
            poll_interval_seconds: 1,
            registration_seconds: 90 * 86400,
            authorization_code_seconds: 300,
            role_credentials_seconds: 3600,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Throttling {
    /// Portal requests per second allowed per bearer token; more get 429 `TooManyRequestsException`.
    pub requests_per_second: Option<u32>,
    /// Adds `Retry-After: <n>` to 429 answers.
    pub retry_after_seconds: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Cors {
    /// Origins allowed to call the API from a browser: exact (`http://localhost:8080`), a wildcard
    /// port (`http://localhost:*`), a scheme wildcard (`chrome-extension://*`) or `*`.
    pub allowed_origins: Vec<String>,
}

impl Default for Cors {
    fn default() -> Self {
        Cors {
            allowed_origins: vec![
                "http://127.0.0.1:*".into(),
                "http://localhost:*".into(),
                "chrome-extension://*".into(),
            ],
        }
    }
}

impl Cors {
    pub fn allows(&self, origin: &str) -> bool {
        self.allowed_origins.iter().any(|pattern| origin_matches(pattern, origin))
    }
}

fn origin_matches(pattern: &str, origin: &str) -> bool {
    if pattern == "*" || pattern == origin {
        return true;
    }
    if let Some(prefix) = pattern.strip_suffix("://*") {
        return origin.strip_prefix(prefix).is_some_and(|rest| rest.starts_with("://") && rest.len() > 3);
    }
    if let Some(host) = pattern.strip_suffix(":*") {
        return origin
            .strip_prefix(host)
            .and_then(|rest| rest.strip_prefix(':'))
            .is_some_and(|port| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()));
    }
    false
}

/// The API operations, named as in the AWS service models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operation {
    RegisterClient,
    StartDeviceAuthorization,
    CreateToken,
    /// The `GET /authorize` page.
    Authorize,
    ListAccounts,
    ListAccountRoles,
    GetRoleCredentials,
    Logout,
}

impl Operation {
    pub fn name(self) -> &'static str {
        match self {
            Operation::RegisterClient => "RegisterClient",
            Operation::StartDeviceAuthorization => "StartDeviceAuthorization",
            Operation::CreateToken => "CreateToken",
            Operation::Authorize => "Authorize",
            Operation::ListAccounts => "ListAccounts",
            Operation::ListAccountRoles => "ListAccountRoles",
            Operation::GetRoleCredentials => "GetRoleCredentials",
            Operation::Logout => "Logout",
        }
    }

    pub fn is_portal(self) -> bool {
        matches!(
            self,
            Operation::ListAccounts
                | Operation::ListAccountRoles
                | Operation::GetRoleCredentials
                | Operation::Logout
        )
    }
}

/// What an injected fault does to a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// 500 `InternalServerException`.
    InternalError,
    /// OIDC: `SlowDownException`; portal: 429 `TooManyRequestsException`.
    SlowDown,
    /// Portal: 429 `TooManyRequestsException`; OIDC: `SlowDownException`.
    Throttle,
    /// OIDC: `AccessDeniedException`; portal: 403 `ForbiddenException` ("No access").
    AccessDenied,
    /// OIDC: `ExpiredTokenException`; portal: 401 `UnauthorizedException`.
    ExpiredToken,
    /// OIDC: `InvalidGrantException`; portal: 401 `UnauthorizedException`.
    InvalidGrant,
    /// OIDC: `AuthorizationPendingException`.
    AuthorizationPending,
    /// OIDC: 401 `InvalidClientException`; portal: 401 `UnauthorizedException`.
    Unauthorized,
    /// Hold the request for `delay_ms` (default 30 s), then answer 500: the caller should time out first.
    Timeout,
    /// Hold the request for `delay_ms` (default 2 s), then answer normally.
    Delay,
}

/// "The next `count` calls of `operation` fail with `kind`."
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    pub operation: Operation,
    pub kind: FaultKind,
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub delay_ms: Option<u64>,
}

fn one() -> u32 {
    1
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            region: "us-east-1".into(),
            start_urls: Vec::new(),
            seed: None,
            auto_approve: false,
            users: vec![User { username: "alice".into(), password: None }],
            accounts: Vec::new(),
            generated_accounts: None,
            roles_per_account: 2,
            default_page_size: 20,
            lifetimes: Lifetimes::default(),
            throttling: Throttling::default(),
            faults: Vec::new(),
            cors: Cors::default(),
            allowed_scopes: vec![
                "sso:account:access".into(),
                "openid".into(),
                "aws".into(),
                "sts:identity_context".into(),
                "codewhisperer:completions".into(),
                "codewhisperer:analysis".into(),
                "codewhisperer:conversations".into(),
                "codewhisperer:transformations".into(),
                "codewhisperer:taskassist".into(),
            ],
            extra_redirect_uri_prefixes: Vec::new(),
            enforce_poll_interval: false,
        }
    }
}

/// An account in the emulator's directory, with its assigned roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub account_id: String,
    pub account_name: String,
    pub email_address: String,
    pub roles: Vec<String>,
}

/// Role names for generated accounts, in the order they are assigned.
const ROLE_NAMES: &[&str] = &[
    "AdministratorAccess",
    "ReadOnlyAccess",
    "PowerUserAccess",
    "ViewOnlyAccess",
    "Billing",
    "SecurityAudit",
    "DatabaseAdministrator",
    "NetworkAdministrator",
];

impl Scenario {
    /// Reads a scenario file: `.toml` as TOML, `.json` as JSON, anything else by trying both.
    pub fn from_path(path: &Path) -> Result<Scenario, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the scenario file {}: {e}", path.display()))?;
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        let parsed = match extension.as_str() {
            "toml" => Scenario::from_toml(&text),
            "json" => Scenario::from_json(&text),
            _ => Scenario::from_json(&text).or_else(|json_error| {
                Scenario::from_toml(&text).map_err(|toml_error| {
                    format!("it is neither JSON ({json_error}) nor TOML ({toml_error})")
                })
            }),
        };
        parsed.map_err(|e| format!("the scenario file {} is not valid: {e}", path.display()))
    }

    pub fn from_toml(text: &str) -> Result<Scenario, String> {
        let scenario: Scenario = toml::from_str(text).map_err(|e| e.to_string())?;
        scenario.validate()?;
        Ok(scenario)
    }

    pub fn from_json(text: &str) -> Result<Scenario, String> {
        let scenario: Scenario = serde_json::from_str(text).map_err(|e| e.to_string())?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Checks what serde cannot: sizes and uniqueness.
    pub fn validate(&self) -> Result<(), String> {
        if self.default_page_size == 0 || self.default_page_size > 100 {
            return Err("default_page_size must be between 1 and 100 (the portal's max_result range)".into());
        }
        if self.users.is_empty() {
            return Err("users must list at least one user who can sign in".into());
        }
        let mut seen = std::collections::HashSet::new();
        for account in &self.accounts {
            if account.account_id.len() != 12 || !account.account_id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("account id `{}` must be 12 digits", account.account_id));
            }
            if !seen.insert(account.account_id.clone()) {
                return Err(format!("account id `{}` is listed twice", account.account_id));
            }
        }
        if self.lifetimes.poll_interval_seconds == 0 {
            return Err("lifetimes.poll_interval_seconds must be at least 1".into());
        }
        if self.throttling.requests_per_second == Some(0) {
            return Err("throttling.requests_per_second must be at least 1 (leave it out to disable)".into());
        }
        let accounts = self.accounts.len() + self.generated_accounts.unwrap_or(0);
        if accounts > 1_000_000 {
            return Err("more than a million accounts is beyond what the emulator is built for".into());
        }
        Ok(())
    }

    /// The account directory: listed accounts, then generated ones with ids derived from the seed
    /// (seed 0 without one, so demos see the same accounts every run).
    pub fn directory(&self) -> Vec<Account> {
        let mut accounts: Vec<Account> = self
            .accounts
            .iter()
            .map(|spec| Account {
                account_id: spec.account_id.clone(),
                account_name: spec.account_name.clone(),
                email_address: spec
                    .email_address
                    .clone()
                    .unwrap_or_else(|| format!("{}@example.com", spec.account_name.to_ascii_lowercase())),
                roles: spec.roles.clone(),
            })
            .collect();
        let generated = self.generated_accounts.unwrap_or(if self.accounts.is_empty() { 3 } else { 0 });
        let mut rng = Rng::new(self.seed.unwrap_or(0) ^ 0xD1EC_70A1);
        let mut used: std::collections::HashSet<String> =
            accounts.iter().map(|a| a.account_id.clone()).collect();
        for index in 1..=generated {
            let account_id = loop {
                // A leading non-zero digit keeps ids looking like real ones.
                let candidate = format!("{}{}", 1 + rng.below(9), rng.digits(11));
                if used.insert(candidate.clone()) {
                    break candidate;
                }
            };
            let roles = (0..self.roles_per_account)
                .map(|r| {
                    ROLE_NAMES.get(r).map_or_else(|| format!("CustomRole{:02}", r + 1), |n| n.to_string())
                })
                .collect();
            accounts.push(Account {
                account_id,
                account_name: format!("account-{index:04}"),
                email_address: format!("aws+account-{index:04}@example.com"),
                roles,
            });
        }
        accounts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_files_give_the_defaults() {
        assert_eq!(Scenario::from_json("{}").unwrap(), Scenario::default());
        assert_eq!(Scenario::from_toml("").unwrap(), Scenario::default());
    }

    #[test]
    fn toml_and_json_say_the_same_thing() {
        let toml = r#"
            region = "eu-west-1"
            start_urls = ["https://d-1234567890.awsapps.com/start"]
            seed = 5
            generated_accounts = 2
            roles_per_account = 3
            [lifetimes]
            access_token_seconds = 60
            [throttling]
            requests_per_second = 5
            retry_after_seconds = 2
            [[faults]]
            operation = "CreateToken"
            kind = "slow_down"
            count = 2
            [[accounts]]
            account_id = "111122223333"
            account_name = "prod"
            roles = ["Admin"]
        "#;
        let json = r#"{"region":"eu-west-1","start_urls":["https://d-1234567890.awsapps.com/start"],"seed":5,
            "generated_accounts":2,"roles_per_account":3,"lifetimes":{"access_token_seconds":60},
            "throttling":{"requests_per_second":5,"retry_after_seconds":2},
            "faults":[{"operation":"CreateToken","kind":"slow_down","count":2}],
            "accounts":[{"account_id":"111122223333","account_name":"prod","roles":["Admin"]}]}"#;
        let a = Scenario::from_toml(toml).unwrap();
        let b = Scenario::from_json(json).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.lifetimes.device_code_seconds, 600);
        let directory = a.directory();
        assert_eq!(directory.len(), 3);
        assert_eq!(directory[0].account_id, "111122223333");
        assert_eq!(directory[1].roles, vec!["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess"]);
    }

    #[test]
    fn rejects_mistakes_with_a_reason() {
        assert!(Scenario::from_json(r#"{"regoin":"x"}"#).unwrap_err().contains("regoin"));
        assert!(Scenario::from_json(r#"{"default_page_size":0}"#).unwrap_err().contains("between 1 and 100"));
        let dup = r#"{"accounts":[{"account_id":"111122223333","account_name":"a","roles":[]},
                                  {"account_id":"111122223333","account_name":"b","roles":[]}]}"#;
        assert!(Scenario::from_json(dup).unwrap_err().contains("twice"));
        assert!(Scenario::from_json(r#"{"faults":[{"operation":"Nope","kind":"slow_down"}]}"#).is_err());
    }

    #[test]
    fn generated_directory_is_deterministic_and_unique() {
        let scenario =
            Scenario { generated_accounts: Some(1000), roles_per_account: 10, ..Scenario::default() };
        let first = scenario.directory();
        assert_eq!(first, scenario.directory());
        let ids: std::collections::HashSet<_> = first.iter().map(|a| &a.account_id).collect();
        assert_eq!(ids.len(), 1000);
        assert!(first.iter().all(|a| a.account_id.len() == 12 && !a.account_id.starts_with('0')));
        assert_eq!(first[0].roles[9], "CustomRole10");
    }

    #[test]
    fn cors_patterns() {
        let cors = Cors::default();
        assert!(cors.allows("http://localhost:8080"));
        assert!(cors.allows("http://127.0.0.1:1"));
        assert!(cors.allows("chrome-extension://abcdefghijklmnop"));
        assert!(!cors.allows("http://localhost"));
        assert!(!cors.allows("http://localhost:80x"));
        assert!(!cors.allows("https://evil.example"));
        assert!(!cors.allows("chrome-extension://"));
        assert!(Cors { allowed_origins: vec!["*".into()] }.allows("https://anything.example"));
    }
}

#[cfg(test)]
mod shipped_scenarios {
    use super::*;

    /// The example files in `emulator/scenarios/` must stay loadable.
    #[test]
    fn examples_parse() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let demo = Scenario::from_path(&dir.join("demo.toml")).unwrap();
        assert_eq!(demo.directory().len(), 5);
        assert_eq!(demo.users[0].password.as_deref(), Some("wonderland"));
        let flaky = Scenario::from_path(&dir.join("flaky.json")).unwrap();
        assert_eq!(flaky.directory().len(), 1000);
        assert_eq!(flaky.faults.len(), 3);
    }
}
