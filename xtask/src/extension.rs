//! The MV3 extension (`extension/`, `manifest.json`): build, lint, end-to-end tests, demo.

use crate::python;
use crate::util::{self, root};
use crate::wasm::{self, path_str};
use std::path::{Path, PathBuf};

/// The development extension ID: fixed by the public `key` in manifest.json (see extension/README.md).
pub const DEV_EXTENSION_ID: &str = "llndfjhkbfcplfncdemailgbbllcdlka";

fn extension_dir() -> PathBuf {
    root().join("extension")
}

fn node_script(dir: &Path, script: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let mut all = vec![script];
    all.extend_from_slice(args);
    util::run_in(dir, "node", &all, env)
}

/// Builds the store and development trees (`dist/chromium/`, `dist/chromium-dev/`, …) and their
/// zips from the extension's own web build of the core (`wasm::build_extension_glue`: the package's
/// module, glue that can re-instantiate it after a trap).
pub fn build() -> Result<(), String> {
    let dir = extension_dir();
    wasm::npm_ci(&dir)?;
    wasm::build_extension_glue()?;
    let glue = wasm::extension_glue_dir();
    node_script(&dir, "build.mjs", &[], &[("SSO_BRIDGE_PKG_DIR", path_str(&glue)?)])
}

/// ESLint on the sources and `web-ext lint` on the Firefox build (errors fail; warnings are shown).
pub fn lint() -> Result<(), String> {
    let dir = extension_dir();
    node_script(&dir, "node_modules/eslint/bin/eslint.js", &["--max-warnings", "0", "."], &[])?;
    let firefox = root().join("dist/firefox");
    node_script(
        &dir,
        "node_modules/web-ext/bin/web-ext.js",
        &["lint", "--self-hosted", "--source-dir", path_str(&firefox)?],
        &[],
    )
}

/// Test step: build the extension (pkg/ comes from the npm package step before), lint it.
pub fn checks() -> Result<(), String> {
    if !wasm::pkg_dir().join("web/sso_bridge.js").exists() {
        wasm::build_package()?;
    }
    build()?;
    lint()
}

/// Debug builds of the helper and the emulator, for the e2e tests and the demo.
fn native_binaries() -> Result<(PathBuf, PathBuf), String> {
    util::run("cargo", &["build", "--locked", "-p", "sso-bridge-host", "-p", "sso-bridge-emulator"])?;
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"));
    Ok((target.join("debug/sso-bridge"), target.join("debug/sso-bridge-emulator")))
}

fn e2e_env(helper: &Path, emulator: &Path, extension: &Path) -> Result<Vec<(&'static str, String)>, String> {
    let python = python::ensure_venv()?;
    Ok(vec![
        ("SSO_BRIDGE_PYTHON", path_str(&python)?.to_string()),
        ("SSO_BRIDGE_BIN", path_str(helper)?.to_string()),
        ("SSO_BRIDGE_EMULATOR_BIN", path_str(emulator)?.to_string()),
        ("SSO_BRIDGE_EXTENSION_DIR", path_str(extension)?.to_string()),
        ("SSO_BRIDGE_EXTENSION_ID", DEV_EXTENSION_ID.to_string()),
    ])
}

/// The Chromium development zip, unpacked into `target/e2e-extension/`: the store zip's files plus
/// the pinned `key` (the stable development ID the helper is registered for) and the loopback host
/// permission the emulator needs. A file missing from the zips fails the tests.
fn unpacked_development_zip() -> Result<PathBuf, String> {
    let zip = root().join(format!("dist/sso-bridge-chromium-dev-{}.zip", env!("CARGO_PKG_VERSION")));
    if !zip.exists() {
        return Err(format!("{} is missing: run `cargo xtask dist` first", zip.display()));
    }
    let out = wasm::target_dir().join("e2e-extension");
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("cannot clear {}: {e}", out.display()))?;
    }
    util::run("python3", &["-m", "zipfile", "-e", path_str(&zip)?, path_str(&out)?])?;
    if !out.join("manifest.json").exists() {
        return Err(format!("{} has no manifest.json at its root", zip.display()));
    }
    Ok(out)
}

/// Test step: Playwright (playwright-core + Debian Chromium) drives the built extension against the
/// emulator, with the helper installed into a temporary HOME.
pub fn e2e() -> Result<(), String> {
    if !root().join("dist/chromium-dev/manifest.json").exists() {
        checks()?;
    }
    let extension = unpacked_development_zip()?;
    // `E2E_TESTS` (space-separated files under `e2e/`, e.g. `tests/console.test.mjs`) runs just those
    // while working on them; CI runs the whole folder.
    let chosen = std::env::var("E2E_TESTS").unwrap_or_default();
    let mut args = vec!["--experimental-websocket", "--test", "--test-concurrency=1"];
    if chosen.trim().is_empty() {
        args.push("tests/");
    } else {
        args.extend(chosen.split_whitespace());
    }
    // `--experimental-websocket`: node 20's WebSocket client, for Firefox's WebDriver BiDi.
    node_in_e2e(&extension, &args)
}

/// Runs `node ARGS` in `e2e/` with the release helper and emulator, the test Python and `extension`
/// (an unpacked build) in its environment.
fn node_in_e2e(extension: &Path, args: &[&str]) -> Result<(), String> {
    let (helper, emulator) = native_binaries()?;
    let dir = root().join("e2e");
    wasm::npm_ci(&dir)?;
    let env = e2e_env(&helper, &emulator, extension)?;
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    util::run_in(&dir, "node", args, &env)
}

/// `cargo xtask demo`: emulator + helper in a throw-away HOME + Chromium with the extension.
pub fn demo(args: &[String]) -> Result<(), String> {
    if let Some(other) = args.first() {
        return Err(format!("unknown option for demo: `{other}`"));
    }
    util::ensure_apt_packages(&[("/usr/bin/chromium", "chromium")])?;
    if !wasm::pkg_dir().join("web/sso_bridge.js").exists() {
        wasm::build_package()?;
    }
    build()?;
    node_in_e2e(&root().join("dist/chromium-dev"), &["demo.mjs"])
}

/// `cargo xtask bench-popup`: the popup-open benchmark (`e2e/bench/popup-open.mjs`) on the built
/// extension, with a 5,000-profile config against a 2-profile one as the baseline. Not a test.
pub fn bench_popup(args: &[String]) -> Result<(), String> {
    if !root().join("dist/chromium/manifest.json").exists() {
        checks()?;
    }
    let mut all = vec!["bench/popup-open.mjs"];
    all.extend(args.iter().map(String::as_str));
    node_in_e2e(&root().join("dist/chromium"), &all)
}

/// `cargo xtask bench-accounts`: the account browser's search benchmark (`e2e/bench/account-filter.mjs`)
/// on the development build (the emulator is on loopback), 2,000 accounts against 20. Not a test.
pub fn bench_accounts(args: &[String]) -> Result<(), String> {
    if !root().join("dist/chromium-dev/manifest.json").exists() {
        checks()?;
    }
    let extension = unpacked_development_zip()?;
    let mut all = vec!["bench/account-filter.mjs"];
    all.extend(args.iter().map(String::as_str));
    node_in_e2e(&extension, &all)
}
