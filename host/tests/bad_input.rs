//! The bad-input matrix: every malformed or dangerous request gets its numbered error, and no file
//! under ~/.aws changes. Non-fatal errors leave the port usable (a `ping` after each one answers);
//! fatal ones (the stream is out of step, or the caller is refused) end the process.

mod common;

use common::*;
use serde_json::{json, Value};

/// How a case is sent.
enum Input {
    /// A JSON request, framed.
    Request(Value),
    /// Raw bytes written as they are (framing cases), then stdin is closed if `close`.
    Raw { bytes: Vec<u8>, close: bool },
}

struct Case {
    name: &'static str,
    input: Input,
    code: u64,
    /// The helper exits after this error (the stream cannot be trusted any more).
    fatal: bool,
}

fn req(name: &'static str, code: u64, request: Value) -> Case {
    Case { name, input: Input::Request(request), code, fatal: false }
}

fn raw(name: &'static str, code: u64, bytes: Vec<u8>, close: bool, fatal: bool) -> Case {
    Case { name, input: Input::Raw { bytes, close }, code, fatal }
}

fn store(session: Value, token: Value) -> Value {
    json!({"type": "storeToken", "id": "t", "sessionName": session, "token": token})
}

fn token_with(key: &str, value: Value) -> Value {
    let mut t = token_json("AT-NEW");
    t[key] = value;
    t
}

fn token_without(key: &str) -> Value {
    let mut t = token_json("AT-NEW");
    t.as_object_mut().unwrap().remove(key);
    t
}

fn role(credentials: Value) -> Value {
    json!({"type": "storeRoleCredentials", "id": "r", "sessionName": "admin", "accountId": "123456789012",
           "roleName": "R", "credentials": credentials})
}

fn profile(name: Value, region: Value) -> Value {
    json!({"type": "writeProfile", "id": "w", "name": name, "ssoSession": "admin", "accountId": "123456789012",
           "roleName": "R", "region": region})
}

fn read_registration(session: Value, scopes: Value) -> Value {
    json!({"type": "readRegistration", "id": "g", "sessionName": session,
           "startUrl": "https://d-abc123.awsapps.com/start", "region": "us-east-1", "scopes": scopes})
}

fn cases() -> Vec<Case> {
    let huge = "A".repeat(40 * 1024);
    let good_creds =
        json!({"accessKeyId": "ASIA", "secretAccessKey": "S", "sessionToken": "T", "expiration": 1});
    let mut creds_neg = good_creds.clone();
    creds_neg["expiration"] = json!(-5);
    let mut creds_str = good_creds.clone();
    creds_str["expiration"] = json!("tomorrow");
    let mut creds_missing = good_creds.clone();
    creds_missing.as_object_mut().unwrap().remove("secretAccessKey");
    vec![
        // Framing.
        raw("zero length", 11, 0u32.to_ne_bytes().to_vec(), false, false),
        raw("huge length (4 GiB - 1)", 10, u32::MAX.to_ne_bytes().to_vec(), false, true),
        raw("length 1 MiB + 1", 10, (1024 * 1024 + 1u32).to_ne_bytes().to_vec(), false, true),
        raw("truncated length prefix", 12, vec![5, 0], true, true),
        raw(
            "truncated body",
            12,
            {
                let mut v = 100u32.to_ne_bytes().to_vec();
                v.extend_from_slice(b"{\"id\":1");
                v
            },
            true,
            true,
        ),
        raw("invalid UTF-8", 13, frame(b"{\"id\":1,\"type\":\"ping\xff\"}"), false, false),
        raw("lone surrogate bytes", 13, frame(b"{\"id\":1,\"type\":\"\xed\xa0\x80\"}"), false, false),
        raw("invalid JSON", 14, frame(b"{\"id\":1,\"type\":"), false, false),
        raw("trailing garbage after JSON", 14, frame(b"{\"id\":1,\"type\":\"ping\"} x"), false, false),
        raw("JSON array", 15, frame(b"[1,2]"), false, false),
        raw("JSON string", 15, frame(b"\"ping\""), false, false),
        // Envelope.
        req("missing id", 22, json!({"type": "ping"})),
        req("id is an object", 23, json!({"type": "ping", "id": {"a": 1}})),
        req("id too long", 25, json!({"type": "ping", "id": "x".repeat(300)})),
        req("missing type", 20, json!({"id": 1})),
        req("type is a number", 23, json!({"id": 1, "type": 3})),
        req("unknown type", 21, json!({"id": 1, "type": "deleteEverything"})),
        req("type with NUL", 21, json!({"id": 1, "type": "ping\u{0}"})),
        // Missing and mistyped fields.
        req("storeToken without token", 22, json!({"type": "storeToken", "id": 1, "sessionName": "admin"})),
        req("token is a string", 23, json!({"type": "storeToken", "id": 1, "token": "AT"})),
        req("token without accessToken", 22, store(json!("admin"), token_without("accessToken"))),
        req("token without expiresAt", 22, store(json!("admin"), token_without("expiresAt"))),
        req("accessToken is a number", 23, store(json!("admin"), token_with("accessToken", json!(42)))),
        req(
            "expiresAt is not a timestamp",
            24,
            store(json!("admin"), token_with("expiresAt", json!("next tuesday"))),
        ),
        req("region is not a region", 24, store(json!("admin"), token_with("region", json!("US East")))),
        req("startUrl is not a URL", 24, store(json!("admin"), token_with("startUrl", json!("ftp://x")))),
        req("empty accessToken", 24, store(json!("admin"), token_with("accessToken", json!("")))),
        req("sessionName is a list", 23, store(json!(["admin"]), token_json("AT-NEW"))),
        // Huge strings and control characters.
        req("40 KiB accessToken", 25, store(json!("admin"), token_with("accessToken", json!(huge)))),
        req("200-byte session name", 25, store(json!("s".repeat(200)), token_json("AT-NEW"))),
        req("NUL in accessToken", 26, store(json!("admin"), token_with("accessToken", json!("AT\u{0}x")))),
        req(
            "newline in startUrl",
            26,
            store(json!("admin"), token_with("startUrl", json!("https://a\n[profile x]"))),
        ),
        req("NUL in session name", 26, store(json!("ad\u{0}min"), token_json("AT-NEW"))),
        // Names that could be paths.
        req("../ session name", 27, store(json!("../../etc/passwd"), token_json("AT-NEW"))),
        req("absolute session name", 27, store(json!("/etc/passwd"), token_json("AT-NEW"))),
        req("drive-letter session name", 27, store(json!("C:evil"), token_json("AT-NEW"))),
        req("backslash session name", 27, store(json!("..\\..\\x"), token_json("AT-NEW"))),
        req("space in session name", 27, store(json!("my session"), token_json("AT-NEW"))),
        req("readToken ../ name", 27, json!({"type": "readToken", "id": 1, "sessionName": "a/../../b"})),
        req("deleteTokens ../ name", 27, json!({"type": "deleteTokens", "id": 1, "sessionName": ".."})),
        // readRegistration: the file name is the core's key of these fields, never a caller's path.
        req("readRegistration ../ name", 27, read_registration(json!("../../etc/passwd"), json!(null))),
        req("readRegistration absolute name", 27, read_registration(json!("/etc/passwd"), json!(null))),
        req("readRegistration drive letter", 27, read_registration(json!("C:evil"), json!(null))),
        req("readRegistration backslash name", 27, read_registration(json!("..\\x"), json!(null))),
        req("readRegistration NUL in name", 26, read_registration(json!("ad\u{0}min"), json!(null))),
        req("readRegistration scopes not a list", 23, read_registration(json!("admin"), json!("s"))),
        req("readRegistration scope not a string", 23, read_registration(json!("admin"), json!([1]))),
        req("readRegistration newline in scope", 26, read_registration(json!("admin"), json!(["a\nb"]))),
        req(
            "readRegistration without startUrl",
            22,
            json!({"type": "readRegistration", "id": 1, "sessionName": "admin", "region": "us-east-1"}),
        ),
        req(
            "readRegistration path as startUrl",
            24,
            json!({"type": "readRegistration", "id": 1, "sessionName": "admin",
                   "startUrl": "../../.ssh/id_rsa", "region": "us-east-1"}),
        ),
        req(
            "readRegistration bad region",
            24,
            json!({"type": "readRegistration", "id": 1, "sessionName": "admin",
                   "startUrl": "https://d-abc123.awsapps.com/start", "region": "../x"}),
        ),
        // Request-specific rules.
        req("readToken without a key", 22, json!({"type": "readToken", "id": 1})),
        req(
            "readToken of an unknown session",
            50,
            json!({"type": "readToken", "id": 1, "sessionName": "nobody"}),
        ),
        req("deleteTokens with nothing", 22, json!({"type": "deleteTokens", "id": 1})),
        req(
            "deleteTokens with all and a session",
            22,
            json!({"type": "deleteTokens", "id": 1, "all": true, "sessionName": "admin"}),
        ),
        req("deleteTokens all = \"yes\"", 23, json!({"type": "deleteTokens", "id": 1, "all": "yes"})),
        req("role credentials without secret", 22, role(creds_missing)),
        req("role credentials negative expiration", 24, role(creds_neg)),
        req("role credentials expiration as text", 23, role(creds_str)),
        // Config edits: nothing may inject lines or sections into ~/.aws/config.
        req("profile name with a space", 27, profile(json!("my dev"), json!("us-west-2"))),
        req("profile name with ']'", 27, profile(json!("dev]"), json!("us-west-2"))),
        req("region with a newline", 26, profile(json!("dev"), json!("us-west-2\n[profile evil]"))),
        req("region that is not a region", 24, profile(json!("dev"), json!("us west"))),
        req(
            "account ID not 12 digits",
            24,
            json!({"type": "writeProfile", "id": 1, "name": "dev", "ssoSession": "admin",
            "accountId": "12345", "roleName": "R"}),
        ),
        req(
            "legacy profile without ssoRegion",
            22,
            json!({"type": "writeProfile", "id": 1, "name": "dev",
            "startUrl": "https://d-abc123.awsapps.com/start", "accountId": "123456789012", "roleName": "R"}),
        ),
        req(
            "session with ../ name",
            27,
            json!({"type": "writeSsoSession", "id": 1, "name": "../x",
            "startUrl": "https://d-abc123.awsapps.com/start", "region": "us-east-1"}),
        ),
        req(
            "session scopes with a newline",
            26,
            json!({"type": "writeSsoSession", "id": 1, "name": "admin",
            "startUrl": "https://d-abc123.awsapps.com/start", "region": "us-east-1", "registrationScopes": "a\nb"}),
        ),
        req(
            "credentials profile ../",
            27,
            json!({"type": "storeRoleCredentials", "id": "r", "sessionName": "admin",
            "accountId": "123456789012", "roleName": "R", "credentialsProfile": "../../x",
            "credentials": {"accessKeyId": "ASIA", "secretAccessKey": "S", "sessionToken": "T", "expiration": 1}}),
        ),
        req(
            "registration without expiresAt",
            22,
            json!({"type": "storeToken", "id": 1, "sessionName": "admin",
            "token": token_json("AT-NEW"), "registration": {"clientId": "c", "clientSecret": "s"}}),
        ),
        req(
            "registration scopes not strings",
            23,
            json!({"type": "storeToken", "id": 1, "sessionName": "admin",
            "token": token_json("AT-NEW"), "registration": {"clientId": "c", "clientSecret": "s",
            "expiresAt": "2099-01-01T00:00:00Z", "scopes": [1]}}),
        ),
    ]
}

/// A HOME with existing AWS files, so "no file changes" means something.
fn prepared_home() -> Home {
    let home = Home::installed();
    home.write(
        ".aws/config",
        "[profile dev]\nsso_session = admin\nsso_account_id = 123456789012\nsso_role_name = R\n\
         [sso-session admin]\nsso_start_url = https://d-abc123.awsapps.com/start\nsso_region = us-east-1\n",
    );
    home.write(
        ".aws/sso/cache/d033e22ae348aeb5660fc2140aec35850c4da997.json",
        &token_json("AT-OLD").to_string(),
    );
    home
}

#[test]
fn every_bad_input_gets_its_numbered_error_and_changes_nothing() {
    let cases = cases();
    assert!(cases.len() >= 30, "the matrix must keep at least 30 cases");
    let home = prepared_home();
    let before = home.snapshot();
    let mut failures = Vec::new();
    for case in &cases {
        let mut s = home.session();
        match &case.input {
            Input::Request(v) => s.send_raw(&frame(v.to_string().as_bytes())),
            Input::Raw { bytes, close } => {
                s.send_raw(bytes);
                if *close {
                    s.close_stdin();
                }
            }
        }
        let reply = s.read_reply();
        let got = reply.as_ref().and_then(error_code);
        if got != Some(case.code) {
            failures.push(format!("{}: expected error {}, got {:?}", case.name, case.code, reply));
        }
        if let Some(r) = &reply {
            assert_eq!(r["version"], 1, "{}", case.name);
            assert!(r["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", case.name);
            assert!(!r.to_string().contains("AT-NEW"), "{}: the error quotes a secret", case.name);
        }
        if !case.fatal && s.stdin.is_some() {
            // The port is still usable.
            let ping = s.request(&json!({"type": "ping", "id": "after"}));
            if ping["ok"] != true {
                failures.push(format!("{}: ping after the error failed: {ping}", case.name));
            }
        }
        let (code, _) = s.finish();
        let expected_exit = if case.fatal { 1 } else { 0 };
        if code != Some(expected_exit) {
            failures.push(format!("{}: exit code {code:?}, expected {expected_exit}", case.name));
        }
        if home.snapshot() != before {
            failures.push(format!("{}: files under ~/.aws changed", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!("bad-input matrix: {} cases passed", cases.len());
}

#[test]
fn wrong_origin_is_refused_before_anything_is_read_or_written() {
    let home = prepared_home();
    let before = home.snapshot();
    for args in [
        vec!["chrome-extension://pppppppppppppppppppppppppppppppp/".to_string()],
        vec!["chrome-extension://not-an-id/".to_string()],
        vec![home.manifest("firefox").display().to_string(), "intruder@example.org".to_string()],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut s = home.session_with_args(&args);
        let reply = s.request(&store(json!("admin"), token_json("AT-NEW")));
        assert_eq!(error_code(&reply), Some(40), "{args:?}: {reply}");
        assert_eq!(reply["id"], "t");
        assert_eq!(s.finish().0, Some(3));
    }
    assert_eq!(home.snapshot(), before);
}

#[test]
fn two_writers_at_once_the_second_is_busy() {
    let home = prepared_home();
    let before = home.snapshot();
    // Another sso-bridge holds the writer lock (as a long write would).
    let lock_path = home.state_dir().join("write.lock");
    std::fs::create_dir_all(lock_path.parent().unwrap()).unwrap();
    let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path).unwrap();
    lock.lock().unwrap();
    let mut s = home.session();
    for request in [
        store(json!("admin"), token_json("AT-NEW")),
        json!({"type": "deleteTokens", "id": "d", "all": true}),
        role(json!({"accessKeyId": "ASIA", "secretAccessKey": "S", "sessionToken": "T", "expiration": 1})),
    ] {
        let reply = s.request(&request);
        assert_eq!(error_code(&reply), Some(54), "{reply}");
    }
    assert_eq!(home.snapshot(), before);
    drop(lock);
    // Once the other writer is done, the same request succeeds.
    assert_eq!(s.request(&store(json!("admin"), token_json("AT-NEW")))["ok"], true);
    s.finish();
}

#[test]
// Under wine (Windows tests in CI) a directory symlink is a host symlink that wine's
// GetFinalPathNameByHandle does not resolve, so this cannot be checked there; real Windows and
// every Unix resolve it.
#[cfg_attr(windows, ignore = "wine does not resolve directory symlinks in canonicalize")]
fn symlinks_out_of_aws_are_never_followed() {
    let home = prepared_home();
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.aws().join("cli")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path(), home.aws().join("cli").join("cache")).unwrap();
    // Windows: a directory symbolic link (what `mklink /D` makes); junctions are reparse points too.
    #[cfg(windows)]
    std::os::windows::fs::symlink_dir(outside.path(), home.aws().join("cli").join("cache")).unwrap();
    let before = home.snapshot();
    let mut s = home.session();
    let reply = s.request(&role(
        json!({"accessKeyId": "ASIA", "secretAccessKey": "S", "sessionToken": "T", "expiration": 1}),
    ));
    assert_eq!(error_code(&reply), Some(53), "{reply}");
    s.finish();
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    assert_eq!(home.snapshot(), before);
}

#[test]
fn two_real_helpers_writing_at_once_never_interleave() {
    let home = prepared_home();
    let token_file =
        home.aws().join("sso").join("cache").join("d033e22ae348aeb5660fc2140aec35850c4da997.json");
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let mut s = home.session();
            std::thread::spawn(move || {
                let mut outcomes = Vec::new();
                for i in 0..40 {
                    let token = token_json(&format!("AT-{w}-{i}-{}", "p".repeat(8 * 1024)));
                    let reply = s.request(&store(json!("admin"), token));
                    outcomes.push(if reply["ok"] == true { 0 } else { error_code(&reply).unwrap_or(999) });
                }
                s.finish();
                outcomes
            })
        })
        .collect();
    let mut ok = 0;
    for writer in writers {
        for code in writer.join().unwrap() {
            assert!(code == 0 || code == 54, "a concurrent write failed with {code}");
            ok += usize::from(code == 0);
        }
    }
    assert!(ok > 0);
    let last: Value =
        serde_json::from_str(&std::fs::read_to_string(&token_file).unwrap()).expect("complete JSON");
    assert!(last["accessToken"].as_str().unwrap().starts_with("AT-"), "{last}");
    let leftovers = std::fs::read_dir(home.aws().join("sso").join("cache")).unwrap().count();
    assert_eq!(leftovers, 1, "no temp files left by completed writes");
}
