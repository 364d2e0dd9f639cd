//! Native-messaging mode: read framed requests from stdin, answer framed replies on stdout, until
//! the browser closes the port.

use crate::aws_files::AwsFiles;
use crate::caller::{self, Caller};
use crate::error_codes::{ErrorCode, HostError};
use crate::framing::{self, ReadError, MAX_REQUEST_BYTES};
use crate::handlers;
use crate::log::Logger;
use crate::platform::{self, Env, Os};
use crate::protocol::{self, Request};
use serde_json::Value;
use std::io::{Read, Write};
use std::time::Instant;

/// What a request handler may use.
pub struct Context {
    pub os: Os,
    pub files: AwsFiles,
    pub log: Logger,
}

impl Context {
    pub fn from_env(os: Os, env: &impl Env) -> Result<Context, HostError> {
        let log = Logger::new(platform::state_dir(os, env).as_deref());
        Ok(Context { os, files: AwsFiles::from_env(os, env)?, log })
    }
}

/// Process exit codes in native-messaging mode.
pub mod exit {
    /// stdin closed cleanly between frames.
    pub const OK: u8 = 0;
    /// The stream broke (oversized or truncated frame, stdout gone): the helper stops.
    pub const STREAM_ERROR: u8 = 1;
    /// The caller is not an allowed extension.
    pub const CALLER_NOT_ALLOWED: u8 = 3;
}

/// Run the helper for `caller` over the real stdin/stdout.
pub fn run(caller: Caller, os: Os, env: &impl Env) -> u8 {
    framing::set_binary_stdio();
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let (mut input, mut output) = (stdin.lock(), stdout.lock());
    let ctx = match Context::from_env(os, env) {
        Ok(ctx) => ctx,
        Err(error) => {
            // No home directory: answer the first request with the reason, then stop.
            let id = read_id_of_first_request(&mut input);
            let _ = send(&mut output, &protocol::error_reply(&id, &error));
            return exit::STREAM_ERROR;
        }
    };
    let allowed = caller::check_allowed(&caller, os, env);
    serve(&caller, allowed, &mut input, &mut output, &ctx)
}

/// The request loop. `allowed` is the result of the caller check: when it failed, the first
/// request gets that error and the helper exits without touching any file.
pub fn serve(
    caller: &Caller,
    allowed: Result<(), HostError>,
    input: &mut impl Read,
    output: &mut impl Write,
    ctx: &Context,
) -> u8 {
    if let Err(error) = allowed {
        ctx.log.line(&format!("refused caller {:?}: {}", caller.id(), error.message));
        let id = read_id_of_first_request(input);
        let _ = send(output, &protocol::error_reply(&id, &error));
        return exit::CALLER_NOT_ALLOWED;
    }
    ctx.log.line(&format!("started for {:?} ({:?})", caller.id(), caller.family()));
    loop {
        let frame = match framing::read_frame(input, MAX_REQUEST_BYTES) {
            Ok(Some(frame)) => frame,
            Ok(None) => {
                ctx.log.line("stdin closed; exiting");
                return exit::OK;
            }
            Err(ReadError::Empty) => {
                let error = HostError::new(ErrorCode::EmptyMessage, "the message is empty (length 0)");
                if reply_error(output, ctx, &Value::Null, &error).is_err() {
                    return exit::STREAM_ERROR;
                }
                continue;
            }
            Err(ReadError::TooLarge { announced }) => {
                let error = HostError::new(
                    ErrorCode::RequestTooLarge,
                    format!("the message announces {announced} bytes; the limit is {MAX_REQUEST_BYTES}"),
                );
                let _ = reply_error(output, ctx, &Value::Null, &error);
                return exit::STREAM_ERROR;
            }
            Err(ReadError::Truncated { expected, got }) => {
                let error = HostError::new(
                    ErrorCode::TruncatedMessage,
                    format!("stdin ended after {got} of {expected} bytes"),
                );
                let _ = reply_error(output, ctx, &Value::Null, &error);
                return exit::STREAM_ERROR;
            }
            Err(ReadError::Io(e)) => {
                ctx.log.line(&format!("reading stdin failed: {e}"));
                return exit::STREAM_ERROR;
            }
        };
        let reply = match protocol::parse_request(&frame) {
            Ok(request) => answer(ctx, &request),
            Err(rejected) => {
                ctx.log.line(&format!("rejected a message: {}", rejected.error));
                protocol::error_reply(&rejected.id, &rejected.error)
            }
        };
        if send(output, &reply).is_err() {
            ctx.log.line("stdout closed; exiting");
            return exit::STREAM_ERROR;
        }
    }
}

fn answer(ctx: &Context, request: &Request) -> Value {
    let started = Instant::now();
    let result = handlers::handle(ctx, request);
    let elapsed = started.elapsed().as_millis();
    match result {
        Ok(fields) => {
            ctx.log.line(&format!("{} id={} ok ({elapsed} ms)", request.kind, request.id));
            protocol::ok_reply(&request.id, fields)
        }
        Err(error) => {
            ctx.log.line(&format!("{} id={} failed: {error} ({elapsed} ms)", request.kind, request.id));
            protocol::error_reply(&request.id, &error)
        }
    }
}

fn reply_error(output: &mut impl Write, ctx: &Context, id: &Value, error: &HostError) -> std::io::Result<()> {
    ctx.log.line(&format!("framing: {error}"));
    send(output, &protocol::error_reply(id, error))
}

fn send(output: &mut impl Write, reply: &Value) -> std::io::Result<()> {
    for frame in protocol::encode_reply(reply) {
        framing::write_frame(output, &frame)?;
    }
    Ok(())
}

/// Best effort: read one frame and return its `id`, to address an error reply to it.
fn read_id_of_first_request(input: &mut impl Read) -> Value {
    match framing::read_frame(input, MAX_REQUEST_BYTES) {
        Ok(Some(frame)) => serde_json::from_slice::<Value>(&frame)
            .ok()
            .and_then(|v| v.get("id").filter(|id| id.is_string() || id.is_number()).cloned())
            .unwrap_or(Value::Null),
        _ => Value::Null,
    }
}
