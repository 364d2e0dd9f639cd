//! `sso-bridge profiles` and `sso-bridge cache-key` against a temporary HOME.

use sso_bridge::cache::{token_cache_file_name, CachedToken, TokenCacheIdentity};
use sso_bridge::config::Platform;
use sso_bridge::secret::Secret;
use sso_bridge::time::UtcTime;
use sso_bridge_host::cli;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const CONFIG: &str = "\
[default]
region = us-east-1

[profile dev]
sso_session = my-sso
sso_account_id = 123456789012
sso_role_name = ReadOnly
region = eu-west-1

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 210987654321
sso_role_name = Admin

[profile broken]
sso_session = missing
sso_account_id = 1
sso_role_name = R

[profile bearer]
sso_session = other

[sso-session my-sso]
sso_start_url = https://d-abc123.awsapps.com/start
sso_region = us-east-1

[sso-session other]
sso_start_url = https://other.awsapps.com/start
sso_region = us-west-2
";

fn token(expires_at: UtcTime, refresh: bool) -> CachedToken {
    CachedToken {
        start_url: Some("https://d-abc123.awsapps.com/start".into()),
        region: Some("us-east-1".into()),
        access_token: Secret::new("ACCESS-TOKEN-SECRET"),
        expires_at,
        client_id: Some("client-id".into()),
        client_secret: Some(Secret::new("CLIENT-SECRET")),
        registration_expires_at: Some(expires_at.plus_seconds(90 * 86_400)),
        refresh_token: refresh.then(|| Secret::new("REFRESH-TOKEN-SECRET")),
    }
}

fn write_token(home: &Path, identity: TokenCacheIdentity<'_>, token: &CachedToken) {
    let dir = home.join(".aws/sso/cache");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(token_cache_file_name(&identity)), token.to_cli_json()).unwrap();
}

fn home_with_config() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    std::fs::write(home.path().join(".aws/config"), CONFIG).unwrap();
    home
}

fn env_for(home: &Path) -> BTreeMap<String, String> {
    BTreeMap::from([("HOME".to_owned(), home.to_str().unwrap().to_owned())])
}

#[test]
fn profiles_table_shows_status_and_no_secrets() {
    let home = home_with_config();
    let now = UtcTime::from_unix_seconds(1_714_564_800); // 2024-05-01T12:00:00Z
    write_token(home.path(), TokenCacheIdentity::Session("my-sso"), &token(now.plus_seconds(8 * 3600), true));
    write_token(
        home.path(),
        TokenCacheIdentity::LegacyStartUrl("https://legacy.awsapps.com/start"),
        &token(now.plus_seconds(-3600), false),
    );
    let mut out = Vec::new();
    cli::profiles::run(&env_for(home.path()), Platform::Unix, now, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let expected = "\
PROFILE  SESSION   ACCOUNT       ROLE      REGION     TOKEN
bearer   other     -             -         -          none
broken   missing   1             R         -          config error (see below)
default  -         -             -         us-east-1  not SSO
dev      my-sso    123456789012  ReadOnly  eu-west-1  valid until 2024-05-01T20:00:00Z (in 8h 0m)
legacy   (legacy)  210987654321  Admin     -          expired 2024-05-01T11:00:00Z (1h 0m ago)
";
    assert!(text.starts_with(expected), "{text}");
    assert!(
        text.contains("  profile broken: The specified sso-session does not exist: \"missing\""),
        "{text}"
    );
    assert!(text.contains(
        "\nSSO SESSION  START URL                           SSO REGION  TOKEN\n\
         my-sso       https://d-abc123.awsapps.com/start  us-east-1   valid until 2024-05-01T20:00:00Z (in 8h 0m)\n\
         other        https://other.awsapps.com/start     us-west-2   none\n"
    ), "{text}");
    for secret in ["ACCESS-TOKEN-SECRET", "CLIENT-SECRET", "REFRESH-TOKEN-SECRET"] {
        assert!(!text.contains(secret), "{text}");
    }
}

#[test]
fn expiring_refreshable_and_unreadable_tokens() {
    let home = home_with_config();
    let now = UtcTime::from_unix_seconds(1_714_564_800);
    write_token(home.path(), TokenCacheIdentity::Session("my-sso"), &token(now.plus_seconds(-60), true));
    let dir = home.path().join(".aws/sso/cache");
    std::fs::write(
        dir.join(token_cache_file_name(&TokenCacheIdentity::Session("other"))),
        "{\"accessToken\": \"SECRETX\"}",
    )
    .unwrap();
    let mut out = Vec::new();
    cli::profiles::run(&env_for(home.path()), Platform::Unix, now, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("expired 2024-05-01T11:59:00Z (1m ago, refreshable)"), "{text}");
    assert!(text.contains("unreadable: the SSO token cache file has no `expiresAt` field"), "{text}");
    assert!(!text.contains("SECRETX"), "{text}");
}

#[test]
fn config_file_location_follows_the_environment() {
    let home = tempfile::tempdir().unwrap();
    let elsewhere = home.path().join("elsewhere.ini");
    std::fs::write(&elsewhere, "[profile only-here]\nregion = ap-south-1\n").unwrap();
    let mut env = env_for(home.path());
    env.insert("AWS_CONFIG_FILE".into(), elsewhere.to_str().unwrap().into());
    let mut out = Vec::new();
    cli::profiles::run(&env, Platform::Unix, UtcTime::UNIX_EPOCH, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("only-here  -        -        -     ap-south-1  not SSO"), "{text}");

    let empty_home = tempfile::tempdir().unwrap();
    let mut out = Vec::new();
    cli::profiles::run(&env_for(empty_home.path()), Platform::Unix, UtcTime::UNIX_EPOCH, &mut out).unwrap();
    assert!(String::from_utf8(out).unwrap().starts_with("No profiles in "));
}

#[test]
fn diagnostics_are_summarised_and_refusals_spelled_out() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    // A duplicate section: the SDKs merge it, botocore refuses the whole file.
    std::fs::write(home.path().join(".aws/config"), "[profile a]\nregion = x\n[profile a]\noutput = json\n")
        .unwrap();
    let mut out = Vec::new();
    cli::profiles::run(&env_for(home.path()), Platform::Unix, UtcTime::UNIX_EPOCH, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("\nerror: ") && text.contains("line 3"), "{text}");
}

#[test]
fn parse_errors_name_file_and_line() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    std::fs::write(home.path().join(".aws/config"), "[profile a]\nregion = x\nnot a property\n").unwrap();
    let err = cli::profiles::run(&env_for(home.path()), Platform::Unix, UtcTime::UNIX_EPOCH, &mut Vec::new())
        .unwrap_err()
        .to_string();
    assert!(err.contains("config") && err.contains('3'), "{err}");
}

#[test]
fn the_binary_prints_cache_keys_and_profiles() {
    let bin = env!("CARGO_BIN_EXE_sso-bridge");
    let out = Command::new(bin).args(["cache-key", "admin"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, b"d033e22ae348aeb5660fc2140aec35850c4da997\n");

    let home = home_with_config();
    // Far future, so the real clock of the binary sees it as valid.
    let expires = UtcTime::parse_lenient("2999-01-01T00:00:00Z").unwrap();
    write_token(home.path(), TokenCacheIdentity::Session("my-sso"), &token(expires, true));
    let out = Command::new(bin).arg("profiles").env_clear().env("HOME", home.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "dev      my-sso    123456789012  ReadOnly  eu-west-1  valid until 2999-01-01T00:00:00Z"
        ),
        "{text}"
    );

    std::fs::write(home.path().join(".aws/config"), "[profile a]\nnot a property\n").unwrap();
    let out = Command::new(bin).arg("profiles").env_clear().env("HOME", home.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("error: "), "{stderr}");

    for args in [&["--help"][..], &["cache-key", "--help"], &["profiles", "--help"], &["--version"]] {
        let out = Command::new(bin).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
    }
}
