//! The server's chunked-body reader against hostile chunk sizes (issue 14): a size that would
//! overflow the running total is refused with 413, like any body over the limit, and the
//! connection's slot is given back, so the emulator keeps serving with every slot once used.

use sso_bridge_emulator::{RunningEmulator, Scenario, ServerConfig};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// The status of the one response on a fresh connection, or `None` if none came in time.
fn status_of(running: &RunningEmulator, request: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(running.address()).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    stream.write_all(request.as_bytes()).ok()?;
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).ok()?;
    let status = status_line.get(9..12)?.parse().ok()?;
    let _ = reader.read_to_end(&mut Vec::new());
    Some(status)
}

#[test]
fn huge_chunk_sizes_are_refused_and_the_slot_is_released() {
    // One connection at a time: a leaked slot would leave every later connection unserved.
    let config = ServerConfig { max_connections: 1, ..ServerConfig::default() };
    let running = RunningEmulator::start_with(Scenario::default(), config).expect("emulator");
    let head = "POST /client/register HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for sizes in [
        // 1 + usize::MAX overflows the running total.
        "1\r\n{\r\nffffffffffffffff\r\n",
        // Beyond usize altogether: too large, not malformed.
        "10000000000000000\r\n",
        "ffffffffffffffffffffffffffffffff\r\n",
        // Within usize, over the limit.
        "100001\r\n",
    ] {
        let status = status_of(&running, &format!("{head}{sizes}"));
        assert_eq!(status, Some(413), "chunk sizes {sizes:?}");
    }
    // Malformed sizes stay a 400.
    assert_eq!(status_of(&running, &format!("{head}zz\r\n")), Some(400));
    // Still serving, on the one slot.
    for _ in 0..3 {
        assert_eq!(status_of(&running, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"), Some(200));
    }
}
