//! Crash safety: start a write, kill -9 the helper at a random moment, and check that no cache or
//! config file is ever torn or missing: each is always a complete old or new version.
//!
//! Runs 200 kills by default (about 2–4 s). More: `SSO_BRIDGE_CRASH_RUNS=2000 cargo test -p
//! sso-bridge-host --test crash_safety -- --nocapture`; replay a run with `SSO_BRIDGE_CRASH_SEED=<n>`
//! (the seed is printed).

mod common;

use common::*;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

/// xorshift64*: a tiny reproducible generator, so a failing seed can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Rewrite `[sso-session corp]` with a start URL that names the run.
fn session_request(run: usize) -> Value {
    json!({"type": "writeSsoSession", "id": run, "name": "corp",
           "startUrl": format!("https://d-abc123.awsapps.com/start#{run}"), "region": "us-east-1"})
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// The file must exist and be one complete version: JSON with every member the writer puts in.
fn check_complete(path: &Path, required: &[&str], run: usize) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("run {run}: {} is missing: {e}", path.display()));
    let value: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("run {run}: {} is torn ({e}): {text:?}", path.display()));
    for key in required {
        assert!(value.get(key).is_some(), "run {run}: {} lacks {key}: {text}", path.display());
    }
    value
}

#[test]
fn killing_the_writer_at_random_moments_never_tears_a_file() {
    let runs = env_u64("SSO_BRIDGE_CRASH_RUNS").unwrap_or(200) as usize;
    let seed = env_u64("SSO_BRIDGE_CRASH_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1
    });
    eprintln!("crash safety: {runs} runs, seed {seed}");
    let mut rng = Rng(seed);
    let home = Home::installed();
    let token_file = home.aws().join("sso/cache/d033e22ae348aeb5660fc2140aec35850c4da997.json");
    let role_file = home.aws().join("cli/cache/7568f0b6f39ebd7da2245b2b8c4f93e29a051f33.json");
    // Large values make each write take long enough for kills to land inside it.
    let padding = "x".repeat(24 * 1024);

    // Version 0 of each file, written by the helper itself.
    let mut s = home.session();
    assert_eq!(s.request(&json!({"type": "storeToken", "id": 0, "sessionName": "admin", "token": token_json(&format!("AT-0-{padding}"))}))["ok"], true);
    let creds = |n: usize| json!({"accessKeyId": format!("ASIA{n}"), "secretAccessKey": padding, "sessionToken": "T", "expiration": 1_651_516_560_000u64});
    assert_eq!(s.request(&json!({"type": "storeRoleCredentials", "id": 1, "sessionName": "admin", "accountId": "1234567890", "roleName": "test-role", "credentials": creds(0)}))["ok"], true);
    // A large config (3 MiB) makes each config rewrite long enough to be killed halfway.
    let mut config =
        String::from("[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = R\n");
    while config.len() < 3 * 1024 * 1024 {
        config.push_str("# padding comment so the config rewrite takes a while to write and fsync\n");
    }
    home.write(".aws/config", &config);
    assert_eq!(s.request(&session_request(0))["ok"], true);
    home.write(".aws/credentials", "[static]\naws_access_key_id = AKIAKEEP\naws_secret_access_key = keep\n");
    let mut with_section = json!({"type": "storeRoleCredentials", "id": 2, "sessionName": "admin", "accountId": "1234567890", "roleName": "test-role", "credentials": creds(0)});
    with_section["credentialsProfile"] = json!("dev");
    assert_eq!(s.request(&with_section)["ok"], true);
    s.finish();

    // Calibrate: how long a launch + write + reply takes here, so kills spread over all of it.
    let calibrate = Instant::now();
    for i in 0..5 {
        let mut s = home.session();
        s.request(&json!({"type": "storeRoleCredentials", "id": i, "sessionName": "admin", "accountId": "1234567890", "roleName": "test-role", "credentials": creds(0)}));
        let _ = s.child.kill();
        let _ = s.child.wait();
    }
    let window_us = (calibrate.elapsed().as_micros() as u64 / 5).max(1000);
    eprintln!("crash safety: a full write takes about {} µs; kills land in 0..{window_us} µs", window_us);

    let temp_files = || -> std::collections::BTreeSet<String> {
        std::fs::read_dir(home.aws().join("sso/cache"))
            .unwrap()
            .chain(std::fs::read_dir(home.aws().join("cli/cache")).unwrap())
            .chain(std::fs::read_dir(home.aws()).unwrap())
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sso-bridge.tmp"))
            .collect()
    };
    let (mut before_write, mut inside_write, mut after_write) = (0, 0, 0);
    let started = Instant::now();
    for run in 1..=runs {
        let mut s = home.session();
        let request = if run % 3 == 0 {
            session_request(run)
        } else if run % 3 == 1 {
            json!({"type": "storeToken", "id": run, "sessionName": "admin", "token": token_json(&format!("AT-{run}-{padding}"))})
        } else {
            // Every other role-credential write also asks for the credentials-file section.
            let mut request = json!({"type": "storeRoleCredentials", "id": run, "sessionName": "admin", "accountId": "1234567890", "roleName": "test-role", "credentials": creds(run)});
            if run % 2 == 0 {
                request["credentialsProfile"] = json!("dev");
            }
            request
        };
        s.send_raw(&frame(request.to_string().as_bytes()));
        let temps_before = temp_files();
        std::thread::sleep(Duration::from_micros(rng.next() % window_us));
        let _ = s.child.kill();
        let _ = s.child.wait();
        let _ = s.read_reply();
        let token = check_complete(
            &token_file,
            &["startUrl", "region", "accessToken", "expiresAt", "refreshToken"],
            run,
        );
        let n: usize = token["accessToken"].as_str().unwrap().split('-').nth(1).unwrap().parse().unwrap();
        assert!(n <= run, "run {run}: token from the future");
        let token_is_new = n == run;
        let role = check_complete(&role_file, &["ProviderType", "Credentials"], run);
        let key = role["Credentials"]["AccessKeyId"].as_str().unwrap();
        assert!(role["Credentials"]["SecretAccessKey"] == json!(padding), "run {run}: torn credentials");
        let role_is_new = key == format!("ASIA{run}");
        // The config: complete (the padding and the last line are there), with exactly one session
        // section whose start URL is some run's.
        let text = std::fs::read_to_string(home.aws().join("config"))
            .unwrap_or_else(|e| panic!("run {run}: the config is missing: {e}"));
        assert!(
            text.starts_with("[profile dev]\n") && text.len() > 3 * 1024 * 1024,
            "run {run}: config torn"
        );
        assert_eq!(text.matches("[sso-session corp]").count(), 1, "run {run}: config torn");
        let tail = text.rsplit("sso_start_url = https://d-abc123.awsapps.com/start#").next().unwrap();
        let (n, rest) = tail.split_once('\n').expect("complete start URL line");
        assert_eq!(rest, "sso_region = us-east-1\n", "run {run}: config torn at the end");
        let config_is_new = n.parse::<usize>().unwrap() == run;
        // The credentials file: the user's section kept, our section complete, exactly once.
        let credentials = std::fs::read_to_string(home.aws().join("credentials"))
            .unwrap_or_else(|e| panic!("run {run}: the credentials file is missing: {e}"));
        assert!(
            credentials.starts_with("[static]\naws_access_key_id = AKIAKEEP\naws_secret_access_key = keep\n"),
            "run {run}: {credentials}"
        );
        assert_eq!(credentials.matches("[dev]").count(), 1, "run {run}: {credentials}");
        assert!(
            credentials.ends_with("aws_session_token = T\n") && credentials.contains(&padding),
            "run {run}: credentials torn"
        );
        if token_is_new || role_is_new || config_is_new {
            after_write += 1;
        } else if temp_files().len() > temps_before.len() {
            inside_write += 1;
        } else {
            before_write += 1;
        }
    }
    eprintln!(
        "crash safety: {runs} kills in {:?}: {before_write} before the write began, {inside_write} inside \
         it (temp file left, target intact), {after_write} after the rename; every file always complete",
        started.elapsed(),
    );
    // The harness must actually have hit writes in progress and finished ones, not only startup.
    assert!(after_write > 0 && before_write + inside_write > 0, "kill timing never varied");
}
