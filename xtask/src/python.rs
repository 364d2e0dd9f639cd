//! The Python side of the test run: one venv at `.venv/` (gitignored) with the exact pins from
//! `emulator/referee/requirements.txt`, and the emulator's referee tests (boto3, botocore's SSO
//! credential chain, the AWS CLI v2, pagination, load) that run in it.

use std::path::PathBuf;

use crate::util;

const REQUIREMENTS: &str = "emulator/referee/requirements.txt";
/// Copy of the requirements the venv was built from; a mismatch rebuilds it.
const PINS_MARKER: &str = "sso-bridge-requirements.txt";

/// Makes sure `.venv/` exists with exactly the pinned packages; returns its python.
pub fn ensure_venv() -> Result<PathBuf, String> {
    let root = util::root();
    let venv = root.join(".venv");
    let python = venv.join("bin").join("python");
    let wanted = std::fs::read_to_string(root.join(REQUIREMENTS))
        .map_err(|e| format!("cannot read {REQUIREMENTS}: {e}"))?;
    let built_from = std::fs::read_to_string(venv.join(PINS_MARKER)).unwrap_or_default();
    if python.exists() && built_from == wanted {
        return Ok(python);
    }
    eprintln!("xtask: (re)creating .venv with the pins in {REQUIREMENTS}");
    util::run("python3", &["-m", "venv", "--clear", ".venv"]).map_err(|e| {
        format!("{e}\nPython 3 with the venv module is needed (Debian: apt-get install python3-venv)")
    })?;
    let python_str = python.to_string_lossy().into_owned();
    util::run(
        &python_str,
        &["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", REQUIREMENTS],
    )?;
    std::fs::write(venv.join(PINS_MARKER), wanted)
        .map_err(|e| format!("cannot write the venv marker: {e}"))?;
    Ok(python)
}

/// Builds the emulator binary and runs `emulator/referee/` with pytest against it.
pub fn emulator_referees() -> Result<(), String> {
    util::run("cargo", &["build", "--locked", "-p", "sso-bridge-emulator"])?;
    let python = ensure_venv()?;
    let root = util::root();
    let binary = root.join("target").join("debug").join("sso-bridge-emulator");
    let binary = binary.to_string_lossy().into_owned();
    util::run_in(
        &root,
        &python.to_string_lossy(),
        &["-m", "pytest", "-q", "-p", "no:cacheprovider", "emulator/referee"],
        &[("SSO_BRIDGE_EMULATOR_BIN", binary.as_str())],
    )
}
