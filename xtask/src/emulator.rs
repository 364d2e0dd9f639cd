//! Starting the emulator for browser tests: `sso-bridge-emulator --port 0 …`, whose first stdout line
//! is its base URL. The process is ours and is killed when the handle is dropped.

use crate::util;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub struct Emulator {
    child: Child,
    pub base_url: String,
}

impl Emulator {
    /// Builds the (debug) emulator binary if needed and starts one with `args` on a free port.
    pub fn start(args: &[&str]) -> Result<Emulator, String> {
        util::run("cargo", &["build", "--locked", "-p", "sso-bridge-emulator"])?;
        let binary = crate::wasm::target_dir().join("debug/sso-bridge-emulator");
        let mut child = Command::new(&binary)
            .args(["--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", binary.display()))?;
        let mut first_line = String::new();
        let read = child
            .stdout
            .take()
            .map(|out| BufReader::new(out).read_line(&mut first_line))
            .ok_or("the emulator's stdout is not captured")?;
        let base_url = first_line.trim().to_string();
        if read.is_err() || !base_url.starts_with("http://") {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("the emulator did not print its base URL (got {base_url:?})"));
        }
        eprintln!("xtask: emulator {} at {base_url}", args.join(" "));
        Ok(Emulator { child, base_url })
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
