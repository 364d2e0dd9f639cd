//! The helper for every desktop: cross builds with `cargo zigbuild` (zig as the C compiler and
//! linker, so macOS and Windows link here without their SDKs: rustls with the Mozilla roots needs
//! none) and one archive per target in `dist/`, plus `dist/SHA256SUMS`.
//!
//! zig and cargo-zigbuild come from PyPI (`ziglang`, `cargo-zigbuild`: the same tools as on
//! crates.io, prebuilt) into a venv under `target/`, pinned in `xtask/cross-requirements.txt`;
//! nothing is cached that a clean clone cannot rebuild.

use crate::util::{self, ensure_rust_target, root};
use std::path::{Path, PathBuf};

/// Every release target: the archive format follows what each OS opens without extra tools.
pub const TARGETS: &[&str] = &[
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-gnu",
];

const REQUIREMENTS: &str = "xtask/cross-requirements.txt";
const PINS_MARKER: &str = "sso-bridge-cross-requirements.txt";
/// The oldest glibc the Linux binaries run on (zig links against this version's symbols).
const GLIBC: &str = "2.28";

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// The venv with zig and cargo-zigbuild; returns its `bin/` folder (put first on PATH).
pub fn ensure_zig() -> Result<PathBuf, String> {
    let venv = target_dir().join("cross-venv");
    let bin = venv.join("bin");
    let wanted = std::fs::read_to_string(root().join(REQUIREMENTS))
        .map_err(|e| format!("cannot read {REQUIREMENTS}: {e}"))?;
    let built_from = std::fs::read_to_string(venv.join(PINS_MARKER)).unwrap_or_default();
    if bin.join("cargo-zigbuild").exists() && built_from == wanted {
        return Ok(bin);
    }
    eprintln!("xtask: (re)creating {} with the pins in {REQUIREMENTS}", venv.display());
    let venv_str = path_str(&venv)?;
    util::run("python3", &["-m", "venv", "--clear", venv_str]).map_err(|e| {
        format!("{e}\nPython 3 with the venv module is needed (Debian: apt-get install python3-venv)")
    })?;
    let pip = bin.join("pip");
    util::run(path_str(&pip)?, &["install", "--quiet", "--disable-pip-version-check", "-r", REQUIREMENTS])?;
    std::fs::write(venv.join(PINS_MARKER), wanted)
        .map_err(|e| format!("cannot write the venv marker: {e}"))?;
    Ok(bin)
}

/// PATH with the zig venv first (cargo-zigbuild finds zig as `python3 -m ziglang` there).
pub fn zig_path(bin: &Path) -> Result<String, String> {
    let old = std::env::var("PATH").unwrap_or_default();
    Ok(format!("{}:{old}", path_str(bin)?))
}

/// `cargo zigbuild` for one target; returns the built binary.
pub fn build(target: &str, bin: &Path, extra: &[&str]) -> Result<PathBuf, String> {
    ensure_rust_target(target)?;
    let path = zig_path(bin)?;
    // Linux: link against an old glibc so the binary runs on every maintained distribution.
    let zig_target =
        if target.ends_with("-linux-gnu") { format!("{target}.{GLIBC}") } else { target.to_owned() };
    let mut args = vec!["zigbuild", "--locked", "-p", "sso-bridge-host", "--target", zig_target.as_str()];
    args.extend_from_slice(extra);
    util::run_in(&root(), "cargo", &args, &[("PATH", path.as_str())])?;
    let profile = if extra.contains(&"--release") { "release" } else { "debug" };
    let exe = if target.contains("windows") { "sso-bridge.exe" } else { "sso-bridge" };
    Ok(target_dir().join(target).join(profile).join(exe))
}

/// `dist/sso-bridge-<version>-<target>.{zip,tar.gz}` for every target, and `dist/SHA256SUMS`.
/// Returns each target with its binary.
pub fn dist() -> Result<Vec<(&'static str, PathBuf)>, String> {
    let bin = ensure_zig()?;
    let version = env!("CARGO_PKG_VERSION");
    let dist = root().join("dist");
    std::fs::create_dir_all(&dist).map_err(|e| format!("cannot create dist/: {e}"))?;
    let install_text = install_section()?;
    let mut archives = Vec::new();
    let mut binaries = Vec::new();
    for target in TARGETS {
        let binary = build(target, &bin, &["--release"])?;
        binaries.push((*target, binary.clone()));
        let name = format!("sso-bridge-{version}-{target}");
        // Staged as <name>/…: the archive unpacks into one folder named like itself.
        let stage_root = target_dir().join("dist-stage");
        let stage = stage_root.join(&name);
        let _ = std::fs::remove_dir_all(&stage);
        std::fs::create_dir_all(&stage).map_err(|e| format!("cannot create {}: {e}", stage.display()))?;
        let file_name = binary.file_name().ok_or("the binary has no file name")?;
        copy(&binary, &stage.join(file_name))?;
        copy(&root().join("LICENSE"), &stage.join("LICENSE"))?;
        crate::notices::write(
            &stage.join(crate::wasm::NOTICES),
            "sso-bridge-host",
            target,
            &format!("The sso-bridge helper for {target}"),
        )?;
        std::fs::write(stage.join("INSTALL.md"), &install_text)
            .map_err(|e| format!("cannot write INSTALL.md: {e}"))?;
        let (archive, module, flag) = if target.contains("windows") {
            (dist.join(format!("{name}.zip")), "zipfile", "-c")
        } else {
            // tarfile picks gzip from the .tar.gz suffix and keeps the binary's 0755 mode.
            (dist.join(format!("{name}.tar.gz")), "tarfile", "-c")
        };
        let _ = std::fs::remove_file(&archive);
        util::run_in(&stage_root, "python3", &["-m", module, flag, path_str(&archive)?, &name], &[])?;
        archives.push(archive);
    }
    write_checksums(&dist, &archives)?;
    eprintln!("xtask: helper archives and SHA256SUMS in dist/");
    Ok(binaries)
}

/// `dist/SHA256SUMS` in the format `sha256sum -c` and `shasum -a 256 -c` check.
fn write_checksums(dist: &Path, archives: &[PathBuf]) -> Result<(), String> {
    let names: Vec<&str> = archives
        .iter()
        .map(|a| a.file_name().and_then(|n| n.to_str()).ok_or("archive name is not UTF-8"))
        .collect::<Result<_, _>>()?;
    let mut args = vec!["--"];
    args.extend(names.iter().copied());
    let out = std::process::Command::new("sha256sum")
        .args(&args)
        .current_dir(dist)
        .output()
        .map_err(|e| format!("could not run sha256sum (coreutils): {e}"))?;
    if !out.status.success() {
        return Err(format!("sha256sum failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    std::fs::write(dist.join("SHA256SUMS"), &out.stdout).map_err(|e| format!("cannot write SHA256SUMS: {e}"))
}

/// The README's Install and Uninstall sections, shipped in every archive as INSTALL.md.
fn install_section() -> Result<String, String> {
    let readme = std::fs::read_to_string(root().join("README.md")).map_err(|e| format!("README.md: {e}"))?;
    let mut out = String::new();
    let mut keep = false;
    for line in readme.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            keep = heading.starts_with("Install") || heading.starts_with("Uninstall");
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    if out.is_empty() {
        return Err("README.md has no `## Install` section to ship in the archives".into());
    }
    Ok(out)
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

pub fn path_str(path: &Path) -> Result<&str, String> {
    path.to_str().ok_or_else(|| format!("{} is not valid UTF-8", path.display()))
}

/// `file` names the right format and architecture for each binary.
pub fn check_formats(binaries: &[(&str, PathBuf)]) -> Result<(), String> {
    for (target, binary) in binaries {
        let described = util::output("file", &["-b", path_str(binary)?])
            .ok_or("could not run `file` (Debian: apt-get install file)")?;
        let expected: &[&str] = match *target {
            "x86_64-unknown-linux-gnu" => &["ELF 64-bit", "x86-64"],
            "aarch64-unknown-linux-gnu" => &["ELF 64-bit", "ARM aarch64"],
            "x86_64-apple-darwin" => &["Mach-O 64-bit", "x86_64"],
            "aarch64-apple-darwin" => &["Mach-O 64-bit", "arm64"],
            "x86_64-pc-windows-gnu" => &["PE32+ executable", "x86-64"],
            other => return Err(format!("no expected `file` output for {other}")),
        };
        if !expected.iter().all(|e| described.contains(e)) {
            return Err(format!(
                "{}: `file` says `{}`, expected {expected:?}",
                binary.display(),
                described.trim()
            ));
        }
        eprintln!("xtask: {target}: {}", described.trim());
    }
    Ok(())
}

/// Test step: the release archives for every desktop, each binary's format checked with `file`,
/// the archives checked against SHA256SUMS, and the Windows binary run under wine.
pub fn release_check() -> Result<(), String> {
    crate::wine::ensure_tools()?;
    let binaries = dist()?;
    check_formats(&binaries)?;
    util::run_in(&root().join("dist"), "sha256sum", &["--check", "--strict", "SHA256SUMS"], &[])?;
    let prefix = crate::wine::ensure_prefix()?;
    let windows = binaries
        .iter()
        .find(|(t, _)| t.contains("windows"))
        .map(|(_, b)| b.clone())
        .ok_or("no Windows binary was built")?;
    crate::wine::check_cache_key(&prefix, &windows)
}
