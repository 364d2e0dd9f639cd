//! `cargo xtask fuzz`: the `cargo fuzz` targets in `fuzz/` (libFuzzer), each for a while. CI runs
//! every target briefly as a step of `cargo xtask test`; run them longer by hand with `--seconds`.
//!
//! cargo-fuzz needs nightly compiler flags; `RUSTC_BOOTSTRAP=1` lets the stable toolchain accept
//! them. Each target starts from its committed seeds (`fuzz/seeds/<target>/`) and grows its own
//! corpus in `fuzz/corpus/<target>/` (not committed); a crash is saved in `fuzz/artifacts/<target>/`
//! and fails the run, with the command that reproduces it in the output.

use crate::util;

/// Every fuzz target, as named in `fuzz/Cargo.toml`.
pub const TARGETS: &[&str] = &[
    "parse_config",
    "blank_secrets",
    "json_differential",
    "service_responses",
    "cache_files",
    "pkce_callback",
    "timestamps",
    "helper_messages",
    "js_arguments",
];

/// Pinned like the other cargo tools the xtask installs.
const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// Inputs per target in the test step: a fixed count rather than a time, so that a test run tries
/// the same inputs on a fast or a slow machine (1 to 25 s a target here).
pub const CI_RUNS_PER_TARGET: u32 = 500_000;

/// Seconds per target at most in the test step, should a machine be far slower than this one.
const CI_SECONDS_CAP: u32 = 120;

/// Build settings shared by `build` and `run` (so `run` does not rebuild): release with debug
/// assertions and overflow checks (cargo-fuzz's default), AddressSanitizer off (the code under
/// test is safe Rust; ASan would only slow the build and the runs), 16 codegen units for a faster
/// build on a small CI machine.
const BUILD_FLAGS: &[&str] = &["--sanitizer", "none", "--codegen-units", "16"];

/// `cargo xtask fuzz [--seconds N] [TARGET…]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut seconds = 60;
    let mut targets = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                let value = args.next().ok_or("--seconds needs a number")?;
                seconds =
                    value.parse().map_err(|_| format!("--seconds needs a whole number, not `{value}`"))?;
            }
            name if TARGETS.contains(&name) => targets.push(name),
            other => {
                return Err(format!(
                    "unknown fuzz option or target `{other}`; the targets are: {}",
                    TARGETS.join(", ")
                ))
            }
        }
    }
    if targets.is_empty() {
        targets = TARGETS.to_vec();
    }
    fuzz(&targets, &Run::Explore { seconds })
}

/// The `cargo xtask test` step: every target for [`CI_RUNS_PER_TARGET`] inputs from the committed
/// seeds and a fixed random seed, in a corpus of its own that starts empty, so that a test run tries
/// the same inputs each time and on every machine (a finding is reproducible and does not come and
/// go between runs); `cargo xtask fuzz` explores anew each time and keeps what it finds.
pub fn ci_step() -> Result<(), String> {
    fuzz(TARGETS, &Run::Reproducible { runs: CI_RUNS_PER_TARGET, seed: CI_SEED })
}

/// libFuzzer's `-seed` for the test step.
const CI_SEED: u32 = 1;

enum Run {
    /// For a while, growing `fuzz/corpus/<target>/`, from a new random seed.
    Explore { seconds: u32 },
    /// A fixed number of inputs from a fixed seed, in a fresh corpus under `fuzz/target/`.
    Reproducible { runs: u32, seed: u32 },
}

fn fuzz(targets: &[&str], run: &Run) -> Result<(), String> {
    ensure_cargo_fuzz()?;
    let dir = util::root().join("fuzz");
    let env = [("RUSTC_BOOTSTRAP", "1")];
    let mut build = vec!["fuzz", "build"];
    build.extend_from_slice(BUILD_FLAGS);
    util::run_in(&dir, "cargo", &build, &env)?;
    let limits = match run {
        Run::Explore { seconds } => vec![format!("-max_total_time={seconds}")],
        Run::Reproducible { runs, seed } => {
            vec![
                format!("-runs={runs}"),
                format!("-seed={seed}"),
                format!("-max_total_time={CI_SECONDS_CAP}"),
            ]
        }
    };
    for target in targets {
        let corpus = match run {
            Run::Explore { .. } => format!("corpus/{target}"),
            Run::Reproducible { .. } => {
                let corpus = format!("target/test-corpus/{target}");
                // Left over from an earlier run it would change what this run tries.
                let _ = std::fs::remove_dir_all(dir.join(&corpus));
                corpus
            }
        };
        std::fs::create_dir_all(dir.join(&corpus))
            .map_err(|e| format!("cannot create fuzz/{corpus}: {e}"))?;
        let seeds = format!("seeds/{target}");
        let mut args = vec!["fuzz", "run", target];
        args.extend_from_slice(BUILD_FLAGS);
        args.push(&corpus);
        if dir.join(&seeds).is_dir() {
            args.push(&seeds);
        }
        // A single input taking 10 s is a hang; print the run count at the end for the log.
        args.extend_from_slice(&["--", "-timeout=10", "-print_final_stats=1"]);
        args.extend(limits.iter().map(String::as_str));
        if matches!(*target, "parse_config" | "blank_secrets") {
            args.push("-dict=config.dict");
        }
        util::run_in(&dir, "cargo", &args, &env).map_err(|e| format!("fuzz target `{target}`: {e}"))?;
    }
    Ok(())
}

/// Installs the pinned cargo-fuzz when `cargo fuzz` is missing or another version.
fn ensure_cargo_fuzz() -> Result<(), String> {
    let installed = util::output("cargo", &["fuzz", "--version"]);
    if installed.is_some_and(|v| v.split_whitespace().last() == Some(CARGO_FUZZ_VERSION)) {
        return Ok(());
    }
    util::run("cargo", &["install", "cargo-fuzz", "--version", CARGO_FUZZ_VERSION, "--locked"])
}
