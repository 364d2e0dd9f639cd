//! Referee for the diagnostics: the AWS CLI v2's own config loader (Debian's awscli package, its
//! vendored `awscli.botocore.configloader`, run with Debian's `/usr/bin/python3`) reads a corpus of
//! tricky files plus every input of the SDK conformance table. For each:
//! 1. our model of botocore ([`read_like_cli`]) must read exactly what the CLI reads, or refuse
//!    exactly when the CLI refuses;
//! 2. wherever the CLI's reading differs from the SDKs' reading (our parser), at least one
//!    diagnostic must say so, so the popup can explain the disagreement.
//!
//! Debian's awscli is required (CI installs it); without it the test fails and says what to install.

use sso_bridge::config::botocore::{read_like_cli, CliConfig, CliValue};
use sso_bridge::config::{check_files, PlainConfig, SourceFile};
use sso_bridge::sorted_map::SortedMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const DEBIAN_PYTHON: &str = "/usr/bin/python3";

/// Files whose CLI reading is interesting: (name, config, credentials).
const CORPUS: &[(&str, &str, &str)] = &[
    ("inline comments", "[default]\nregion = us-east-1 # prod\noutput = json ;x\n", ""),
    ("colon separator", "[default]\nregion: us-east-1\na: b = c\n", ""),
    ("duplicate section", "[profile a]\nx = 1\n[profile a]\ny = 2\n", ""),
    ("duplicate key", "[profile a]\nx = 1\nX = 2\n", ""),
    ("default then profile default", "[default]\na = 1\n[profile default]\nb = 2\n", ""),
    ("profile default then default", "[profile default]\nb = 2\n[default]\na = 1\n", ""),
    ("leading space in header", "[ profile x]\na = 1\n[profile y ]\nb = 2\n", ""),
    ("capital prefix", "[Profile x]\na = 1\n", ""),
    ("quoted profile name", "[profile \"my name\"]\na = 1\n", ""),
    ("three words", "[profile a b]\na = 1\n", ""),
    ("profiles prefix", "[profiles x]\na = 1\n", ""),
    ("unbalanced quote", "[profile \"x]\na = 1\n", ""),
    ("configparser DEFAULT", "[DEFAULT]\nregion = eu-west-1\n[profile a]\nx = 1\n[default]\n", ""),
    ("no section header", "region = x\n[default]\n", ""),
    ("indented comment in continuation", "[default]\nk = a\n  # not a comment for the SDKs\n  b\n", ""),
    ("blank line in continuation", "[default]\nk = a\n\n  b\n", ""),
    ("sub-properties", "[profile a]\ns3 =\n  addressing_style = path\n  Max_Concurrent = 4\n", ""),
    ("services section", "[profile local]\nservices = emu\n[services emu]\nsso_oidc =\n  endpoint_url = http://127.0.0.1:4566\n", ""),
    ("indented key after header", "[default]\n  region = x\n", ""),
    ("comment after header", "[profile a] # comment\nx = 1\n[profile b]; c\n", ""),
    ("crlf", "[profile a]\r\nx = 1\r\n  y\r\n", ""),
    ("tabs", "[profile\ta]\nx\t=\t1\n", ""),
    ("unicode", "[profile ü]\nname = ÄÖÜ\n[profile ok]\nname = 😀\n", ""),
    ("sso", "[profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n", ""),
    ("credentials merge", "[profile a]\nx = 1\n[default]\ny = 2\n", "[a]\nx = 3\n[default]\nz = 4\n"),
    ("credentials prefix", "", "[profile a]\nx = 1\n[ b ]\ny = 2\n"),
    ("credentials inline comment", "", "[default]\naws_access_key_id = AKID # mine\n"),
    ("equals in value", "[default]\nendpoint_url = http://h/?a=b\n", ""),
    ("empty value", "[default]\nregion =\n", ""),
    ("no space value", "[default]\nregion=us-east-1#x\n", ""),
    ("form feed in header", "[profile\u{c}ff]\na = 1\n[sso-session\u{c}s]\nb = 2\n[profile ok]\nc = 3\n", ""),
    ("form feed around a value", "[profile ff]\na = \u{c}x\u{c}\n", ""),
    ("lone carriage return between properties", "[profile a]\nx = 1\ry = 2\nz = 3\r\r\nw = 4\r", ""),
    ("lone carriage return after a header", "[profile b]\rregion = x\n[profile c]\n", ""),
    ("many sections", "[profile a]\n[profile b]\n[sso-session c]\n[sso-session d]\nx = 1\n", ""),
];

const REFEREE_SCRIPT: &str = r#"
import json, os, sys, tempfile
from awscli.botocore.configloader import raw_config_parse, build_profile_map
cases = json.load(sys.stdin)
out = []
with tempfile.TemporaryDirectory() as tmp:
    for i, (config, credentials) in enumerate(cases):
        result = {"profiles": {}, "sso_sessions": {}}
        try:
            if config is not None:
                path = os.path.join(tmp, "config%d" % i)
                with open(path, "w", newline="", encoding="utf-8") as f:
                    f.write(config)
                parsed = build_profile_map(raw_config_parse(path))
                result = {"profiles": parsed["profiles"], "sso_sessions": parsed["sso_sessions"]}
            if credentials is not None:
                path = os.path.join(tmp, "credentials%d" % i)
                with open(path, "w", newline="", encoding="utf-8") as f:
                    f.write(credentials)
                # session.full_config: each credentials section updates the profile of that name.
                for name, values in raw_config_parse(path).items():
                    result["profiles"].setdefault(name, {}).update(values)
        except Exception as e:
            result = {"error": type(e).__name__}
        out.append(result)
print(json.dumps(out))
"#;

struct Case {
    name: String,
    config: Option<String>,
    credentials: Option<String>,
}

fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = CORPUS
        .iter()
        .map(|(name, config, credentials)| Case {
            name: (*name).to_owned(),
            config: (!config.is_empty()).then(|| (*config).to_owned()),
            credentials: (!credentials.is_empty()).then(|| (*credentials).to_owned()),
        })
        .collect();
    let table: serde_json::Value =
        serde_json::from_str(include_str!("conformance/profile-parser-tests.json")).expect("valid JSON");
    for test in table["tests"].as_array().expect("tests") {
        cases.push(Case {
            name: format!("conformance: {}", test["name"].as_str().unwrap_or_default()),
            config: test["input"]["configFile"].as_str().map(str::to_owned),
            credentials: test["input"]["credentialsFile"].as_str().map(str::to_owned),
        });
    }
    cases
}

fn run_cli_loader(cases: &[Case]) -> Vec<serde_json::Value> {
    assert!(
        Path::new(DEBIAN_PYTHON).exists(),
        "{DEBIAN_PYTHON} is missing: install Debian's python3 and awscli (`apt-get install awscli`), whose \
         config loader is the referee for the diagnostics"
    );
    let input: Vec<(Option<&str>, Option<&str>)> =
        cases.iter().map(|c| (c.config.as_deref(), c.credentials.as_deref())).collect();
    let mut child = Command::new(DEBIAN_PYTHON)
        .args(["-c", REFEREE_SCRIPT])
        .env("PYTHONUTF8", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run Debian's python3");
    let json = serde_json::to_string(&input).expect("cases as JSON");
    child.stdin.take().expect("stdin").write_all(json.as_bytes()).expect("write cases");
    let output = child.wait_with_output().expect("python3 finished");
    assert!(
        output.status.success(),
        "the AWS CLI config-loader referee failed (is Debian's `awscli` installed?):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("referee JSON")
}

/// The SDKs' reading in the CLI's shape: blocks of sub-properties become maps.
fn sdk_as_cli(plain: &PlainConfig) -> CliConfig {
    let convert = |sections: &SortedMap<String, SortedMap<String, String>>| {
        sections
            .iter()
            .map(|(name, values)| {
                let values = values
                    .iter()
                    .map(|(key, value)| {
                        let value = match value.strip_prefix('\n') {
                            Some(block) => CliValue::Nested(
                                block
                                    .split('\n')
                                    .filter_map(|line| line.split_once('='))
                                    .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                                    .collect(),
                            ),
                            None => CliValue::Text(value.clone()),
                        };
                        (key.clone(), value)
                    })
                    .collect();
                (name.clone(), values)
            })
            .collect()
    };
    CliConfig { profiles: convert(&plain.profiles), sso_sessions: convert(&plain.sso_sessions) }
}

#[test]
fn our_model_of_the_cli_reads_what_the_cli_reads_and_diagnostics_cover_every_disagreement() {
    let cases = cases();
    assert!(cases.len() >= 90, "corpus plus the 65 conformance inputs");
    let cli_results = run_cli_loader(&cases);
    let mut failures = Vec::new();
    let mut disagreements = 0;
    for (case, cli) in cases.iter().zip(&cli_results) {
        let config = case.config.as_deref().map(|text| SourceFile::config("config", text));
        let credentials =
            case.credentials.as_deref().map(|text| SourceFile::credentials("credentials", text));
        let files: Vec<SourceFile<'_>> = config.into_iter().chain(credentials).collect();

        // 1. Our model of botocore against botocore.
        let ours = read_like_cli(&files);
        match (cli.get("error"), &ours) {
            (Some(_), Err(reasons)) if !reasons.is_empty() => {}
            (Some(error), _) => failures
                .push(format!("{}: the CLI refuses ({error}) but our model reads {ours:?}", case.name)),
            (None, Err(reasons)) => failures
                .push(format!("{}: our model refuses ({reasons:?}) but the CLI reads {cli}", case.name)),
            (None, Ok(read)) => {
                let ours = serde_json::to_value(read).expect("serializable");
                if &ours != cli {
                    failures.push(format!("{}: the CLI reads {cli}\n  our model reads {ours}", case.name));
                }
            }
        }

        // 2. Every disagreement between the SDKs and the CLI is diagnosed.
        let Ok(set) = check_files(config.as_ref(), credentials.as_ref()) else {
            continue; // the SDKs refuse it: that error is the message
        };
        let sdk = serde_json::to_value(sdk_as_cli(&set.to_plain())).expect("serializable");
        if &sdk != cli {
            disagreements += 1;
            if set.diagnostics.is_empty() {
                failures.push(format!(
                    "{}: the SDKs read {sdk} and the CLI reads {cli}, but no diagnostic says so",
                    case.name
                ));
            }
        }
    }
    eprintln!("checked {} cases, {disagreements} disagreements", cases.len());
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    assert!(disagreements >= 15, "the corpus should exercise many disagreements, found {disagreements}");
}
