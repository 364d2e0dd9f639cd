//! A real Chromium launches the helper: `sso-bridge install --user-data-dir DIR` registers it for
//! a Chromium started with that profile, a minimal MV3 extension opens a native port, sends `ping`
//! and `storeToken`, and posts the replies to a loopback listener in this test. This checks what
//! only a browser can: the manifest location, the origin argv, native-endian framing, stdout
//! hygiene, and that the token file lands byte-exact.
//!
//! Needs Debian's `chromium` (installed by `.ci/run`), so it is `#[ignore]`d in a plain `cargo test`
//! and run by `cargo xtask test` (step "helper referees"). By hand:
//! `cargo test -p sso-bridge-host --test browser -- --include-ignored`

mod common;

use common::*;
use serde_json::Value;
use sha2::Digest;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";

/// An unpacked extension's ID: SHA-256 of its absolute path, first 32 hex digits mapped 0-f to a-p.
fn unpacked_extension_id(dir: &Path) -> String {
    sha2::Sha256::digest(dir.to_string_lossy().as_bytes())
        .iter()
        .take(16)
        .flat_map(|b| [b >> 4, b & 15])
        .map(|n| (b'a' + n) as char)
        .collect()
}

const WORKER: &str = r#"
const results = [];
const port = chrome.runtime.connectNative('com.sso_bridge.helper');
port.onMessage.addListener((reply) => {
  results.push(reply);
  if (results.length === 2) {
    fetch('http://127.0.0.1:PORT/result', {method: 'POST', body: JSON.stringify(results)});
  }
});
port.onDisconnect.addListener(() => {
  fetch('http://127.0.0.1:PORT/result', {method: 'POST',
    body: JSON.stringify({disconnected: chrome.runtime.lastError && chrome.runtime.lastError.message})});
});
port.postMessage({type: 'ping', id: 'browser-1'});
port.postMessage({type: 'storeToken', id: 'browser-2', sessionName: 'admin', token: {
  startUrl: 'https://d-abc123.awsapps.com/start', region: 'us-east-1', accessToken: 'AT',
  expiresAt: '2024-05-01T20:00:00Z', clientId: 'cid', clientSecret: 'csecret',
  registrationExpiresAt: '2024-08-01T12:00:00Z', refreshToken: 'RT'}});
"#;

#[test]
#[ignore = "needs Debian's chromium; run by `cargo xtask test`"]
fn chromium_launches_the_helper_and_stores_a_token() {
    let root = tempfile::tempdir().unwrap();
    let root_path = std::fs::canonicalize(root.path()).unwrap();
    let (ext, udd) = (root_path.join("ext"), root_path.join("udd"));
    std::fs::create_dir_all(&ext).unwrap();
    std::fs::create_dir_all(&udd).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::fs::write(
        ext.join("manifest.json"),
        r#"{"manifest_version": 3, "name": "sso-bridge native smoke", "version": "1.0",
            "permissions": ["nativeMessaging"], "background": {"service_worker": "worker.js"}}"#,
    )
    .unwrap();
    std::fs::write(ext.join("worker.js"), WORKER.replace("PORT", &port.to_string())).unwrap();
    let id = unpacked_extension_id(&ext);

    let home = Home { dir: tempfile::tempdir().unwrap() };
    let out = home
        .command(&["install", "--user-data-dir", udd.to_str().unwrap(), "--extension-id", &id])
        .output()
        .unwrap();
    assert!(out.status.success(), "install: {}", String::from_utf8_lossy(&out.stderr));

    let mut chromium = Command::new(CHROMIUM)
        .args(["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"])
        // Newer Chromium builds ignore --load-extension unless this feature is off.
        .arg("--disable-features=DisableLoadExtensionCommandLineSwitch")
        .arg(format!("--user-data-dir={}", udd.display()))
        .arg(format!("--load-extension={}", ext.display()))
        .arg("about:blank")
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");

    listener.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let body = loop {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    if line.trim().is_empty() {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let _ = (&stream).write_all(
                    b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 0\r\n\r\n",
                );
                break body;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(50))
            }
            Err(e) => {
                let _ = chromium.kill();
                panic!("no result from the extension within 60 s ({e}); helper log:\n{}", home.log_text());
            }
        }
    };
    let _ = chromium.kill();
    let _ = chromium.wait();

    let replies: Value = serde_json::from_slice(&body).unwrap();
    assert!(replies.is_array(), "the port was disconnected: {replies}; helper log:\n{}", home.log_text());
    assert_eq!(replies[0]["id"], "browser-1", "{replies}");
    assert_eq!(replies[0]["ok"], true, "{replies}");
    assert_eq!(replies[1]["id"], "browser-2", "{replies}");
    assert_eq!(replies[1]["ok"], true, "{replies}");
    assert_eq!(
        std::fs::read_to_string(home.aws().join("sso/cache/d033e22ae348aeb5660fc2140aec35850c4da997.json"))
            .unwrap(),
        r#"{"startUrl": "https://d-abc123.awsapps.com/start", "region": "us-east-1", "accessToken": "AT", "expiresAt": "2024-05-01T20:00:00Z", "clientId": "cid", "clientSecret": "csecret", "registrationExpiresAt": "2024-08-01T12:00:00Z", "refreshToken": "RT"}"#
    );
    let log = home.log_text();
    assert!(log.contains(&format!("started for \"{id}\"")), "{log}");
}
