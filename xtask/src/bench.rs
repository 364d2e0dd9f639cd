//! `cargo xtask bench-populate`: `sso-bridge populate` against the emulator (release builds), for
//! 1,000 accounts × 3 roles unthrottled and throttled at 20 requests per second, and in the same run
//! the peer baseline `aws-sso-util configure populate` 4.33 (PyPI, in a venv under
//! `target/bench-populate/`) on the same emulator for 100, 300 and 1,000 accounts × 3 roles, each
//! with a time cap. A benchmark, not a test: it prints the figures and ratios, and fails only when
//! a run does not complete or writes the wrong number of profiles.
//!
//! Options: `--cap SECONDS` (the peer's time cap per size, default 600), `--sizes 100,300,1000`
//! (the peer comparison's account counts), `--skip-peer`.

use crate::util;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PEER: &str = "aws-sso-util==4.33.0";
const SESSION: &str = "bench";
const START_URL: &str = "https://d-1234567890.awsapps.com/start";
const ROLES: usize = 3;
const THROTTLE_PER_SECOND: u32 = 20;

struct Emulator {
    child: Child,
    base_url: String,
}

impl Emulator {
    fn start(binary: &Path, accounts: usize, scenario: Option<&Path>) -> Result<Emulator, String> {
        let mut command = Command::new(binary);
        command.args(["--port", "0", "--auto-approve", "--seed", "10"]);
        command.args(["--accounts", &accounts.to_string(), "--roles-per-account", &ROLES.to_string()]);
        if let Some(path) = scenario {
            command.arg("--scenario").arg(path);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let mut line = String::new();
        let stdout = child.stdout.take().ok_or("the emulator's stdout is not captured")?;
        BufReader::new(stdout).read_line(&mut line).map_err(|e| e.to_string())?;
        let base_url = line.trim().to_string();
        if !base_url.starts_with("http://") {
            let _ = child.kill();
            return Err(format!("the emulator did not print its base URL (got {base_url:?})"));
        }
        Ok(Emulator { child, base_url })
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh HOME with an sso-session (and, for the peer, nothing else it needs).
fn fresh_home(dir: &Path) -> Result<PathBuf, String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join(".aws")).map_err(|e| e.to_string())?;
    let config = format!(
        "[default]\nregion = us-east-1\n[sso-session {SESSION}]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n\
         sso_registration_scopes = sso:account:access\n"
    );
    std::fs::write(dir.join(".aws/config"), config).map_err(|e| e.to_string())?;
    Ok(dir.to_path_buf())
}

fn environment(command: &mut Command, home: &Path, emulator: &Emulator) {
    command
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_ENDPOINT_URL_SSO", &emulator.base_url)
        .env("AWS_ENDPOINT_URL_SSO_OIDC", &emulator.base_url)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("BROWSER", "true");
}

/// Runs `command` to completion within `cap`; `None` when it was stopped at the cap.
fn timed(command: &mut Command, cap: Duration) -> Result<Option<(Duration, String)>, String> {
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut out) = stdout {
            let _ = std::io::Read::read_to_string(&mut out, &mut text);
        }
        text
    });
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            let elapsed = started.elapsed();
            let text = reader.join().unwrap_or_default();
            if !status.success() {
                let mut stderr = String::new();
                if let Some(mut err) = child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut err, &mut stderr);
                }
                return Err(format!("{command:?} failed ({status}): {stderr}{text}"));
            }
            return Ok(Some((elapsed, text)));
        }
        if started.elapsed() > cap {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn profiles_in(home: &Path) -> usize {
    std::fs::read_to_string(home.join(".aws/config"))
        .map(|text| text.lines().filter(|l| l.starts_with("[profile ")).count())
        .unwrap_or(0)
}

/// `sso-bridge login` then `sso-bridge populate`; the populate time and its summary line.
fn ours(binary: &Path, home: &Path, emulator: &Emulator) -> Result<(Duration, String), String> {
    let mut login = Command::new(binary);
    login.args(["login", "--session", SESSION, "--device-code", "--no-browser"]);
    environment(&mut login, home, emulator);
    timed(&mut login, Duration::from_secs(120))?.ok_or("sso-bridge login did not finish")?;
    let mut populate = Command::new(binary);
    populate.args(["populate", "--session", SESSION]);
    environment(&mut populate, home, emulator);
    let (elapsed, out) =
        timed(&mut populate, Duration::from_secs(900))?.ok_or("sso-bridge populate did not finish")?;
    Ok((elapsed, out.lines().next().unwrap_or_default().to_string()))
}

/// `aws-sso-util login` then `configure populate`; `None` when populate hit the cap.
fn peer(venv: &Path, home: &Path, emulator: &Emulator, cap: Duration) -> Result<Option<Duration>, String> {
    let tool = venv.join("bin/aws-sso-util");
    let mut login = Command::new(&tool);
    login.args(["login", "--sso-start-url", START_URL, "--sso-region", "us-east-1", "--headless"]);
    environment(&mut login, home, emulator);
    timed(&mut login, Duration::from_secs(120))?.ok_or("aws-sso-util login did not finish")?;
    let mut populate = Command::new(&tool);
    populate.args(["configure", "populate", "--sso-start-url", START_URL, "--sso-region", "us-east-1"]);
    populate.args(["--region", "us-east-1", "--no-credential-process"]);
    environment(&mut populate, home, emulator);
    Ok(timed(&mut populate, cap)?.map(|(elapsed, _)| elapsed))
}

fn ensure_peer(dir: &Path) -> Result<PathBuf, String> {
    let venv = dir.join("venv");
    if !venv.join("bin/aws-sso-util").exists() {
        util::run("python3", &["-m", "venv", &venv.display().to_string()])?;
        util::run(&venv.join("bin/pip").display().to_string(), &["install", "--quiet", PEER])?;
    }
    Ok(venv)
}

/// The number in `(… N requests, M throttled)` of our summary line.
fn requests_answered(summary: &str) -> Option<(u64, u64)> {
    let inner = summary.rsplit_once('(')?.1;
    let mut numbers = inner.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty());
    let sent: u64 = numbers.next()?.parse().ok()?;
    let throttled: u64 = numbers.next()?.parse().ok()?;
    Some((sent, throttled))
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut cap = Duration::from_secs(600);
    let mut sizes = vec![100usize, 300, 1000];
    let mut skip_peer = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--cap" => {
                let value = rest.next().ok_or("--cap needs seconds")?;
                cap = Duration::from_secs(value.parse().map_err(|_| format!("--cap {value}: not a number"))?);
            }
            "--sizes" => {
                let value = rest.next().ok_or("--sizes needs a list")?;
                sizes = value
                    .split(',')
                    .map(|s| s.trim().parse().map_err(|_| format!("--sizes: `{s}` is not a number")))
                    .collect::<Result<_, _>>()?;
            }
            "--skip-peer" => skip_peer = true,
            other => return Err(format!("bench-populate: unknown option `{other}`")),
        }
    }
    util::run(
        "cargo",
        &["build", "--release", "--locked", "-p", "sso-bridge-host", "-p", "sso-bridge-emulator"],
    )?;
    let release = crate::wasm::target_dir().join("release");
    let (ours_bin, emulator_bin) = (release.join("sso-bridge"), release.join("sso-bridge-emulator"));
    let dir = crate::wasm::target_dir().join("bench-populate");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let throttled_scenario = dir.join("throttled.toml");
    std::fs::write(
        &throttled_scenario,
        format!("[throttling]\nrequests_per_second = {THROTTLE_PER_SECOND}\nretry_after_seconds = 1\n"),
    )
    .map_err(|e| e.to_string())?;

    let mut report = Vec::new();
    // Ours, 1,000 × 3, unthrottled and throttled.
    for throttled in [false, true] {
        let emulator =
            Emulator::start(&emulator_bin, 1000, throttled.then_some(throttled_scenario.as_path()))?;
        let home = fresh_home(&dir.join(if throttled { "home-ours-throttled" } else { "home-ours" }))?;
        let (elapsed, summary) = ours(&ours_bin, &home, &emulator)?;
        let written = profiles_in(&home);
        if written != 1000 * ROLES {
            return Err(format!("sso-bridge populate wrote {written} profiles, not {}", 1000 * ROLES));
        }
        let line = if throttled {
            let (sent, limited) =
                requests_answered(&summary).ok_or(format!("no request count in {summary:?}"))?;
            let floor = (sent - limited) as f64 / f64::from(THROTTLE_PER_SECOND);
            format!(
                "sso-bridge populate 1000 x {ROLES}, throttled at {THROTTLE_PER_SECOND}/s: {:.2} s; floor {floor:.2} s \
                 ({} answered requests / {THROTTLE_PER_SECOND}); ratio to floor {:.3} ({summary})",
                elapsed.as_secs_f64(),
                sent - limited,
                elapsed.as_secs_f64() / floor
            )
        } else {
            format!(
                "sso-bridge populate 1000 x {ROLES}, unthrottled: {:.2} s ({summary})",
                elapsed.as_secs_f64()
            )
        };
        eprintln!("bench-populate: {line}");
        report.push(line);
    }
    // The peer on the same emulator (unthrottled), and ours beside it per size.
    if !skip_peer {
        let venv = ensure_peer(&dir)?;
        for &accounts in &sizes {
            let emulator = Emulator::start(&emulator_bin, accounts, None)?;
            let home = fresh_home(&dir.join(format!("home-ours-{accounts}")))?;
            let (ours_time, _) = ours(&ours_bin, &home, &emulator)?;
            let home = fresh_home(&dir.join(format!("home-peer-{accounts}")))?;
            let line = match peer(&venv, &home, &emulator, cap)? {
                Some(peer_time) => format!(
                    "{accounts} x {ROLES}: sso-bridge {:.2} s, aws-sso-util 4.33 {:.2} s ({} profiles): sso-bridge is {:.1}x faster",
                    ours_time.as_secs_f64(),
                    peer_time.as_secs_f64(),
                    profiles_in(&home),
                    peer_time.as_secs_f64() / ours_time.as_secs_f64()
                ),
                None => format!(
                    "{accounts} x {ROLES}: sso-bridge {:.2} s, aws-sso-util 4.33 not finished after {} s ({} profiles \
                     written so far): sso-bridge is more than {:.1}x faster",
                    ours_time.as_secs_f64(),
                    cap.as_secs(),
                    profiles_in(&home),
                    cap.as_secs_f64() / ours_time.as_secs_f64()
                ),
            };
            eprintln!("bench-populate: {line}");
            report.push(line);
        }
    }
    println!("\nbench-populate results:");
    for line in &report {
        println!("  {line}");
    }
    Ok(())
}
