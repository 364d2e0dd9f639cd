//! Where each browser looks for native-messaging host manifests, per OS, and what the manifests
//! contain (native-messaging spec §3.1, §3.2). Pure data and pure functions: every OS's table is
//! unit-tested on every OS.

use crate::platform::{self, Env, Os};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The host name the extension passes to `connectNative` / `sendNativeMessage`.
pub const HOST_NAME: &str = "com.sso_bridge.helper";
/// The manifest's file name in every location.
pub const MANIFEST_FILE: &str = "com.sso_bridge.helper.json";
/// The development build's Chromium ID: derived from the public `key` in the repository's
/// `manifest.json` (first 32 hex digits of SHA-256 of the key, mapped 0-f to a-p). Anyone can load
/// an unpacked extension with that key and get this ID, so `install` trusts it only with `--dev`.
/// A test checks it against the manifest.
pub const DEV_CHROMIUM_ID: &str = "llndfjhkbfcplfncdemailgbbllcdlka";
/// The development build's Firefox add-on ID (`browser_specific_settings.gecko.id` in
/// `manifest.json`). Not reserved on addons.mozilla.org, so trusted only with `--dev` too.
pub const DEV_FIREFOX_ID: &str = "sso-bridge@sso-bridge.dev";
/// The extension's IDs in the browsers' stores (Chrome Web Store, Edge Add-ons, addons.mozilla.org).
/// None is published yet: until one is, `install` needs `--extension-id` or `--dev`. Once listed,
/// an ID added here is trusted by a plain `sso-bridge install`.
pub const STORE_IDS: &[&str] = &[];
const DESCRIPTION: &str = "sso-bridge: writes the AWS CLI's SSO token, config and credential files";

/// Which manifest schema a browser reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// `allowed_origins: ["chrome-extension://<id>/"]`.
    Chromium,
    /// `allowed_extensions: ["<add-on id>"]`.
    Firefox,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Browser {
    Chrome,
    Chromium,
    Edge,
    Brave,
    Vivaldi,
    Firefox,
}

/// Where a per-user table path starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    /// The home directory.
    Home,
    /// Linux Chromium browsers: `$CHROME_CONFIG_HOME`, else `$XDG_CONFIG_HOME`, else `~/.config`
    /// (chromium `chrome/common/chrome_paths_linux.cc`, `docs/user_data_dir.md`).
    ChromeConfig,
    /// `$XDG_CONFIG_HOME`, else `~/.config` (XDG Base Directory; relative values are ignored).
    XdgConfig,
}

/// A table path made absolute for this user (`None` without a home directory).
pub fn resolve(base: Base, relative: &str, os: Os, env: &impl Env) -> Option<PathBuf> {
    let absolute = |name: &str| env.var(name).filter(|v| v.starts_with('/')).map(PathBuf::from);
    let root = match base {
        Base::Home => platform::home_dir(os, env)?,
        Base::ChromeConfig => absolute("CHROME_CONFIG_HOME")
            .or_else(|| absolute("XDG_CONFIG_HOME"))
            .or_else(|| platform::home_dir(os, env).map(|h| h.join(".config")))?,
        Base::XdgConfig => {
            absolute("XDG_CONFIG_HOME").or_else(|| platform::home_dir(os, env).map(|h| h.join(".config")))?
        }
    };
    Some(platform::join(&root, relative))
}

/// Whether a manifest is for this user or for every user of the machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    User,
    System,
}

impl Browser {
    pub const ALL: &'static [Browser] = &[
        Browser::Chrome,
        Browser::Chromium,
        Browser::Edge,
        Browser::Brave,
        Browser::Vivaldi,
        Browser::Firefox,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Browser::Chrome => "chrome",
            Browser::Chromium => "chromium",
            Browser::Edge => "edge",
            Browser::Brave => "brave",
            Browser::Vivaldi => "vivaldi",
            Browser::Firefox => "firefox",
        }
    }

    pub fn from_name(name: &str) -> Option<Browser> {
        Browser::ALL.iter().copied().find(|b| b.name() == name)
    }

    pub const fn family(self) -> Family {
        match self {
            Browser::Firefox => Family::Firefox,
            _ => Family::Chromium,
        }
    }

    /// Per-user manifest folders: every release channel's user data directory (Chromium's
    /// `docs/user_data_dir.md`: "varies by OS, branding and release channel") with
    /// `NativeMessagingHosts` in it. The first entry of each list is the stable channel, written
    /// even before the browser ever ran; the others only when that channel's folder exists.
    ///
    /// Sources, checked against the browsers' published paths:
    /// - Chrome/Chromium: developer.chrome.com/docs/extensions/develop/concepts/native-messaging
    ///   ("Native messaging host location"), and chromium `docs/user_data_dir.md` for the channels
    ///   (Linux `google-chrome-beta`, `google-chrome-unstable`; macOS `Chrome Beta`, `Chrome Dev`,
    ///   `Chrome Canary`) and for `$CHROME_CONFIG_HOME` / `$XDG_CONFIG_HOME` replacing `~/.config`.
    /// - Edge: learn.microsoft.com/microsoft-edge/extensions/developer-guide/native-messaging
    ///   (macOS `~/Library/Application Support/Microsoft Edge/NativeMessagingHosts`, channels
    ///   `Microsoft Edge Beta|Dev|Canary`; Linux `~/.config/microsoft-edge`).
    /// - Brave, Vivaldi: their Chromium user data directories (brave-browser wiki "Paths",
    ///   KeePassXC `NativeMessageInstaller.cpp`); Brave on macOS also reads Chrome's folder
    ///   (browserpass `Makefile`; sources disagree, so both are written).
    /// - Firefox: MDN "Native manifests" (Linux `~/.mozilla/native-messaging-hosts`, macOS
    ///   `~/Library/Application Support/Mozilla/NativeMessagingHosts`).
    pub fn user_dirs(self, os: Os) -> &'static [(Base, &'static str)] {
        use Base::{ChromeConfig, Home};
        match (os, self) {
            (Os::Linux, Browser::Chrome) => &[
                (ChromeConfig, "google-chrome/NativeMessagingHosts"),
                (ChromeConfig, "google-chrome-beta/NativeMessagingHosts"),
                (ChromeConfig, "google-chrome-unstable/NativeMessagingHosts"),
                (ChromeConfig, "google-chrome-canary/NativeMessagingHosts"),
            ],
            (Os::Linux, Browser::Chromium) => &[(ChromeConfig, "chromium/NativeMessagingHosts")],
            (Os::Linux, Browser::Edge) => &[
                (ChromeConfig, "microsoft-edge/NativeMessagingHosts"),
                (ChromeConfig, "microsoft-edge-beta/NativeMessagingHosts"),
                (ChromeConfig, "microsoft-edge-dev/NativeMessagingHosts"),
            ],
            (Os::Linux, Browser::Brave) => &[
                (ChromeConfig, "BraveSoftware/Brave-Browser/NativeMessagingHosts"),
                (ChromeConfig, "BraveSoftware/Brave-Browser-Beta/NativeMessagingHosts"),
                (ChromeConfig, "BraveSoftware/Brave-Browser-Nightly/NativeMessagingHosts"),
            ],
            (Os::Linux, Browser::Vivaldi) => &[
                (ChromeConfig, "vivaldi/NativeMessagingHosts"),
                (ChromeConfig, "vivaldi-snapshot/NativeMessagingHosts"),
            ],
            // Firefox 147+ keeps fresh profiles in $XDG_CONFIG_HOME/mozilla but still reads hosts
            // only from ~/.mozilla/native-messaging-hosts (Bugzilla 2005167; firenvim PR #1735).
            (Os::Linux, Browser::Firefox) => &[(Home, ".mozilla/native-messaging-hosts")],
            (Os::MacOs, Browser::Chrome) => &[
                (Home, "Library/Application Support/Google/Chrome/NativeMessagingHosts"),
                (Home, "Library/Application Support/Google/Chrome Beta/NativeMessagingHosts"),
                (Home, "Library/Application Support/Google/Chrome Dev/NativeMessagingHosts"),
                (Home, "Library/Application Support/Google/Chrome Canary/NativeMessagingHosts"),
            ],
            (Os::MacOs, Browser::Chromium) => {
                &[(Home, "Library/Application Support/Chromium/NativeMessagingHosts")]
            }
            (Os::MacOs, Browser::Edge) => &[
                (Home, "Library/Application Support/Microsoft Edge/NativeMessagingHosts"),
                (Home, "Library/Application Support/Microsoft Edge Beta/NativeMessagingHosts"),
                (Home, "Library/Application Support/Microsoft Edge Dev/NativeMessagingHosts"),
                (Home, "Library/Application Support/Microsoft Edge Canary/NativeMessagingHosts"),
            ],
            (Os::MacOs, Browser::Brave) => &[
                (Home, "Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts"),
                (Home, "Library/Application Support/Google/Chrome/NativeMessagingHosts"),
                (Home, "Library/Application Support/BraveSoftware/Brave-Browser-Beta/NativeMessagingHosts"),
                (
                    Home,
                    "Library/Application Support/BraveSoftware/Brave-Browser-Nightly/NativeMessagingHosts",
                ),
            ],
            (Os::MacOs, Browser::Vivaldi) => &[
                (Home, "Library/Application Support/Vivaldi/NativeMessagingHosts"),
                (Home, "Library/Application Support/Vivaldi Snapshot/NativeMessagingHosts"),
            ],
            (Os::MacOs, Browser::Firefox) => {
                &[(Home, "Library/Application Support/Mozilla/NativeMessagingHosts")]
            }
            // Windows: the manifest can live anywhere; the registry points at it.
            (Os::Windows, _) => &[],
        }
    }

    /// How many leading entries of [`Browser::user_dirs`] are written even when their folder does
    /// not exist yet: the stable channel (and, for Brave on macOS, Chrome's folder it also reads).
    fn always_written(self, os: Os) -> usize {
        match (os, self) {
            (Os::MacOs, Browser::Brave) => 2,
            _ => 1,
        }
    }

    /// System-wide manifest folders (absolute). All channels of a browser share them.
    /// Sources: the same pages as [`Browser::user_dirs`]; Linux Chrome `/etc/opt/chrome/…`,
    /// Chromium `/etc/chromium/…` and macOS Chrome `/Library/Google/Chrome/…`, Chromium
    /// `/Library/Application Support/Chromium/…` (developer.chrome.com); macOS Edge
    /// `/Library/Microsoft/Edge/NativeMessagingHosts` (learn.microsoft.com native messaging);
    /// Firefox Linux `/usr/lib/mozilla/…` and `/usr/lib64/mozilla/…` (MDN "Native manifests"; the
    /// Fedora family's x86_64 Firefox reads only the latter), macOS
    /// `/Library/Application Support/Mozilla/…` (MDN). Brave reads Chrome's folders (browserpass)
    /// and, on macOS, its own; Vivaldi on macOS is an unbranded Chromium build, which reads
    /// `/Library/Application Support/<its folder>/NativeMessagingHosts` (chromium
    /// `chrome/common/chrome_paths_mac.mm`).
    pub fn system_dirs(self, os: Os) -> &'static [&'static str] {
        match (os, self) {
            (Os::Linux, Browser::Chrome) => &["/etc/opt/chrome/native-messaging-hosts"],
            (Os::Linux, Browser::Chromium) => &["/etc/chromium/native-messaging-hosts"],
            (Os::Linux, Browser::Edge) => &["/etc/opt/edge/native-messaging-hosts"],
            (Os::Linux, Browser::Brave) => &["/etc/opt/chrome/native-messaging-hosts"],
            (Os::Linux, Browser::Vivaldi) => &["/etc/opt/vivaldi/native-messaging-hosts"],
            (Os::Linux, Browser::Firefox) => {
                &["/usr/lib/mozilla/native-messaging-hosts", "/usr/lib64/mozilla/native-messaging-hosts"]
            }
            (Os::MacOs, Browser::Chrome) => &["/Library/Google/Chrome/NativeMessagingHosts"],
            (Os::MacOs, Browser::Chromium) => &["/Library/Application Support/Chromium/NativeMessagingHosts"],
            (Os::MacOs, Browser::Edge) => &["/Library/Microsoft/Edge/NativeMessagingHosts"],
            (Os::MacOs, Browser::Brave) => &[
                "/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts",
                "/Library/Google/Chrome/NativeMessagingHosts",
            ],
            (Os::MacOs, Browser::Vivaldi) => &["/Library/Application Support/Vivaldi/NativeMessagingHosts"],
            (Os::MacOs, Browser::Firefox) => &["/Library/Application Support/Mozilla/NativeMessagingHosts"],
            (Os::Windows, _) => &[],
        }
    }

    /// The folders whose existence means "this user runs this browser": each channel's user data
    /// directory; for Firefox on Linux also `$XDG_CONFIG_HOME/mozilla` (Firefox 147+ fresh
    /// profiles, Bugzilla 259356).
    pub fn profile_dirs(self, os: Os, env: &impl Env) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = self
            .user_dirs(os)
            .iter()
            .filter_map(|(base, dir)| resolve(*base, dir, os, env))
            .filter_map(|p| p.parent().map(Path::to_path_buf))
            .collect();
        if (os, self) == (Os::Linux, Browser::Firefox) {
            dirs.extend(resolve(Base::XdgConfig, "mozilla", os, env));
        }
        dirs
    }

    /// Flatpak application IDs of this browser (Flathub), whose sandbox cannot start the helper.
    pub fn flatpak_ids(self) -> &'static [&'static str] {
        match self {
            Browser::Chrome => &["com.google.Chrome", "com.google.ChromeDev"],
            Browser::Chromium => &["org.chromium.Chromium"],
            Browser::Edge => &["com.microsoft.Edge"],
            Browser::Brave => &["com.brave.Browser"],
            Browser::Vivaldi => &["com.vivaldi.Vivaldi"],
            Browser::Firefox => &["org.mozilla.firefox"],
        }
    }

    /// The Snap package name, where a snap of this browser exists.
    pub fn snap_name(self) -> Option<&'static str> {
        match self {
            Browser::Chromium => Some("chromium"),
            Browser::Firefox => Some("firefox"),
            Browser::Brave => Some("brave"),
            _ => None,
        }
    }

    /// Windows: the folder (under the helper's manifests folder) of this browser's manifest. Brave and
    /// Vivaldi read Chrome's registry key, so all three share Chrome's manifest: one key, one file.
    pub fn windows_manifest_folder(self) -> &'static str {
        match self {
            Browser::Chrome | Browser::Brave | Browser::Vivaldi => Browser::Chrome.name(),
            other => other.name(),
        }
    }

    /// Windows: the registry key (under HKCU or HKLM) whose default value is the manifest path.
    /// Brave and Vivaldi read Chrome's key (spec §3.2, KeePassXC); Edge has its own.
    pub fn windows_registry_key(self) -> String {
        let base = match self {
            Browser::Chrome | Browser::Brave | Browser::Vivaldi => r"Software\Google\Chrome",
            Browser::Chromium => r"Software\Chromium",
            Browser::Edge => r"Software\Microsoft\Edge",
            Browser::Firefox => r"Software\Mozilla",
        };
        format!(r"{base}\NativeMessagingHosts\{HOST_NAME}")
    }
}

/// Every manifest path for a browser, scope and OS. On Windows this is the file the registry key
/// points at, in the helper's own data directory.
pub fn manifest_paths(browser: Browser, scope: Scope, os: Os, env: &impl Env) -> Vec<PathBuf> {
    match (os, scope) {
        (Os::Windows, Scope::User) => platform::state_dir(os, env)
            .map(|d| vec![d.join("manifests").join(browser.windows_manifest_folder()).join(MANIFEST_FILE)])
            .unwrap_or_default(),
        // Not %ProgramData%: any user may create a folder there first and own what goes in it
        // (issue 14). Standard users cannot create or change anything under %ProgramFiles%.
        (Os::Windows, Scope::System) => env
            .var("ProgramFiles")
            .map(|d| {
                vec![PathBuf::from(d)
                    .join("sso-bridge")
                    .join("manifests")
                    .join(browser.windows_manifest_folder())
                    .join(MANIFEST_FILE)]
            })
            .unwrap_or_default(),
        (_, Scope::User) => browser
            .user_dirs(os)
            .iter()
            .filter_map(|(base, dir)| resolve(*base, dir, os, env))
            .map(|d| d.join(MANIFEST_FILE))
            .collect(),
        (_, Scope::System) => {
            browser.system_dirs(os).iter().map(|d| Path::new(d).join(MANIFEST_FILE)).collect()
        }
    }
}

/// The manifests `install` writes: every system folder; per user, the stable channel's (and
/// Brave-on-macOS's Chrome folder) always, other channels' where that channel has a profile.
pub fn install_paths(browser: Browser, scope: Scope, os: Os, env: &impl Env) -> Vec<PathBuf> {
    let all = manifest_paths(browser, scope, os, env);
    if scope == Scope::System || os == Os::Windows {
        return all;
    }
    let always = browser.always_written(os);
    all.into_iter()
        .enumerate()
        .filter(|(i, path)| *i < always || path.parent().and_then(Path::parent).is_some_and(Path::is_dir))
        .map(|(_, path)| path)
        .collect()
}

/// The manifest path for a Chromium started with `--user-data-dir DIR`.
pub fn user_data_dir_manifest(dir: &Path) -> PathBuf {
    dir.join("NativeMessagingHosts").join(MANIFEST_FILE)
}

/// The `reg.exe` arguments that register a manifest (run on Windows only; built and tested
/// everywhere).
pub fn windows_register_args(browser: Browser, scope: Scope, manifest: &Path) -> Vec<String> {
    vec![
        "add".into(),
        format!(r"{}\{}", hive(scope), browser.windows_registry_key()),
        "/ve".into(),
        "/t".into(),
        "REG_SZ".into(),
        "/d".into(),
        manifest.display().to_string(),
        "/f".into(),
    ]
}

/// The `reg.exe` arguments that remove the registration.
pub fn windows_unregister_args(browser: Browser, scope: Scope) -> Vec<String> {
    vec!["delete".into(), format!(r"{}\{}", hive(scope), browser.windows_registry_key()), "/f".into()]
}

fn hive(scope: Scope) -> &'static str {
    match scope {
        Scope::User => "HKCU",
        Scope::System => "HKLM",
    }
}

/// A Chromium extension ID: 32 letters `a`–`p`.
pub fn is_chromium_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| (b'a'..=b'p').contains(&b))
}

/// A Firefox add-on ID: `name@domain` or a `{GUID}` (MDN `browser_specific_settings`).
pub fn is_firefox_id(id: &str) -> bool {
    let email_like = id.split_once('@').is_some_and(|(local, domain)| {
        !domain.is_empty()
            && local.bytes().all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b))
            && domain.bytes().all(|b| b.is_ascii_alphanumeric() || b".-".contains(&b))
    });
    let guid = id.len() == 38
        && id.starts_with('{')
        && id.ends_with('}')
        && id[1..37].bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    id.len() <= 80 && (email_like || guid)
}

/// The manifest JSON for a family, pointing at `binary` and allowing `ids`.
pub fn manifest_json(family: Family, binary: &Path, ids: &[String]) -> Value {
    let mut m = json!({
        "name": HOST_NAME,
        "description": DESCRIPTION,
        "path": binary.display().to_string(),
        "type": "stdio",
    });
    match family {
        Family::Chromium => {
            m["allowed_origins"] =
                json!(ids.iter().map(|id| format!("chrome-extension://{id}/")).collect::<Vec<_>>())
        }
        Family::Firefox => m["allowed_extensions"] = json!(ids),
    }
    m
}

/// The extension IDs a manifest allows, read back (for the caller check and `doctor`).
pub fn allowed_ids(manifest: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    if let Some(origins) = manifest.get("allowed_origins").and_then(Value::as_array) {
        for origin in origins.iter().filter_map(Value::as_str) {
            if let Some(id) = origin.strip_prefix("chrome-extension://").and_then(|s| s.strip_suffix('/')) {
                ids.push(id.to_owned());
            }
        }
    }
    if let Some(exts) = manifest.get("allowed_extensions").and_then(Value::as_array) {
        ids.extend(exts.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(k: &str) -> Option<String> {
        match k {
            "HOME" => Some("/home/u".into()),
            "LOCALAPPDATA" => Some(r"C:\Users\u\AppData\Local".into()),
            "ProgramData" => Some(r"C:\ProgramData".into()),
            "ProgramFiles" => Some(r"C:\Program Files".into()),
            _ => None,
        }
    }

    #[test]
    fn linux_table() {
        let p = |b| manifest_paths(b, Scope::User, Os::Linux, &env);
        assert_eq!(
            p(Browser::Chrome)[0],
            PathBuf::from("/home/u/.config/google-chrome/NativeMessagingHosts/com.sso_bridge.helper.json")
        );
        assert_eq!(
            p(Browser::Chromium),
            [PathBuf::from("/home/u/.config/chromium/NativeMessagingHosts/com.sso_bridge.helper.json")]
        );
        assert_eq!(
            p(Browser::Firefox),
            [PathBuf::from("/home/u/.mozilla/native-messaging-hosts/com.sso_bridge.helper.json")]
        );
        assert_eq!(
            manifest_paths(Browser::Firefox, Scope::System, Os::Linux, &env)[0],
            PathBuf::from("/usr/lib/mozilla/native-messaging-hosts/com.sso_bridge.helper.json")
        );
        assert_eq!(
            Browser::Chromium.profile_dirs(Os::Linux, &env),
            [PathBuf::from("/home/u/.config/chromium")]
        );
        assert_eq!(
            Browser::Firefox.profile_dirs(Os::Linux, &env),
            [PathBuf::from("/home/u/.mozilla"), PathBuf::from("/home/u/.config/mozilla")]
        );
    }

    #[test]
    fn macos_table_writes_brave_twice() {
        let brave = manifest_paths(Browser::Brave, Scope::User, Os::MacOs, &env);
        assert_eq!(brave.len(), 4, "{brave:?}");
        assert!(brave[0].starts_with("/home/u/Library/Application Support/BraveSoftware/Brave-Browser"));
        assert!(
            brave[1].starts_with("/home/u/Library/Application Support/Google/Chrome/NativeMessagingHosts")
        );
        assert_eq!(
            manifest_paths(Browser::Chrome, Scope::System, Os::MacOs, &env),
            [PathBuf::from("/Library/Google/Chrome/NativeMessagingHosts/com.sso_bridge.helper.json")]
        );
        // Issue 11: Edge, Brave and Vivaldi have system folders too.
        assert_eq!(
            manifest_paths(Browser::Edge, Scope::System, Os::MacOs, &env),
            [PathBuf::from("/Library/Microsoft/Edge/NativeMessagingHosts/com.sso_bridge.helper.json")]
        );
        for browser in Browser::ALL {
            assert!(!manifest_paths(*browser, Scope::System, Os::MacOs, &env).is_empty(), "{browser:?}");
        }
    }

    /// Issue 11: Chrome on Linux honours $CHROME_CONFIG_HOME, then $XDG_CONFIG_HOME (chromium
    /// `docs/user_data_dir.md`); relative values are ignored like XDG says.
    #[test]
    fn linux_config_home_overrides() {
        let xdg = |k: &str| match k {
            "HOME" => Some("/home/u".to_owned()),
            "XDG_CONFIG_HOME" => Some("/home/u/cfg".to_owned()),
            _ => None,
        };
        assert_eq!(
            manifest_paths(Browser::Chrome, Scope::User, Os::Linux, &xdg)[0],
            PathBuf::from("/home/u/cfg/google-chrome/NativeMessagingHosts/com.sso_bridge.helper.json")
        );
        // Firefox reads hosts from ~/.mozilla whatever XDG says (Bugzilla 2005167).
        assert_eq!(
            manifest_paths(Browser::Firefox, Scope::User, Os::Linux, &xdg),
            [PathBuf::from("/home/u/.mozilla/native-messaging-hosts/com.sso_bridge.helper.json")]
        );
        assert_eq!(Browser::Firefox.profile_dirs(Os::Linux, &xdg)[1], PathBuf::from("/home/u/cfg/mozilla"));
        let chrome_home = |k: &str| match k {
            "HOME" => Some("/home/u".to_owned()),
            "XDG_CONFIG_HOME" => Some("/home/u/cfg".to_owned()),
            "CHROME_CONFIG_HOME" => Some("/c".to_owned()),
            _ => None,
        };
        assert_eq!(
            manifest_paths(Browser::Brave, Scope::User, Os::Linux, &chrome_home)[0],
            PathBuf::from("/c/BraveSoftware/Brave-Browser/NativeMessagingHosts/com.sso_bridge.helper.json")
        );
        let relative = |k: &str| match k {
            "HOME" => Some("/home/u".to_owned()),
            "XDG_CONFIG_HOME" => Some("cfg".to_owned()),
            _ => None,
        };
        assert!(manifest_paths(Browser::Edge, Scope::User, Os::Linux, &relative)[0]
            .starts_with("/home/u/.config"));
        assert_eq!(
            manifest_paths(Browser::Firefox, Scope::System, Os::Linux, &env)[1],
            PathBuf::from("/usr/lib64/mozilla/native-messaging-hosts/com.sso_bridge.helper.json")
        );
    }

    /// Channels: every channel is a place to look; install writes the stable channel and the
    /// channels this user has, checked on a fake home.
    #[test]
    fn channels_are_written_where_they_exist() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path().display().to_string();
        let env = move |k: &str| (k == "HOME").then(|| h.clone());
        let all = manifest_paths(Browser::Chrome, Scope::User, Os::MacOs, &env);
        assert_eq!(all.len(), 4);
        assert!(all[3].ends_with("Library/Application Support/Google/Chrome Canary/NativeMessagingHosts/com.sso_bridge.helper.json"));
        assert_eq!(install_paths(Browser::Chrome, Scope::User, Os::MacOs, &env), all[..1]);
        std::fs::create_dir_all(home.path().join("Library/Application Support/Google/Chrome Canary"))
            .unwrap();
        assert_eq!(
            install_paths(Browser::Chrome, Scope::User, Os::MacOs, &env),
            [all[0].clone(), all[3].clone()]
        );
        std::fs::create_dir_all(home.path().join(".config/google-chrome-beta")).unwrap();
        let linux = install_paths(Browser::Chrome, Scope::User, Os::Linux, &env);
        assert_eq!(linux.len(), 2);
        assert!(
            linux[1].ends_with(".config/google-chrome-beta/NativeMessagingHosts/com.sso_bridge.helper.json")
        );
        // Brave on macOS: its own folder and Chrome's, always.
        assert_eq!(install_paths(Browser::Brave, Scope::User, Os::MacOs, &env).len(), 2);
    }

    #[test]
    fn windows_registry_table() {
        assert_eq!(
            Browser::Edge.windows_registry_key(),
            r"Software\Microsoft\Edge\NativeMessagingHosts\com.sso_bridge.helper"
        );
        assert_eq!(Browser::Brave.windows_registry_key(), Browser::Chrome.windows_registry_key());
        assert_eq!(
            Browser::Firefox.windows_registry_key(),
            r"Software\Mozilla\NativeMessagingHosts\com.sso_bridge.helper"
        );
        let manifest = PathBuf::from(r"C:\m.json");
        assert_eq!(
            windows_register_args(Browser::Chromium, Scope::User, &manifest),
            [
                "add",
                r"HKCU\Software\Chromium\NativeMessagingHosts\com.sso_bridge.helper",
                "/ve",
                "/t",
                "REG_SZ",
                "/d",
                r"C:\m.json",
                "/f"
            ]
        );
        assert_eq!(
            windows_unregister_args(Browser::Chrome, Scope::System)[1],
            r"HKLM\Software\Google\Chrome\NativeMessagingHosts\com.sso_bridge.helper"
        );
        // Issue 14: system manifests go where only administrators can write, not %ProgramData%.
        let system = manifest_paths(Browser::Chrome, Scope::System, Os::Windows, &env);
        assert_eq!(system.len(), 1);
        assert!(system[0].starts_with(r"C:\Program Files"), "{system:?}");
        let user = manifest_paths(Browser::Edge, Scope::User, Os::Windows, &env);
        assert_eq!(user.len(), 1);
        assert!(user[0].starts_with(r"C:\Users\u\AppData\Local"));
    }

    #[test]
    fn manifests_per_family_and_read_back() {
        let id = "abcdefghijklmnopabcdefghijklmnop".to_string();
        let chromium =
            manifest_json(Family::Chromium, Path::new("/bin/sso-bridge"), std::slice::from_ref(&id));
        assert_eq!(chromium["allowed_origins"], json!([format!("chrome-extension://{id}/")]));
        assert!(chromium.get("allowed_extensions").is_none());
        assert_eq!(chromium["type"], "stdio");
        assert_eq!(chromium["name"], HOST_NAME);
        assert_eq!(allowed_ids(&chromium), [id]);
        let firefox = manifest_json(Family::Firefox, Path::new("/bin/sso-bridge"), &["a@b.org".to_string()]);
        assert_eq!(firefox["allowed_extensions"], json!(["a@b.org"]));
        assert!(firefox.get("allowed_origins").is_none());
    }

    /// The development IDs must be those of the extension this repository builds.
    #[test]
    fn default_ids_match_the_extension_manifest() {
        use base64::Engine;
        use sha2::Digest;
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifest.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            // The extension's manifest is delivered separately; checked once it is in the tree.
            return;
        };
        let manifest: Value = serde_json::from_str(&text).unwrap();
        let key =
            base64::engine::general_purpose::STANDARD.decode(manifest["key"].as_str().unwrap()).unwrap();
        let id: String = sha2::Sha256::digest(&key)
            .iter()
            .take(16)
            .flat_map(|b| [b >> 4, b & 15])
            .map(|n| (b'a' + n) as char)
            .collect();
        assert_eq!(id, DEV_CHROMIUM_ID);
        assert_eq!(manifest["browser_specific_settings"]["gecko"]["id"], DEV_FIREFOX_ID);
        assert!(is_chromium_id(DEV_CHROMIUM_ID) && is_firefox_id(DEV_FIREFOX_ID));
    }

    #[test]
    fn id_formats() {
        assert!(is_chromium_id("abcdefghijklmnopabcdefghijklmnop"));
        assert!(!is_chromium_id("abcdefghijklmnopabcdefghijklmnoz"));
        assert!(is_firefox_id("sso-bridge@example.org"));
        assert!(is_firefox_id("{12345678-1234-1234-1234-123456789abc}"));
        assert!(!is_firefox_id("no-at-sign"));
        assert!(!is_firefox_id("a@b/c"));
        // Host name rules (spec §3.1): lowercase alphanumerics, `_` and `.`, no `..`, no edge dots.
        assert!(HOST_NAME
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.'));
        assert!(!HOST_NAME.contains("..") && !HOST_NAME.starts_with('.') && !HOST_NAME.ends_with('.'));
    }
}
