//! `cargo xtask test`: everything CI checks, fast to slow.

use crate::python;
use crate::util::{self, ensure_rust_target};
use crate::{extension, fuzz, wasm};

/// One named step of the test run.
type Step = (&'static str, fn() -> Result<(), String>);

/// Debian packages the steps use, installed up front when possible (see util::ensure_apt_packages);
/// the same list as `.ci/run`.
const APT_PACKAGES: &[(&str, &str)] = &[
    ("/usr/bin/chromium", "chromium"),
    ("/usr/bin/chromedriver", "chromium-driver"),
    ("/usr/bin/aws", "awscli"),
    ("/usr/bin/firefox-esr", "firefox-esr"),
];

/// Runs every step (or the native ones, those before the wasm build; or those whose name contains `only`).
pub fn run_all(native_only: bool, only: Option<&str>) -> Result<(), String> {
    let mut steps: Vec<Step> = vec![
        ("format", format_check),
        ("clippy", clippy),
        ("native tests", native_tests),
        ("crates: cargo doc without warnings, cargo package (core and helper)", crate_packaging),
        ("emulator referees (boto3, botocore, AWS CLI v2, pagination, load)", python::emulator_referees),
        (
            "helper referees (boto3, AWS CLI v2 on the helper's files; Chromium launches the helper)",
            helper_referees,
        ),
        ("SSO error-code referee (botocore's RestJSONParser)", error_code_referee),
        ("Windows helper under wine (unit, protocol, bad-input tests; registry)", crate::wine::tests),
        (
            "helper for every desktop: cross builds, archives, SHA256SUMS, `file`, Windows binary under wine",
            crate::cross::release_check,
        ),
        ("wasm build of the core and bindings (clippy)", wasm_build),
        (
            "npm package: build, types, size, node tests, consumer toolchains (Vite, webpack, esbuild, Node)",
            wasm::npm_package_tests,
        ),
        ("wasm tests in Chromium", wasm::browser_tests),
        ("www demo page in Chromium (playwright-core)", wasm::www_tests),
        ("extension: build, eslint, web-ext lint", extension::checks),
        ("end-to-end tests: extension + helper + emulator in Chromium", extension::e2e),
        (
            "fuzz targets, briefly (cargo fuzz: parsers, JSON against serde_json, helper messages)",
            fuzz::ci_step,
        ),
    ];
    if native_only {
        let first_browser_step =
            steps.iter().position(|(name, _)| name.starts_with("wasm build")).unwrap_or(steps.len());
        steps.truncate(first_browser_step);
    }
    if let Some(only) = only {
        steps.retain(|(name, _)| name.contains(only));
        if steps.is_empty() {
            return Err(format!("no test step's name contains `{only}`"));
        }
    }
    if steps.iter().any(|(name, _)| !name.starts_with("format") && !name.starts_with("clippy")) {
        util::ensure_apt_packages(APT_PACKAGES)?;
        if !python_venv_available() {
            util::install_apt_packages(&["python3-venv"])?;
        }
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
    let mut only = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--native-only" => native_only = true,
            "--only" => only = Some(args.next().ok_or("--only needs part of a step's name")?.as_str()),
            other => return Err(format!("unknown option for test: `{other}`")),
        }
    }
    run_all(native_only, only)
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

/// The core is a library for others: its docs build without warnings, and the core and the helper
/// package as they would be published (`cargo package` builds each from its packaged files, against
/// crates.io for the dependencies and the core's package for the helper).
fn crate_packaging() -> Result<(), String> {
    util::run_in(
        &util::root(),
        "cargo",
        &["doc", "--locked", "-p", "sso-bridge", "--no-deps"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    forget_unpacked_core_packages()?;
    // Cargo takes a registry package to be immutable, so it would also reuse the core's build from
    // an earlier verification (same name, version and registry): after a change to the core's API
    // the helper then fails to compile against the old one. A fresh checkout has none; a developer's
    // second run does. Cleaning by name removes the workspace's own debug builds of the two as well,
    // which the next build makes again.
    util::run("cargo", &["clean", "--profile", "dev", "-p", "sso-bridge", "-p", "sso-bridge-host"])?;
    util::run("cargo", &["package", "--locked", "--allow-dirty", "-p", "sso-bridge", "-p", "sso-bridge-host"])
}

/// `cargo package` verifies the helper against the core's package through a local registry under
/// `target/package/`, and unpacks it into cargo's home keyed by that registry's path and the
/// version alone. A later run from the same checkout path with a changed core would reuse the old
/// unpacked copy and verify the helper against yesterday's core, so those copies go first. Only
/// local registries' copies are removed: crates.io's have other names and are left alone.
fn forget_unpacked_core_packages() -> Result<(), String> {
    let sources = util::cargo_home()?.join("registry/src");
    let Ok(registries) = std::fs::read_dir(&sources) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        if registry.file_name().to_string_lossy().starts_with("index.crates.io-") {
            continue;
        }
        let Ok(packages) = std::fs::read_dir(registry.path()) else { continue };
        for package in packages.flatten() {
            let name = package.file_name().to_string_lossy().into_owned();
            if is_workspace_package_dir(&name) {
                std::fs::remove_dir_all(package.path()).map_err(|e| {
                    format!("cannot remove the stale unpacked {}: {e}", package.path().display())
                })?;
            }
        }
    }
    Ok(())
}

/// `sso-bridge-0.1.0` or `sso-bridge-host-0.1.0`: a directory cargo unpacked one of our packages into.
fn is_workspace_package_dir(name: &str) -> bool {
    ["sso-bridge-host-", "sso-bridge-"].iter().any(|prefix| {
        name.strip_prefix(prefix).is_some_and(|version| version.starts_with(|c: char| c.is_ascii_digit()))
    })
}

fn wasm_build() -> Result<(), String> {
    ensure_rust_target("wasm32-unknown-unknown")?;
    // Clippy on the wasm32 target too: the bindings (wasm/) and tests-wasm/ exist only there.
    util::run(
        "cargo",
        &[
            "clippy",
            "--locked",
            "-p",
            "sso-bridge",
            "-p",
            "sso-bridge-wasm",
            "-p",
            "sso-bridge-wasm-tests",
            "-p",
            "sso-bridge-downstream-check",
            "--all-targets",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    // A Rust wasm program with its own global allocator links against the core
    // (tests-wasm/downstream): the core imposes no allocator, start function or exports.
    util::run(
        "cargo",
        &["build", "--locked", "-p", "sso-bridge-downstream-check", "--target", "wasm32-unknown-unknown"],
    )
}

/// The native helper's referee tests (`host/tests/referees.rs`: boto3 and `/usr/bin/aws` use only
/// the files `sso-bridge` wrote, and the helper reads what `aws sso login` wrote) and its real
/// Chromium launch (`host/tests/browser.rs`). They are
/// `#[ignore]`d in a plain `cargo test` because they need the pinned venv this step provides.
fn helper_referees() -> Result<(), String> {
    let python = python::ensure_venv()?;
    let python = python.to_string_lossy().into_owned();
    util::run_in(
        &util::root(),
        "cargo",
        &[
            "test",
            "--locked",
            "-p",
            "sso-bridge-host",
            "--test",
            "referees",
            "--test",
            "browser",
            "--",
            "--include-ignored",
        ],
        &[("SSO_BRIDGE_PYTHON", python.as_str())],
    )?;
    // `sso-bridge login`/`populate` judged by the AWS CLI and botocore (their other tests already
    // ran in the workspace step).
    util::run_in(
        &util::root(),
        "cargo",
        &["test", "--locked", "-p", "sso-bridge-host", "--test", "sso_commands", "--", "--ignored"],
        &[("SSO_BRIDGE_PYTHON", python.as_str())],
    )
}

/// The core's error classification against botocore's (`crate/tests/error_referee.rs`), with the
/// pinned venv's botocore; `#[ignore]`d in a plain `cargo test` for the same reason as above.
fn error_code_referee() -> Result<(), String> {
    let python = python::ensure_venv()?;
    let python = python.to_string_lossy().into_owned();
    util::run_in(
        &util::root(),
        "cargo",
        &["test", "--locked", "-p", "sso-bridge", "--test", "error_referee", "--", "--include-ignored"],
        &[("SSO_BRIDGE_PYTHON", python.as_str())],
    )
}

/// Python's venv module (Debian splits it into python3-venv).
fn python_venv_available() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import ensurepip, venv"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[cfg(test)]
mod tests {
    use super::is_workspace_package_dir;

    #[test]
    fn only_our_packages_unpacked_directories_are_forgotten() {
        assert!(is_workspace_package_dir("sso-bridge-0.1.0"));
        assert!(is_workspace_package_dir("sso-bridge-host-0.2.0-rc.1"));
        assert!(!is_workspace_package_dir("sso-bridge-helper"));
        assert!(!is_workspace_package_dir("serde-1.0.229"));
        assert!(!is_workspace_package_dir("sso-bridge"));
    }
}
