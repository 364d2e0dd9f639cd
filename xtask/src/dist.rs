//! `cargo xtask dist`: the release artifacts.

use crate::util;

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(other) = args.first() {
        return Err(format!("unknown option for dist: `{other}`"));
    }
    util::run(
        "cargo",
        &["build", "--release", "--locked", "-p", "sso-bridge-host", "-p", "sso-bridge-emulator"],
    )?;
    eprintln!("xtask: built target/release/sso-bridge and target/release/sso-bridge-emulator");
    Ok(())
}
