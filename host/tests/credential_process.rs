//! `sso-bridge credential-process`, `export` and `logout` as processes, against the in-process
//! emulator over real HTTP, using only the files in a temporary HOME.

mod common;

use common::*;
use serde_json::{json, Value};
use sso_bridge::oidc::{ClientCredentials, Grant, OidcClient, RegisterClientInput};
use sso_bridge_emulator::{RunningEmulator, Scenario};
use sso_bridge_host::native::NativeTransport;
use std::process::Output;

const START_URL: &str = "https://d-1234567890.awsapps.com/start";

struct Setup {
    emulator: RunningEmulator,
    home: Home,
    account: String,
    role: String,
}

fn epoch_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn cli_time(epoch: i64) -> String {
    sso_bridge::time::UtcTime::from_unix_seconds(epoch).to_cli_string()
}

/// Emulator + HOME with profile `dev` (session `corp`) and a token minted by the emulator (device
/// flow, auto-approved) stored through the helper with `expires_in` seconds left in the file.
fn set_up(expires_in: i64, refresh: bool) -> Setup {
    let emulator =
        RunningEmulator::start(Scenario { auto_approve: true, seed: Some(5), ..Scenario::default() })
            .unwrap();
    let home = Home::installed();
    let account = emulator.control().accounts().into_iter().next().unwrap();
    let role = account.roles[0].clone();
    home.write(
        ".aws/config",
        &format!(
            "[profile dev]\nsso_session = corp\nsso_account_id = {}\nsso_role_name = {role}\nregion = us-east-1\n\
             [sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n",
            account.account_id
        ),
    );
    let oidc = OidcClient::new(emulator.base_url(), NativeTransport::new()).unwrap();
    let registration = pollster::block_on(
        oidc.register_client(&RegisterClientInput::device("test", Some(vec!["sso:account:access".into()]))),
    )
    .unwrap();
    let client = ClientCredentials::from(&registration);
    let auth = pollster::block_on(oidc.start_device_authorization(&client, START_URL)).unwrap();
    let token =
        pollster::block_on(oidc.create_token(&client, &Grant::DeviceCode { device_code: auth.device_code }))
            .unwrap();
    let mut body = json!({
        "startUrl": START_URL, "region": "us-east-1", "accessToken": token.access_token.expose(),
        "expiresAt": cli_time(epoch_now() + expires_in), "clientId": client.client_id,
        "clientSecret": client.client_secret.expose(),
        "registrationExpiresAt": registration.client_secret_expires_at.to_cli_string(),
    });
    if refresh {
        body["refreshToken"] = json!(token.refresh_token.expect("a refresh token").expose());
    }
    let mut s = home.session();
    let reply = s.request(&json!({"type": "storeToken", "id": 1, "sessionName": "corp", "token": body}));
    assert_eq!(reply["ok"], true, "{reply}");
    s.finish();
    Setup { emulator, home, account: account.account_id, role }
}

impl Setup {
    fn run(&self, args: &[&str]) -> Output {
        self.home
            .command(args)
            .env("AWS_ENDPOINT_URL_SSO", self.emulator.base_url())
            .env("AWS_ENDPOINT_URL_SSO_OIDC", self.emulator.base_url())
            .output()
            .unwrap()
    }

    fn calls(&self, path: &str) -> usize {
        self.emulator.control().requests().iter().filter(|r| r.path == path).count()
    }

    fn token_file(&self) -> std::path::PathBuf {
        self.home.aws().join(format!("sso/cache/{}.json", sso_bridge::cache::token_cache_key("corp")))
    }
}

#[test]
fn credential_process_gets_and_caches_role_credentials_like_the_cli() {
    let t = set_up(8 * 3600, true);
    let out = t.run(&["credential-process", "--profile", "dev"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let creds: Value = serde_json::from_slice(&out.stdout).expect("credential_process JSON");
    assert_eq!(creds["Version"], 1);
    assert!(creds["AccessKeyId"].as_str().is_some_and(|k| !k.is_empty()));
    assert!(creds["SessionToken"].as_str().is_some_and(|k| !k.is_empty()));
    assert!(creds["Expiration"].as_str().unwrap().ends_with("+00:00"), "{creds}");
    assert_eq!(t.calls("/federation/credentials"), 1);
    // Cached where the CLI caches it, under the CLI's key.
    let key = sso_bridge::cache::role_credentials_cache_key(
        &t.account,
        &t.role,
        &sso_bridge::cache::RoleCacheSource::Session("corp"),
    );
    let cached: Value = serde_json::from_str(
        &std::fs::read_to_string(t.home.aws().join(format!("cli/cache/{key}.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(cached["ProviderType"], "sso");
    assert_eq!(cached["Credentials"]["AccessKeyId"], creds["AccessKeyId"]);
    // A second run is served from that cache.
    let again = t.run(&["credential-process", "--profile", "dev"]);
    assert_eq!(serde_json::from_slice::<Value>(&again.stdout).unwrap()["AccessKeyId"], creds["AccessKeyId"]);
    assert_eq!(t.calls("/federation/credentials"), 1, "served from ~/.aws/cli/cache");

    // export, every format.
    let env = t.run(&["export", "--profile", "dev", "--format", "env"]);
    let text = String::from_utf8(env.stdout).unwrap();
    assert!(
        text.starts_with(&format!("export AWS_ACCESS_KEY_ID={}\n", creds["AccessKeyId"].as_str().unwrap())),
        "{text}"
    );
    assert!(text.contains("export AWS_SESSION_TOKEN="), "{text}");
    let fish = t.run(&["export", "--profile", "dev", "--format", "fish"]);
    assert!(String::from_utf8(fish.stdout).unwrap().starts_with("set -gx AWS_ACCESS_KEY_ID \""));
    let bad = t.run(&["export", "--profile", "dev", "--format", "yaml"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not an export format"));
}

#[test]
fn a_token_inside_the_refresh_window_is_refreshed_through_oidc() {
    let t = set_up(300, true);
    let before = std::fs::read_to_string(t.token_file()).unwrap();
    let out = t.run(&["credential-process", "--profile", "dev"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(t.calls("/token"), 2, "the device grant, then one refresh");
    let after: Value = serde_json::from_str(&std::fs::read_to_string(t.token_file()).unwrap()).unwrap();
    let before: Value = serde_json::from_str(&before).unwrap();
    assert_ne!(after["accessToken"], before["accessToken"]);
    let expires = sso_bridge::time::UtcTime::parse_lenient(after["expiresAt"].as_str().unwrap()).unwrap();
    assert!(expires.unix_seconds() > epoch_now() + 3600);
    // Key order and registration copied as botocore writes it.
    let keys: Vec<&String> = after.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 8, "{after}");
    assert_eq!(after["clientId"], before["clientId"]);
}

#[test]
fn expired_and_unrefreshable_tokens_say_sign_in_again() {
    let t = set_up(-60, false);
    let out = t.run(&["credential-process", "--profile", "dev"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("expired") && err.contains("sign in again"), "{err}");
    assert!(out.stdout.is_empty());
    let missing = t.run(&["credential-process", "--profile", "nope"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope"));
}

#[test]
fn logout_calls_the_portal_and_deletes_like_aws_sso_logout() {
    let t = set_up(8 * 3600, true);
    assert!(t.run(&["credential-process", "--profile", "dev"]).status.success());
    let out = t.run(&["logout", "--session", "corp"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(t.calls("/logout"), 1);
    let report = String::from_utf8(out.stdout).unwrap();
    assert_eq!(report.matches("deleted ").count(), 2, "token and role credentials: {report}");
    assert!(!t.token_file().exists());
    // The registration written by nobody here, and nothing else, remains: the cache dirs are empty.
    assert_eq!(std::fs::read_dir(t.home.aws().join("cli/cache")).unwrap().count(), 0);
    let again = t.run(&["logout"]);
    assert!(String::from_utf8(again.stdout).unwrap().contains("no cached SSO tokens"));
    let bad = t.run(&["logout", "--session", "../x"]);
    assert!(!bad.status.success());
}
