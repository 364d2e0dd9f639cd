//! The real `sso-bridge` binary in native-messaging mode, in a temporary HOME, spoken to in frames.

mod common;

use common::*;
use serde_json::{json, Value};
use std::fs;
use std::path::Path;

#[test]
fn ping_reports_version_capabilities_and_paths() {
    let home = Home::installed();
    let mut s = home.session();
    let reply = s.request(&json!({"type": "ping", "id": "p1"}));
    assert_eq!(reply["ok"], true, "{reply}");
    assert_eq!(reply["id"], "p1");
    assert_eq!(reply["version"], 1);
    let caps: Vec<&str> =
        reply["capabilities"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    for needed in [
        "ping",
        "readConfig",
        "readToken",
        "readRegistration",
        "storeToken",
        "deleteTokens",
        "storeRoleCredentials",
    ] {
        assert!(caps.contains(&needed), "{needed} missing from {caps:?}");
    }
    assert_eq!(reply["paths"]["config"], home.aws().join("config").display().to_string());
    assert_eq!(reply["paths"]["ssoCache"], home.aws().join("sso").join("cache").display().to_string());
    assert_eq!(reply["platform"]["os"], if cfg!(windows) { "windows" } else { "linux" });
    // Numeric ids are echoed as numbers.
    assert_eq!(s.request(&json!({"type": "ping", "id": 7}))["id"], 7);
    let (code, _) = s.finish();
    assert_eq!(code, Some(0));
}

#[test]
fn firefox_launch_is_recognised_and_checked() {
    let home = Home::installed();
    let manifest = home.manifest("firefox");
    let mut s = home.session_with_args(&[manifest.to_str().unwrap(), FIREFOX_ID]);
    assert_eq!(s.request(&json!({"type": "ping", "id": 1}))["ok"], true);
    assert_eq!(s.finish().0, Some(0));
    let mut s = home.session_with_args(&[manifest.to_str().unwrap(), "evil@example.org"]);
    assert_eq!(error_code(&s.request(&json!({"type": "ping", "id": 1}))), Some(40));
    assert_eq!(s.finish().0, Some(3));
}

#[test]
fn store_token_writes_the_cli_bytes_and_reads_back() {
    let home = Home::installed();
    let mut s = home.session();
    let reply = s.request(&json!({
        "type": "storeToken", "id": "s1", "sessionName": "admin",
        "token": {
            "startUrl": "https://d-abc123.awsapps.com/start", "region": "us-east-1", "accessToken": "AT",
            "expiresAt": "2024-05-01T20:00:00.123+00:00", "clientId": "cid", "clientSecret": "csecret",
            "registrationExpiresAt": "2024-08-01T12:00:00Z", "refreshToken": "RT"
        },
        "registration": {
            "clientId": "cid", "clientSecret": "csecret", "expiresAt": "2024-08-01T12:00:00Z",
            "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"],
            "configuredScopes": ["sso:account:access"]
        }
    }));
    assert_eq!(reply["ok"], true, "{reply}");
    // sha1("admin"), spec §1.1.
    let token_path =
        home.aws().join("sso").join("cache").join("d033e22ae348aeb5660fc2140aec35850c4da997.json");
    assert_eq!(reply["file"], token_path.display().to_string());
    // Spec §1.2 example, byte for byte (timestamp normalised to the CLI format).
    assert_eq!(
        fs::read_to_string(&token_path).unwrap(),
        r#"{"startUrl": "https://d-abc123.awsapps.com/start", "region": "us-east-1", "accessToken": "AT", "expiresAt": "2024-05-01T20:00:00Z", "clientId": "cid", "clientSecret": "csecret", "registrationExpiresAt": "2024-08-01T12:00:00Z", "refreshToken": "RT"}"#
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&token_path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(
            fs::metadata(home.aws().join("sso").join("cache")).unwrap().permissions().mode() & 0o777,
            0o700
        );
    }
    let reg = reply["registrationFile"].as_str().unwrap();
    assert_eq!(
        fs::read_to_string(reg).unwrap(),
        r#"{"clientId": "cid", "clientSecret": "csecret", "expiresAt": "2024-08-01T12:00:00Z", "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}"#
    );

    let read = s.request(&json!({"type": "readToken", "id": "r1", "sessionName": "admin"}));
    assert_eq!(read["ok"], true, "{read}");
    assert_eq!(read["token"]["accessToken"], "AT");
    assert_eq!(read["token"]["refreshToken"], "RT");
    assert_eq!(read["token"]["expiresAt"], "2024-05-01T20:00:00Z");

    // Legacy: keyed by the start URL (spec §1.1 vector), no session.
    let legacy = s.request(&json!({"type": "storeToken", "id": "s2", "token": token_json("LEGACY")}));
    assert_eq!(legacy["ok"], true, "{legacy}");
    assert!(legacy["file"].as_str().unwrap().ends_with("40a89917e3175433e361b710a9d43528d7f1890a.json"));
    let read =
        s.request(&json!({"type": "readToken", "id": 3, "startUrl": "https://d-abc123.awsapps.com/start"}));
    assert_eq!(read["token"]["accessToken"], "LEGACY");
    s.finish();

    // No secret reached the log.
    let log = home.log_text();
    assert!(log.contains("storeToken id=\"s1\" ok"), "{log}");
    for secret in ["csecret", "LEGACY", "\"RT\""] {
        assert!(!log.contains(secret), "log leaks {secret}: {log}");
    }
}

#[test]
fn read_config_reports_files_and_token_status_never_tokens() {
    let home = Home::installed();
    home.write(
        ".aws/config",
        "[profile dev]\nsso_session = admin\nsso_account_id = 123456789012\nsso_role_name = R\n\
         [sso-session admin]\nsso_start_url = https://d-abc123.awsapps.com/start\nsso_region = us-east-1\n",
    );
    let mut s = home.session();
    assert_eq!(
        s.request(
            &json!({"type": "storeToken", "id": 1, "sessionName": "admin", "token": token_json("SECRET-AT")})
        )["ok"],
        true
    );
    let mut expired = token_json("OLD");
    expired["expiresAt"] = json!("2001-01-01T00:00:00Z");
    expired.as_object_mut().unwrap().remove("refreshToken");
    assert_eq!(
        s.request(&json!({"type": "storeToken", "id": 2, "sessionName": "other", "token": expired}))["ok"],
        true
    );
    home.write(".aws/sso/cache/0000000000000000000000000000000000000000.json", "{not json");
    let reply = s.request(&json!({"type": "readConfig", "id": 3}));
    assert_eq!(reply["ok"], true, "{reply}");
    assert!(reply["config"]["content"].as_str().unwrap().contains("[sso-session admin]"));
    assert_eq!(reply["credentials"]["exists"], false);
    let tokens = reply["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 2, "{reply}");
    let admin = tokens.iter().find(|t| t["sessionName"] == "admin").expect("admin token");
    assert_eq!(admin["expired"], false);
    assert_eq!(admin["refreshable"], true);
    let other = tokens.iter().find(|t| t["sessionName"].is_null()).unwrap();
    assert_eq!(other["expired"], true);
    assert_eq!(other["refreshable"], false);
    assert_eq!(reply["unreadable"].as_array().unwrap().len(), 1);
    let text = reply.to_string();
    assert!(!text.contains("SECRET-AT") && !text.contains("csecret"), "tokens must not be in readConfig");
    s.finish();
}

#[test]
fn huge_replies_are_chunked_under_one_mebibyte() {
    let home = Home::installed();
    let mut config = String::from("[default]\nregion = us-east-1\n");
    while config.len() < 3 * 1024 * 1024 {
        config.push_str("# a long comment line with \"quotes\" and \\ backslashes to stretch escaping ü\n");
    }
    home.write(".aws/config", &config);
    let mut s = home.session();
    // `request` asserts every frame is ≤ 1 MiB and reassembles the chunks.
    let reply = s.request(&json!({"type": "readConfig", "id": "big"}));
    assert_eq!(reply["ok"], true);
    assert_eq!(reply["config"]["content"].as_str().unwrap(), config);
    s.finish();
}

#[test]
fn delete_tokens_has_aws_sso_logout_semantics() {
    let home = Home::installed();
    home.write(
        ".aws/config",
        "[profile dev]\nsso_session = admin\nsso_account_id = 1234567890\nsso_role_name = test-role\n\
         [sso-session admin]\nsso_start_url = https://d-abc123.awsapps.com/start\nsso_region = us-east-1\n",
    );
    // A non-SSO cached credential that logout must keep, and a registration file.
    home.write(
        ".aws/cli/cache/1111111111111111111111111111111111111111.json",
        r#"{"ProviderType": "assume-role", "Credentials": {}}"#,
    );
    home.write(
        ".aws/sso/cache/2222222222222222222222222222222222222222.json",
        r#"{"clientId": "c", "clientSecret": "s", "expiresAt": "2099-01-01T00:00:00Z"}"#,
    );
    let mut s = home.session();
    for (id, session) in [(1, "admin"), (2, "other")] {
        assert_eq!(
            s.request(
                &json!({"type": "storeToken", "id": id, "sessionName": session, "token": token_json("AT")})
            )["ok"],
            true
        );
    }
    let creds = json!({"accessKeyId": "ASIAX", "secretAccessKey": "SK", "sessionToken": "ST", "expiration": 1_651_516_560_000u64});
    let stored = s.request(&json!({"type": "storeRoleCredentials", "id": 3, "sessionName": "admin",
        "accountId": "1234567890", "roleName": "test-role", "credentials": creds}));
    assert_eq!(stored["ok"], true, "{stored}");
    // Spec §1.6 computed vector for the session variant.
    let role_file =
        home.aws().join("cli").join("cache").join("7568f0b6f39ebd7da2245b2b8c4f93e29a051f33.json");
    assert_eq!(stored["file"], role_file.display().to_string());
    assert_eq!(
        fs::read_to_string(&role_file).unwrap(),
        r#"{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIAX", "SecretAccessKey": "SK", "SessionToken": "ST", "Expiration": "2022-05-02T18:36:00Z", "AccountId": "1234567890"}}"#
    );

    // One session: its token and its profiles' role credentials; the other session stays.
    let reply = s.request(&json!({"type": "deleteTokens", "id": 4, "sessionName": "admin"}));
    assert_eq!(reply["ok"], true, "{reply}");
    assert_eq!(reply["deleted"].as_array().unwrap().len(), 2, "{reply}");
    assert!(!role_file.exists());
    assert!(!home
        .aws()
        .join("sso")
        .join("cache")
        .join("d033e22ae348aeb5660fc2140aec35850c4da997.json")
        .exists());

    // All: every token, every SSO role credential; registrations and other credentials stay.
    assert_eq!(
        s.request(&json!({"type": "storeRoleCredentials", "id": 5, "sessionName": "admin",
        "accountId": "1234567890", "roleName": "test-role", "credentials": creds}))["ok"],
        true
    );
    let reply = s.request(&json!({"type": "deleteTokens", "id": 6, "all": true}));
    assert_eq!(reply["deleted"].as_array().unwrap().len(), 2, "{reply}");
    let left: Vec<String> =
        home.snapshot().keys().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert!(left.contains(&"1111111111111111111111111111111111111111.json".to_string()), "{left:?}");
    assert!(left.contains(&"2222222222222222222222222222222222222222.json".to_string()), "{left:?}");
    assert!(!left.iter().any(|f| f.starts_with("7568f0b6") || f.starts_with("a94a8fe5")), "{left:?}");
    s.finish();
}

#[test]
fn many_requests_on_one_port_then_clean_exit_and_nothing_else_on_stdout() {
    let home = Home::installed();
    let mut s = home.session();
    for i in 0..50 {
        let reply = s.request(&json!({"type": "ping", "id": i}));
        assert_eq!(reply["id"], i);
    }
    let (code, stderr) = s.finish();
    assert_eq!(code, Some(0));
    assert!(stderr.is_empty(), "nothing on stderr either: {stderr}");
}

#[test]
fn install_doctor_uninstall_cli() {
    let home = Home::installed();
    let out = home.command(&["doctor"]).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("chromium: manifest found (user)"), "{report}");
    assert!(report.contains("ok: points at this binary"), "{report}");
    assert!(report.contains(&format!("allowed extension IDs: {EXTENSION_ID}")), "{report}");
    assert!(report.contains("firefox: manifest found"), "{report}");
    // chrome, edge, brave, vivaldi are not installed: reported with the fix, not counted as problems.
    assert!(report.contains("chrome: no manifest installed"), "{report}");
    assert!(out.status.success(), "{report}");
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(home.manifest("chromium")).unwrap()).unwrap();
    assert_eq!(manifest["allowed_origins"], json!([format!("chrome-extension://{EXTENSION_ID}/")]));
    assert_eq!(Path::new(manifest["path"].as_str().unwrap()), plain_path(&fs::canonicalize(BIN).unwrap()));

    // Break it: doctor exits 1 and names the fix.
    fs::write(home.manifest("chromium"), {
        let mut broken = manifest.clone();
        broken["path"] = json!("/nowhere/sso-bridge");
        broken.to_string()
    })
    .unwrap();
    let out = home.command(&["doctor"]).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("PROBLEM: points at `/nowhere/sso-bridge`"), "{report}");
    // The fix is a command to paste: this binary, the browser, and the IDs the manifest allowed.
    let exe = plain_path(&fs::canonicalize(BIN).unwrap());
    let fix = format!("fix: {} install --browser chromium --extension-id {EXTENSION_ID}", exe.display());
    assert!(report.contains(&fix), "{report}");

    let out = home.command(&["uninstall"]).output().unwrap();
    assert!(out.status.success());
    assert!(!home.manifest("chromium").exists());
    // After uninstall, the extension is refused.
    let mut s = home.session();
    assert_eq!(error_code(&s.request(&json!({"type": "ping", "id": 1}))), Some(40));
    assert_eq!(s.finish().0, Some(3));
}

#[test]
fn config_edits_keep_other_bytes_and_leave_a_backup() {
    let home = Home::installed();
    let original = "# my settings\n[default]\nregion = eu-west-1\n\n[profile other]\noutput = text\n";
    home.write(".aws/config", original);
    let mut s = home.session();
    let reply = s.request(&json!({"type": "writeSsoSession", "id": 1, "name": "corp",
        "startUrl": "https://d-abc123.awsapps.com/start", "region": "us-east-1", "registrationScopes": "sso:account:access"}));
    assert_eq!(reply["ok"], true, "{reply}");
    assert_eq!(reply["changed"], true);
    let backup = home.aws().join("config.sso-bridge.bak");
    assert_eq!(reply["backup"], backup.display().to_string());
    assert_eq!(fs::read_to_string(&backup).unwrap(), original);
    let reply = s.request(&json!({"type": "writeProfile", "id": 2, "name": "dev", "ssoSession": "corp",
        "accountId": "123456789012", "roleName": "Admin", "region": "us-west-2", "output": "json"}));
    assert_eq!(reply["ok"], true, "{reply}");
    let config = fs::read_to_string(home.aws().join("config")).unwrap();
    // Every original byte is still there, first; the CLI's layout follows (spec §9.2).
    assert_eq!(
        config,
        format!(
            "{original}[sso-session corp]\nsso_start_url = https://d-abc123.awsapps.com/start\nsso_region = us-east-1\n\
             sso_registration_scopes = sso:account:access\n[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n\
             sso_role_name = Admin\nregion = us-west-2\noutput = json\n"
        )
    );
    // The previous version is the backup now.
    assert!(fs::read_to_string(&backup).unwrap().contains("[sso-session corp]"));
    // Writing the same again changes nothing.
    let again = s.request(&json!({"type": "writeProfile", "id": 3, "name": "dev", "ssoSession": "corp",
        "accountId": "123456789012", "roleName": "Admin", "region": "us-west-2", "output": "json"}));
    assert_eq!(again["changed"], false, "{again}");
    // Legacy profile and the default profile.
    let legacy = s.request(&json!({"type": "writeProfile", "id": 4, "name": "default",
        "startUrl": "https://d-abc123.awsapps.com/start", "ssoRegion": "us-east-1", "accountId": "123456789012", "roleName": "R"}));
    assert_eq!(legacy["ok"], true, "{legacy}");
    let config = fs::read_to_string(home.aws().join("config")).unwrap();
    assert!(config.starts_with("# my settings\n[default]\nregion = eu-west-1\nsso_start_url = https://d-abc123.awsapps.com/start\n"), "{config}");
    // The core parser reads the result as the profiles we meant.
    let profiles = home.command(&["profiles"]).output().unwrap();
    let listed = String::from_utf8_lossy(&profiles.stdout);
    assert!(listed.contains("dev") && listed.contains("corp"), "{listed}");
    s.finish();
}

#[test]
fn credentials_file_section_only_when_asked() {
    let home = Home::installed();
    home.write(".aws/credentials", "[static]\naws_access_key_id = AKIAKEEP\naws_secret_access_key = keep\n");
    let creds = json!({"accessKeyId": "ASIANEW", "secretAccessKey": "SKNEW", "sessionToken": "STNEW", "expiration": 1_651_516_560_000u64});
    let mut s = home.session();
    let reply = s.request(
        &json!({"type": "storeRoleCredentials", "id": 1, "startUrl": "https://d-92671207e4.awsapps.com/start",
        "accountId": "1234567890", "roleName": "test-role", "credentials": creds}),
    );
    assert_eq!(reply["ok"], true, "{reply}");
    // Spec §1.6 test vector (botocore TestSSOCredentialFetcher).
    assert!(reply["file"].as_str().unwrap().ends_with("048db75bbe50955c16af7aba6ff9c41a3131bb7e.json"));
    assert!(reply.get("credentialsFile").is_none());
    assert!(!fs::read_to_string(home.aws().join("credentials")).unwrap().contains("ASIANEW"));
    let reply = s.request(&json!({"type": "storeRoleCredentials", "id": 2, "sessionName": "admin",
        "accountId": "1234567890", "roleName": "test-role", "credentials": creds, "credentialsProfile": "dev"}));
    assert_eq!(reply["ok"], true, "{reply}");
    let text = fs::read_to_string(home.aws().join("credentials")).unwrap();
    assert!(
        text.starts_with("[static]\naws_access_key_id = AKIAKEEP\naws_secret_access_key = keep\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "[dev]\naws_access_key_id = ASIANEW\naws_secret_access_key = SKNEW\naws_session_token = STNEW\n"
        ),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(home.aws().join("credentials")).unwrap().permissions().mode() & 0o777, 0o600);
    }
    // Replacing the section keeps one copy.
    let mut newer = creds.clone();
    newer["accessKeyId"] = json!("ASIANEWER");
    s.request(&json!({"type": "storeRoleCredentials", "id": 3, "sessionName": "admin",
        "accountId": "1234567890", "roleName": "test-role", "credentials": newer, "credentialsProfile": "dev"}));
    let text = fs::read_to_string(home.aws().join("credentials")).unwrap();
    assert_eq!(text.matches("[dev]").count(), 1, "{text}");
    assert!(text.contains("ASIANEWER") && !text.contains("ASIANEW\n"), "{text}");
    s.finish();
}

/// `readRegistration` finds the client registration under the AWS CLI's own cache key (spec §2
/// test vectors), says "none cached" without an error, and refuses a malformed file with 51.
#[test]
fn read_registration_uses_the_cli_cache_key() {
    let home = Home::installed();
    let pkce = r#"{"clientId": "cid-pkce", "clientSecret": "csecret-pkce", "expiresAt": "2099-08-01T12:00:00Z", "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}"#;
    let device =
        r#"{"clientId": "cid-dev", "clientSecret": "csecret-dev", "expiresAt": "2099-08-01T12:00:00Z"}"#;
    let legacy = r#"{"clientId": "cid-legacy", "clientSecret": "csecret-legacy", "expiresAt": "2099-08-01T12:00:00Z"}"#;
    // Spec §2: session `dev` with scopes ["sso:account:access"], session `dev` without scopes,
    // and the CLI's legacy test vector (us-west-2, no session, no scopes).
    home.write(".aws/sso/cache/c6b2fc6aec0d9c2d2652036ffbe173a43a8ba2c3.json", pkce);
    home.write(".aws/sso/cache/f84477c4544ffee122d4e7b0f5d942797620c4b1.json", device);
    home.write(".aws/sso/cache/d75f79f67bab3f92a2b1450471c0c2574de0dca4.json", legacy);
    let url = "https://d-abc123.awsapps.com/start";
    let mut s = home.session();
    let read = |s: &mut Session, session: Value, region: &str, scopes: Value| {
        s.request(&json!({"type": "readRegistration", "id": "g", "sessionName": session,
                          "startUrl": url, "region": region, "scopes": scopes}))
    };

    let r = read(&mut s, json!("dev"), "us-east-1", json!(["sso:account:access"]));
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(
        r["file"],
        home.aws()
            .join("sso")
            .join("cache")
            .join("c6b2fc6aec0d9c2d2652036ffbe173a43a8ba2c3.json")
            .display()
            .to_string()
    );
    assert_eq!(
        r["registration"],
        json!({"clientId": "cid-pkce", "clientSecret": "csecret-pkce", "expiresAt": "2099-08-01T12:00:00Z",
               "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]})
    );
    // `null` scopes are a different key from a list (the CLI's `scopes: null`).
    let r = read(&mut s, json!("dev"), "us-east-1", Value::Null);
    assert_eq!(
        r["registration"],
        json!({"clientId": "cid-dev", "clientSecret": "csecret-dev", "expiresAt": "2099-08-01T12:00:00Z"}),
        "{r}"
    );
    let r = read(&mut s, Value::Null, "us-west-2", Value::Null);
    assert_eq!(r["registration"]["clientId"], "cid-legacy", "{r}");

    // Nothing cached for another session: a plain "none", not an error.
    let r = read(&mut s, json!("other"), "us-east-1", Value::Null);
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["registration"], Value::Null);
    assert!(r["file"].as_str().unwrap().ends_with(".json"));

    // A registration file that is not what the CLI writes: error 51, and no secret in the message.
    home.write(
        ".aws/sso/cache/f84477c4544ffee122d4e7b0f5d942797620c4b1.json",
        r#"{"clientId": "cid-dev", "clientSecret": "csecret-dev"}"#,
    );
    let r = read(&mut s, json!("dev"), "us-east-1", Value::Null);
    assert_eq!(error_code(&r), Some(51), "{r}");
    assert!(!r.to_string().contains("csecret"), "{r}");
    home.write(".aws/sso/cache/f84477c4544ffee122d4e7b0f5d942797620c4b1.json", "{not json");
    assert_eq!(error_code(&read(&mut s, json!("dev"), "us-east-1", Value::Null)), Some(51));
    assert_eq!(s.finish().0, Some(0));
}

/// What `storeToken` writes as the registration, `readRegistration` reads back with the same
/// identifying inputs (session, start URL, region, configured scopes).
#[test]
fn read_registration_reads_back_what_store_token_wrote() {
    let home = Home::installed();
    let mut s = home.session();
    let url = "https://d-abc123.awsapps.com/start";
    let registration = json!({"clientId": "cid", "clientSecret": "csecret", "expiresAt": "2099-08-01T12:00:00Z",
                              "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]});
    let mut with_configured = registration.clone();
    with_configured["configuredScopes"] = Value::Null;
    let stored = s.request(&json!({
        "type": "storeToken", "id": "s", "sessionName": "team/dev",
        "token": {"startUrl": url, "region": "eu-west-1", "accessToken": "AT", "expiresAt": "2099-05-01T20:00:00Z"},
        "registration": with_configured,
    }));
    assert_eq!(stored["ok"], true, "{stored}");
    let r = s.request(&json!({"type": "readRegistration", "id": "g", "sessionName": "team/dev",
                              "startUrl": url, "region": "eu-west-1", "scopes": null}));
    assert_eq!(r["file"], stored["registrationFile"], "{r}");
    assert_eq!(r["registration"], registration);
    // Another region is another registration.
    let r = s.request(&json!({"type": "readRegistration", "id": "g", "sessionName": "team/dev",
                              "startUrl": url, "region": "us-east-1"}));
    assert_eq!(r["registration"], Value::Null, "{r}");
    assert_eq!(s.finish().0, Some(0));
}

/// Windows keeps stdin/stdout in binary mode: frames whose bytes include CR, LF and 0x1A (Ctrl-Z,
/// end-of-file in text mode) pass unchanged both ways. Requests carry raw `\r\n` as JSON whitespace
/// and a 26-byte (0x1A) length; replies sweep every length whose low byte is 0x0A, 0x0D or 0x1A.
#[test]
fn framing_survives_crlf_and_ctrl_z_bytes() {
    let home = Home::installed();
    let mut s = home.session();
    // 26 bytes: the length prefix is 1A 00 00 00.
    let ctrl_z = br#"{"type":"ping","id":12345}"#;
    assert_eq!(ctrl_z.len(), 0x1A);
    s.send_raw(&frame(ctrl_z));
    assert_eq!(s.read_reply().expect("reply")["id"], 12345);
    // Raw CR LF between tokens (JSON whitespace): a text-mode reader would drop the CRs and
    // misread every following frame.
    let crlf = b"{\r\n\"type\": \"ping\",\r\n\"id\": \"crlf\"\r\n}\r\n";
    s.send_raw(&frame(crlf));
    assert_eq!(s.read_reply().expect("reply")["id"], "crlf");
    let mut lengths_seen = Vec::new();
    // Reply lengths step by one byte over 254 values (the id may hold 256 bytes).
    for n in 0..=253 {
        let id = "\r\n\u{1a}".to_owned() + &"y".repeat(n);
        s.send_raw(&frame(json!({"type": "ping", "id": id}).to_string().as_bytes()));
        let body = s.read_frame().expect("a reply frame");
        let reply: Value = serde_json::from_slice(&body).expect("reply is JSON");
        assert_eq!(reply["id"], id.as_str());
        lengths_seen.push(body.len() as u32 & 0xff);
    }
    for low_byte in [0x0A, 0x0D, 0x1A] {
        assert!(lengths_seen.contains(&low_byte), "no reply length ending in {low_byte:#x}");
    }
    assert_eq!(s.finish().0, Some(0));
}

/// Windows: `install` registers each manifest in the registry (HKCU; HKLM with `--system`),
/// `doctor` reads the keys back, and `uninstall` removes exactly them. Runs under wine in CI.
#[cfg(windows)]
#[test]
fn windows_registry_install_doctor_uninstall() {
    use std::process::Command;
    let reg_value = |key: &str| -> Option<String> {
        let out = Command::new("reg").args(["query", key, "/ve"]).output().unwrap();
        out.status.success().then(|| {
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            text.lines().find_map(|l| l.split_once("REG_SZ").map(|(_, v)| v.trim().to_owned())).unwrap()
        })
    };
    let name = "com.sso_bridge.helper";
    let keys = |hive: &str| {
        [
            ("chrome", format!(r"{hive}\Software\Google\Chrome\NativeMessagingHosts\{name}")),
            ("chromium", format!(r"{hive}\Software\Chromium\NativeMessagingHosts\{name}")),
            ("edge", format!(r"{hive}\Software\Microsoft\Edge\NativeMessagingHosts\{name}")),
            ("firefox", format!(r"{hive}\Software\Mozilla\NativeMessagingHosts\{name}")),
        ]
    };
    let home = Home { dir: tempfile::tempdir().unwrap() };
    let out = home
        .command(&[
            "install",
            "--browser",
            "all",
            "--extension-id",
            EXTENSION_ID,
            "--extension-id",
            FIREFOX_ID,
        ])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{report}{}", String::from_utf8_lossy(&out.stderr));
    for browser in ["chrome", "chromium", "edge", "brave", "vivaldi", "firefox"] {
        assert!(report.contains(&format!("{browser}: wrote")), "{browser}: {report}");
    }
    for (folder, key) in keys("HKCU") {
        let registered = reg_value(&key).unwrap_or_else(|| panic!("{key} missing after install"));
        assert_eq!(Path::new(&registered), home.manifest(folder), "{key}");
        let manifest: Value = serde_json::from_str(&fs::read_to_string(&registered).unwrap()).unwrap();
        assert_eq!(
            Path::new(manifest["path"].as_str().unwrap()),
            plain_path(&fs::canonicalize(BIN).unwrap())
        );
    }
    let out = home.command(&["doctor"]).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains(r"ok: registered in HKCU\Software\Microsoft\Edge\NativeMessagingHosts"),
        "{report}"
    );
    assert!(report.contains("firefox: manifest found (user)"), "{report}");
    // The key is the browser's only way to the manifest: deleting it is a problem with a fix.
    let edge_key = &keys("HKCU")[2].1;
    assert!(Command::new("reg").args(["delete", edge_key, "/f"]).output().unwrap().status.success());
    let out = home.command(&["doctor"]).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains(&format!("PROBLEM: not registered: {edge_key} is missing")), "{report}");
    assert!(report.contains("fix: ") && report.contains("install --browser edge --extension-id"), "{report}");

    let out = home.command(&["uninstall"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for (folder, key) in keys("HKCU") {
        assert_eq!(reg_value(&key), None, "{key} left after uninstall");
        assert!(!home.manifest(folder).exists());
    }
    // Keys of other hosts under the same browser keys are left alone.
    let other = r"HKCU\Software\Google\Chrome\NativeMessagingHosts\com.example.other";
    assert!(Command::new("reg")
        .args(["add", other, "/ve", "/d", r"C:\other.json", "/f"])
        .status()
        .unwrap()
        .success());
    home.command(&["install", "--browser", "chrome", "--extension-id", EXTENSION_ID]).output().unwrap();
    home.command(&["uninstall"]).output().unwrap();
    assert_eq!(reg_value(other).as_deref(), Some(r"C:\other.json"));
    Command::new("reg").args(["delete", other, "/f"]).output().unwrap();

    // --system: HKLM, manifests under %ProgramFiles%, and only for a binary under %ProgramFiles%.
    // Wine sets %ProgramFiles% from its registry for every process, so this uses the real one of
    // the test's wine prefix (on Windows itself it needs an administrator).
    let out = home
        .command(&["install", "--system", "--browser", "edge", "--extension-id", EXTENSION_ID])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("%ProgramFiles%"));
    let program_files = std::path::PathBuf::from(std::env::var("ProgramFiles").expect("%ProgramFiles%"));
    let folder = tempfile::Builder::new().prefix("sso-bridge-test").tempdir_in(&program_files).unwrap();
    let installed = folder.path().join("sso-bridge.exe");
    fs::copy(BIN, &installed).unwrap();
    let system = |args: &[&str]| {
        let mut cmd = Command::new(&installed);
        cmd.args(args).env("HOME", home.path());
        cmd.output().unwrap()
    };
    let out = system(&["install", "--system", "--browser", "edge", "--extension-id", EXTENSION_ID]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let hklm_edge = &keys("HKLM")[2].1;
    let registered = reg_value(hklm_edge).expect("HKLM key after install --system");
    assert!(Path::new(&registered).starts_with(&program_files), "{registered}");
    let out = system(&["doctor"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains(r"ok: registered in HKLM\Software\Microsoft\Edge\NativeMessagingHosts"),
        "{report}"
    );
    let out = system(&["uninstall", "--system"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(reg_value(hklm_edge), None);
    assert!(!Path::new(&registered).exists());
}
