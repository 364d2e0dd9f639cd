//! Test harness: a temporary HOME with the helper installed for one extension, and a framed
//! native-messaging session with the real `sso-bridge` binary.
#![allow(dead_code)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

pub const EXTENSION_ID: &str = "abcdefghijklmnopabcdefghijklmnop";
pub const FIREFOX_ID: &str = "sso-bridge@example.org";
pub const BIN: &str = env!("CARGO_BIN_EXE_sso-bridge");

pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    /// A fresh HOME with the helper installed for Chromium (EXTENSION_ID) and Firefox (FIREFOX_ID).
    pub fn installed() -> Home {
        let home = Home { dir: tempfile::tempdir().expect("temp dir") };
        let out = home
            .command(&[
                "install",
                "--browser",
                "chromium",
                "--browser",
                "firefox",
                "--extension-id",
                EXTENSION_ID,
                "--extension-id",
                FIREFOX_ID,
            ])
            .output()
            .expect("run install");
        assert!(out.status.success(), "install failed: {}", String::from_utf8_lossy(&out.stderr));
        home
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn aws(&self) -> PathBuf {
        self.path().join(".aws")
    }

    /// The binary with a clean environment: only HOME and PATH.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env_clear()
            .env("HOME", self.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd
    }

    /// Start the helper as Chromium would for EXTENSION_ID.
    pub fn session(&self) -> Session {
        self.session_with_args(&[&format!("chrome-extension://{EXTENSION_ID}/")])
    }

    pub fn session_with_args(&self, args: &[&str]) -> Session {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn helper");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout");
        Session { child, stdin, stdout }
    }

    pub fn write(&self, relative: &str, contents: &str) {
        let p = self.path().join(relative);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
    }

    /// Every file under ~/.aws with its bytes: compared before and after to prove "no file changes".
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        walk(&self.aws(), &mut out);
        out
    }

    /// The helper's state folder (log, write lock) for this HOME: `.local/state/sso-bridge`, or on
    /// Windows `AppData\Local\sso-bridge` (the environment is cleared, so no %LOCALAPPDATA%).
    pub fn state_dir(&self) -> PathBuf {
        if cfg!(windows) {
            self.path().join("AppData").join("Local").join("sso-bridge")
        } else {
            self.path().join(".local/state/sso-bridge")
        }
    }

    /// Where `install` writes the per-user manifest for `browser` (chromium or firefox) here.
    pub fn manifest(&self, browser: &str) -> PathBuf {
        let file = "com.sso_bridge.helper.json";
        match (cfg!(windows), browser) {
            (true, _) => self.state_dir().join("manifests").join(browser).join(file),
            (false, "firefox") => self.path().join(".mozilla/native-messaging-hosts").join(file),
            (false, _) => self.path().join(".config").join(browser).join("NativeMessagingHosts").join(file),
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(self.state_dir().join("helper.log")).unwrap_or_default()
    }
}

fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let meta = std::fs::symlink_metadata(&p).unwrap();
        if meta.is_dir() {
            walk(&p, out);
        } else if meta.is_file() {
            out.insert(p.clone(), std::fs::read(&p).unwrap());
        } else {
            out.insert(p.clone(), format!("link -> {:?}", std::fs::read_link(&p).ok()).into_bytes());
        }
    }
}

pub struct Session {
    pub child: Child,
    pub stdin: Option<ChildStdin>,
    pub stdout: ChildStdout,
}

pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut v = (body.len() as u32).to_ne_bytes().to_vec();
    v.extend_from_slice(body);
    v
}

impl Session {
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        // The helper may have exited already (a fatal framing error): ignore EPIPE.
        let _ = stdin.write_all(bytes);
        let _ = stdin.flush();
    }

    pub fn close_stdin(&mut self) {
        self.stdin.take();
    }

    /// Read one reply frame (None at EOF).
    pub fn read_frame(&mut self) -> Option<Vec<u8>> {
        let mut header = [0u8; 4];
        self.stdout.read_exact(&mut header).ok()?;
        let len = u32::from_ne_bytes(header) as usize;
        assert!(len <= 1024 * 1024, "reply frame of {len} bytes exceeds 1 MiB");
        let mut body = vec![0u8; len];
        self.stdout.read_exact(&mut body).expect("full reply body");
        Some(body)
    }

    pub fn read_reply(&mut self) -> Option<Value> {
        self.read_frame().map(|b| serde_json::from_slice(&b).expect("reply is JSON"))
    }

    /// Send a request, return its (reassembled, if chunked) reply.
    pub fn request(&mut self, request: &Value) -> Value {
        self.send_raw(&frame(request.to_string().as_bytes()));
        let first = self.read_reply().expect("a reply");
        if first.get("chunk").is_none() {
            return first;
        }
        let count = first["chunk"]["count"].as_u64().unwrap();
        let mut text = first["chunk"]["data"].as_str().unwrap().to_owned();
        for i in 1..count {
            let next = self.read_reply().expect("next chunk");
            assert_eq!(next["chunk"]["index"].as_u64(), Some(i));
            text.push_str(next["chunk"]["data"].as_str().unwrap());
        }
        serde_json::from_str(&text).expect("reassembled reply")
    }

    /// Close stdin and wait; returns the exit code and stderr.
    pub fn finish(mut self) -> (Option<i32>, String) {
        self.close_stdin();
        let mut rest = Vec::new();
        let _ = self.stdout.read_to_end(&mut rest);
        assert!(rest.is_empty(), "unexpected bytes on stdout after the last reply: {rest:?}");
        let out = self.child.wait_with_output().expect("wait");
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

pub fn error_code(reply: &Value) -> Option<u64> {
    (reply["ok"] == Value::Bool(false)).then(|| reply["error"]["code"].as_u64()).flatten()
}

/// A token request body the CLI would accept.
pub fn token_json(access_token: &str) -> Value {
    serde_json::json!({
        "startUrl": "https://d-abc123.awsapps.com/start",
        "region": "us-east-1",
        "accessToken": access_token,
        "expiresAt": "2099-05-01T20:00:00Z",
        "clientId": "cid",
        "clientSecret": "csecret",
        "registrationExpiresAt": "2099-08-01T12:00:00Z",
        "refreshToken": "RT",
    })
}

/// A canonical path as the helper writes it into manifests: without Windows' `\\?\` prefix.
pub fn plain_path(path: &Path) -> PathBuf {
    let text = path.display().to_string();
    PathBuf::from(text.strip_prefix(r"\\?\").unwrap_or(&text))
}
