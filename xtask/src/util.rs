//! Small helpers for running tools from the xtask.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root (the xtask crate sits one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask has a parent directory").to_path_buf()
}

/// Runs `program args…` in the repository root, echoing it; an error names the command.
/// Cargo's home: `CARGO_HOME`, or `~/.cargo` as cargo itself defaults.
pub fn cargo_home() -> Result<PathBuf, String> {
    std::env::var("CARGO_HOME")
        .ok()
        .filter(|home| !home.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var("HOME").ok().map(|home| Path::new(&home).join(".cargo")))
        .ok_or_else(|| "neither CARGO_HOME nor HOME is set".to_string())
}

pub fn run(program: &str, args: &[&str]) -> Result<(), String> {
    run_in(&root(), program, args, &[])
}

/// Runs a command in `dir` with extra environment variables.
pub fn run_in(dir: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    eprintln!("xtask: $ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .status()
        .map_err(|e| format!("could not start `{program}`: {e}. Is it installed and on PATH?"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

/// Runs a command and returns its stdout, or None if it cannot run or fails.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).current_dir(root()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Makes sure a rustup target is installed, installing it when rustup is available.
pub fn ensure_rust_target(target: &str) -> Result<(), String> {
    let installed = output("rustup", &["target", "list", "--installed"]);
    match installed {
        Some(list) if list.lines().any(|l| l.trim() == target) => Ok(()),
        Some(_) => run("rustup", &["target", "add", target]),
        None => {
            if rustc_knows_target(target) {
                Ok(())
            } else {
                Err(format!(
                    "the Rust target {target} is missing and rustup is not available: install it with \
                     your toolchain manager (rustup target add {target})"
                ))
            }
        }
    }
}

fn rustc_knows_target(target: &str) -> bool {
    let sysroot = output("rustc", &["--print", "sysroot"]).unwrap_or_default();
    Path::new(sysroot.trim()).join("lib/rustlib").join(target).exists()
}

/// Debian packages a step needs, as (a file the package installs, the package). Missing ones are
/// installed when this runs as root with apt-get (as `.ci/run` does); otherwise the error is the
/// exact command to run, before any step starts rather than as a missing binary deep inside one.
pub fn ensure_apt_packages(needed: &[(&str, &str)]) -> Result<(), String> {
    let missing: Vec<&str> =
        needed.iter().filter(|(file, _)| !Path::new(file).exists()).map(|(_, package)| *package).collect();
    install_apt_packages(&missing)
}

/// Installs `missing` Debian packages (see [`ensure_apt_packages`]).
pub fn install_apt_packages(missing: &[&str]) -> Result<(), String> {
    if missing.is_empty() {
        return Ok(());
    }
    let command = format!("apt-get install -y {}", missing.join(" "));
    let is_root = output("id", &["-u"]).is_some_and(|uid| uid.trim() == "0");
    if !is_root || !Path::new("/usr/bin/apt-get").exists() {
        return Err(format!(
            "missing Debian packages: {}. Install them with `sudo {command}` (or your system's \
             equivalent), then run this again",
            missing.join(", ")
        ));
    }
    eprintln!("xtask: installing missing Debian packages: {}", missing.join(" "));
    let quiet_env = [("DEBIAN_FRONTEND", "noninteractive")];
    run_in(&root(), "apt-get", &["update", "-qq"], &quiet_env)?;
    let mut args = vec!["install", "-y", "-qq"];
    args.extend(missing.iter().copied());
    run_in(&root(), "apt-get", &args, &quiet_env).map_err(|e| format!("{e}\nrun `{command}` by hand"))
}
