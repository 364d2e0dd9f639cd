//! Config parsing throughput over a generated 5,000-profile config file (plus a credentials file):
//! `cargo bench -p sso-bridge --bench parse_config`. divan prints the time per parse and MB/s.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    divan::main();
}

/// The benchmark is native only; on wasm32 (checked by clippy in CI) there is nothing to run.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod benches {
    use sso_bridge::config::sso::sso_profiles;
    use sso_bridge::config::{parse_files, SourceFile};
    use std::fmt::Write;

    const PROFILES: usize = 5_000;

    /// A config file shaped like a large organisation's: sso-sessions, sso-session profiles, legacy SSO
    /// profiles, role-chaining profiles with sub-properties, comments and blank lines.
    fn generated_config() -> String {
        let mut text = String::from(
            "# generated for the parser benchmark\n[default]\nregion = us-east-1\noutput = json\n\n",
        );
        for session in 0..20 {
            let _ = write!(
                text,
                "[sso-session corp-{session}]\nsso_start_url = https://d-{session:010}.awsapps.com/start\n\
                 sso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n\n"
            );
        }
        for index in 0..PROFILES {
            let account = 100_000_000_000u64 + index as u64;
            match index % 4 {
                0 | 1 => {
                    let _ = write!(
                        text,
                        "[profile team-{index}-admin]\nsso_session = corp-{}\nsso_account_id = {account}\n\
                         sso_role_name = AdministratorAccess\nregion = us-west-2\noutput = json\n\n",
                        index % 20
                    );
                }
                2 => {
                    let _ = write!(
                        text,
                        "; legacy profile\n[profile legacy-{index}]\nsso_start_url = https://legacy.awsapps.com/start\n\
                         sso_region = us-east-1\nsso_account_id = {account}\nsso_role_name = ReadOnly\n\n"
                    );
                }
                _ => {
                    let _ = write!(
                        text,
                        "[profile chain-{index}]\nsource_profile = team-{}-admin\n\
                         role_arn = arn:aws:iam::{account}:role/Deploy\ns3 =\n  addressing_style = path\n  \
                         max_concurrent_requests = 20\nregion = ap-southeast-2 # comment\n\n",
                        index - 3
                    );
                }
            }
        }
        text
    }

    fn generated_credentials() -> String {
        let mut text = String::new();
        for index in 0..200 {
            let _ = write!(
                text,
                "[static-{index}]\naws_access_key_id = AKIAEXAMPLE{index:08}\naws_secret_access_key = {}\n\n",
                "x".repeat(40)
            );
        }
        text
    }

    /// The named baseline the other figures are read against, in the same run: one pass over the same
    /// bytes that only splits lines and finds each `=` (no sections, comments, continuations, model,
    /// diagnostics). Parsing costs "N times a line scan".
    #[divan::bench]
    fn baseline_line_scan(bencher: divan::Bencher<'_, '_>) {
        let config_text = generated_config();
        let credentials_text = generated_credentials();
        let bytes = config_text.len() + credentials_text.len();
        bencher.counter(divan::counter::BytesCount::new(bytes)).bench(|| {
            let mut properties = 0usize;
            for text in [divan::black_box(&config_text), divan::black_box(&credentials_text)] {
                for line in text.lines() {
                    if let Some((key, _value)) = line.split_once('=') {
                        properties += usize::from(!key.trim().is_empty());
                    }
                }
            }
            assert!(properties > PROFILES);
            properties
        });
    }

    #[divan::bench]
    fn parse_5000_profiles(bencher: divan::Bencher<'_, '_>) {
        let config_text = generated_config();
        let credentials_text = generated_credentials();
        let config = SourceFile::config("~/.aws/config", &config_text);
        let credentials = SourceFile::credentials("~/.aws/credentials", &credentials_text);
        let bytes = config_text.len() + credentials_text.len();
        bencher.counter(divan::counter::BytesCount::new(bytes)).bench(|| {
            let set = parse_files(Some(&config), Some(&credentials)).expect("the generated config parses");
            assert!(set.profiles.len() > PROFILES);
            set
        });
    }

    #[divan::bench]
    fn parse_and_resolve_every_sso_profile(bencher: divan::Bencher<'_, '_>) {
        let config_text = generated_config();
        let config = SourceFile::config("~/.aws/config", &config_text);
        bencher.counter(divan::counter::BytesCount::new(config_text.len())).bench(|| {
            let set = parse_files(Some(&config), None).expect("the generated config parses");
            let resolved = sso_profiles(&set);
            assert!(resolved.iter().all(|(_, result)| result.is_ok()));
            resolved.len()
        });
    }
}
