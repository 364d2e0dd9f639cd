//! Properties of the config writer over 2,000 generated config files (a fixed-seed generator, so
//! failures reproduce): it never fails on a valid update, writing twice equals writing once, and
//! whenever the AWS SDKs can read the input they can read the output and see exactly our values,
//! with the profile resolving as an SSO profile.

use sso_bridge::config::writer::{write_sso_profile, SectionKind, SsoLogin, SsoProfileSpec, SsoSessionSpec};
use sso_bridge::config::{parse_files, resolve_sso_profile, SourceFile};

/// xorshift64*: small, deterministic, good enough to pick fragments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const HEADERS: &[&str] = &[
    "[default]",
    "[profile dev]",
    "[profile dev] ; note",
    "[profile prod]",
    "[profile legacy]",
    "[sso-session my-sso]",
    "[sso-session other]",
    "[services local]",
    "[profile default]",
    "[profile ünï]",
];
const LINES: &[&str] = &[
    "region = us-east-1",
    "region=eu-west-1",
    "Region = ap-south-1",
    "output = json # inline",
    "sso_session = my-sso",
    "sso_start_url = https://old.awsapps.com/start",
    "sso_region = us-west-2",
    "sso_account_id = 000000000000",
    "sso_role_name = Old",
    "sso_registration_scopes = a, b",
    "s3 =",
    "  max_concurrent_requests = 10",
    "\tregion = nested",
    "  continued value",
    "# comment",
    "  # indented comment",
    "not a property",
    "; comment = with equals",
    "# Büro: München 😀",
    "",
    "   ",
    "cli_pager =",
];

fn generate(rng: &mut Rng) -> String {
    let crlf = rng.next() % 4 == 0;
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut text = String::new();
    let lines = rng.next() % 25;
    for i in 0..lines {
        let line = if i == 0 || rng.next() % 4 == 0 { rng.pick(HEADERS) } else { rng.pick(LINES) };
        text.push_str(line);
        text.push_str(eol);
    }
    if rng.next() % 3 == 0 {
        // No final newline.
        text.truncate(text.trim_end_matches(['\r', '\n']).len());
    }
    text
}

fn specs() -> Vec<SsoProfileSpec<'static>> {
    let session = SsoSessionSpec {
        name: "my-sso",
        start_url: "https://d-abc123.awsapps.com/start",
        region: "us-east-1",
        registration_scopes: Some("sso:account:access"),
    };
    vec![
        SsoProfileSpec {
            profile: "dev",
            login: SsoLogin::Session(session.clone()),
            account_id: Some("123456789012"),
            role_name: Some("ReadOnly"),
            region: Some("eu-west-1"),
            output: Some("json"),
        },
        SsoProfileSpec {
            profile: "legacy",
            login: SsoLogin::Legacy { start_url: "https://d-abc123.awsapps.com/start", region: "us-east-1" },
            account_id: Some("123456789012"),
            role_name: Some("Admin"),
            region: None,
            output: None,
        },
        SsoProfileSpec {
            profile: "default",
            login: SsoLogin::Session(SsoSessionSpec { registration_scopes: None, ..session }),
            account_id: Some("210987654321"),
            role_name: Some("PowerUser"),
            region: Some("us-east-2"),
            output: None,
        },
    ]
}

#[test]
fn writer_properties_hold_on_generated_files() {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let specs = specs();
    let (mut generated, mut sdk_readable, mut resolved) = (0, 0, 0);
    for _ in 0..2000 {
        let input = generate(&mut rng);
        generated += 1;
        let input_readable = parse_files(Some(&SourceFile::config("config", &input)), None).is_ok();
        for spec in &specs {
            let ours = write_sso_profile(&input, spec)
                .unwrap_or_else(|e| panic!("writing {} failed on {input:?}: {e}", spec.profile));
            assert_eq!(
                write_sso_profile(&ours, spec).expect("second write"),
                ours,
                "writing {} twice differs from once; input {input:?}",
                spec.profile
            );
            if input.contains("\r\n") && !input.replace("\r\n", "").contains('\n') {
                assert!(!ours.replace("\r\n", "").contains('\n'), "a CRLF file gained LF lines: {input:?}");
            }
            if !input_readable {
                continue;
            }
            sdk_readable += 1;
            let parsed = parse_files(Some(&SourceFile::config("config", &ours)), None).unwrap_or_else(|e| {
                panic!("the SDKs cannot read our output ({e}); input {input:?}\noutput {ours:?}")
            });
            for update in spec.section_updates() {
                let section = match update.kind {
                    SectionKind::Profile => parsed.profile(update.name),
                    SectionKind::SsoSession => parsed.sso_session(update.name),
                };
                for (key, value) in &update.values {
                    assert_eq!(
                        section.and_then(|s| s.get(key)),
                        Some(*value),
                        "[{}] {key} reads differently; input {input:?}\noutput {ours:?}",
                        update.name
                    );
                }
            }
            // botocore compares *every* key of the sso-session with the profile; a session that
            // carries unrelated keys (`region` …) is the user's own conflict, not ours.
            let session_is_clean = parsed.sso_session("my-sso").is_none_or(|s| {
                s.properties
                    .keys()
                    .all(|k| matches!(k.as_ref(), "sso_start_url" | "sso_region" | "sso_registration_scopes"))
            });
            if session_is_clean {
                resolve_sso_profile(&parsed, spec.profile).unwrap_or_else(|e| {
                    panic!("profile {} does not resolve: {e}; output {ours:?}", spec.profile)
                });
                resolved += 1;
            }
        }
    }
    eprintln!(
        "config writer properties: {generated} files, {sdk_readable} SDK-readable (file, profile) cases, \
         {resolved} resolved as SSO profiles"
    );
    assert!(resolved > 300, "too few resolved cases ({resolved})");
    assert!(sdk_readable > 500, "too few SDK-readable cases ({sdk_readable}); the generator needs tuning");
}
