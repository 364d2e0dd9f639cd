//! Native-messaging framing: every message is UTF-8 JSON preceded by its length in bytes as a
//! 32-bit unsigned integer in native byte order, in both directions (native-messaging spec §3.3).
//!
//! Limits: the browser closes the port on a host message over 1 MiB (§3.4), so replies are
//! checked against [`MAX_REPLY_BYTES`] and larger ones are chunked by the protocol layer. Requests
//! are small (a token is a few kilobytes), so anything over [`MAX_REQUEST_BYTES`] is refused
//! before a single byte of it is buffered.

use std::io::{self, Read, Write};

/// Largest message the browser accepts from a host (Chrome `kMaximumNativeMessageSize`, Firefox
/// `MAX_READ`).
pub const MAX_REPLY_BYTES: usize = 1024 * 1024;

/// Largest request the helper accepts.
pub const MAX_REQUEST_BYTES: usize = 1024 * 1024;

/// Why a frame could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The length prefix is zero.
    Empty,
    /// The length prefix announces more than the limit. The body has not been read, so the
    /// stream is out of step and must be closed.
    TooLarge { announced: u64 },
    /// stdin ended inside the length prefix (`got` of 4 bytes) or inside the body.
    Truncated { expected: usize, got: usize },
    /// Reading failed.
    Io(io::Error),
}

/// Read one frame. `Ok(None)` means stdin ended cleanly between frames (the browser disconnected).
pub fn read_frame(input: &mut impl Read, limit: usize) -> Result<Option<Vec<u8>>, ReadError> {
    let mut header = [0u8; 4];
    let got = read_fully(input, &mut header).map_err(ReadError::Io)?;
    if got == 0 {
        return Ok(None);
    }
    if got < header.len() {
        return Err(ReadError::Truncated { expected: header.len(), got });
    }
    let announced = u32::from_ne_bytes(header);
    if announced == 0 {
        return Err(ReadError::Empty);
    }
    if announced as u64 > limit as u64 {
        return Err(ReadError::TooLarge { announced: announced as u64 });
    }
    let mut body = vec![0u8; announced as usize];
    let got = read_fully(input, &mut body).map_err(ReadError::Io)?;
    if got < body.len() {
        return Err(ReadError::Truncated { expected: body.len(), got });
    }
    Ok(Some(body))
}

/// Fill `buf` as far as the input allows; returns how many bytes were read (short only at EOF).
fn read_fully(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Write one frame and flush it. Refuses (without writing anything) a message over
/// [`MAX_REPLY_BYTES`]: sending it would make the browser close the port.
pub fn write_frame(output: &mut impl Write, message: &[u8]) -> io::Result<()> {
    if message.len() > MAX_REPLY_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("reply of {} bytes exceeds the 1 MiB native-messaging limit", message.len()),
        ));
    }
    let length = u32::try_from(message.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "reply too large"))?;
    // One write for header and body, so a reader never sees a header without its body from us.
    let mut frame = Vec::with_capacity(4 + message.len());
    frame.extend_from_slice(&length.to_ne_bytes());
    frame.extend_from_slice(message);
    output.write_all(&frame)?;
    output.flush()
}

/// Put stdin and stdout into binary mode on Windows. Rust's std talks to the raw handles and never
/// translates `\n`, but the C runtime's descriptors 0 and 1 (which `cmd.exe /c` wiring and any C
/// code linked in would use) default to text mode, where `\n` becomes `\r\n` and breaks the length
/// prefix (Chrome's native-messaging troubleshooting list). Elsewhere there is nothing to do.
pub fn set_binary_stdio() {
    #[cfg(windows)]
    {
        extern "C" {
            fn _setmode(fd: i32, mode: i32) -> i32;
        }
        const O_BINARY: i32 = 0x8000;
        // SAFETY: `_setmode` only changes the CRT translation mode of the given descriptors; 0 and
        // 1 always exist in a process the browser launched with pipes.
        unsafe {
            _setmode(0, O_BINARY);
            _setmode(1, O_BINARY);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(body: &[u8]) -> Vec<u8> {
        let mut v = (body.len() as u32).to_ne_bytes().to_vec();
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn reads_consecutive_frames_then_clean_eof() {
        let mut input = framed(br#"{"a":1}"#);
        input.extend(framed("{\"é\":2}".as_bytes()));
        let mut r = &input[..];
        assert_eq!(read_frame(&mut r, 100).unwrap().unwrap(), br#"{"a":1}"#);
        assert_eq!(read_frame(&mut r, 100).unwrap().unwrap(), "{\"é\":2}".as_bytes());
        assert!(read_frame(&mut r, 100).unwrap().is_none());
    }

    #[test]
    fn rejects_bad_lengths() {
        assert!(matches!(read_frame(&mut &[0u8, 0, 0, 0][..], 10), Err(ReadError::Empty)));
        let huge = u32::MAX.to_ne_bytes();
        assert!(matches!(
            read_frame(&mut &huge[..], MAX_REQUEST_BYTES),
            Err(ReadError::TooLarge { announced }) if announced == u32::MAX as u64
        ));
        assert!(matches!(
            read_frame(&mut &[5u8, 0][..], 10),
            Err(ReadError::Truncated { expected: 4, got: 2 })
        ));
        let mut short = 10u32.to_ne_bytes().to_vec();
        short.extend_from_slice(b"abc");
        assert!(matches!(
            read_frame(&mut &short[..], 100),
            Err(ReadError::Truncated { expected: 10, got: 3 })
        ));
    }

    #[test]
    fn length_counts_bytes_not_characters() {
        let mut out = Vec::new();
        write_frame(&mut out, "ü".as_bytes()).unwrap();
        assert_eq!(&out[..4], &2u32.to_ne_bytes());
    }

    #[test]
    fn refuses_oversized_replies() {
        let mut out = Vec::new();
        assert!(write_frame(&mut out, &vec![b'x'; MAX_REPLY_BYTES + 1]).is_err());
        assert!(out.is_empty());
        write_frame(&mut out, &vec![b'x'; MAX_REPLY_BYTES]).unwrap();
        assert_eq!(out.len(), MAX_REPLY_BYTES + 4);
    }
}
