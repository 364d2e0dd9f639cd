//! Referees: real AWS client code judges the files the helper writes.
//!
//! - After `storeToken` (and the config written through `writeSsoSession`/`writeProfile`), boto3
//!   and the AWS CLI v2 (`/usr/bin/aws`) get role credentials from the emulator using only those
//!   files, and botocore refreshes our token file in place.
//! - Conversely, the helper reads a token file written by `aws sso login` (CLI v2), and
//!   `sso-bridge export` gets role credentials from it.
//! - boto3 and the AWS CLI v2 accept `sso-bridge credential-process` as a `credential_process`.
//!
//! Needs the pinned boto3 venv (`emulator/referee/requirements.txt`) and Debian's AWS CLI v2, so
//! these tests are `#[ignore]`d in a plain `cargo test` and run by `cargo xtask test` (step "helper
//! referees") with `SSO_BRIDGE_PYTHON` pointing at the venv's python. By hand:
//! `SSO_BRIDGE_PYTHON=.venv/bin/python cargo test -p sso-bridge-host --test referees -- --include-ignored`

mod common;

use common::*;
use serde_json::{json, Value};
use sso_bridge_emulator::{RunningEmulator, Scenario};
use std::path::Path;
use std::process::Command;

const START_URL: &str = "https://d-1234567890.awsapps.com/start";
const AWS_CLI_V2: &str = "/usr/bin/aws";

fn python() -> String {
    std::env::var("SSO_BRIDGE_PYTHON").unwrap_or_else(|_| {
        let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
        venv.display().to_string()
    })
}

fn emulator() -> RunningEmulator {
    RunningEmulator::start(Scenario { auto_approve: true, seed: Some(11), ..Scenario::default() })
        .expect("start the emulator")
}

/// The environment every referee runs in: only the temp HOME's files, endpoints at the emulator.
fn aws_env(cmd: &mut Command, home: &Home, emulator: &RunningEmulator) {
    cmd.env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_ENDPOINT_URL_SSO", emulator.base_url())
        .env("AWS_ENDPOINT_URL_SSO_OIDC", emulator.base_url())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_PAGER", "");
}

/// Debian's CLI (2.9.19) predates `AWS_ENDPOINT_URL_*`: its botocore resolves endpoints from the
/// per-service `endpoint-rule-set-1.json`. `AWS_DATA_PATH` puts a directory with one unconditional
/// rule ("the endpoint is the emulator") in front of the CLI's own data, for `sso` and `sso-oidc`
/// (the same technique as `emulator/referee/test_aws_cli_v2.py`).
fn aws_cli(home: &Home, emulator: &RunningEmulator) -> Command {
    let data = home.path().join("aws-data");
    let builtin = |name: &str, kind: &str, required: bool| {
        let mut p = json!({"builtIn": name, "required": required, "documentation": name, "type": kind});
        if required {
            p["default"] = json!(false);
        }
        p
    };
    let ruleset = json!({
        "version": "1.0",
        "parameters": {
            "Region": builtin("AWS::Region", "String", false),
            "UseDualStack": builtin("AWS::UseDualStack", "Boolean", true),
            "UseFIPS": builtin("AWS::UseFIPS", "Boolean", true),
            "Endpoint": builtin("SDK::Endpoint", "String", false),
        },
        "rules": [{"conditions": [], "type": "endpoint",
                   "endpoint": {"url": emulator.base_url(), "properties": {}, "headers": {}}}],
    });
    for service in ["sso", "sso-oidc"] {
        let dir = data.join(service).join("2019-06-10");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("endpoint-rule-set-1.json"), ruleset.to_string()).unwrap();
    }
    let mut cmd = Command::new(AWS_CLI_V2);
    aws_env(&mut cmd, home, emulator);
    cmd.env("AWS_DATA_PATH", &data);
    cmd
}

fn run_python(home: &Home, emulator: &RunningEmulator, script: &str) -> Value {
    let mut cmd = Command::new(python());
    aws_env(&mut cmd, home, emulator);
    let out = cmd.arg("-c").arg(script).output().unwrap_or_else(|e| {
        panic!(
            "cannot run {} ({e}); create the venv with `cargo xtask test` or set SSO_BRIDGE_PYTHON",
            python()
        )
    });
    assert!(out.status.success(), "python failed: {}\n{}", String::from_utf8_lossy(&out.stderr), script);
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("python printed no JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// A real token from the emulator, through boto3's sso-oidc client (device flow, auto-approved).
const MINT: &str = r#"
import json, boto3
oidc = boto3.session.Session(region_name="us-east-1").client("sso-oidc")
client = oidc.register_client(clientName="referee", clientType="public", scopes=["sso:account:access"])
auth = oidc.start_device_authorization(clientId=client["clientId"], clientSecret=client["clientSecret"],
    startUrl="https://d-1234567890.awsapps.com/start")
token = oidc.create_token(clientId=client["clientId"], clientSecret=client["clientSecret"],
    grantType="urn:ietf:params:oauth:grant-type:device_code", deviceCode=auth["deviceCode"])
print(json.dumps({"clientId": client["clientId"], "clientSecret": client["clientSecret"],
    "clientSecretExpiresAt": client["clientSecretExpiresAt"], "accessToken": token["accessToken"],
    "expiresIn": token["expiresIn"], "refreshToken": token.get("refreshToken")}))
"#;

/// boto3's whole SSO credential chain for profile `dev`, from the files alone.
const BOTO3_CREDENTIALS: &str = r#"
import json, boto3
creds = boto3.Session(profile_name="dev").get_credentials().get_frozen_credentials()
print(json.dumps({"accessKeyId": creds.access_key, "secretAccessKey": creds.secret_key, "sessionToken": creds.token}))
"#;

fn epoch_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn cli_time(epoch: i64) -> String {
    sso_bridge::time::UtcTime::from_unix_seconds(epoch).to_cli_string()
}

/// Configure session `corp` and profile `dev` through the helper, mint a token and store it.
/// Returns the minted token and the (account, role) used.
fn set_up(home: &Home, emulator: &RunningEmulator, expires_in: i64) -> (Value, String, String) {
    let account = emulator.control().accounts().into_iter().next().expect("an account");
    let role = account.roles[0].clone();
    let mut s = home.session();
    let reply = s.request(&json!({"type": "writeSsoSession", "id": 1, "name": "corp", "startUrl": START_URL,
        "region": "us-east-1", "registrationScopes": "sso:account:access"}));
    assert_eq!(reply["ok"], true, "{reply}");
    let reply = s.request(&json!({"type": "writeProfile", "id": 2, "name": "dev", "ssoSession": "corp",
        "accountId": account.account_id, "roleName": role, "region": "us-east-1", "output": "json"}));
    assert_eq!(reply["ok"], true, "{reply}");
    let minted = run_python(home, emulator, MINT);
    let now = epoch_now();
    let reply = s.request(&json!({"type": "storeToken", "id": 3, "sessionName": "corp", "token": {
        "startUrl": START_URL, "region": "us-east-1", "accessToken": minted["accessToken"],
        "expiresAt": cli_time(now + expires_in), "clientId": minted["clientId"], "clientSecret": minted["clientSecret"],
        "registrationExpiresAt": cli_time(minted["clientSecretExpiresAt"].as_i64().unwrap()),
        "refreshToken": minted["refreshToken"]}}));
    assert_eq!(reply["ok"], true, "{reply}");
    s.finish();
    (minted, account.account_id, role)
}

fn portal_credential_calls(emulator: &RunningEmulator) -> usize {
    emulator.control().requests().iter().filter(|r| r.path == "/federation/credentials").count()
}

#[test]
#[ignore = "needs the boto3 venv; run by `cargo xtask test`"]
fn boto3_gets_role_credentials_from_our_files() {
    let emulator = emulator();
    let home = Home::installed();
    set_up(&home, &emulator, 8 * 3600);
    let before = portal_credential_calls(&emulator);
    let creds = run_python(&home, &emulator, BOTO3_CREDENTIALS);
    assert!(creds["accessKeyId"].as_str().is_some_and(|k| !k.is_empty()), "{creds}");
    assert!(creds["sessionToken"].as_str().is_some_and(|k| !k.is_empty()), "{creds}");
    assert_eq!(portal_credential_calls(&emulator), before + 1, "boto3 called GetRoleCredentials once");
}

#[test]
#[ignore = "needs Debian's AWS CLI v2; run by `cargo xtask test`"]
fn aws_cli_v2_gets_role_credentials_from_our_files() {
    let emulator = emulator();
    let home = Home::installed();
    set_up(&home, &emulator, 8 * 3600);
    let out = aws_cli(&home, &emulator)
        .args(["configure", "export-credentials", "--profile", "dev", "--format", "process"])
        .output()
        .expect("run /usr/bin/aws");
    assert!(out.status.success(), "aws failed: {}", String::from_utf8_lossy(&out.stderr));
    let creds: Value = serde_json::from_slice(&out.stdout).expect("process JSON");
    assert_eq!(creds["Version"], 1);
    assert!(creds["AccessKeyId"].as_str().is_some_and(|k| !k.is_empty()), "{creds}");
    // The CLI cached the role credentials where our deleteTokens looks for them.
    let cached = std::fs::read_dir(home.aws().join("cli/cache")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(cached, 1, "the CLI wrote its role-credential cache entry");
    // And our logout semantics remove it.
    let mut s = home.session();
    let reply = s.request(&json!({"type": "deleteTokens", "id": 1, "sessionName": "corp"}));
    assert_eq!(reply["deleted"].as_array().unwrap().len(), 2, "token + the CLI's role cache entry: {reply}");
    s.finish();
}

#[test]
#[ignore = "needs the boto3 venv; run by `cargo xtask test`"]
fn botocore_refreshes_our_token_file_in_place() {
    let emulator = emulator();
    let home = Home::installed();
    // Five minutes left: inside botocore's mandatory refresh window (10 min).
    let (minted, _, _) = set_up(&home, &emulator, 300);
    let token_file =
        home.aws().join(format!("sso/cache/{}.json", sso_bridge::cache::token_cache_key("corp")));
    let before = std::fs::read_to_string(&token_file).unwrap();
    run_python(&home, &emulator, BOTO3_CREDENTIALS);
    let after = std::fs::read_to_string(&token_file).unwrap();
    assert_ne!(before, after, "botocore rewrote the token file");
    let refreshed: Value = serde_json::from_str(&after).expect("botocore's file is JSON");
    assert_ne!(refreshed["accessToken"], minted["accessToken"], "a new access token");
    let expires = sso_bridge::time::UtcTime::parse_lenient(refreshed["expiresAt"].as_str().unwrap()).unwrap();
    assert!(expires.unix_seconds() > epoch_now() + 3600, "the new token lives for hours");
    // The helper reads botocore's file back.
    let mut s = home.session();
    let read = s.request(&json!({"type": "readToken", "id": 1, "sessionName": "corp"}));
    assert_eq!(read["token"]["accessToken"], refreshed["accessToken"], "{read}");
    s.finish();
}

#[test]
#[ignore = "needs Debian's AWS CLI v2; run by `cargo xtask test`"]
fn token_written_by_aws_sso_login_is_read_by_the_helper() {
    let emulator = emulator();
    let home = Home::installed();
    let account = emulator.control().accounts().into_iter().next().unwrap();
    home.write(
        ".aws/config",
        &format!(
            "[profile dev]\nsso_session = corp\nsso_account_id = {}\nsso_role_name = {}\nregion = us-east-1\n\
             [sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n",
            account.account_id, account.roles[0]
        ),
    );
    // The emulator approves the device code by itself; --no-browser prints the code instead of opening one.
    let out = aws_cli(&home, &emulator)
        .args(["sso", "login", "--profile", "dev", "--no-browser"])
        .output()
        .expect("run aws sso login");
    assert!(out.status.success(), "aws sso login failed: {}", String::from_utf8_lossy(&out.stderr));
    let mut s = home.session();
    let read = s.request(&json!({"type": "readToken", "id": 1, "sessionName": "corp"}));
    assert_eq!(read["ok"], true, "{read}");
    assert_eq!(read["token"]["startUrl"], START_URL);
    // `sso-bridge export` gets role credentials from the CLI's token file alone.
    let out = home
        .command(&["export", "--profile", "dev", "--format", "env"])
        .env("AWS_ENDPOINT_URL_SSO", emulator.base_url())
        .env("AWS_ENDPOINT_URL_SSO_OIDC", emulator.base_url())
        .output()
        .unwrap();
    assert!(out.status.success(), "sso-bridge export failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("export AWS_ACCESS_KEY_ID=") && text.contains("export AWS_SESSION_TOKEN="),
        "{text}"
    );
    let config = s.request(&json!({"type": "readConfig", "id": 2}));
    let tokens = config["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 1, "{config}");
    assert_eq!(tokens[0]["sessionName"], "corp");
    assert_eq!(tokens[0]["expired"], false);
    assert_eq!(tokens[0]["refreshable"], true);
    s.finish();
}

#[test]
#[ignore = "needs the boto3 venv and Debian's AWS CLI v2; run by `cargo xtask test`"]
fn boto3_and_aws_cli_accept_our_credential_process() {
    let emulator = emulator();
    let home = Home::installed();
    set_up(&home, &emulator, 8 * 3600);
    let config_path = home.aws().join("config");
    let mut config = std::fs::read_to_string(&config_path).unwrap();
    config.push_str(&format!(
        "[profile viaprocess]\ncredential_process = {BIN} credential-process --profile dev\n"
    ));
    std::fs::write(&config_path, config).unwrap();
    let boto = run_python(
        &home,
        &emulator,
        &BOTO3_CREDENTIALS.replace("profile_name=\"dev\"", "profile_name=\"viaprocess\""),
    );
    assert!(boto["sessionToken"].as_str().is_some_and(|t| !t.is_empty()), "{boto}");
    let out = aws_cli(&home, &emulator)
        .args(["configure", "export-credentials", "--profile", "viaprocess", "--format", "process"])
        .output()
        .unwrap();
    assert!(out.status.success(), "aws failed: {}", String::from_utf8_lossy(&out.stderr));
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cli["AccessKeyId"], boto["accessKeyId"], "both read the same cached role credentials");
}
