//! The HTTP glue: a `tiny_http` listener on loopback and a few worker threads calling
//! [`Emulator::handle`].

use std::io::Read;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::control::Control;
use crate::scenario::Scenario;
use crate::service::{Emulator, Options};
use crate::wire::{Request, Response};

/// Bodies larger than this are refused; no AWS request here comes close.
const MAX_BODY_BYTES: u64 = 1024 * 1024;

/// A running emulator. Dropping it stops the server.
pub struct RunningEmulator {
    base_url: String,
    address: SocketAddr,
    emulator: Arc<Emulator>,
    stop: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
}

/// Start options beyond the scenario.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// TCP port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Handler threads (connections are read by tiny_http's own threads).
    pub threads: usize,
    pub options: Options,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig { port: 0, threads: 8, options: Options::default() }
    }
}

impl RunningEmulator {
    /// Starts an emulator for `scenario` on an ephemeral loopback port (HTTP test control off;
    /// use [`RunningEmulator::control`] in-process).
    pub fn start(scenario: Scenario) -> Result<RunningEmulator, String> {
        Self::start_with(scenario, ServerConfig::default())
    }

    pub fn start_with(scenario: Scenario, config: ServerConfig) -> Result<RunningEmulator, String> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", config.port))
            .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", config.port))?;
        disable_nagle(&listener);
        let server = tiny_http::Server::from_listener(listener, None)
            .map_err(|e| format!("cannot serve on 127.0.0.1:{}: {e}", config.port))?;
        let address =
            server.server_addr().to_ip().ok_or_else(|| "the listener has no IP address".to_string())?;
        let base_url = format!("http://127.0.0.1:{}", address.port());
        let emulator = Arc::new(Emulator::new(scenario, config.options, base_url.clone())?);
        let server = Arc::new(server);
        let stop = Arc::new(AtomicBool::new(false));
        let workers = (0..config.threads.max(1))
            .map(|i| {
                let server = Arc::clone(&server);
                let emulator = Arc::clone(&emulator);
                let stop = Arc::clone(&stop);
                std::thread::Builder::new()
                    .name(format!("emulator-worker-{i}"))
                    .spawn(move || serve(&server, &emulator, &stop))
                    .map_err(|e| format!("cannot start a worker thread: {e}"))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(RunningEmulator { base_url, address, emulator, stop, workers })
    }

    /// `http://127.0.0.1:<port>`: both the OIDC and the portal API answer here.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn control(&self) -> Control {
        Control::new(Arc::clone(&self.emulator))
    }

    /// Blocks until the server stops (it never does on its own; used by the binary).
    pub fn wait(mut self) {
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }

    /// Stops accepting requests and waits for the workers to finish the ones in hand.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// tiny_http writes a response head and a large body in separate writes; with Nagle's algorithm on,
/// the body then waits for the client's delayed ACK (about 40 ms on Linux). Accepted sockets inherit
/// TCP_NODELAY from the listener on Linux, so set it there. Failure only costs latency.
#[cfg(unix)]
fn disable_nagle(listener: &std::net::TcpListener) {
    use std::os::fd::AsRawFd;
    let enable: libc::c_int = 1;
    // SAFETY: the descriptor is a live TCP socket owned by `listener`; the option value is a c_int
    // read by the kernel during the call only.
    let result = unsafe {
        libc::setsockopt(
            listener.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_NODELAY,
            (&enable as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if result != 0 {
        eprintln!("sso-bridge-emulator: could not set TCP_NODELAY; large responses may be slower");
    }
}

#[cfg(not(unix))]
fn disable_nagle(_listener: &std::net::TcpListener) {}

fn serve(server: &tiny_http::Server, emulator: &Emulator, stop: &AtomicBool) {
    while !stop.load(Ordering::SeqCst) {
        match server.recv_timeout(Duration::from_millis(100)) {
            Ok(Some(request)) => answer(request, emulator),
            Ok(None) => {}
            Err(_) => break,
        }
    }
}

fn answer(mut incoming: tiny_http::Request, emulator: &Emulator) {
    let headers: Vec<(String, String)> = incoming
        .headers()
        .iter()
        .map(|h| (h.field.as_str().as_str().to_string(), h.value.as_str().to_string()))
        .collect();
    let mut body = Vec::new();
    let read = incoming.as_reader().take(MAX_BODY_BYTES + 1).read_to_end(&mut body);
    let response = if read.is_err() {
        Response::json(400, &serde_json::json!({"message": "the request body could not be read"}))
    } else if body.len() as u64 > MAX_BODY_BYTES {
        Response::json(413, &serde_json::json!({"message": "the request body is too large"}))
    } else {
        let request = Request::new(incoming.method().as_str(), incoming.url(), headers, body);
        emulator.handle(&request)
    };
    let mut out = tiny_http::Response::from_data(response.body).with_status_code(response.status);
    for (name, value) in response.headers {
        if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            out.add_header(header);
        }
    }
    // The client may have gone away (e.g. after its own timeout); nothing useful to do then.
    let _ = incoming.respond(out);
}
