//! The helper's `populate` request over native messaging (the real binary, a temporary HOME): plan,
//! apply with a backup, 3,000 profiles in one request, and refusals that leave the config untouched.

mod common;

use common::*;
use serde_json::{json, Value};

const CONFIG: &str =
    "# mine\n[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-1\n";

fn listing(accounts: usize) -> Value {
    let list: Vec<Value> = (0..accounts)
        .map(|i| json!({"accountId": format!("{:012}", 100_000_000_000u64 + i as u64), "accountName": format!("acct {i}"),
                        "roles": ["AdministratorAccess", "ReadOnlyAccess", "Billing"]}))
        .collect();
    Value::Array(list)
}

#[test]
fn plan_then_apply_then_refuse() {
    let home = Home::installed();
    home.write(".aws/config", CONFIG);
    let mut s = home.session();
    let plan =
        s.request(&json!({"type": "populate", "id": 1, "sessionName": "corp", "accounts": listing(2)}));
    assert_eq!(plan["ok"], true, "{plan}");
    assert_eq!(plan["added"], 6);
    assert_eq!(plan["changes"][0], json!({"action": "add", "name": "acct-0.AdministratorAccess"}));
    assert_eq!(std::fs::read_to_string(home.aws().join("config")).unwrap(), CONFIG, "a plan writes nothing");

    let applied = s.request(&json!({"type": "populate", "id": 2, "sessionName": "corp", "accounts": listing(1000), "apply": true}));
    assert_eq!(applied["ok"], true, "{}", applied["error"]);
    assert_eq!(applied["added"], 3000);
    assert_eq!(applied["changed"], true);
    let written = std::fs::read_to_string(home.aws().join("config")).unwrap();
    assert!(written.starts_with(CONFIG));
    assert_eq!(written.matches("\nsso_bridge_populate = corp\n").count(), 3000);
    assert_eq!(std::fs::read_to_string(home.aws().join("config.sso-bridge.bak")).unwrap(), CONFIG);

    // Prune with one account fewer: its three profiles go, nothing else changes.
    let pruned = s.request(&json!({"type": "populate", "id": 3, "sessionName": "corp", "accounts": listing(999), "prune": true, "apply": true}));
    assert_eq!(pruned["removed"], 3, "{pruned}");
    assert_eq!(pruned["unchanged"], 2997);
    let after = std::fs::read_to_string(home.aws().join("config")).unwrap();
    assert!(!after.contains("[profile acct-999."));

    // Refusals: bad template, unknown session, bad account id — the config untouched.
    for (request, code) in [
        (
            json!({"type": "populate", "id": 4, "sessionName": "corp", "accounts": listing(1), "template": "{nope}", "apply": true}),
            24,
        ),
        (
            json!({"type": "populate", "id": 5, "sessionName": "other", "accounts": listing(1), "apply": true}),
            56,
        ),
        (
            json!({"type": "populate", "id": 6, "sessionName": "corp", "accounts": [{"accountId": "12", "roles": []}], "apply": true}),
            24,
        ),
        (json!({"type": "populate", "id": 7, "sessionName": "corp", "apply": true}), 22),
    ] {
        let reply = s.request(&request);
        assert_eq!(error_code(&reply), Some(code), "{request} → {reply}");
        assert_eq!(std::fs::read_to_string(home.aws().join("config")).unwrap(), after);
    }
    s.finish();
}

#[test]
fn console_url_for_any_role_of_the_session_lands_on_the_console_page() {
    use sso_bridge::http::{HttpRequest, Method};
    let account = sso_bridge_emulator::AccountSpec {
        account_id: "444455556666".into(),
        account_name: "Analytics".into(),
        email_address: None,
        roles: vec!["DataScientist".into()],
    };
    let emu = sso_bridge_emulator::RunningEmulator::start(sso_bridge_emulator::Scenario {
        auto_approve: true,
        accounts: vec![account.clone()],
        ..sso_bridge_emulator::Scenario::default()
    })
    .unwrap();
    let home = Home::installed();
    home.write(".aws/config", CONFIG);
    let with_endpoints = |args: &[&str]| {
        let mut cmd = home.command(args);
        cmd.env("AWS_ENDPOINT_URL_SSO", emu.base_url())
            .env("AWS_ENDPOINT_URL_SSO_OIDC", emu.base_url())
            .env("AWS_ENDPOINT_URL_SIGNIN", emu.base_url());
        cmd
    };
    let login =
        with_endpoints(&["login", "--session", "corp", "--device-code", "--no-browser"]).output().unwrap();
    assert!(login.status.success(), "{}", String::from_utf8_lossy(&login.stderr));
    let mut child = with_endpoints(&[&format!("chrome-extension://{EXTENSION_ID}/")])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (stdin, stdout) = (child.stdin.take(), child.stdout.take().unwrap());
    let mut s = Session { child, stdin, stdout };
    let reply = s.request(&json!({"type": "consoleUrl", "id": 1, "sessionName": "corp",
        "accountId": account.account_id, "roleName": account.roles[0], "region": "eu-west-1"}));
    assert_eq!(reply["ok"], true, "{reply}");
    let url = reply["url"].as_str().unwrap();
    assert!(!url.contains("ASIA") && url.contains("SigninToken="), "{url}");
    let browser = sso_bridge_host::native::NativeTransport::new();
    let redirect = browser.send_blocking(&HttpRequest::new(Method::Get, url)).unwrap();
    let page =
        browser.send_blocking(&HttpRequest::new(Method::Get, redirect.header("Location").unwrap())).unwrap();
    let page = String::from_utf8_lossy(&page.body);
    assert!(page.contains(&format!("<dd id=\"console-account\">{}</dd>", account.account_id)), "{page}");
    assert!(page.contains(&format!("<dd id=\"console-role\">{}</dd>", account.roles[0])), "{page}");
    assert!(page.contains("<dd id=\"console-region\">eu-west-1</dd>"), "{page}");
    let unknown = s.request(&json!({"type": "consoleUrl", "id": 2, "sessionName": "nope", "accountId": account.account_id, "roleName": "x"}));
    assert_eq!(error_code(&unknown), Some(56), "{unknown}");
    s.finish();
}
