//! The JS API's arguments (`wasm/src/shapes.rs`), from arbitrary JSON, as a caller bypassing the
//! TypeScript types could pass them. Nothing may panic; a refusal names one of the shape's declared
//! members and never a value; a shape the bindings also return reads back from what it writes, to the
//! same text, and that text is JSON.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sso_bridge::json::{Json, MemberError, Members};
use sso_bridge_wasm::shapes::*;

/// A refusal must name a member the shape declares (so never a value from the input).
fn check_refusal(shape: &str, declared: &[&str], result: Result<(), MemberError>) {
    match result {
        Ok(()) => {}
        Err(MemberError::NotAnObject) => panic!("{shape}: refused an object as not one"),
        Err(MemberError::Missing(key) | MemberError::WrongType { key, .. }) => {
            assert!(declared.contains(&key.as_str()), "{shape}: the refusal names `{key}`, not a member")
        }
    }
}

macro_rules! arguments {
    ($members:ident: $($shape:ident),* $(,)?) => {
        $( check_refusal(stringify!($shape), $shape::MEMBERS, $shape::read($members).map(drop)); )*
    };
}

macro_rules! round_trips {
    ($members:ident: $($shape:ident),* $(,)?) => {
        $(
            if let Ok(shape) = $shape::read($members) {
                let written = shape.to_json();
                serde_json::from_str::<serde_json::Value>(&written).expect("a result is JSON");
                let json = Json::parse(&written).expect("our JSON reader reads our writer");
                let again = $shape::read(Members::of(&json).unwrap()).expect("what it wrote reads back");
                assert_eq!(again.to_json(), written, "{}", stringify!($shape));
            }
        )*
    };
}

fuzz_target!(|text: &str| {
    let Ok(json) = Json::parse(text) else { return };
    let Ok(members) = Members::of(&json) else { return };
    arguments!(members:
        TokenFileJs, RegistrationFileJs, RegistrationCacheKeyInputJs, AwsCredentialsJs,
        RegistrationRequestJs, DeviceAuthorizationJs, IssuedTokenJs, PkceOptionsJs, PendingPkceJs,
        SsoSessionInfoJs, EndpointOptionsJs, ListOptionsJs, ConsoleOptionsJs,
    );
    round_trips!(members:
        TokenFileJs, RegistrationFileJs, AwsCredentialsJs, DeviceAuthorizationJs, IssuedTokenJs,
        PendingPkceJs,
    );
});
