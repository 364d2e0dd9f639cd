//! The Windows helper tested on Windows semantics, under wine: its unit tests and the protocol and
//! bad-input tests (registry install → doctor → uninstall, binary-mode framing, atomic writes and
//! the write lock, `%USERPROFILE%`-style paths) built for `x86_64-pc-windows-gnu` with MinGW-w64
//! and run by wine as the cargo runner.
//!
//! The wine prefix lives in `target/wine-prefix` (rebuilt from nothing by this step). Wine 8.0
//! lacks `bcryptprimitives.dll`, whose `ProcessPrng` Rust's std imports; `xtask/wine/` holds a
//! one-function stand-in that is compiled here and copied into the prefix only.

use crate::cross::{path_str, target_dir};
use crate::util::{self, ensure_rust_target, root};
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "x86_64-pc-windows-gnu";
/// Debian's 64-bit wine loader (package `wine64`).
const WINE64: &str = "/usr/lib/wine/wine64";
const MINGW_GCC: &str = "/usr/bin/x86_64-w64-mingw32-gcc";

pub fn ensure_tools() -> Result<(), String> {
    util::ensure_apt_packages(&[
        (WINE64, "wine64"),
        ("/usr/bin/wine", "wine"),
        (MINGW_GCC, "gcc-mingw-w64-x86-64"),
        ("/usr/bin/file", "file"),
    ])
}

/// The environment wine needs: a 64-bit prefix of our own, quiet.
pub fn wine_env(prefix: &Path) -> Result<Vec<(&'static str, String)>, String> {
    Ok(vec![
        ("WINEPREFIX", path_str(prefix)?.to_owned()),
        ("WINEARCH", "win64".to_owned()),
        ("WINEDEBUG", "-all".to_owned()),
        // No "install Mono/Gecko?" prompts: the helper needs neither.
        ("WINEDLLOVERRIDES", "mscoree=;mshtml=".to_owned()),
    ])
}

/// `target/wine-prefix`, initialised once, with the `bcryptprimitives.dll` stand-in in system32.
pub fn ensure_prefix() -> Result<PathBuf, String> {
    ensure_tools()?;
    let prefix = target_dir().join("wine-prefix");
    let system32 = prefix.join("drive_c/windows/system32");
    let dll = system32.join("bcryptprimitives.dll");
    if dll.exists() {
        return Ok(prefix);
    }
    let env = wine_env(&prefix)?;
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    util::run_in(&root(), WINE64, &["wineboot", "-i"], &env)?;
    // wineboot returns before the wineserver has written the prefix to disk.
    util::run_in(&root(), "/usr/bin/wineserver", &["-w"], &env)?;
    if !system32.is_dir() {
        return Err(format!("wineboot did not create {}", system32.display()));
    }
    let source = root().join("xtask/wine/bcryptprimitives.c");
    let built = target_dir().join("wine-bcryptprimitives.dll");
    util::run(MINGW_GCC, &["-shared", "-O2", "-o", path_str(&built)?, path_str(&source)?, "-ladvapi32"])?;
    std::fs::copy(&built, &dll).map_err(|e| format!("cannot copy the stub DLL into the prefix: {e}"))?;
    Ok(prefix)
}

/// Runs a Windows program under wine; returns its stdout.
pub fn run_exe(prefix: &Path, exe: &Path, args: &[&str]) -> Result<String, String> {
    let mut command = Command::new(WINE64);
    command.arg(exe).args(args).envs(wine_env(prefix)?);
    let out = command.output().map_err(|e| format!("could not start wine: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{} {} under wine failed ({}): {}",
            exe.display(),
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The Windows binary computes the AWS CLI's token cache key exactly like the native one.
pub fn check_cache_key(prefix: &Path, exe: &Path) -> Result<(), String> {
    util::run("cargo", &["build", "--locked", "-p", "sso-bridge-host"])?;
    let native = target_dir().join("debug/sso-bridge");
    let expected = util::output(path_str(&native)?, &["cache-key", "admin"])
        .ok_or("the native sso-bridge cache-key failed")?;
    let windows = run_exe(prefix, exe, &["cache-key", "admin"])?;
    // sha1("admin"): the AWS CLI's file name for `[sso-session admin]` (spec §1.1).
    if windows.trim() != expected.trim() || expected.trim() != "d033e22ae348aeb5660fc2140aec35850c4da997" {
        return Err(format!("cache-key admin: Windows `{}`, native `{}`", windows.trim(), expected.trim()));
    }
    eprintln!("xtask: {}: cache-key admin = {} (same as native)", exe.display(), windows.trim());
    Ok(())
}

/// Test step: the helper's Windows build under wine.
pub fn tests() -> Result<(), String> {
    let prefix = ensure_prefix()?;
    ensure_rust_target(TARGET)?;
    let mut env = wine_env(&prefix)?;
    env.push(("CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER", WINE64.to_owned()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // One test at a time: the tests share the prefix's registry (HKCU, HKLM), as two installs on
    // one Windows account would.
    util::run_in(
        &root(),
        "cargo",
        &[
            "test",
            "--locked",
            "--target",
            TARGET,
            "-p",
            "sso-bridge-host",
            "--lib",
            "--test",
            "protocol",
            "--test",
            "bad_input",
            "--",
            "--test-threads=1",
        ],
        &env,
    )?;
    let exe = target_dir().join(TARGET).join("debug/sso-bridge.exe");
    check_cache_key(&prefix, &exe)
}
