//! `sso-bridge install`, `uninstall` and `doctor`, the install record, and the caller check that
//! reads the allowed extension IDs back from the installed manifests.
//!
//! The install record (`<config dir>/installations.json`, see [`crate::platform`]) lists every
//! manifest `install` wrote, so `uninstall`, `doctor` and the caller check also find manifests in
//! places outside the tables (a Chromium `--user-data-dir`). The manifests themselves stay the
//! source of truth for which extension IDs may call the helper: the browser enforces them, and the
//! helper checks the caller against the same lists.

use crate::aws_files::{self, AwsFiles};
use crate::browsers::{self, Browser, Family, Scope, MANIFEST_FILE};
use crate::error_codes::{ErrorCode, HostError};
use crate::platform::{self, Env, Os};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

const RECORD_FILE: &str = "installations.json";
/// Manifests are tiny; anything larger is not ours.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024;

/// What `install` was asked to do.
#[derive(Clone, Debug, Default)]
pub struct InstallOptions {
    /// Browsers named with `--browser`; empty or `all` means every browser found for this user.
    pub browsers: Vec<String>,
    /// `--extension-id`: Chromium IDs (32 letters a–p) and Firefox add-on IDs, sorted by format.
    pub extension_ids: Vec<String>,
    pub system: bool,
    /// `--dev`: also trust the development build's IDs ([`browsers::DEV_CHROMIUM_ID`],
    /// [`browsers::DEV_FIREFOX_ID`]), which anyone can reproduce with an unpacked copy.
    pub dev: bool,
    /// `--user-data-dir`: install only into these Chromium user-data directories.
    pub user_data_dirs: Vec<PathBuf>,
}

/// One manifest written by `install` (an entry of the install record).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordEntry {
    pub browser: Browser,
    pub path: PathBuf,
    pub scope: &'static str,
}

fn record_path(os: Os, env: &impl Env) -> Option<PathBuf> {
    platform::config_dir(os, env).map(|d| d.join(RECORD_FILE))
}

/// Read the install record (missing or unreadable means empty: it is only a list of extra places).
pub fn read_record(os: Os, env: &impl Env) -> Vec<RecordEntry> {
    let Some(path) = record_path(os, env) else { return Vec::new() };
    let Ok(Some(bytes)) = aws_files::read_limited(&path, MAX_MANIFEST_BYTES) else { return Vec::new() };
    let Ok(value) = serde_json::from_slice::<Value>(&bytes) else { return Vec::new() };
    let mut out = Vec::new();
    for entry in value.get("manifests").and_then(Value::as_array).into_iter().flatten() {
        let browser = entry.get("browser").and_then(Value::as_str).and_then(Browser::from_name);
        let path = entry.get("path").and_then(Value::as_str);
        let scope = match entry.get("scope").and_then(Value::as_str) {
            Some("system") => "system",
            Some("userDataDir") => "userDataDir",
            _ => "user",
        };
        if let (Some(browser), Some(path)) = (browser, path) {
            out.push(RecordEntry { browser, path: PathBuf::from(path), scope });
        }
    }
    out
}

fn write_record(os: Os, env: &impl Env, entries: &[RecordEntry]) -> Result<(), HostError> {
    let path = record_path(os, env)
        .ok_or_else(|| HostError::new(ErrorCode::Internal, "cannot find a configuration directory"))?;
    let list: Vec<Value> = entries
        .iter()
        .map(|e| json!({"browser": e.browser.name(), "path": e.path.display().to_string(), "scope": e.scope}))
        .collect();
    let text = serde_json::to_string_pretty(&json!({ "version": 1, "manifests": list }))
        .map_err(|e| HostError::new(ErrorCode::Internal, e.to_string()))?;
    aws_files::write_owned_file(&path, text.as_bytes(), 0o600, 0o700).map_err(|e| {
        HostError::new(ErrorCode::WriteFailed, format!("could not write {}: {e}", path.display()))
    })
}

/// Every place a manifest of ours may be for `browser`: the user and system table entries and
/// whatever the install record lists.
fn candidate_manifests(
    browser: Browser,
    os: Os,
    env: &impl Env,
    record: &[RecordEntry],
) -> Vec<(PathBuf, String)> {
    let mut out: Vec<(PathBuf, String)> = Vec::new();
    for (scope, label) in [(Scope::User, "user"), (Scope::System, "system")] {
        for p in browsers::manifest_paths(browser, scope, os, env) {
            out.push((p, label.to_owned()));
        }
    }
    for e in record.iter().filter(|e| e.browser == browser) {
        if !out.iter().any(|(p, _)| *p == e.path) {
            out.push((e.path.clone(), e.scope.to_owned()));
        }
    }
    out
}

/// Read one of our manifests; `None` if absent or not ours.
pub fn read_manifest(path: &Path) -> Option<Value> {
    let bytes = aws_files::read_limited(path, MAX_MANIFEST_BYTES).ok()??;
    let value: Value = serde_json::from_slice(&bytes).ok()?;
    (value.get("name").and_then(Value::as_str) == Some(browsers::HOST_NAME)).then_some(value)
}

/// The extension IDs allowed to call the helper for a browser family, read back from every
/// installed manifest of that family (plus `extra_manifest`, the path Firefox passes in argv).
pub fn allowed_ids(family: Family, os: Os, env: &impl Env, extra_manifest: Option<&Path>) -> Vec<String> {
    let record = read_record(os, env);
    let mut ids = Vec::new();
    let mut paths: Vec<PathBuf> = Browser::ALL
        .iter()
        .filter(|b| b.family() == family)
        .flat_map(|b| candidate_manifests(*b, os, env, &record).into_iter().map(|(p, _)| p))
        .collect();
    if let Some(extra) = extra_manifest.filter(|p| p.file_name().is_some_and(|n| n == MANIFEST_FILE)) {
        paths.push(extra.to_path_buf());
    }
    for path in paths {
        if let Some(manifest) = read_manifest(&path) {
            for id in browsers::allowed_ids(&manifest) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    ids
}

/// Split `--extension-id` values into Chromium and Firefox IDs, refusing ones that are neither.
fn sort_ids(ids: &[String]) -> Result<(Vec<String>, Vec<String>), HostError> {
    let (mut chromium, mut firefox) = (Vec::new(), Vec::new());
    for id in ids {
        if browsers::is_chromium_id(id) {
            chromium.push(id.clone());
        } else if browsers::is_firefox_id(id) {
            firefox.push(id.clone());
        } else {
            return Err(HostError::new(
                ErrorCode::InvalidValue,
                format!(
                    "`{id}` is neither a Chromium extension ID (32 letters a-p, see chrome://extensions) \
                     nor a Firefox add-on ID (name@domain or {{GUID}}, see about:debugging)"
                ),
            ));
        }
    }
    Ok((chromium, firefox))
}

fn parse_browsers(names: &[String], os: Os, env: &impl Env) -> Result<Vec<Browser>, HostError> {
    if names.is_empty() || names.iter().any(|n| n == "all") {
        let found: Vec<Browser> = Browser::ALL
            .iter()
            .copied()
            .filter(|b| os == Os::Windows || b.profile_dirs(os, env).iter().any(|d| d.is_dir()))
            .collect();
        return Ok(found);
    }
    names
        .iter()
        .map(|n| {
            Browser::from_name(n).ok_or_else(|| {
                HostError::new(
                    ErrorCode::InvalidValue,
                    format!(
                        "unknown browser `{n}`; use chrome, chromium, edge, brave, vivaldi, firefox or all"
                    ),
                )
            })
        })
        .collect()
}

/// This binary's absolute path, as the manifests must name it.
pub fn current_binary() -> Result<PathBuf, HostError> {
    let exe = std::env::current_exe()
        .map_err(|e| HostError::new(ErrorCode::Internal, format!("cannot find this program's path: {e}")))?;
    Ok(plain_path(fs::canonicalize(&exe).unwrap_or(exe)))
}

/// Windows' canonical paths are verbatim (`\\?\C:\…`); browsers and people expect `C:\…`.
fn plain_path(path: PathBuf) -> PathBuf {
    let text = path.display().to_string();
    match text.strip_prefix(r"\\?\") {
        Some(rest) if rest.as_bytes().get(1) == Some(&b':') => PathBuf::from(rest),
        _ => path,
    }
}

/// The extension IDs a manifest will allow: those named with `--extension-id`, the development IDs
/// with `--dev`, else the store IDs. With none of these there is nothing safe to trust, and the
/// error says how to choose (issue 14: never the development ID by default).
fn trusted_ids(options: &InstallOptions) -> Result<Vec<String>, HostError> {
    let mut ids = options.extension_ids.clone();
    if options.dev {
        ids.extend([browsers::DEV_CHROMIUM_ID.to_owned(), browsers::DEV_FIREFOX_ID.to_owned()]);
    }
    if ids.is_empty() {
        ids.extend(browsers::STORE_IDS.iter().map(|id| (*id).to_owned()));
    }
    if ids.is_empty() {
        return Err(HostError::new(
            ErrorCode::InvalidValue,
            "which extension may call the helper? The sso-bridge extension is not published in a \
             browser store yet, so there is no ID to trust by default. Name yours with \
             --extension-id ID (Chromium: the 32-letter ID in chrome://extensions; Firefox: the \
             add-on ID in about:debugging), or pass --dev to trust the development build's IDs \
             (anyone can load an unpacked copy with those IDs: use --dev only on a machine where \
             you alone install extensions)",
        ));
    }
    ids.dedup();
    Ok(ids)
}

/// `sso-bridge install`. Returns the report printed to the user.
pub fn install(options: &InstallOptions, binary: &Path, os: Os, env: &impl Env) -> Result<String, HostError> {
    let mut report = String::new();
    let ids = trusted_ids(options)?;
    let (chromium_ids, firefox_ids) = sort_ids(&ids)?;
    let scope = if options.system { Scope::System } else { Scope::User };
    let dev = |id: &String| {
        if id == browsers::DEV_CHROMIUM_ID || id == browsers::DEV_FIREFOX_ID {
            " (development build, --dev)"
        } else {
            ""
        }
    };
    for (label, list) in [("Chromium extension", &chromium_ids), ("Firefox add-on", &firefox_ids)] {
        for id in list {
            let _ = writeln!(report, "trusting {label} {id}{}", dev(id));
        }
    }
    check_binary_is_safe(binary, scope, os, env)?;
    let mut targets: Vec<(Browser, PathBuf, &'static str)> = Vec::new();
    if !options.user_data_dirs.is_empty() {
        let browser = match options.browsers.first().map(String::as_str) {
            Some("all") | None => Browser::Chromium,
            Some(name) => {
                Browser::from_name(name).filter(|b| b.family() == Family::Chromium).ok_or_else(|| {
                    HostError::new(ErrorCode::InvalidValue, "--user-data-dir is for Chromium browsers")
                })?
            }
        };
        for dir in &options.user_data_dirs {
            let dir = fs::canonicalize(dir).map(plain_path).unwrap_or_else(|_| dir.clone());
            targets.push((browser, browsers::user_data_dir_manifest(&dir), "userDataDir"));
        }
    } else {
        let chosen = parse_browsers(&options.browsers, os, env)?;
        if chosen.is_empty() {
            return Err(HostError::new(
                ErrorCode::InvalidValue,
                "found no browser profile for this user; name one with --browser chrome|chromium|edge|brave|vivaldi|firefox",
            ));
        }
        for browser in chosen {
            let paths = browsers::install_paths(browser, scope, os, env);
            if paths.is_empty() {
                let _ = writeln!(
                    report,
                    "{}: no {} manifest location is known on {}; skipped",
                    browser.name(),
                    if options.system { "system-wide" } else { "per-user" },
                    os.name()
                );
            }
            for p in paths {
                targets.push((browser, p, if options.system { "system" } else { "user" }));
            }
        }
    }
    let mut record = read_record(os, env);
    let (file_mode, dir_mode) = if options.system { (0o644, 0o755) } else { (0o644, 0o700) };
    for (browser, path, scope_label) in targets {
        let ids = match browser.family() {
            Family::Chromium => &chromium_ids,
            Family::Firefox => &firefox_ids,
        };
        if ids.is_empty() {
            let _ = writeln!(
                report,
                "{}: skipped (no {} extension ID given)",
                browser.name(),
                if browser.family() == Family::Firefox { "Firefox" } else { "Chromium" }
            );
            continue;
        }
        if let Some(dir) = path.parent() {
            check_manifest_dir_is_safe(dir, scope, os)?;
        }
        let manifest = browsers::manifest_json(browser.family(), binary, ids);
        let text = serde_json::to_string_pretty(&manifest)
            .map_err(|e| HostError::new(ErrorCode::Internal, e.to_string()))?;
        aws_files::write_owned_file(&path, text.as_bytes(), file_mode, dir_mode).map_err(|e| {
            HostError::new(
                ErrorCode::WriteFailed,
                format!(
                    "could not write {}: {e}{}",
                    path.display(),
                    if options.system { " (a system-wide install needs administrator rights)" } else { "" }
                ),
            )
        })?;
        register_on_windows(browser, scope, &path, os)?;
        let _ = writeln!(report, "{}: wrote {} (allows {})", browser.name(), path.display(), ids.join(", "));
        if !record.iter().any(|e| e.path == path && e.browser == browser) {
            record.push(RecordEntry { browser, path, scope: scope_label });
        }
    }
    write_record(os, env, &record)?;
    Ok(report)
}

fn register_on_windows(browser: Browser, scope: Scope, manifest: &Path, os: Os) -> Result<(), HostError> {
    if os != Os::Windows || !cfg!(windows) {
        return Ok(());
    }
    run_reg(&browsers::windows_register_args(browser, scope, manifest))
}

fn run_reg(args: &[String]) -> Result<(), HostError> {
    let status = std::process::Command::new("reg")
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| HostError::new(ErrorCode::WriteFailed, format!("could not run reg.exe: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(HostError::new(ErrorCode::WriteFailed, format!("reg.exe {} failed ({status})", args.join(" "))))
    }
}

/// `sso-bridge uninstall`: remove every manifest of ours (user scope, or system with `system`, and
/// everything in the install record) and the Windows registry keys.
pub fn uninstall(system: bool, os: Os, env: &impl Env) -> Result<String, HostError> {
    let record = read_record(os, env);
    let scope = if system { Scope::System } else { Scope::User };
    let mut report = String::new();
    let mut remaining = Vec::new();
    let mut paths: Vec<(Browser, PathBuf)> = Vec::new();
    for browser in Browser::ALL {
        for p in browsers::manifest_paths(*browser, scope, os, env) {
            paths.push((*browser, p));
        }
        if os == Os::Windows && cfg!(windows) {
            let _ = run_reg(&browsers::windows_unregister_args(*browser, scope));
        }
    }
    for e in &record {
        if (e.scope == "system") == system {
            paths.push((e.browser, e.path.clone()));
        } else {
            remaining.push(e.clone());
        }
    }
    for (browser, path) in paths {
        if read_manifest(&path).is_some() {
            fs::remove_file(&path).map_err(|e| {
                HostError::new(ErrorCode::WriteFailed, format!("could not remove {}: {e}", path.display()))
            })?;
            let _ = writeln!(report, "{}: removed {}", browser.name(), path.display());
        }
    }
    write_record(os, env, &remaining)?;
    if report.is_empty() {
        report.push_str("no sso-bridge host manifests were installed\n");
    }
    Ok(report)
}

/// The exact `install` command for `browser`: with `--extension-id` for each ID to keep, or, with
/// none, a placeholder for the ID the browser shows (there is no ID to trust by default).
fn install_command(exe: &str, browser: Browser, keep_ids: &[String]) -> String {
    let mut command = format!("{exe} install --browser {}", browser.name());
    if keep_ids.is_empty() {
        command.push_str(match browser.family() {
            Family::Chromium => " --extension-id ID  (ID: sso-bridge's ID in chrome://extensions)",
            Family::Firefox => " --extension-id ID  (ID: sso-bridge's Extension ID in about:debugging)",
        });
    }
    for id in keep_ids {
        command.push_str(" --extension-id ");
        command.push_str(id);
    }
    command
}

/// `sso-bridge doctor`: per browser, whether the manifest is found, points at this binary, the
/// binary is executable and which IDs are allowed; then whether the AWS directories are writable.
/// Every problem comes with the exact command that fixes it. Returns (report, problems found).
pub fn doctor(binary: &Path, files: &AwsFiles, os: Os, env: &impl Env) -> (String, usize) {
    let record = read_record(os, env);
    let mut out = String::new();
    let mut problems = 0;
    let exe_display = binary.display().to_string();
    for browser in Browser::ALL {
        let candidates = candidate_manifests(*browser, os, env, &record);
        let found: Vec<(PathBuf, String, Value)> = candidates
            .into_iter()
            .filter_map(|(p, scope)| read_manifest(&p).map(|m| (p, scope, m)))
            .collect();
        if os == Os::Linux {
            problems += sandboxed_browsers(&mut out, *browser, env);
        }
        if found.is_empty() {
            // A browser this user has run (its profile folder exists) cannot reach the helper:
            // that is a problem, not a note.
            let in_use = browser.profile_dirs(os, env).into_iter().find(|d| d.is_dir());
            match in_use {
                Some(dir) if os != Os::Windows => {
                    problems += 1;
                    let _ = writeln!(
                        out,
                        "{}: PROBLEM: used here ({}) but no manifest is installed, so it cannot start the helper",
                        browser.name(),
                        dir.display()
                    );
                    let _ = writeln!(out, "  fix: {}", install_command(&exe_display, *browser, &[]));
                }
                _ => {
                    let _ = writeln!(out, "{}: no manifest installed", browser.name());
                    let _ = writeln!(
                        out,
                        "  fix (if you use {}): {}",
                        browser.name(),
                        install_command(&exe_display, *browser, &[])
                    );
                }
            }
            continue;
        }
        for (path, scope, manifest) in found {
            let _ = writeln!(out, "{}: manifest found ({scope}): {}", browser.name(), path.display());
            // Re-installing keeps the IDs this manifest already allows (none: the extension's own).
            let reinstall = install_command(&exe_display, *browser, &browsers::allowed_ids(&manifest));
            let points_at = manifest.get("path").and_then(Value::as_str).unwrap_or("");
            let canonical_target = fs::canonicalize(points_at).ok().map(plain_path);
            if canonical_target.as_deref() == Some(binary) {
                let _ = writeln!(out, "  ok: points at this binary ({exe_display})");
            } else {
                problems += 1;
                let _ = writeln!(out, "  PROBLEM: points at `{points_at}`, not this binary ({exe_display})");
                let _ = writeln!(out, "  fix: {reinstall}");
            }
            match fs::metadata(points_at) {
                Ok(meta) if is_executable(&meta) => {
                    let _ = writeln!(out, "  ok: the binary is executable");
                }
                Ok(_) => {
                    problems += 1;
                    let _ = writeln!(out, "  PROBLEM: `{points_at}` is not executable");
                    let _ = writeln!(out, "  fix: chmod 755 '{points_at}'");
                }
                Err(_) => {
                    problems += 1;
                    let _ = writeln!(out, "  PROBLEM: `{points_at}` does not exist");
                    let _ = writeln!(out, "  fix: {reinstall}");
                }
            }
            if os == Os::Windows && cfg!(windows) {
                problems += check_registration(&mut out, *browser, &scope, &path, &reinstall);
            }
            let ids = browsers::allowed_ids(&manifest);
            let wrong_key = match browser.family() {
                Family::Chromium => manifest.get("allowed_extensions").is_some(),
                Family::Firefox => manifest.get("allowed_origins").is_some(),
            };
            if ids.is_empty() || wrong_key {
                problems += 1;
                let _ = writeln!(out, "  PROBLEM: the manifest allows no extension of this browser family");
                let _ = writeln!(out, "  fix: {reinstall}");
            } else {
                let _ = writeln!(out, "  allowed extension IDs: {}", ids.join(", "));
            }
        }
    }
    for (label, dir) in [
        ("~/.aws", files.aws_dir().to_path_buf()),
        ("~/.aws/sso/cache", files.sso_cache_dir()),
        ("~/.aws/cli/cache", files.cli_cache_dir()),
    ] {
        problems += check_dir(&mut out, label, &dir, files.aws_dir());
    }
    let _ = writeln!(out, "\n{} problem(s) found", problems);
    (out, problems)
}

/// Linux: Flatpak and Snap browsers this user has run. Their sandbox cannot start a program on the
/// host, so the helper is unreachable from them whatever is installed (spec §3.6); each one found
/// is a problem with what to do instead.
fn sandboxed_browsers(out: &mut String, browser: Browser, env: &impl Env) -> usize {
    let Some(home) = platform::home_dir(Os::Linux, env) else { return 0 };
    let mut problems = 0;
    for app in browser.flatpak_ids() {
        let dir = home.join(".var/app").join(app);
        if dir.is_dir() {
            problems += 1;
            let _ = writeln!(
                out,
                "{}: PROBLEM: the Flatpak {app} ({}) cannot start programs outside its sandbox, so it cannot reach the helper",
                browser.name(),
                dir.display()
            );
            let _ = writeln!(
                out,
                "  fix: use the browser from your distribution or its vendor's package, or give the Flatpak a \
                 host-spawn wrapper: `flatpak override --user --talk-name=org.freedesktop.Flatpak {app}`, a script \
                 in {}/NativeMessagingHosts that runs `flatpak-spawn --host <path to sso-bridge> \"$@\"`, and a \
                 manifest there whose path is that script",
                dir.join("config").display()
            );
        }
    }
    if let Some(snap) = browser.snap_name() {
        let dir = home.join("snap").join(snap);
        // The Firefox snap reaches hosts through the WebExtensions portal and reads
        // ~/.mozilla/native-messaging-hosts (keepassxc PR #8756); the others cannot start them.
        if dir.is_dir() && browser != Browser::Firefox {
            problems += 1;
            let _ = writeln!(
                out,
                "{}: PROBLEM: the {snap} snap ({}) cannot start programs outside its confinement, so it cannot reach the helper",
                browser.name(),
                dir.display()
            );
            let _ = writeln!(
                out,
                "  fix: install {} from a .deb/.rpm package (your distribution's or the vendor's) and run install again",
                browser.name()
            );
        }
    }
    problems
}

/// Windows: the browser finds a manifest only through its registry key; check it names `manifest`.
fn check_registration(
    out: &mut String,
    browser: Browser,
    scope: &str,
    manifest: &Path,
    reinstall: &str,
) -> usize {
    let scope = if scope == "system" { Scope::System } else { Scope::User };
    let key = browsers::windows_register_args(browser, scope, manifest)[1].clone();
    match registered_manifest(&key) {
        Some(registered) if registered.eq_ignore_ascii_case(&manifest.display().to_string()) => {
            let _ = writeln!(out, "  ok: registered in {key}");
            0
        }
        Some(registered) => {
            let _ = writeln!(out, "  PROBLEM: {key} names `{registered}`, not this manifest");
            let _ = writeln!(out, "  fix: {reinstall}");
            1
        }
        None => {
            let _ = writeln!(
                out,
                "  PROBLEM: not registered: {key} is missing, so the browser cannot find the manifest"
            );
            let _ = writeln!(out, "  fix: {reinstall}");
            1
        }
    }
}

/// The default value of a registry key (`reg query KEY /ve`), if the key exists.
fn registered_manifest(key: &str) -> Option<String> {
    let out = std::process::Command::new("reg").args(["query", key, "/ve"]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    // `    (Default)    REG_SZ    C:\…\com.sso_bridge.helper.json`
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|line| line.split_once("REG_SZ").map(|(_, value)| value.trim().to_owned()))
        .filter(|value| !value.is_empty())
}

fn check_dir(out: &mut String, label: &str, dir: &Path, aws_dir: &Path) -> usize {
    let shown = dir.display();
    match fs::symlink_metadata(dir) {
        Err(_) => {
            let _ = writeln!(out, "{label}: missing; it will be created (mode 0700) at the first sign-in");
            0
        }
        Ok(_) => {
            let root = fs::canonicalize(aws_dir).ok();
            let resolved = fs::canonicalize(dir).ok();
            if let (Some(root), Some(resolved)) = (&root, &resolved) {
                if !resolved.starts_with(root) {
                    let _ = writeln!(
                        out,
                        "{label}: PROBLEM: {shown} links to {} outside ~/.aws",
                        resolved.display()
                    );
                    let _ = writeln!(out, "  fix: rm '{shown}' && mkdir -m 700 '{shown}'");
                    return 1;
                }
            }
            match fs::metadata(dir) {
                Ok(meta) if !meta.is_dir() => {
                    let _ = writeln!(out, "{label}: PROBLEM: {shown} is not a directory");
                    let _ = writeln!(out, "  fix: move '{shown}' away, then: mkdir -m 700 '{shown}'");
                    1
                }
                Ok(meta) if meta.permissions().readonly() || !owner_writable(&meta) => {
                    let _ = writeln!(out, "{label}: PROBLEM: {shown} is not writable");
                    let _ = writeln!(out, "  fix: chmod u+rwx '{shown}'");
                    1
                }
                Ok(_) => {
                    let _ = writeln!(out, "{label}: ok, writable ({shown})");
                    0
                }
                Err(e) => {
                    let _ = writeln!(out, "{label}: PROBLEM: cannot read {shown}: {e}");
                    let _ = writeln!(out, "  fix: rm '{shown}' && mkdir -m 700 '{shown}'");
                    1
                }
            }
        }
    }
}

/// Who may change what the browsers run (issue 14): a manifest names a binary that every browser of
/// the scope will start with the user's SSO tokens in reach, so neither the binary nor the folders
/// holding it or the manifests may be writable by another user. For `--system` that means owned
/// by root (or, on macOS, group `admin`) all the way up; for a user install, owned by the user or
/// root and writable by no one else.
fn check_binary_is_safe(binary: &Path, scope: Scope, os: Os, env: &impl Env) -> Result<(), HostError> {
    if os == Os::Windows {
        // Standard users cannot create or change anything under %ProgramFiles% (its default ACL);
        // a binary anywhere else may be replaced by whoever can write there. Per-user installs run
        // the user's own copy.
        if scope == Scope::System && !under_program_files(binary, env) {
            return Err(HostError::new(
                ErrorCode::InvalidValue,
                format!(
                    "a system-wide install registers the helper for every user, so it must run from a \
                     folder only administrators can change: copy {} to \
                     \"%ProgramFiles%\\sso-bridge\\sso-bridge.exe\" and run `install --system` from there",
                    binary.display()
                ),
            ));
        }
        return Ok(());
    }
    if let Some(reason) = writable_by_others(binary, scope, os) {
        let fix = match scope {
            Scope::System => format!(
                "copy it to a root-owned folder (sudo install -o root -m 755 '{}' /usr/local/bin/sso-bridge) \
                 and run `sudo /usr/local/bin/sso-bridge install --system`",
                binary.display()
            ),
            Scope::User => "put it in a folder only you can write (e.g. ~/.local/bin, chmod 755) and run \
                            install from there"
                .to_owned(),
        };
        return Err(HostError::new(
            ErrorCode::InvalidValue,
            format!(
                "refusing to register {}: {reason}, so another user could replace the helper; {fix}",
                binary.display()
            ),
        ));
    }
    Ok(())
}

/// A manifest folder another user can write lets them point the browser at their own program.
fn check_manifest_dir_is_safe(dir: &Path, scope: Scope, os: Os) -> Result<(), HostError> {
    if os == Os::Windows || scope == Scope::User {
        // Windows: the system folder is under %ProgramFiles% (see browsers::manifest_paths); user
        // folders live in the user's own profile.
        return Ok(());
    }
    match writable_by_others(dir, scope, os) {
        None => Ok(()),
        Some(reason) => Err(HostError::new(
            ErrorCode::InvalidValue,
            format!(
                "refusing to write a manifest into {}: {reason}, so another user could replace it; \
                 fix the folder (sudo chown root:root '{}' && sudo chmod 755 '{}') and run install again",
                dir.display(),
                dir.display(),
                dir.display()
            ),
        )),
    }
}

fn under_program_files(binary: &Path, env: &impl Env) -> bool {
    let shown = binary.display().to_string().to_ascii_lowercase().replace('/', "\\");
    ["ProgramFiles", "ProgramW6432", "ProgramFiles(x86)"].iter().filter_map(|k| env.var(k)).any(|root| {
        let root = root.to_ascii_lowercase().trim_end_matches('\\').to_owned();
        shown.strip_prefix(&root).is_some_and(|rest| rest.starts_with('\\'))
    })
}

/// Why another user could write `path` or one of its existing ancestors (`None`: no one can).
/// Folders with the sticky bit (`/tmp`) only let owners replace their own entries, and each entry
/// below is checked in turn.
#[cfg(unix)]
fn writable_by_others(path: &Path, scope: Scope, os: Os) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    let path = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    for (depth, place) in path.ancestors().enumerate() {
        let Ok(meta) = fs::metadata(place) else { continue };
        let sticky_dir = meta.is_dir() && meta.mode() & 0o1000 != 0 && depth > 0;
        if let Some(reason) = ownership_problem(
            Ownership { uid: meta.uid(), gid: meta.gid(), mode: meta.mode(), sticky_dir },
            scope,
            os,
            me,
        ) {
            return Some(format!("{} {reason}", place.display()));
        }
    }
    None
}

#[cfg(not(unix))]
fn writable_by_others(_path: &Path, _scope: Scope, _os: Os) -> Option<String> {
    None
}

/// The owner and permission bits of one file or folder.
#[derive(Clone, Copy, Debug)]
pub struct Ownership {
    pub uid: u32,
    pub gid: u32,
    pub mode: u32,
    /// A folder with the sticky bit above the path checked (`/tmp`).
    pub sticky_dir: bool,
}

/// The rule, apart from the file system so every case is tested: `--system` needs root as owner
/// and only root's group (macOS: also `admin`, gid 80, which owns `/Library/Application Support`)
/// able to write; a user install needs the user or root as owner and no one else able to write.
pub fn ownership_problem(o: Ownership, scope: Scope, os: Os, me: u32) -> Option<&'static str> {
    const ROOT: u32 = 0;
    const MACOS_ADMIN_GROUP: u32 = 80;
    let owner_ok = match scope {
        Scope::System => o.uid == ROOT,
        Scope::User => o.uid == ROOT || o.uid == me,
    };
    if !owner_ok {
        return Some(match scope {
            Scope::System => "is not owned by root",
            Scope::User => "is owned by another user",
        });
    }
    if o.mode & 0o002 != 0 && !o.sticky_dir {
        return Some("is writable by every user");
    }
    let admin_group = o.gid == ROOT || (os == Os::MacOs && o.gid == MACOS_ADMIN_GROUP);
    if o.mode & 0o020 != 0 && !admin_group && !o.sticky_dir && (scope == Scope::System || o.uid == ROOT) {
        return Some("is writable by its group");
    }
    None
}

#[cfg(unix)]
fn is_executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.is_file() && meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(meta: &fs::Metadata) -> bool {
    meta.is_file()
}

#[cfg(unix)]
fn owner_writable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o300 == 0o300
}

#[cfg(not(unix))]
fn owner_writable(_meta: &fs::Metadata) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHROMIUM_ID: &str = "abcdefghijklmnopabcdefghijklmnop";

    fn env_for(home: &Path) -> impl Fn(&str) -> Option<String> + '_ {
        move |k: &str| (k == "HOME").then(|| home.display().to_string())
    }

    #[test]
    fn install_read_back_uninstall() {
        let home = tempfile::tempdir().unwrap();
        let env = env_for(home.path());
        let opts = InstallOptions {
            browsers: vec!["chromium".into(), "firefox".into()],
            extension_ids: vec![CHROMIUM_ID.into(), "sso-bridge@example.org".into()],
            ..Default::default()
        };
        let report = install(&opts, Path::new("/usr/bin/sso-bridge"), Os::Linux, &env).unwrap();
        assert!(report.contains("chromium: wrote"), "{report}");
        let m = read_manifest(
            &home.path().join(".config/chromium/NativeMessagingHosts/com.sso_bridge.helper.json"),
        )
        .unwrap();
        assert_eq!(m["allowed_origins"], json!([format!("chrome-extension://{CHROMIUM_ID}/")]));
        assert_eq!(m["path"], "/usr/bin/sso-bridge");
        assert_eq!(allowed_ids(Family::Chromium, Os::Linux, &env, None), [CHROMIUM_ID]);
        assert_eq!(allowed_ids(Family::Firefox, Os::Linux, &env, None), ["sso-bridge@example.org"]);
        let report = uninstall(false, Os::Linux, &env).unwrap();
        assert!(report.contains("removed"), "{report}");
        assert!(allowed_ids(Family::Chromium, Os::Linux, &env, None).is_empty());
    }

    #[test]
    fn user_data_dir_is_recorded_and_read_back() {
        let home = tempfile::tempdir().unwrap();
        let udd = tempfile::tempdir().unwrap();
        let env = env_for(home.path());
        let opts = InstallOptions {
            extension_ids: vec![CHROMIUM_ID.into()],
            user_data_dirs: vec![udd.path().to_path_buf()],
            ..Default::default()
        };
        install(&opts, Path::new("/x/sso-bridge"), Os::Linux, &env).unwrap();
        assert!(fs::canonicalize(udd.path())
            .unwrap()
            .join("NativeMessagingHosts/com.sso_bridge.helper.json")
            .is_file());
        assert!(!home.path().join(".config/chromium").exists());
        assert_eq!(allowed_ids(Family::Chromium, Os::Linux, &env, None), [CHROMIUM_ID]);
        assert_eq!(read_record(Os::Linux, &env)[0].scope, "userDataDir");
    }

    #[test]
    fn refuses_bad_ids_and_unknown_browsers() {
        let home = tempfile::tempdir().unwrap();
        let env = env_for(home.path());
        let bad = InstallOptions { extension_ids: vec!["nope".into()], ..Default::default() };
        assert_eq!(
            install(&bad, Path::new("/b"), Os::Linux, &env).unwrap_err().code,
            ErrorCode::InvalidValue
        );
        let unknown = InstallOptions {
            browsers: vec!["netscape".into()],
            extension_ids: vec![CHROMIUM_ID.into()],
            ..Default::default()
        };
        assert_eq!(
            install(&unknown, Path::new("/b"), Os::Linux, &env).unwrap_err().code,
            ErrorCode::InvalidValue
        );
        // `all` with no browser profile found is an error, not a silent no-op.
        let all = InstallOptions { extension_ids: vec![CHROMIUM_ID.into()], ..Default::default() };
        assert!(install(&all, Path::new("/b"), Os::Linux, &env).is_err());
        fs::create_dir_all(home.path().join(".config/chromium")).unwrap();
        let report = install(&all, Path::new("/b"), Os::Linux, &env).unwrap();
        assert!(report.contains("chromium: wrote") && !report.contains("chrome:"), "{report}");
    }

    /// Issue 14: the development IDs (anyone can reproduce them) are trusted only when asked for.
    #[test]
    fn without_ids_nothing_is_trusted_and_dev_is_explicit() {
        let home = tempfile::tempdir().unwrap();
        let env = env_for(home.path());
        let plain =
            InstallOptions { browsers: vec!["chrome".into(), "firefox".into()], ..Default::default() };
        let error = install(&plain, Path::new("/b"), Os::Linux, &env).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidValue);
        assert!(
            error.message.contains("--extension-id ID") && error.message.contains("--dev"),
            "{}",
            error.message
        );
        assert!(allowed_ids(Family::Chromium, Os::Linux, &env, None).is_empty());
        assert!(!home.path().join(".config/google-chrome").exists(), "nothing written on refusal");

        let dev = InstallOptions { dev: true, ..plain };
        let report = install(&dev, Path::new("/b"), Os::Linux, &env).unwrap();
        assert!(
            report.contains(&format!(
                "trusting Chromium extension {} (development build, --dev)",
                browsers::DEV_CHROMIUM_ID
            )),
            "{report}"
        );
        assert_eq!(allowed_ids(Family::Chromium, Os::Linux, &env, None), [browsers::DEV_CHROMIUM_ID]);
        assert_eq!(allowed_ids(Family::Firefox, Os::Linux, &env, None), [browsers::DEV_FIREFOX_ID]);

        let named = InstallOptions {
            browsers: vec!["chromium".into()],
            extension_ids: vec![CHROMIUM_ID.into()],
            ..Default::default()
        };
        let report = install(&named, Path::new("/b"), Os::Linux, &env).unwrap();
        assert!(report.contains(&format!("trusting Chromium extension {CHROMIUM_ID}\n")), "{report}");
        assert!(!report.contains("development build"), "{report}");
    }

    fn owned(uid: u32, gid: u32, mode: u32) -> Ownership {
        Ownership { uid, gid, mode, sticky_dir: false }
    }

    /// Issue 14: who may change the registered binary or a system manifest folder.
    #[test]
    fn ownership_rules_per_scope() {
        let me = 1000;
        let (sys, user) = (Scope::System, Scope::User);
        assert_eq!(ownership_problem(owned(0, 0, 0o755), sys, Os::Linux, me), None);
        assert_eq!(ownership_problem(owned(me, me, 0o755), sys, Os::Linux, me), Some("is not owned by root"));
        assert_eq!(
            ownership_problem(owned(0, 0, 0o777), sys, Os::Linux, me),
            Some("is writable by every user")
        );
        assert_eq!(
            ownership_problem(owned(0, 50, 0o775), sys, Os::Linux, me),
            Some("is writable by its group")
        );
        // macOS: /Library/Application Support is root:admin and group-writable on some releases.
        assert_eq!(ownership_problem(owned(0, 80, 0o775), sys, Os::MacOs, me), None);
        assert_eq!(
            ownership_problem(owned(0, 80, 0o775), sys, Os::Linux, me),
            Some("is writable by its group")
        );
        // A sticky folder above (/tmp) lets no one replace entries they do not own.
        let tmp = Ownership { sticky_dir: true, ..owned(0, 0, 0o1777) };
        assert_eq!(ownership_problem(tmp, user, Os::Linux, me), None);
        assert_eq!(ownership_problem(owned(me, me, 0o755), user, Os::Linux, me), None);
        assert_eq!(ownership_problem(owned(me, me, 0o775), user, Os::Linux, me), None, "user private group");
        assert_eq!(
            ownership_problem(owned(1001, 1001, 0o755), user, Os::Linux, me),
            Some("is owned by another user")
        );
        assert_eq!(
            ownership_problem(owned(me, me, 0o757), user, Os::Linux, me),
            Some("is writable by every user")
        );
    }

    /// A binary in a folder every user can write is refused, before anything is written.
    #[cfg(unix)]
    #[test]
    fn refuses_a_binary_other_users_can_write() {
        use std::os::unix::fs::PermissionsExt;
        let home = tempfile::tempdir().unwrap();
        let env = env_for(home.path());
        let shared = tempfile::tempdir().unwrap();
        let binary = shared.path().join("sso-bridge");
        fs::write(&binary, b"#!/bin/sh\n").unwrap();
        fs::set_permissions(&binary, fs::Permissions::from_mode(0o755)).unwrap();
        fs::set_permissions(shared.path(), fs::Permissions::from_mode(0o777)).unwrap();
        let opts = InstallOptions {
            browsers: vec!["chromium".into()],
            extension_ids: vec![CHROMIUM_ID.into()],
            ..Default::default()
        };
        let error = install(&opts, &binary, Os::Linux, &env).unwrap_err();
        assert!(error.message.contains("is writable by every user"), "{}", error.message);
        assert!(!home.path().join(".config/chromium").exists(), "nothing written on refusal");
        fs::set_permissions(shared.path(), fs::Permissions::from_mode(0o755)).unwrap();
        install(&opts, &binary, Os::Linux, &env).unwrap();
        // --system: a manifest folder that is not root's (a temp folder of a non-root user, or one
        // every user can write) is refused.
        let dir = tempfile::tempdir().unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
        let error = check_manifest_dir_is_safe(dir.path(), Scope::System, Os::Linux).unwrap_err();
        assert!(error.message.contains("is writable by every user"), "{}", error.message);
    }

    /// Issue 14: on Windows, `--system` registers only a binary under %ProgramFiles%.
    #[test]
    fn windows_system_install_needs_the_binary_in_program_files() {
        let env = |k: &str| match k {
            "ProgramFiles" => Some(r"C:\Program Files".to_owned()),
            "USERPROFILE" => Some(r"C:\Users\u".to_owned()),
            _ => None,
        };
        let inside = Path::new(r"C:\Program Files\sso-bridge\sso-bridge.exe");
        let outside = Path::new(r"C:\Users\u\Downloads\sso-bridge.exe");
        let lookalike = Path::new(r"C:\Program Files Evil\sso-bridge.exe");
        assert!(check_binary_is_safe(inside, Scope::System, Os::Windows, &env).is_ok());
        let error = check_binary_is_safe(outside, Scope::System, Os::Windows, &env).unwrap_err();
        assert!(error.message.contains("%ProgramFiles%"), "{}", error.message);
        assert!(check_binary_is_safe(lookalike, Scope::System, Os::Windows, &env).is_err());
        assert!(check_binary_is_safe(outside, Scope::User, Os::Windows, &env).is_ok());
    }

    /// Issue 11, found as a new user: a browser with a profile but no manifest, a browser config
    /// under $XDG_CONFIG_HOME, a Flatpak or Snap browser: never "0 problem(s)" while the browser in
    /// use cannot reach the helper. (Linux paths on a real fake home: Unix hosts only.)
    #[cfg(unix)]
    #[test]
    fn doctor_counts_browsers_that_cannot_reach_the_helper() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path().display().to_string();
        let xdg = home.path().join("xdg");
        let x = xdg.display().to_string();
        let env = move |k: &str| match k {
            "HOME" => Some(h.clone()),
            "XDG_CONFIG_HOME" => Some(x.clone()),
            _ => None,
        };
        let files = AwsFiles::from_env(Os::Linux, &env).unwrap();
        let binary = Path::new("/usr/local/bin/sso-bridge");
        let (report, problems) = doctor(binary, &files, Os::Linux, &env);
        assert_eq!(problems, 0, "{report}");
        // Chrome used with XDG_CONFIG_HOME set: found by doctor and by install.
        fs::create_dir_all(xdg.join("google-chrome")).unwrap();
        let (report, problems) = doctor(binary, &files, Os::Linux, &env);
        assert_eq!(problems, 1, "{report}");
        assert!(report.contains("chrome: PROBLEM: used here"), "{report}");
        assert!(
            report.contains("fix: /usr/local/bin/sso-bridge install --browser chrome --extension-id ID"),
            "{report}"
        );
        let opts = InstallOptions { extension_ids: vec![CHROMIUM_ID.into()], ..Default::default() };
        let written = install(&opts, binary, Os::Linux, &env).unwrap();
        assert!(
            written.contains(&format!(
                "chrome: wrote {}",
                xdg.join("google-chrome/NativeMessagingHosts").display()
            )),
            "{written}"
        );
        // Firefox 147+ fresh profile only in $XDG_CONFIG_HOME/mozilla: detected, manifest in ~/.mozilla.
        fs::create_dir_all(xdg.join("mozilla/firefox")).unwrap();
        let opts = InstallOptions { extension_ids: vec!["a@b.org".into()], ..Default::default() };
        let written = install(&opts, binary, Os::Linux, &env).unwrap();
        assert!(
            written.contains("firefox: wrote") && written.contains(".mozilla/native-messaging-hosts"),
            "{written}"
        );
        // Flatpak Chrome and the Chromium snap: problems with what to do.
        fs::create_dir_all(home.path().join(".var/app/com.google.Chrome")).unwrap();
        fs::create_dir_all(home.path().join("snap/chromium")).unwrap();
        let (report, problems) = doctor(binary, &files, Os::Linux, &env);
        assert!(
            report.contains("the Flatpak com.google.Chrome") && report.contains("flatpak-spawn --host"),
            "{report}"
        );
        assert!(
            report.contains("the chromium snap") && report.contains("fix: install chromium from"),
            "{report}"
        );
        assert!(problems >= 2, "{report}");
    }

    #[test]
    fn doctor_names_problems_and_fixes() {
        let home = tempfile::tempdir().unwrap();
        let env = env_for(home.path());
        let files = AwsFiles::from_env(Os::Linux, &env).unwrap();
        let opts = InstallOptions {
            browsers: vec!["chromium".into()],
            extension_ids: vec![CHROMIUM_ID.into()],
            ..Default::default()
        };
        install(&opts, Path::new("/nonexistent/sso-bridge"), Os::Linux, &env).unwrap();
        let (report, problems) = doctor(Path::new("/usr/local/bin/sso-bridge"), &files, Os::Linux, &env);
        assert!(problems >= 2, "{report}");
        assert!(report.contains("does not exist"), "{report}");
        assert!(report.contains("fix: /usr/local/bin/sso-bridge install --browser chromium"), "{report}");
        assert!(report.contains(&format!("allowed extension IDs: {CHROMIUM_ID}")), "{report}");
        assert!(report.contains("~/.aws: missing"), "{report}");
    }
}
