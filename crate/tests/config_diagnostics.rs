//! Diagnostics: each case names the code and line the popup will show. (The referee test
//! `config_cli_referee.rs` checks the botocore model itself against the AWS CLI.)

use sso_bridge::config::{check_files, Diagnostic, Severity, SourceFile};

fn diagnostics(config: &str, credentials: Option<&str>) -> Vec<Diagnostic> {
    let credentials = credentials.map(|text| SourceFile::credentials("~/.aws/credentials", text));
    check_files(Some(&SourceFile::config("~/.aws/config", config)), credentials.as_ref())
        .expect("the SDKs read these files")
        .diagnostics
}

fn codes(config: &str, credentials: Option<&str>) -> Vec<(String, u32)> {
    diagnostics(config, credentials).iter().map(|d| (d.code.as_str().to_owned(), d.origin.line)).collect()
}

fn pairs(expected: &[(&str, u32)]) -> Vec<(String, u32)> {
    expected.iter().map(|(code, line)| ((*code).to_owned(), *line)).collect()
}

#[test]
fn a_clean_file_has_no_diagnostics() {
    let text = "# comment\n[default]\nregion = us-east-1\n\n[profile dev]\nsso_session = corp\nsso_account_id = 1\n\
                sso_role_name = R\ns3 =\n  addressing_style = path\n[sso-session corp]\nsso_start_url = https://x\n\
                sso_region = us-east-1\n[services emu]\nsso =\n  endpoint_url = http://127.0.0.1:1\n";
    assert_eq!(codes(text, Some("[dev]\naws_access_key_id = A\n")), pairs(&[]));
}

/// (name, config file, credentials file, expected (code, line) pairs).
type Case<'a> = (&'a str, &'a str, Option<&'a str>, &'a [(&'a str, u32)]);

#[test]
fn each_difference_has_its_code_and_line() {
    let cases: &[Case] = &[
        ("inline comment", "[default]\nregion = us-east-1 # prod\n", None, &[("inline-comment", 2)]),
        ("inline ; comment", "[profile a]\n\nx = 1 ;c\n", None, &[("inline-comment", 3)]),
        ("colon", "[default]\na: b = c\n", None, &[("invalid-key", 2), ("colon-separator", 2)]),
        ("duplicate section", "[profile a]\nx = 1\n[profile a]\ny = 2\n", None, &[("duplicate-section", 3)]),
        ("duplicate key", "[profile a]\nx = 1\nX = 2\n", None, &[("duplicate-key", 3)]),
        (
            "default shadowed",
            "[default]\na = 1\n[profile default]\nb = 2\n",
            None,
            &[("default-shadowed", 1)],
        ),
        ("header whitespace", "[ profile x]\na = 1\n", None, &[("header-whitespace", 1)]),
        ("capital prefix", "[Profile x]\n", None, &[("unknown-section-prefix", 1)]),
        ("typo prefix", "[sso-sesion x]\n", None, &[("unknown-section-prefix", 1)]),
        ("quoted name", "[profile \"my name\"]\n", None, &[("invalid-section-name", 1)]),
        ("unprefixed", "[foo]\n", None, &[("unprefixed-config-section", 1)]),
        ("DEFAULT", "[DEFAULT]\nregion = x\n[default]\n", None, &[("configparser-defaults", 1)]),
        ("invalid key", "[default]\nin valid = 1\n", None, &[("invalid-key", 2)]),
        ("blank line in continuation", "[default]\nk = a\n\n  b\n", None, &[("cli-reads-differently", 2)]),
        ("comment in continuation", "[default]\nk = a\n  # c\n", None, &[("cli-reads-differently", 2)]),
        ("indented key after header", "[default]\nx = 1\n[profile b]\n", None, &[]),
        ("credentials prefix", "", Some("[profile a]\nx = 1\n"), &[("prefixed-credentials-section", 1)]),
        ("credentials spaces", "", Some("[ a ]\nx = 1\n"), &[("header-whitespace", 1)]),
        ("credentials spaces inside", "", Some("[a b]\nx = 1\n"), &[("prefixed-credentials-section", 1)]),
        ("credentials invalid", "", Some("[a!]\nx = 1\n"), &[("invalid-section-name", 1)]),
        (
            "credentials inline comment",
            "",
            Some("[a]\naws_secret_access_key = wJalr # mine\n"),
            &[("inline-comment", 2)],
        ),
    ];
    for (name, config, credentials, expected) in cases {
        assert_eq!(codes(config, *credentials), pairs(expected), "{name}");
    }
}

#[test]
fn refusals_by_the_cli_are_errors_and_name_the_consequence() {
    let found = diagnostics("[profile a]\nx = 1\n[profile a]\n", None);
    assert_eq!(found[0].severity, Severity::Error);
    assert_eq!(
        found[0].to_string(),
        "~/.aws/config line 3: [profile a] appears twice in this file: the AWS SDKs merge the two, but the \
         AWS CLI refuses the whole file (DuplicateSectionError); merge them into one section [duplicate-section]"
    );
    let found = diagnostics("[default]\nregion = us-east-1 # prod\n", None);
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].origin.to_string(), "~/.aws/config line 2");
}

#[test]
fn default_shadowing_says_which_section_the_cli_uses() {
    let later = diagnostics("[profile default]\nb = 2\n[default]\na = 1\n", None);
    assert!(later[0].message.contains("uses this one instead, so the two disagree"), "{later:?}");
    let earlier = diagnostics("[default]\na = 1\n[profile default]\nb = 2\n", None);
    assert!(earlier[0].message.contains("ignores it too"), "{earlier:?}");
}

#[test]
fn diagnostics_never_show_secret_values() {
    let found = diagnostics(
        "",
        Some("[a]\naws_secret_access_key = wJalr\n  more\n\n  x\naws_session_token = IQoJ # c\n"),
    );
    assert!(!found.is_empty());
    for diagnostic in &found {
        let text = format!("{diagnostic} {diagnostic:?}");
        assert!(!text.contains("wJalr") && !text.contains("IQoJ"), "{text}");
    }
}

#[test]
fn diagnostics_serialize_with_stable_codes() {
    let found = diagnostics("[default]\nregion = x # y\n", None);
    let json = serde_json::to_value(&found).expect("serializable");
    assert_eq!(json[0]["code"], "inline-comment");
    assert_eq!(json[0]["severity"], "warning");
    assert_eq!(json[0]["origin"]["line"], 2);
}

/// Found by the fuzzer: a key only the CLI reads, set in the credentials file for a profile that
/// the config file defines, must point at the credentials file.
#[test]
fn credentials_lines_are_attributed_to_the_credentials_file() {
    let found = diagnostics("[profile foo]\nregion = x\n", Some("[foo]\nname = v\nbad key= value\n"));
    let origins: Vec<String> = found.iter().map(|d| d.origin.to_string()).collect();
    assert_eq!(origins, ["~/.aws/credentials line 3"], "{found:?}");
}

#[test]
fn cli_key_names_are_lowercased_like_python_str_lower() {
    // configparser lowercases option names with `str.lower()` (Unicode, final sigma included): É and é
    // are the same option to the AWS CLI, which refuses the file (DuplicateOptionError).
    let found = diagnostics("[default]\nÉ = 1\né = 2\n", None);
    assert!(
        found.iter().any(|d| d.code.as_str() == "duplicate-key" && d.message.contains("\"é\"")),
        "{found:?}"
    );
    let found = diagnostics("[default]\nRÉGIONΣ: b = c\n", None);
    assert!(found.iter().any(|d| d.message.contains("key \"régionς\"")), "{found:?}");
}
