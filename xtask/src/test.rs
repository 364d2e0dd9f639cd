//! `cargo xtask test`: everything CI checks, fast to slow.

use crate::util::{self, ensure_rust_target};

/// One named step of the test run.
type Step = (&'static str, fn() -> Result<(), String>);

pub fn run_all(native_only: bool) -> Result<(), String> {
    let mut steps: Vec<Step> = vec![
        ("format", format_check),
        ("clippy", clippy),
        ("native tests", native_tests),
        ("wasm build of the core", wasm_build),
    ];
    if native_only {
        steps.retain(|(name, _)| *name != "wasm build of the core");
    }
    let total = steps.len();
    for (i, (name, step)) in steps.into_iter().enumerate() {
        eprintln!("\nxtask: [{}/{total}] {name}", i + 1);
        step().map_err(|e| format!("step `{name}` failed: {e}"))?;
    }
    eprintln!("\nxtask: all {total} steps passed");
    Ok(())
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut native_only = false;
    for arg in args {
        match arg.as_str() {
            "--native-only" => native_only = true,
            other => return Err(format!("unknown option for test: `{other}`")),
        }
    }
    run_all(native_only)
}

fn format_check() -> Result<(), String> {
    util::run("cargo", &["fmt", "--all", "--check"])
        .map_err(|e| format!("{e}\nrun `cargo fmt --all` to fix the formatting"))
}

fn clippy() -> Result<(), String> {
    util::run("cargo", &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])
}

fn native_tests() -> Result<(), String> {
    util::run("cargo", &["test", "--workspace", "--locked"])
}

fn wasm_build() -> Result<(), String> {
    ensure_rust_target("wasm32-unknown-unknown")?;
    util::run("cargo", &["build", "--locked", "-p", "sso-bridge", "--target", "wasm32-unknown-unknown"])
}
