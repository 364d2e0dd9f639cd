//! The AWS CLI cache files the helper and the extension read (token, client registration, role
//! credentials) and the PKCE sign-in kept across a restart, from arbitrary text. Nothing may panic;
//! whatever is read writes back as the CLI's bytes, which read back to the same bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sso_bridge::cache::{CachedRoleCredentials, CachedToken, ClientRegistration};
use sso_bridge::flows::pkce::PendingPkce;
use sso_bridge::time::UtcTime;

fuzz_target!(|text: &str| {
    let now = UtcTime::from_unix_seconds(1_777_777_777);
    match CachedToken::from_json(text) {
        Ok(token) => {
            let written = token.to_cli_json();
            let again = CachedToken::from_json(&written).expect("our own token file reads back");
            assert_eq!(again.to_cli_json(), written);
            let _ = (
                token.is_expired(now),
                token.refreshable_by_botocore(now),
                token.refresh_material().is_some(),
            );
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
    match ClientRegistration::from_json(text) {
        Ok(registration) => {
            let written = registration.to_cli_json();
            let again = ClientRegistration::from_json(&written).expect("our own registration reads back");
            assert_eq!(again.to_cli_json(), written);
            let _ = (registration.kind(), registration.needs_renewal(now));
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
    match CachedRoleCredentials::from_json(text) {
        Ok(credentials) => {
            let written = credentials.to_cli_json();
            let again = CachedRoleCredentials::from_json(&written).expect("our own credentials read back");
            assert_eq!(again.to_cli_json(), written);
            for format in sso_bridge::export::ExportFormat::ALL {
                let _ = sso_bridge::export::export_credentials(&credentials.credentials, format);
            }
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
    let _ = CachedRoleCredentials::is_sso_entry(text);
    if let Ok(pending) = PendingPkce::from_json(text) {
        let written = pending.to_json();
        assert_eq!(PendingPkce::from_json(&written).expect("reads back"), pending);
    }
});
