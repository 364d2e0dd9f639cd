//! Native-messaging mode and who launched it, read from argv (native-messaging spec §3.5):
//! Chromium browsers pass the caller's origin `chrome-extension://<id>/` (plus
//! `--parent-window=<HWND>` on Windows); Firefox passes the manifest's path and the add-on ID.
//! There is no private flag: a browser cannot pass one (manifests have no `args`).

use crate::browsers::{self, Family};
use crate::error_codes::{ErrorCode, HostError};
use crate::install;
use crate::platform::{Env, Os};
use std::path::PathBuf;

/// The extension that launched the helper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    Chromium { extension_id: String },
    Firefox { manifest: PathBuf, addon_id: String },
}

impl Caller {
    pub fn family(&self) -> Family {
        match self {
            Caller::Chromium { .. } => Family::Chromium,
            Caller::Firefox { .. } => Family::Firefox,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Caller::Chromium { extension_id } => extension_id,
            Caller::Firefox { addon_id, .. } => addon_id,
        }
    }
}

/// Recognise a browser launch from the arguments after the program name. `None` means the
/// command line is for the CLI (clap).
pub fn detect(args: &[String]) -> Option<Caller> {
    let first = args.first()?;
    if let Some(rest) = first.strip_prefix("chrome-extension://") {
        let extension_id = rest.strip_suffix('/').unwrap_or(rest).to_owned();
        // Anything else must be the Windows parent-window flag.
        if args[1..].iter().all(|a| a.starts_with("--parent-window=")) {
            return Some(Caller::Chromium { extension_id });
        }
        return None;
    }
    let looks_like_manifest = first.ends_with(".json")
        && (first.starts_with('/') || (first.len() > 2 && first.as_bytes()[1] == b':'));
    if looks_like_manifest && args.len() == 2 && !args[1].starts_with('-') {
        return Some(Caller::Firefox { manifest: PathBuf::from(first), addon_id: args[1].clone() });
    }
    None
}

/// Check that the caller is one of the extensions the helper was installed for, by reading the
/// allowed IDs back from the installed manifests of its browser family.
pub fn check_allowed(caller: &Caller, os: Os, env: &impl Env) -> Result<(), HostError> {
    let well_formed = match caller {
        Caller::Chromium { extension_id } => browsers::is_chromium_id(extension_id),
        Caller::Firefox { addon_id, .. } => browsers::is_firefox_id(addon_id),
    };
    let extra = match caller {
        Caller::Firefox { manifest, .. } => Some(manifest.as_path()),
        Caller::Chromium { .. } => None,
    };
    let allowed = install::allowed_ids(caller.family(), os, env, extra);
    if well_formed && allowed.iter().any(|id| id == caller.id()) {
        return Ok(());
    }
    let shown: String = caller.id().chars().filter(|c| !c.is_control()).take(80).collect();
    Err(HostError::new(
        ErrorCode::CallerNotAllowed,
        format!(
            "extension `{shown}` is not allowed to use sso-bridge (installed for: {}). If this is \
             your sso-bridge extension, run: sso-bridge install --extension-id {shown}",
            if allowed.is_empty() { "none".to_owned() } else { allowed.join(", ") }
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn detects_browser_launches_only() {
        assert_eq!(
            detect(&args(&["chrome-extension://abcdefghijklmnopabcdefghijklmnop/"])),
            Some(Caller::Chromium { extension_id: "abcdefghijklmnopabcdefghijklmnop".into() })
        );
        assert_eq!(
            detect(&args(&["chrome-extension://abcdefghijklmnopabcdefghijklmnop/", "--parent-window=0"])),
            Some(Caller::Chromium { extension_id: "abcdefghijklmnopabcdefghijklmnop".into() })
        );
        assert_eq!(
            detect(&args(&["/home/u/.mozilla/native-messaging-hosts/com.sso_bridge.helper.json", "a@b.org"])),
            Some(Caller::Firefox {
                manifest: "/home/u/.mozilla/native-messaging-hosts/com.sso_bridge.helper.json".into(),
                addon_id: "a@b.org".into()
            })
        );
        assert!(matches!(
            detect(&args(&[r"C:\Users\u\AppData\Local\sso-bridge\m.json", "a@b.org"])),
            Some(Caller::Firefox { .. })
        ));
        assert_eq!(detect(&args(&["install", "--browser", "all"])), None);
        assert_eq!(detect(&args(&["doctor"])), None);
        assert_eq!(detect(&args(&[])), None);
        assert_eq!(detect(&args(&["chrome-extension://x/", "--evil"])), None);
    }

    #[test]
    fn unknown_callers_are_refused_with_a_fix() {
        let home = tempfile::tempdir().unwrap();
        let env = |k: &str| (k == "HOME").then(|| home.path().display().to_string());
        let caller = Caller::Chromium { extension_id: "abcdefghijklmnopabcdefghijklmnop".into() };
        let err = check_allowed(&caller, Os::Linux, &env).unwrap_err();
        assert_eq!(err.code, ErrorCode::CallerNotAllowed);
        assert!(err.message.contains("sso-bridge install --extension-id"), "{}", err.message);
        let opts = install::InstallOptions {
            browsers: vec!["chrome".into()],
            extension_ids: vec!["abcdefghijklmnopabcdefghijklmnop".into()],
            ..Default::default()
        };
        install::install(&opts, std::path::Path::new("/b"), Os::Linux, &env).unwrap();
        check_allowed(&caller, Os::Linux, &env).unwrap();
        let other = Caller::Chromium { extension_id: "pppppppppppppppppppppppppppppppp".into() };
        assert_eq!(check_allowed(&other, Os::Linux, &env).unwrap_err().code, ErrorCode::CallerNotAllowed);
        // A Chromium ID does not unlock the Firefox side.
        let ff = Caller::Firefox {
            manifest: "/nope.json".into(),
            addon_id: "abcdefghijklmnopabcdefghijklmnop".into(),
        };
        assert!(check_allowed(&ff, Os::Linux, &env).is_err());
    }
}
