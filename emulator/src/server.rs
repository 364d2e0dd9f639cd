//! A small HTTP/1.1 server on loopback: one thread per connection, keep-alive, each response written
//! in a single `write` with TCP_NODELAY. Behaviour lives in [`Emulator::handle`]; this is only glue.
//!
//! (tiny_http was used first; its connection task pool can leave a new keep-alive connection unserved
//! while all pool threads are busy with other connections, which the 50-client load test hit.)

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::control::Control;
use crate::scenario::Scenario;
use crate::service::{Emulator, Options};
use crate::wire::{Request, Response};

/// Bodies larger than this are refused; no AWS request here comes close.
const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Request line plus headers.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// An idle keep-alive connection is closed after this long.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// A running emulator. Dropping it stops the server.
pub struct RunningEmulator {
    base_url: String,
    address: SocketAddr,
    emulator: Arc<Emulator>,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

/// What the accept loop and the connection threads share.
struct Shared {
    stop: AtomicBool,
    next_id: AtomicU64,
    /// Open connections, so that stopping can close them instead of waiting for idle timeouts.
    open: Mutex<HashMap<u64, TcpStream>>,
    max_connections: usize,
}

/// Start options beyond the scenario.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// TCP port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Connections served at once (one thread each); more wait in the listen backlog.
    pub max_connections: usize,
    pub options: Options,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig { port: 0, max_connections: 512, options: Options::default() }
    }
}

impl RunningEmulator {
    /// Starts an emulator for `scenario` on an ephemeral loopback port (HTTP test control off;
    /// use [`RunningEmulator::control`] in-process).
    pub fn start(scenario: Scenario) -> Result<RunningEmulator, String> {
        Self::start_with(scenario, ServerConfig::default())
    }

    pub fn start_with(scenario: Scenario, config: ServerConfig) -> Result<RunningEmulator, String> {
        let listener = TcpListener::bind(("127.0.0.1", config.port))
            .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", config.port))?;
        let address = listener.local_addr().map_err(|e| format!("the listener has no address: {e}"))?;
        let base_url = format!("http://127.0.0.1:{}", address.port());
        let emulator = Arc::new(Emulator::new(scenario, config.options, base_url.clone())?);
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            next_id: AtomicU64::new(0),
            open: Mutex::new(HashMap::new()),
            max_connections: config.max_connections.max(1),
        });
        let acceptor = {
            let emulator = Arc::clone(&emulator);
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("emulator-accept".into())
                .spawn(move || accept_loop(&listener, &emulator, &shared))
                .map_err(|e| format!("cannot start the accept thread: {e}"))?
        };
        Ok(RunningEmulator { base_url, address, emulator, shared, acceptor: Some(acceptor) })
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
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }

    /// Stops accepting, closes open connections and waits for the accept loop to end.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept() with a connection of our own; it sees the flag and returns.
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        let open: Vec<TcpStream> = lock(&self.shared.open).drain().map(|(_, s)| s).collect();
        for stream in open {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn accept_loop(listener: &TcpListener, emulator: &Arc<Emulator>, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else {
            // Out of descriptors or a connection reset before accept: back off briefly, go on.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        while lock(&shared.open).len() >= shared.max_connections && !shared.stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(5));
        }
        let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
        if let Ok(registered) = stream.try_clone() {
            lock(&shared.open).insert(id, registered);
        }
        let slot = Slot { shared: Arc::clone(shared), id };
        let emulator = Arc::clone(emulator);
        // The slot moves into the thread and is released when the closure is dropped: after
        // serving, if serving panics, and if the thread cannot be spawned at all.
        let _ = std::thread::Builder::new().name(format!("emulator-conn-{id}")).spawn(move || {
            serve_connection(stream, &emulator, &slot.shared);
            drop(slot);
        });
    }
}

/// One connection's place in [`Shared::open`] (counted against `max_connections`), given back on
/// drop, so every way a connection ends releases it: otherwise, with all slots leaked, the accept
/// loop would wait forever.
struct Slot {
    shared: Arc<Shared>,
    id: u64,
}

impl Drop for Slot {
    fn drop(&mut self) {
        lock(&self.shared.open).remove(&self.id);
    }
}

/// Why reading a request stopped.
enum ReadError {
    /// The peer closed or went idle: just close.
    Closed,
    /// Malformed or too large: answer with this status, then close.
    Reject(u16, &'static str),
}

fn serve_connection(stream: TcpStream, emulator: &Emulator, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let (request, keep_alive) = match read_request(&mut reader) {
            Ok(parsed) => parsed,
            Err(ReadError::Closed) => return,
            Err(ReadError::Reject(status, message)) => {
                let response = Response::json(status, &serde_json::json!({ "message": message }));
                let _ = writer.write_all(&serialize(&response, false));
                return;
            }
        };
        let response = emulator.handle(&request);
        let keep_alive = keep_alive && !shared.stop.load(Ordering::SeqCst);
        if writer.write_all(&serialize(&response, keep_alive)).is_err() || !keep_alive {
            return;
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Result<(Request, bool), ReadError> {
    let mut head = Vec::new();
    // Tolerate blank lines before a request (RFC 9112 §2.2).
    loop {
        let before = head.len();
        let read =
            reader.by_ref().take((MAX_HEAD_BYTES + 1 - head.len()) as u64).read_until(b'\n', &mut head);
        match read {
            Ok(0) => return Err(ReadError::Closed),
            Ok(_) => {}
            Err(_) => return Err(ReadError::Closed),
        }
        if head.len() > MAX_HEAD_BYTES {
            return Err(ReadError::Reject(431, "the request head is too large"));
        }
        let line = &head[before..];
        if line == b"\r\n" || line == b"\n" {
            if before == 0 {
                head.clear();
                continue;
            }
            break;
        }
        if !line.ends_with(b"\n") {
            return Err(ReadError::Closed);
        }
    }
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.lines();
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(ReadError::Reject(400, "malformed request line"));
    };
    if !target.starts_with('/') || method.is_empty() {
        return Err(ReadError::Reject(400, "malformed request line"));
    }
    if !version.starts_with("HTTP/1.") {
        return Err(ReadError::Reject(505, "only HTTP/1.x is spoken here"));
    }
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_string(), v.trim().to_string())))
        .collect();
    let header =
        |name: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
    let connection = header("connection").unwrap_or("").to_ascii_lowercase();
    let keep_alive = if version == "HTTP/1.0" { connection == "keep-alive" } else { connection != "close" };
    let chunked = header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        read_chunked(reader)?
    } else {
        let length = match header("content-length") {
            None => 0,
            Some(raw) => {
                raw.parse::<usize>().map_err(|_| ReadError::Reject(400, "invalid Content-Length"))?
            }
        };
        if length > MAX_BODY_BYTES {
            return Err(ReadError::Reject(413, "the request body is too large"));
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).map_err(|_| ReadError::Closed)?;
        body
    };
    Ok((Request::new(method, target, headers, body), keep_alive))
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let mut size_line = String::new();
        reader.by_ref().take(1024).read_line(&mut size_line).map_err(|_| ReadError::Closed)?;
        let size_text = size_line.trim().split(';').next().unwrap_or("");
        // A size beyond usize is too large, not invalid; one within it must not overflow the sum.
        let size = match usize::from_str_radix(size_text, 16) {
            Ok(size) => size,
            Err(e) if matches!(e.kind(), std::num::IntErrorKind::PosOverflow) => usize::MAX,
            Err(_) => return Err(ReadError::Reject(400, "invalid chunk size")),
        };
        if body.len().checked_add(size).is_none_or(|total| total > MAX_BODY_BYTES) {
            return Err(ReadError::Reject(413, "the request body is too large"));
        }
        if size == 0 {
            // Skip trailers up to the blank line.
            loop {
                let mut trailer = String::new();
                let read =
                    reader.by_ref().take(8192).read_line(&mut trailer).map_err(|_| ReadError::Closed)?;
                if read == 0 || trailer.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..]).map_err(|_| ReadError::Closed)?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf).map_err(|_| ReadError::Closed)?;
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// The whole response in one buffer, so it leaves in one write.
fn serialize(response: &Response, keep_alive: bool) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", response.status, reason(response.status));
    out.push_str("Server: sso-bridge-emulator\r\n");
    for (name, value) in &response.headers {
        // Header values come from our own code, but never let one smuggle a line break.
        if !name.contains(['\r', '\n']) && !value.contains(['\r', '\n']) {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    out.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    out.push_str(if keep_alive { "Connection: keep-alive\r\n\r\n" } else { "Connection: close\r\n\r\n" });
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&response.body);
    bytes
}
