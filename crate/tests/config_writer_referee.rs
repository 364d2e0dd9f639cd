//! Referee for the config writer over the corpus in `tests/data/config-corpus/`:
//! 1. the AWS CLI's own `ConfigFileWriter.update_config` (Debian's awscli Python package, run with
//!    Debian's `/usr/bin/python3`) must produce the same bytes as ours, line endings aside, except
//!    for the documented deliberate differences listed in [`KNOWN_DIFFERENCES`];
//! 2. botocore's config loader, and our own SDK-spec parser (what the AWS SDKs read), must read the
//!    values we wrote back from our output;
//! 3. every line we did not mean to change must still be there, in order, byte for byte;
//! 4. writing the same profile again changes nothing.
//!
//! Debian's awscli is required (CI installs it); if it is missing the test fails loudly with what
//! to install, since the byte comparison is the point of the test.

use sso_bridge::config::writer::{write_sso_profile, SectionKind, SsoLogin, SsoProfileSpec, SsoSessionSpec};
use sso_bridge::config::{parse_files, resolve_sso_profile, Severity, SourceFile};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const DEBIAN_PYTHON: &str = "/usr/bin/python3";

/// (corpus file, scenario, why our bytes differ from the CLI's). See `crate/src/config/writer.rs`
/// for the numbered deliberate differences.
const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[
    ("08-comments-everywhere.ini", "session", "5: the CLI inserts after a trailing `# key = value` comment"),
    ("08-comments-everywhere.ini", "default", "5: the CLI inserts after a `; output = text` comment"),
    (
        "09-tabs-and-indentation.ini",
        "session",
        "4: `\\ttls = yes` is a continuation of the replaced `output`",
    ),
    ("11-unicode.ini", "session", "5: the CLI inserts after the `# Büro: München` comment"),
    ("15-uppercase-keys.ini", "session", "3: the CLI adds lower-case duplicates of `Region`/`OUTPUT`"),
    ("16-profile-default.ini", "default", "6: the CLI appends `[default]`, which the Rust SDK ignores"),
    ("17-duplicate-sections.ini", "session", "7: the CLI only edits the first `[profile dev]`"),
    ("19-quoted-names.ini", "quoted", "8: the CLI appends `[sso-session 'team sso']` next to `\"team sso\"`"),
    ("20-continuation-values.ini", "session", "4: the CLI leaves the old value's continuation line"),
    ("21-trailing-comment-with-colon.ini", "session", "5: the CLI inserts after the next section's comment"),
    (
        "25-trailing-whitespace-and-blank-end.ini",
        "session",
        "5: at the end of the file the CLI inserts one line late",
    ),
    (
        "27-switch-sso-layout.ini",
        "session",
        "9: the CLI keeps the legacy sso_start_url/sso_region beside sso_session",
    ),
    ("27-switch-sso-layout.ini", "legacy", "9: the CLI keeps sso_session beside the legacy keys"),
];

fn scenarios() -> Vec<(&'static str, SsoProfileSpec<'static>)> {
    let my_sso = SsoSessionSpec {
        name: "my-sso",
        start_url: "https://d-abc123.awsapps.com/start",
        region: "us-east-1",
        registration_scopes: Some("sso:account:access"),
    };
    vec![
        (
            "session",
            SsoProfileSpec {
                profile: "dev",
                login: SsoLogin::Session(my_sso.clone()),
                account_id: Some("123456789012"),
                role_name: Some("ReadOnly"),
                region: Some("eu-west-1"),
                output: Some("json"),
            },
        ),
        (
            "legacy",
            SsoProfileSpec {
                profile: "legacy",
                login: SsoLogin::Legacy {
                    start_url: "https://d-abc123.awsapps.com/start",
                    region: "us-east-1",
                },
                account_id: Some("123456789012"),
                role_name: Some("Admin"),
                region: Some("us-east-2"),
                output: Some("yaml"),
            },
        ),
        (
            "default",
            SsoProfileSpec {
                profile: "default",
                login: SsoLogin::Session(SsoSessionSpec { registration_scopes: None, ..my_sso }),
                account_id: Some("210987654321"),
                role_name: Some("PowerUser"),
                region: None,
                output: None,
            },
        ),
        (
            "quoted",
            SsoProfileSpec {
                profile: "my profile",
                login: SsoLogin::Session(SsoSessionSpec {
                    name: "team sso",
                    start_url: "https://team.awsapps.com/start",
                    region: "eu-central-1",
                    registration_scopes: Some("sso:account:access, codewhisperer:analysis"),
                }),
                account_id: Some("333333333333"),
                role_name: Some("Dev"),
                region: Some("eu-central-1"),
                output: None,
            },
        ),
    ]
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/config-corpus")
}

fn corpus() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(corpus_dir())
        .expect("corpus dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ini"))
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("corpus files are UTF-8"))
        })
        .collect();
    files.sort();
    files
}

/// For each case: the CLI writer's bytes for the same updates, and what botocore reads from ours.
const REFEREE_SCRIPT: &str = r#"
import json, os, sys, tempfile
from awscli.customizations.configure.writer import ConfigFileWriter
from botocore.configloader import raw_config_parse, build_profile_map
cases = json.load(sys.stdin)
out = []
with tempfile.TemporaryDirectory() as tmp:
    for i, case in enumerate(cases):
        path = os.path.join(tmp, "config%d" % i)
        with open(path, "w", newline="", encoding="utf-8") as f:
            f.write(case["input"])
        writer = ConfigFileWriter()
        for header, values in case["updates"]:
            new_values = dict(values)
            new_values["__section__"] = header
            writer.update_config(new_values, path)
        with open(path, "rb") as f:
            cli = f.read().decode("utf-8")
        ours_path = os.path.join(tmp, "ours%d" % i)
        with open(ours_path, "w", newline="", encoding="utf-8") as f:
            f.write(case["ours"])
        try:
            parsed = build_profile_map(raw_config_parse(ours_path))
            read_back = {"profiles": parsed.get("profiles", {}), "sso_sessions": parsed.get("sso_sessions", {})}
        except Exception as e:
            read_back = {"error": "%s: %s" % (type(e).__name__, e)}
        out.append({"cli": cli, "read_back": read_back})
print(json.dumps(out))
"#;

fn run_referee(cases: &serde_json::Value) -> Vec<serde_json::Value> {
    assert!(
        Path::new(DEBIAN_PYTHON).exists(),
        "{DEBIAN_PYTHON} is missing: install Debian's python3 and awscli (`apt-get install awscli`), \
         whose ConfigFileWriter is the referee for the config writer"
    );
    let mut child = Command::new(DEBIAN_PYTHON)
        .args(["-c", REFEREE_SCRIPT])
        .env("PYTHONUTF8", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run Debian's python3");
    child.stdin.take().expect("stdin").write_all(cases.to_string().as_bytes()).expect("write cases");
    let output = child.wait_with_output().expect("python3 finished");
    assert!(
        output.status.success(),
        "the ConfigFileWriter referee failed (is Debian's `awscli` installed?):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice::<Vec<serde_json::Value>>(&output.stdout).expect("referee JSON")
}

/// Lines of `input` we did not mean to change must appear in `ours` in the same order, with the
/// same bytes (line endings included).
fn assert_untouched_lines_kept(file: &str, scenario: &str, input: &str, ours: &str, keys: &[&str]) {
    let is_our_key = |line: &str| {
        line.find(['=', ':']).is_some_and(|at| {
            let key = line[..at].trim();
            !line.starts_with([' ', '\t']) && keys.iter().any(|k| k.eq_ignore_ascii_case(key))
        })
    };
    let mut kept: Vec<&str> = Vec::new();
    let mut skipping_continuation = false;
    for line in input.split_inclusive('\n') {
        let indented = line.starts_with([' ', '\t']) && !line.trim().is_empty();
        let comment = line.trim_start().starts_with(['#', ';']);
        if skipping_continuation && indented && !comment {
            continue;
        }
        skipping_continuation = is_our_key(line);
        if !skipping_continuation {
            kept.push(line);
        }
    }
    let mut out_lines = ours.split_inclusive('\n').peekable();
    for line in &kept {
        // The file's last line may have gained a line ending before appended sections.
        let found = out_lines
            .by_ref()
            .any(|o| o == *line || (!line.ends_with('\n') && o.trim_end_matches(['\r', '\n']) == *line));
        assert!(
            found,
            "{file} / {scenario}: input line {line:?} is missing or out of order in our output:\n{ours}"
        );
    }
}

#[test]
fn config_writer_matches_the_cli_writer_over_the_corpus() {
    let corpus = corpus();
    assert!(corpus.len() >= 20, "the corpus must have at least 20 files, found {}", corpus.len());
    let scenarios = scenarios();
    let mut cases = Vec::new();
    let mut ours_all = Vec::new();
    for (file, input) in &corpus {
        for (scenario, spec) in &scenarios {
            let ours = write_sso_profile(input, spec).unwrap_or_else(|e| panic!("{file} / {scenario}: {e}"));
            let updates: Vec<serde_json::Value> = spec
                .section_updates()
                .iter()
                .map(|u| {
                    let header = sso_bridge::config::writer::section_header(u.kind, u.name);
                    serde_json::json!([header, u.values])
                })
                .collect();
            cases.push(serde_json::json!({"input": input, "ours": ours, "updates": updates}));
            ours_all.push((file.as_str(), *scenario, spec, input.as_str(), ours));
        }
    }
    let results = run_referee(&serde_json::Value::Array(cases));
    let mut same = 0;
    let mut differing = Vec::new();
    let mut unexpected = Vec::new();
    let mut sdk_checked = 0;
    for ((file, scenario, spec, input, ours), result) in ours_all.iter().zip(&results) {
        let cli = result["cli"].as_str().expect("cli output");
        // Line endings: the CLI rewrites files with LF (deliberate difference 1).
        let matches_cli = ours.replace("\r\n", "\n") == cli.replace("\r\n", "\n");
        let known = KNOWN_DIFFERENCES.iter().find(|(f, s, _)| f == file && s == scenario);
        match (matches_cli, known) {
            (true, None) => same += 1,
            (false, Some((_, _, why))) => differing.push(format!("{file} / {scenario}: {why}")),
            (true, Some(_)) => panic!("{file} / {scenario} is listed as a known difference but matches the CLI; remove it from KNOWN_DIFFERENCES"),
            (false, None) => unexpected.push(format!(
                "{file} / {scenario}: our bytes differ from the AWS CLI's ConfigFileWriter\n--- ours ---\n{ours:?}\n--- cli ---\n{cli:?}\n---"
            )),
        }
        if input.contains("\r\n") {
            assert!(
                !ours.replace("\r\n", "").contains('\n'),
                "{file} / {scenario}: a CRLF file gained bare LF lines"
            );
        }

        // botocore reads back what we wrote (unless it rejects the input file too, e.g. duplicates).
        let read_back = &result["read_back"];
        if let Some(error) = read_back.get("error") {
            assert!(
                file.starts_with("17-duplicate-sections"),
                "{file} / {scenario}: botocore cannot read our output: {error}\n{ours}"
            );
        } else {
            for update in spec.section_updates() {
                let table = match update.kind {
                    SectionKind::Profile => "profiles",
                    SectionKind::SsoSession => "sso_sessions",
                };
                for (key, value) in &update.values {
                    assert_eq!(
                        read_back[table][update.name][*key].as_str(),
                        Some(*value),
                        "{file} / {scenario}: botocore reads {table}.{}.{key} differently from what we wrote:\n{ours}",
                        update.name
                    );
                }
            }
        }

        // The AWS SDKs (our SDK-spec parser) read back what we wrote, for inputs they accept at all
        // (`region: x` and an indented first key are errors for them). Names with whitespace are
        // not valid profile names for the SDKs (botocore alone accepts them), so they are skipped.
        if parse_files(Some(&SourceFile::config("config", input)), None).is_ok() {
            let parsed = parse_files(Some(&SourceFile::config("config", ours)), None).unwrap_or_else(|e| {
                panic!("{file} / {scenario}: the SDK parser rejects our output: {e}\n{ours}")
            });
            for update in spec.section_updates().iter().filter(|u| !u.name.contains(' ')) {
                let section = match update.kind {
                    SectionKind::Profile => parsed.profile(update.name),
                    SectionKind::SsoSession => parsed.sso_session(update.name),
                };
                for (key, value) in &update.values {
                    assert_eq!(
                        section.and_then(|s| s.get(key)),
                        Some(*value),
                        "{file} / {scenario}: the SDK parser reads [{}] {key} differently:\n{ours}",
                        update.name
                    );
                }
            }
            // …and resolve the profile as an SSO profile without errors (spec §8.4).
            if !spec.profile.contains(' ') {
                let profile = resolve_sso_profile(&parsed, spec.profile).unwrap_or_else(|e| {
                    panic!("{file} / {scenario}: our profile does not resolve: {e}\n{ours}")
                });
                let refused: Vec<_> =
                    profile.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
                assert!(
                    refused.is_empty(),
                    "{file} / {scenario}: an SDK refuses our profile: {refused:?}\n{ours}"
                );
            }
            sdk_checked += 1;
        }
        let again = write_sso_profile(ours, spec).expect("second write");
        assert_eq!(&again, ours, "{file} / {scenario}: writing the same profile twice changed the file");

        let keys: Vec<&str> = spec
            .section_updates()
            .iter()
            .flat_map(|u| u.values.iter().map(|(k, _)| *k).chain(u.remove.iter().copied()))
            .collect();
        assert_untouched_lines_kept(file, scenario, input, ours, &keys);
    }
    assert!(
        unexpected.is_empty(),
        "{} undocumented differences:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    eprintln!(
        "config writer referee: {same} cases byte-identical to the AWS CLI, {} documented differences:\n  {}",
        differing.len(),
        differing.join("\n  ")
    );
    assert!(same >= corpus.len() * 2, "too few byte-identical cases: {same}");
    assert!(sdk_checked >= corpus.len() * 2, "too few cases read back by the SDK parser: {sdk_checked}");
    eprintln!("config writer referee: {sdk_checked} cases read back by the SDK-spec parser");
}
