//! The helper's log file, in the user's state directory ([`crate::platform::state_dir`]), because
//! stdout carries only frames in native-messaging mode and the browser swallows stderr.
//!
//! What is logged: request type and id, outcome, error code and message, timings. Never request
//! or reply bodies. Error messages are built never to contain values (see
//! [`crate::protocol::Fields`]); as a second line of defence every line passes through
//! [`redact`], which blanks anything that looks like a token or key.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The log is rotated to `helper.log.1` beyond this size.
const MAX_LOG_BYTES: u64 = 1024 * 1024;

pub struct Logger {
    path: Option<PathBuf>,
}

impl Logger {
    /// A logger writing `helper.log` in `state_dir` (created 0700). Logging never fails the caller:
    /// if the file cannot be written, lines are dropped.
    pub fn new(state_dir: Option<&Path>) -> Logger {
        let path = state_dir.and_then(|dir| {
            crate::aws_files::create_private_dirs(dir).ok()?;
            Some(dir.join("helper.log"))
        });
        Logger { path }
    }

    pub fn disabled() -> Logger {
        Logger { path: None }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn line(&self, message: &str) {
        let Some(path) = &self.path else { return };
        if fs::metadata(path).map(|m| m.len() > MAX_LOG_BYTES).unwrap_or(false) {
            let _ = fs::rename(path, path.with_extension("log.1"));
        }
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        if let Ok(mut file) = options.open(path) {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0);
            let stamp = sso_bridge::time::UtcTime::from_unix_seconds(now).to_cli_string();
            let _ = writeln!(file, "{stamp} [{}] {}", std::process::id(), redact(message));
        }
    }
}

/// Blank every run of 24 or more token-like characters (letters, digits, `+/=_-.`), which covers
/// access and refresh tokens, client secrets, secret access keys and session tokens, while names,
/// paths, error codes, timestamps and cache file names (40 hex digits, a SHA-1 of a session name,
/// not a secret) stay readable. Control characters become spaces so a line cannot forge another.
///
/// `/` is a base64 digit: about one AWS secret access key in seven holds one (AWS's own example
/// key `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY` two), so a run is only kept as a path when every
/// segment is a cache file name or a short name with no capital letter after its first character
/// and no `+` or `=`: base64 text has capitals throughout (a random 24-character run passes with a
/// chance of about one in 100,000, a 40-character key one in a billion).
pub fn redact(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let keep = run.chars().count() < 24 || is_cache_key(run) || is_path(run) || is_extension_id(run);
        out.push_str(if keep { run } else { "** redacted **" });
        run.clear();
    };
    for c in message.chars() {
        if c.is_ascii_alphanumeric() || "+/=_-.".contains(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(if c.is_control() { ' ' } else { c });
        }
    }
    flush(&mut run, &mut out);
    out
}

/// A token-cache or role-credential cache key: 40 lower-case hex digits (a SHA-1, public).
fn is_cache_key(text: &str) -> bool {
    text.len() == 40 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A path whose segments are all names (see [`redact`]).
fn is_path(run: &str) -> bool {
    if !run.contains('/') {
        return false;
    }
    let is_cache_file = |segment: &str| segment.split_once('.').is_some_and(|(stem, _)| is_cache_key(stem));
    let is_name = |segment: &str| {
        segment.len() < 24
            && !segment.contains(['+', '='])
            && !segment.chars().skip(1).any(|c| c.is_ascii_uppercase())
    };
    run.split('/').all(|segment| is_cache_file(segment) || is_name(segment))
}

/// Extension IDs (32 letters a-p) name the caller; they are public.
fn is_extension_id(run: &str) -> bool {
    run.len() == 32 && run.bytes().all(|b| (b'a'..=b'p').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_token_like_runs_and_keeps_the_rest() {
        let line = "storeToken id=4 ok token aoaAAAAAGVhbGxvd2VkdG9rZW5fZm9yX3Rlc3Q secret wJalrXUtnFEMI+K7MDENG+bPxRfiCYEXAMPLEKEY";
        let r = redact(line);
        assert!(!r.contains("aoaAAAA") && !r.contains("wJalrXUtnFEMI"), "{r}");
        assert!(r.starts_with("storeToken id=4 ok token ** redacted **"), "{r}");
        let path = "wrote /home/u/.aws/sso/cache/d033e22ae348aeb5660fc2140aec35850c4da997.json";
        assert_eq!(redact(path), path);
        assert!(!redact("t=abcdefghijklmnopqrstuvwxyz0123/def+ghi").contains("abcdefghijklmnop"));
        assert_eq!(redact("a\nb"), "a b");
        assert_eq!(
            redact("caller abcdefghijklmnopabcdefghijklmnop"),
            "caller abcdefghijklmnopabcdefghijklmnop"
        );
    }

    /// Secret access keys and session tokens as AWS issues them: base64, so `/` and `+` appear.
    #[test]
    fn redacts_real_shaped_keys_with_slashes() {
        for secret in [
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
            "/K7MDENGbPxRfiCYEXAMPLEKEYwJalrXUtnFEMI+",
            "IQoJb3JpZ2luX2VjEOr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexample/token+part==",
        ] {
            for line in [format!("secret {secret}"), format!("key={secret}."), format!("\"{secret}\"")] {
                let redacted = redact(&line);
                assert!(redacted.contains("** redacted **"), "{line} -> {redacted}");
                for piece in secret.split(['/', '+', '=']).filter(|p| p.len() >= 6) {
                    assert!(!redacted.contains(piece), "{line} -> {redacted}");
                }
            }
        }
        // Many random 40-character keys of AWS's alphabet, each with at least one `/`.
        const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let mut key: Vec<u8> = (0..40).map(|_| BASE64[(next() % 64) as usize]).collect();
            key[(next() % 40) as usize] = b'/';
            let key = String::from_utf8(key).unwrap();
            assert_eq!(redact(&key), "** redacted **", "{key}");
        }
    }

    #[test]
    fn keeps_paths_readable() {
        for path in [
            "/home/u/.aws/sso/cache/d033e22ae348aeb5660fc2140aec35850c4da997.json",
            "/Users/Someone/Library/Application/sso-bridge/helper.log.1",
            "/home/u/.aws/cli/cache/0123456789abcdef0123456789abcdef01234567.json",
        ] {
            let line = format!("cannot write {path}: permission denied");
            assert_eq!(redact(&line), line);
        }
    }

    #[test]
    fn writes_and_rotates() {
        let dir = tempfile::tempdir().unwrap();
        let log = Logger::new(Some(dir.path()));
        log.line("hello");
        let text = fs::read_to_string(dir.path().join("helper.log")).unwrap();
        assert!(text.trim_end().ends_with("hello"));
    }
}
