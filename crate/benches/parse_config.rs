//! Config parsing throughput: `cargo bench -p sso-bridge --bench parse_config`.
//!
//! Three parsers read the same bytes in the same run:
//! - ours, `sso_bridge::config::parse_files` (the SDK reading and its diagnostics), and with the
//!   AWS CLI check, `check_files` (plus the model of the AWS CLI's reader and the comparison of the
//!   two readings: what the popup and `sso-bridge parse` show);
//! - the AWS SDK for Rust's, `aws_runtime::env_config::section::EnvConfigSections::parse`, the named
//!   baseline of issue 12 (its files loaded from an in-memory `Fs` outside the timed part);
//! - a line scan that only splits lines and finds each `=`: the floor.
//!
//! on two files: the 5,000-profile config of `www/bench/generate.mjs` (with its credentials file),
//! and a 5,000-profile file as `aws configure sso` writes it; plus the worst case for the section
//! maps, one section with 20,000 keys.
//!
//! divan prints time per parse and MB/s for each; then interleaved rounds of all of them
//! print the medians and the ratios (`print_ratios` below; `-- --ratios` prints only those).
//! `-- --native-figure` prints only our median time with the check on the browser benchmark's file,
//! as JSON, for
//! `www/bench/run.mjs`.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    if std::env::args().any(|argument| argument == "--native-figure") {
        benches::print_native_figure();
        return;
    }
    if std::env::args().any(|argument| argument == "--ratios") {
        benches::print_ratios();
        return;
    }
    divan::main();
    benches::print_ratios();
}

/// The benchmark is native only; on wasm32 (checked by clippy in CI) there is nothing to run.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod benches {
    use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
    use aws_runtime::env_config::section::EnvConfigSections;
    use aws_runtime::env_config::source::{load, Source};
    use aws_types::os_shim_internal::{Env, Fs};
    use sso_bridge::config::sso::sso_profiles;
    use sso_bridge::config::{check_files, parse_files, ConfigSet, ParseError, SourceFile};
    use std::fmt::Write;
    use std::time::{Duration, Instant};

    const PROFILES: usize = 5_000;
    const WORST_CASE_KEYS: usize = 20_000;

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

    /// A config file as `aws configure sso` leaves it after 5,000 runs: one sso-session per
    /// organisation, then a profile per account and role.
    fn configure_sso_config() -> String {
        let mut text = String::new();
        for session in 0..4 {
            let _ = write!(
                text,
                "[sso-session org-{session}]\nsso_start_url = https://d-{session:010}.awsapps.com/start\n\
                 sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n"
            );
        }
        let roles = ["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess", "Billing"];
        for index in 0..PROFILES {
            let role = roles[index % roles.len()];
            let _ = write!(
                text,
                "[profile {role}-{account}]\nsso_session = org-{session}\nsso_account_id = {account}\n\
                 sso_role_name = {role}\nregion = us-east-1\noutput = json\n\n",
                account = 200_000_000_000u64 + (index / roles.len()) as u64,
                session = index % 4,
            );
        }
        text
    }

    /// One profile with 20,000 distinct keys: the worst case for the per-section maps.
    fn one_huge_section() -> String {
        let mut text = String::from("[profile huge]\n");
        for index in 0..WORST_CASE_KEYS {
            // Keys in an order that is not sorted, so no map can only append.
            let key = (index * 7_919) % WORST_CASE_KEYS;
            let _ = writeln!(text, "key_{key} = value-{index}");
        }
        text
    }

    type Reader = fn(Option<&SourceFile<'_>>, Option<&SourceFile<'_>>) -> Result<ConfigSet, ParseError>;

    /// One benchmark input: a config file and, optionally, a credentials file.
    struct Case {
        name: &'static str,
        config: String,
        credentials: Option<String>,
    }

    impl Case {
        fn bytes(&self) -> usize {
            self.config.len() + self.credentials.as_ref().map_or(0, String::len)
        }

        fn ours(&self) -> usize {
            self.read_with(parse_files)
        }

        /// Ours plus the AWS CLI's reading of the files and the comparison of the two: what the
        /// popup's `parseConfig` and `sso-bridge parse` do.
        fn ours_checked(&self) -> usize {
            self.read_with(check_files)
        }

        fn read_with(&self, read: Reader) -> usize {
            let config = SourceFile::config("~/.aws/config", &self.config);
            let credentials =
                self.credentials.as_deref().map(|text| SourceFile::credentials("~/.aws/credentials", text));
            let set = read(Some(&config), credentials.as_ref()).expect("the benchmark file parses");
            assert!(!set.profiles.is_empty());
            set.profiles.len()
        }

        /// The AWS SDK for Rust's loaded files (copied from an in-memory file system), ready for
        /// [`Case::aws_runtime`].
        fn aws_runtime_source(&self) -> Source {
            let mut files = vec![("/aws/config", self.config.as_str())];
            let mut builder = EnvConfigFiles::builder()
                .include_default_config_file(false)
                .include_default_credentials_file(false)
                .with_file(EnvConfigFileKind::Config, "/aws/config");
            if let Some(credentials) = &self.credentials {
                files.push(("/aws/credentials", credentials.as_str()));
                builder = builder.with_file(EnvConfigFileKind::Credentials, "/aws/credentials");
            }
            let fs = Fs::from_slice(&files);
            pollster::block_on(load(&Env::from_slice(&[]), &fs, &builder.build())).expect("files load")
        }

        fn aws_runtime(source: Source) -> usize {
            let sections = EnvConfigSections::parse(source).expect("the benchmark file parses");
            assert!(!sections.is_empty());
            sections.profiles().count()
        }

        fn line_scan(&self) -> usize {
            let mut properties = 0usize;
            for text in std::iter::once(&self.config).chain(&self.credentials) {
                for line in divan::black_box(text.as_str()).lines() {
                    if let Some((key, _value)) = line.split_once('=') {
                        properties += usize::from(!key.trim().is_empty());
                    }
                }
            }
            assert!(properties > 0);
            properties
        }
    }

    /// The browser benchmark's file (`www/bench/generate.mjs`), the `aws configure sso` file, the
    /// worst case; in the order of [`divan`]'s `args`.
    fn case(name: &str) -> Case {
        match name {
            "generated" => Case {
                name: "generated",
                config: generated_config(),
                credentials: Some(generated_credentials()),
            },
            "configure-sso" => {
                Case { name: "configure-sso", config: configure_sso_config(), credentials: None }
            }
            _ => Case { name: "one-section-20000-keys", config: one_huge_section(), credentials: None },
        }
    }

    const CASES: [&str; 3] = ["generated", "configure-sso", "one-section-20000-keys"];

    #[divan::bench(args = CASES)]
    fn ours(bencher: divan::Bencher<'_, '_>, name: &str) {
        let case = case(name);
        bencher.counter(divan::counter::BytesCount::new(case.bytes())).bench(|| case.ours());
    }

    #[divan::bench(args = CASES)]
    fn ours_checked(bencher: divan::Bencher<'_, '_>, name: &str) {
        let case = case(name);
        bencher.counter(divan::counter::BytesCount::new(case.bytes())).bench(|| case.ours_checked());
    }

    #[divan::bench(args = CASES)]
    fn aws_runtime(bencher: divan::Bencher<'_, '_>, name: &str) {
        let case = case(name);
        bencher
            .counter(divan::counter::BytesCount::new(case.bytes()))
            .with_inputs(|| case.aws_runtime_source())
            .bench_values(Case::aws_runtime);
    }

    /// The floor the other figures are read against: parsing costs "N times a line scan".
    #[divan::bench(args = CASES)]
    fn baseline_line_scan(bencher: divan::Bencher<'_, '_>, name: &str) {
        let case = case(name);
        bencher.counter(divan::counter::BytesCount::new(case.bytes())).bench(|| case.line_scan());
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

    const ROUNDS: usize = 15;

    fn median(mut samples: Vec<Duration>) -> Duration {
        samples.sort();
        samples[samples.len() / 2]
    }

    /// Milliseconds, as printed.
    fn ms(duration: Duration) -> f64 {
        duration.as_secs_f64() * 1e3
    }

    /// The median times of our parser, our parser with the AWS CLI check, the AWS SDK for Rust's and
    /// the line scan on `case`, over interleaved rounds (one parse of each per round, so a change in
    /// the machine's load touches all alike).
    fn interleaved_medians(case: &Case, rounds: usize) -> [Duration; 4] {
        let mut samples: [Vec<Duration>; 4] = Default::default();
        // Warm-up: caches, allocator, page faults.
        case.ours();
        case.ours_checked();
        Case::aws_runtime(case.aws_runtime_source());
        for _ in 0..rounds {
            let start = Instant::now();
            divan::black_box(case.ours());
            samples[0].push(start.elapsed());

            let start = Instant::now();
            divan::black_box(case.ours_checked());
            samples[1].push(start.elapsed());

            let source = case.aws_runtime_source();
            let start = Instant::now();
            divan::black_box(Case::aws_runtime(source));
            samples[2].push(start.elapsed());

            let start = Instant::now();
            divan::black_box(case.line_scan());
            samples[3].push(start.elapsed());
        }
        samples.map(median)
    }

    /// The table of issue 12: medians and how many times faster we are than the AWS SDK for Rust.
    pub fn print_ratios() {
        println!();
        println!("Interleaved rounds ({ROUNDS}), median ms per parse:");
        println!(
            "{:<24} {:>8} {:>14} {:>12} {:>10} {:>18} {:>26} {:>16}",
            "file",
            "ours",
            "ours checked",
            "aws-runtime",
            "line scan",
            "aws-runtime/ours",
            "aws-runtime/ours checked",
            "ours/line scan"
        );
        for name in CASES {
            let case = case(name);
            let [ours, checked, aws, scan] = interleaved_medians(&case, ROUNDS);
            let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
            println!(
                "{:<24} {:>8.2} {:>14.2} {:>12.2} {:>10.3} {:>17.2}x {:>25.2}x {:>15.1}x",
                case.name,
                ms(ours),
                ms(checked),
                ms(aws),
                ms(scan),
                ratio(aws, ours),
                ratio(aws, checked),
                ratio(ours, scan),
            );
        }
    }

    /// `{"file":"generated","bytes":…,"checkFilesMs":…}`: our median on the file of
    /// `www/bench/bench.html` with the AWS CLI check, the work of the browser's `parseConfig`, which
    /// `www/bench/run.mjs` divides the browser's figure by.
    pub fn print_native_figure() {
        let case = case("generated");
        let [_, checked, _, _] = interleaved_medians(&case, ROUNDS);
        println!(
            "{{\"file\":\"{}\",\"bytes\":{},\"checkFilesMs\":{:.3}}}",
            case.name,
            case.bytes(),
            ms(checked)
        );
    }
}
