//! The helper's native-messaging input: length-prefixed frames off stdin, each parsed as a request
//! envelope, its fields read through the same checks the handlers use (the field reader, and every
//! request type's declared shape), and replies encoded. Nothing may panic; every refusal has a
//! message; a reply is always at most 1 MiB per frame and its chunks reassemble into the reply.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use sso_bridge_host::error_codes::{ErrorCode, HostError};
use sso_bridge_host::framing::{read_frame, ReadError, MAX_REPLY_BYTES};
use sso_bridge_host::handlers::{check_request, REQUEST_TYPES};
use sso_bridge_host::protocol::{encode_reply, error_reply, ok_reply, parse_request, Fields};

/// Every field name a request type reads (host/PROTOCOL.md).
const FIELDS: &[&str] = &[
    "sessionName",
    "startUrl",
    "region",
    "scopes",
    "token",
    "accountId",
    "roleName",
    "credentials",
    "credentialsProfile",
    "profileName",
    "ssoSession",
    "all",
    "expiration",
    "accessKeyId",
    "name",
    "registration",
    "accounts",
    "template",
    "regions",
    "apply",
    "destination",
];

fn read_fields(fields: &Fields<'_>) {
    for name in FIELDS {
        let _ = fields.str(name);
        let _ = fields.opt_str(name);
        let _ = fields.name(name);
        let _ = fields.opt_name(name);
        let _ = fields.opt_bool(name);
        let _ = fields.opt_u64(name);
        let _ = fields.opt_str_list(name);
        if let Ok(Some(inner)) = fields.opt_object(name) {
            for inner_name in FIELDS {
                let _ = inner.opt_str(inner_name);
                let _ = inner.opt_u64(inner_name);
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = data;
    loop {
        let frame = match read_frame(&mut input, 64 * 1024) {
            Ok(Some(frame)) => frame,
            Ok(None) => break,
            Err(ReadError::Empty) => continue,
            Err(_) => break,
        };
        let reply = match parse_request(&frame) {
            Ok(request) => {
                let fields = Fields::new(&request.body);
                read_fields(&fields);
                // The typed request shapes: the one the frame names, and every other one too.
                for kind in REQUEST_TYPES.iter().copied().chain([request.kind.as_str()]) {
                    if let Some(Err(refused)) = check_request(kind, &fields) {
                        assert!(!refused.message.is_empty(), "{kind}: a refusal without a message");
                    }
                }
                let mut echoed = Map::new();
                echoed.insert("type".into(), Value::String(request.kind.clone()));
                echoed.insert("body".into(), Value::Object(request.body.clone()));
                ok_reply(&request.id, echoed)
            }
            Err(rejected) => {
                assert!(!rejected.error.message.is_empty());
                error_reply(&rejected.id, &rejected.error)
            }
        };
        let frames = encode_reply(&reply);
        let mut text = String::new();
        for frame in &frames {
            assert!(frame.len() <= MAX_REPLY_BYTES);
            if frames.len() > 1 {
                let chunk: Value = serde_json::from_slice(frame).expect("a chunk is JSON");
                text.push_str(chunk["chunk"]["data"].as_str().expect("chunk data"));
            } else {
                text.push_str(std::str::from_utf8(frame).expect("UTF-8"));
            }
        }
        // The reassembled text is the reply's own JSON text (compared as text: serde_json's float
        // reading is not exact, so a float read back may differ in its last bit).
        assert_eq!(text, reply.to_string());
        let _: Value = serde_json::from_str(&text).expect("the reply is JSON");
        let _ = error_reply(&Value::Null, &HostError::new(ErrorCode::Internal, "x"));
    }
});
