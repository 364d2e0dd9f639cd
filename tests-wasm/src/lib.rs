//! Browser tests of the sso-bridge wasm bindings live in `tests/`; they run with
//! `cargo xtask test` (step "wasm tests in Chromium"), which starts the emulator and passes its URL in
//! at compile time as `SSO_BRIDGE_EMULATOR_URL`.
