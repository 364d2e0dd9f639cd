//! The many-sections writer (`apply_section_edits`, used by populate) against the one-section
//! writer its referees check: over 3,000 generated config files, every batch of updates gives
//! exactly the bytes of applying them one after another with `update_section`; removals delete
//! exactly the named sections and keep every other byte.

// The batch entry point is native only (the wasm module does not carry it).
#![cfg(not(target_arch = "wasm32"))]

use sso_bridge::config::writer::{apply_section_edits, update_section, SectionKind, SectionUpdate};

/// xorshift64*: deterministic, so failures reproduce.
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
    "[profile 'my name']",
    "[profile \"my name\"]",
    "[sso-session my-sso]",
    "[services local]",
    "[profile default]",
    "  [profile prod]",
];
const LINES: &[&str] = &[
    "region = us-east-1",
    "Region = ap-south-1",
    "sso_session = my-sso",
    "sso_start_url = https://old.awsapps.com/start",
    "s3 =",
    "  max_concurrent_requests = 10",
    "\tregion = nested",
    "# comment",
    "  # indented comment",
    "not a property",
    "; comment = with equals",
    "",
];
const NAMES: &[&str] = &["dev", "prod", "my name", "default", "new-1", "new-2", "my-sso"];
const KEYS: &[&str] = &["region", "sso_session", "output", "sso_account_id", "s3"];

fn generate(rng: &mut Rng) -> String {
    let eol = if rng.next() % 4 == 0 { "\r\n" } else { "\n" };
    let mut text = String::new();
    for i in 0..rng.next() % 25 {
        text.push_str(if i == 0 || rng.next() % 4 == 0 { rng.pick(HEADERS) } else { rng.pick(LINES) });
        text.push_str(eol);
    }
    if rng.next() % 3 == 0 {
        text.truncate(text.trim_end_matches(['\r', '\n']).len());
    }
    text
}

fn updates(rng: &mut Rng) -> Vec<SectionUpdate<'static>> {
    (0..rng.next() % 6)
        .map(|_| {
            let kind = if rng.next() % 5 == 0 { SectionKind::SsoSession } else { SectionKind::Profile };
            let values = (0..1 + rng.next() % 3).map(|_| (rng.pick(KEYS), "v")).collect::<Vec<_>>();
            let mut values = values;
            values.dedup_by_key(|(k, _)| *k);
            let mut update = SectionUpdate::new(kind, rng.pick(NAMES), values);
            if rng.next() % 2 == 0 {
                update.remove = vec!["sso_start_url"];
            }
            update
        })
        .collect()
}

#[test]
fn a_batch_equals_the_updates_one_after_another() {
    let mut rng = Rng(0x5eed_0010);
    for case in 0..3000 {
        let config = generate(&mut rng);
        let batch = updates(&mut rng);
        let mut sequential = config.clone();
        for update in &batch {
            sequential = update_section(&sequential, update).unwrap();
        }
        let together = apply_section_edits(&config, &batch, &[]).unwrap();
        assert_eq!(together, sequential, "case {case}\nconfig: {config:?}\nupdates: {batch:?}");
    }
}

#[test]
fn removals_delete_only_the_named_sections() {
    let config = "# top\n[profile keep]\nregion = a\n\n# ours below\n[profile gone]\nregion = b\nsso_role_name = R\n\
                  \x20 continued\n# trailing note\n[profile gone-too]\nregion = c\n[sso-session gone]\nsso_region = x\n";
    let out = apply_section_edits(
        config,
        &[],
        &[
            (SectionKind::Profile, "gone"),
            (SectionKind::Profile, "gone-too"),
            (SectionKind::Profile, "absent"),
        ],
    )
    .unwrap();
    assert_eq!(out, "# top\n[profile keep]\nregion = a\n\n# ours below\n# trailing note\n[sso-session gone]\nsso_region = x\n");
    // Nothing to do: byte-identical.
    assert_eq!(apply_section_edits(config, &[], &[(SectionKind::Profile, "absent")]).unwrap(), config);
}

#[test]
fn three_thousand_new_profiles_in_one_pass() {
    let names: Vec<String> = (0..3000).map(|i| format!("acct-{i}-Admin")).collect();
    let batch: Vec<SectionUpdate<'_>> = names
        .iter()
        .map(|n| {
            SectionUpdate::new(SectionKind::Profile, n, vec![("sso_session", "s"), ("region", "us-east-1")])
        })
        .collect();
    let out = apply_section_edits("[default]\nregion = x", &batch, &[]).unwrap();
    assert!(out.starts_with("[default]\nregion = x\n[profile acct-0-Admin]\nsso_session = s\n"));
    assert_eq!(out.matches("[profile ").count(), 3000);
}
