//! Timestamps as the cache files and services write them, read leniently: nothing may panic, and
//! every time that is read writes out (CLI and isoformat forms) as text that reads back to it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sso_bridge::time::UtcTime;

fuzz_target!(|text: &str| {
    match UtcTime::parse_lenient(text) {
        Ok(time) => {
            let cli = time.to_cli_string();
            let whole_seconds = UtcTime::parse_lenient(&cli).expect("the CLI form reads back");
            assert_eq!(whole_seconds.unix_seconds(), time.unix_seconds(), "{text:?} → {cli}");
            let iso = time.to_isoformat_utc();
            assert_eq!(
                UtcTime::parse_lenient(&iso).expect("isoformat reads back").unix_seconds(),
                time.unix_seconds()
            );
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
});
