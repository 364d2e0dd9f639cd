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
