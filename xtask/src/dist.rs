//! `cargo xtask dist`: the release artifacts.

use crate::{cross, extension, util, wasm};

pub fn run(args: &[String]) -> Result<(), String> {
    let mut npm_only = false;
    let mut cross = true;
    for arg in args {
        match arg.as_str() {
            "--npm-only" => npm_only = true,
            "--no-cross" => cross = false,
            other => return Err(format!("unknown option for dist: `{other}`")),
        }
    }
    if npm_only {
        return wasm::build_package();
    }
    util::run(
        "cargo",
        &["build", "--release", "--locked", "-p", "sso-bridge-host", "-p", "sso-bridge-emulator"],
    )?;
    eprintln!("xtask: built target/release/sso-bridge and target/release/sso-bridge-emulator");
    wasm::build_package()?;
    extension::build()?;
    if cross {
        let binaries = cross::dist()?;
        cross::check_formats(&binaries)?;
    }
    Ok(())
}
