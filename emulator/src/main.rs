//! sso-bridge-emulator: a local IAM Identity Center (SSO OIDC + portal) for tests and demos.

fn main() {
    eprintln!("sso-bridge-emulator: not built yet (see issue 3)");
    std::process::exit(2);
}
