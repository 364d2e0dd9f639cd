//! `cargo xtask <command>`: the one entry point for building, testing and packaging sso-bridge.
//!
//! Every step is a plain process run from here (no shell scripts), prints what it runs, and stops
//! at the first failure with the step's name. Missing tools are installed when that can be done
//! without guessing (rustup targets, pinned cargo tools); otherwise the message says what to install.

mod bench;
mod cross;
mod dist;
mod emulator;
mod extension;
mod fuzz;
mod notices;
mod python;
mod size;
mod test;
mod util;
mod wasm;
mod wine;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  test [--native-only] [--only STEP]   format check, clippy (warnings denied), every test suite, wasm build
  dist [--npm-only] [--no-cross]       release artifacts: target/release/sso-bridge, target/release/sso-bridge-emulator,
                                       the npm package in pkg/, the extension in dist/ (unpacked + zips), and the
                                       helper for every desktop: dist/sso-bridge-<version>-<target>.{tar.gz,zip}
                                       plus dist/SHA256SUMS (--no-cross: skip those)
  demo                                 the emulator, the helper in a throw-away HOME, Chromium with the extension
  fuzz [--seconds N] [TARGET...]       the cargo-fuzz targets in fuzz/, N seconds each (default 60, all targets)
  bench-populate [--cap S] [--sizes N,…] [--skip-peer]
                                       `sso-bridge populate` for 1,000 accounts x 3 roles (unthrottled, throttled
                                       at 20/s) against aws-sso-util 4.33 on the same emulator (not part of CI)
  bench-popup [--runs N] [--warmup N]  popup open → first session card, 5,000 profiles against 2 (e2e/bench/)
  bench-accounts [--rounds N]          account browser search per keystroke, 2,000 accounts against 20 (e2e/bench/)
  size-by-feature                      what each feature of the JS API costs the web module, in gzip bytes (each
                                       measured by removing its exports; not part of CI)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "test" => test::run(rest),
        "dist" => dist::run(rest),
        "demo" => extension::demo(rest),
        "fuzz" => fuzz::run(rest),
        "bench-populate" => bench::run(rest),
        "bench-popup" => extension::bench_popup(rest),
        "bench-accounts" => extension::bench_accounts(rest),
        "size-by-feature" => size::run(rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}
