//! The helper's `roleProfile` request over native messaging (the real binary, a temporary HOME): the
//! account browser's "Add profile" plans one role's profile with populate's naming, writes it with a
//! backup, says when it is already there, and refuses a taken name leaving the config byte-identical.

mod common;

use common::*;
use serde_json::json;

const CONFIG: &str =
    "# mine\n[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-1\n";

#[test]
fn plan_apply_exists_and_refuse() {
    let home = Home::installed();
    home.write(".aws/config", CONFIG);
    let config = || std::fs::read_to_string(home.aws().join("config")).unwrap();
    let mut s = home.session();
    let role = json!({"type": "roleProfile", "sessionName": "corp", "accountId": "111122223333",
                      "accountName": "Prod [EU] main", "roleName": "ReadOnly", "region": "eu-west-1"});
    let with = |id: u64, extra: serde_json::Value| {
        let mut request = role.clone();
        request["id"] = json!(id);
        for (k, v) in extra.as_object().unwrap() {
            request[k] = v.clone();
        }
        request
    };

    let plan = s.request(&with(1, json!({})));
    assert_eq!(plan["ok"], true, "{plan}");
    let section = "[profile Prod-EU-main.ReadOnly]\nsso_session = corp\nsso_account_id = 111122223333\n\
                   sso_role_name = ReadOnly\nregion = eu-west-1\n";
    assert_eq!(plan["name"], "Prod-EU-main.ReadOnly");
    assert_eq!(plan["section"], section);
    assert_eq!(plan["exists"], false);
    assert_eq!(config(), CONFIG, "a plan writes nothing");

    let applied = s.request(&with(2, json!({"apply": true})));
    assert_eq!(applied["ok"], true, "{applied}");
    assert_eq!(applied["changed"], true);
    let written = config();
    assert_eq!(written, format!("{CONFIG}{section}"), "the preview is the section written");
    assert!(!written.contains("sso_bridge_populate"), "not populate's: prune never removes it");
    assert_eq!(std::fs::read_to_string(home.aws().join("config.sso-bridge.bak")).unwrap(), CONFIG);

    // Again: already there, nothing written.
    let again = s.request(&with(3, json!({"apply": true})));
    assert_eq!(again["exists"], true, "{again}");
    assert_eq!(again["changed"], false);
    assert_eq!(config(), written);

    // The same name for another role: refused, byte-identical; a bad template and an unknown session too.
    for (request, code, text) in [
        (
            with(4, json!({"apply": true, "template": "{account_name}.ReadOnly", "roleName": "Admin"})),
            24,
            "already exists with other values",
        ),
        (with(5, json!({"apply": true, "template": "{nope}"})), 24, "unknown placeholder"),
        (with(6, json!({"apply": true, "sessionName": "other"})), 56, "no [sso-session other]"),
        (with(7, json!({"apply": true, "accountId": "12"})), 24, "12-digit"),
    ] {
        let reply = s.request(&request);
        assert_eq!(error_code(&reply), Some(code), "{request} → {reply}");
        assert!(reply.to_string().contains(text), "{reply}");
        assert_eq!(config(), written, "refused: the config is byte-identical");
    }
    s.finish();
}
