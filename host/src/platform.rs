//! Where things live on this machine: the home directory, the helper's own state directory (log,
//! write lock) and configuration directory (install record). Per-OS conventions:
//!
//! | | state (log, lock) | config (install record) |
//! |---|---|---|
//! | Linux | `$XDG_STATE_HOME/sso-bridge` or `~/.local/state/sso-bridge` | `$XDG_CONFIG_HOME/sso-bridge` or `~/.config/sso-bridge` |
//! | macOS | `~/Library/Logs/sso-bridge` | `~/Library/Application Support/sso-bridge` |
//! | Windows | `%LOCALAPPDATA%\sso-bridge` | `%APPDATA%\sso-bridge` |
//!
//! Everything is computed from an environment lookup and an [`Os`] value so that every table is
//! unit-tested on every OS, not only the one the tests run on.

use std::path::PathBuf;

/// The operating systems the helper knows path conventions for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Os {
    Linux,
    MacOs,
    Windows,
}

impl Os {
    /// The OS this binary was compiled for (Linux conventions for other Unixes).
    pub const fn current() -> Os {
        if cfg!(target_os = "macos") {
            Os::MacOs
        } else if cfg!(windows) {
            Os::Windows
        } else {
            Os::Linux
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Os::Linux => "linux",
            Os::MacOs => "macos",
            Os::Windows => "windows",
        }
    }
}

/// A way to read environment variables (the real environment, or a table in tests).
pub trait Env {
    fn var(&self, name: &str) -> Option<String>;
}

/// The process environment. Empty values count as unset, like the AWS SDKs do.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

impl<F: Fn(&str) -> Option<String>> Env for F {
    fn var(&self, name: &str) -> Option<String> {
        self(name).filter(|v| !v.is_empty())
    }
}

/// Lets the core's config functions (file locations, home directory) read the same environment.
pub struct CoreEnv<'a, E: Env + ?Sized>(pub &'a E);

impl<E: Env + ?Sized> sso_bridge::config::Environment for CoreEnv<'_, E> {
    fn var(&self, name: &str) -> Option<String> {
        self.0.var(name)
    }
}

impl Os {
    /// The core's path conventions for this OS.
    pub fn core_platform(self) -> sso_bridge::config::Platform {
        match self {
            Os::Windows => sso_bridge::config::Platform::Windows,
            Os::Linux | Os::MacOs => sso_bridge::config::Platform::Unix,
        }
    }
}

/// The user's home directory, resolved by the core as the AWS SDKs do (spec §1.1, §8.5).
pub fn home_dir(os: Os, env: &impl Env) -> Option<PathBuf> {
    sso_bridge::config::location::home_dir(&CoreEnv(env), os.core_platform()).map(PathBuf::from)
}

/// Join `/`-separated relative parts onto a base (so tables can be written once for all OSes).
pub fn join(base: &std::path::Path, relative: &str) -> PathBuf {
    let mut p = base.to_path_buf();
    for part in relative.split('/').filter(|s| !s.is_empty()) {
        p.push(part);
    }
    p
}

/// The directory for the helper's log file and write lock.
pub fn state_dir(os: Os, env: &impl Env) -> Option<PathBuf> {
    match os {
        Os::Linux => match env.var("XDG_STATE_HOME").filter(|p| p.starts_with('/')) {
            Some(state) => Some(join(&PathBuf::from(state), "sso-bridge")),
            None => home_dir(os, env).map(|h| join(&h, ".local/state/sso-bridge")),
        },
        Os::MacOs => home_dir(os, env).map(|h| join(&h, "Library/Logs/sso-bridge")),
        Os::Windows => env
            .var("LOCALAPPDATA")
            .map(PathBuf::from)
            .or_else(|| home_dir(os, env).map(|h| join(&h, "AppData/Local")))
            .map(|p| p.join("sso-bridge")),
    }
}

/// The directory for the install record (which manifests `install` wrote, for which IDs).
pub fn config_dir(os: Os, env: &impl Env) -> Option<PathBuf> {
    match os {
        Os::Linux => match env.var("XDG_CONFIG_HOME").filter(|p| p.starts_with('/')) {
            Some(config) => Some(join(&PathBuf::from(config), "sso-bridge")),
            None => home_dir(os, env).map(|h| join(&h, ".config/sso-bridge")),
        },
        Os::MacOs => home_dir(os, env).map(|h| join(&h, "Library/Application Support/sso-bridge")),
        Os::Windows => env
            .var("APPDATA")
            .map(PathBuf::from)
            .or_else(|| home_dir(os, env).map(|h| join(&h, "AppData/Roaming")))
            .map(|p| p.join("sso-bridge")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k: &str| map.get(k).cloned()
    }

    #[test]
    fn home_follows_the_sdk_order() {
        let e = env(&[("HOME", "/h"), ("USERPROFILE", "C:\\Users\\u")]);
        assert_eq!(home_dir(Os::Windows, &e), Some(PathBuf::from("/h")));
        let e = env(&[("USERPROFILE", "C:\\Users\\u"), ("HOMEDRIVE", "D:"), ("HOMEPATH", "\\x")]);
        assert_eq!(home_dir(Os::Windows, &e), Some(PathBuf::from("C:\\Users\\u")));
        let e = env(&[("HOMEDRIVE", "D:"), ("HOMEPATH", "\\x")]);
        assert_eq!(home_dir(Os::Windows, &e), Some(PathBuf::from("D:\\x")));
        assert_eq!(home_dir(Os::Linux, &e), None);
        assert_eq!(home_dir(Os::Linux, &env(&[("HOME", "")])), None);
    }

    #[test]
    fn state_and_config_dirs_per_os() {
        let e = env(&[("HOME", "/home/u")]);
        assert_eq!(state_dir(Os::Linux, &e), Some(PathBuf::from("/home/u/.local/state/sso-bridge")));
        assert_eq!(config_dir(Os::Linux, &e), Some(PathBuf::from("/home/u/.config/sso-bridge")));
        let e = env(&[("HOME", "/home/u"), ("XDG_STATE_HOME", "/s"), ("XDG_CONFIG_HOME", "relative")]);
        assert_eq!(state_dir(Os::Linux, &e), Some(PathBuf::from("/s/sso-bridge")));
        // XDG says relative paths are invalid and must be ignored.
        assert_eq!(config_dir(Os::Linux, &e), Some(PathBuf::from("/home/u/.config/sso-bridge")));
        let e = env(&[("HOME", "/Users/u")]);
        assert_eq!(state_dir(Os::MacOs, &e), Some(PathBuf::from("/Users/u/Library/Logs/sso-bridge")));
        assert_eq!(
            config_dir(Os::MacOs, &e),
            Some(PathBuf::from("/Users/u/Library/Application Support/sso-bridge"))
        );
        let e = env(&[("LOCALAPPDATA", "C:\\L"), ("APPDATA", "C:\\R")]);
        assert_eq!(state_dir(Os::Windows, &e), Some(PathBuf::from("C:\\L").join("sso-bridge")));
        assert_eq!(config_dir(Os::Windows, &e), Some(PathBuf::from("C:\\R").join("sso-bridge")));
    }
}
