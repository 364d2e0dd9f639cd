//! Diagnostics: places where the file is read by the AWS SDKs, but something is ignored, or
//! botocore / the AWS CLI would read it differently or refuse it (spec §8.2, §8.3). Each has a
//! stable code for the popup and a sentence that says what to change.

use serde::Serialize;
use std::fmt;

use super::model::Origin;

/// How bad it is for the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    /// Something is ignored or read differently; tools may disagree about a value.
    Warning,
    /// The AWS CLI / boto3 refuse the whole file (botocore raises `ConfigParseError`), or the AWS
    /// SDKs refuse the profile.
    Error,
}

/// Stable identifiers; [`DiagnosticCode::as_str`] is the string the popup and tests key on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DiagnosticCode {
    /// `[profile in valid]`: the SDKs ignore a section whose name has characters outside
    /// `A-Za-z0-9_-/.%@:+`.
    InvalidSectionName,
    /// `in valid = x`: the SDKs ignore keys with characters outside `A-Za-z0-9_-/.%@:+`.
    InvalidKey,
    /// `[foo]` in the config file: the SDKs and the CLI want `[profile foo]`.
    UnprefixedConfigSection,
    /// `[profile foo]` in the credentials file: the SDKs ignore it; the CLI names it `profile foo`.
    PrefixedCredentialsSection,
    /// `[default]` and `[profile default]` both present: the SDKs ignore `[default]`, the CLI uses
    /// whichever comes last.
    DefaultShadowed,
    /// The same section header twice in one file: the SDKs merge, the CLI refuses the file.
    DuplicateSection,
    /// The same key twice in one section: the SDKs keep the last, the CLI refuses the file.
    DuplicateKey,
    /// `value # comment`: the SDKs drop the comment, the CLI keeps it as part of the value.
    InlineComment,
    /// `key: value`-style delimiter: the CLI accepts `:`, the SDKs only `=`.
    ColonSeparator,
    /// `[ profile foo]`: the SDKs trim, the CLI does not recognise the profile.
    HeaderWhitespace,
    /// `[Profile foo]`, `[SSO-Session x]`: prefixes are case-sensitive everywhere; this one is
    /// not recognised.
    UnknownSectionPrefix,
    /// `[DEFAULT]`: Python's configparser copies its keys into every section; the SDKs treat it
    /// as an ignored section.
    ConfigparserDefaults,
    /// Text before the first section header: the CLI refuses the file.
    NoSectionHeader,
    /// A line the CLI cannot parse (no `=` or `:`, or an empty key).
    CliSyntax,
    /// A sub-property block the CLI cannot parse (a line without `=`).
    CliSubProperty,
    /// Any other difference between what the SDKs and the CLI read for a value.
    CliReadsDifferently,
    /// A profile the SDKs see but the CLI does not, or the other way round.
    CliProfileDiffers,
    /// A profile with `sso_session` also sets `sso_start_url` or `sso_region`: the AWS SDK for
    /// Rust refuses it even when the values are equal.
    SsoKeysBesideSession,
}

impl DiagnosticCode {
    /// The stable kebab-case name (`duplicate-key`): how the code is serialized and what callers
    /// match on.
    pub fn as_str(self) -> &'static str {
        match self {
            DiagnosticCode::InvalidSectionName => "invalid-section-name",
            DiagnosticCode::InvalidKey => "invalid-key",
            DiagnosticCode::UnprefixedConfigSection => "unprefixed-config-section",
            DiagnosticCode::PrefixedCredentialsSection => "prefixed-credentials-section",
            DiagnosticCode::DefaultShadowed => "default-shadowed",
            DiagnosticCode::DuplicateSection => "duplicate-section",
            DiagnosticCode::DuplicateKey => "duplicate-key",
            DiagnosticCode::InlineComment => "inline-comment",
            DiagnosticCode::ColonSeparator => "colon-separator",
            DiagnosticCode::HeaderWhitespace => "header-whitespace",
            DiagnosticCode::UnknownSectionPrefix => "unknown-section-prefix",
            DiagnosticCode::ConfigparserDefaults => "configparser-defaults",
            DiagnosticCode::NoSectionHeader => "no-section-header",
            DiagnosticCode::CliSyntax => "cli-syntax",
            DiagnosticCode::CliSubProperty => "cli-sub-property",
            DiagnosticCode::CliReadsDifferently => "cli-reads-differently",
            DiagnosticCode::CliProfileDiffers => "cli-profile-differs",
            DiagnosticCode::SsoKeysBesideSession => "sso-keys-beside-session",
        }
    }
}

impl fmt::Display for DiagnosticCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for DiagnosticCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One finding, tied to a file and line. `message` never contains a secret value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    /// What kind of finding it is.
    pub code: DiagnosticCode,
    /// How much it matters.
    pub severity: Severity,
    /// The file and line it is about.
    pub origin: Origin,
    /// A sentence for the user: what differs and what to change.
    pub message: String,
}

impl Diagnostic {
    pub(crate) fn warning(code: DiagnosticCode, origin: Origin, message: impl Into<String>) -> Self {
        Diagnostic { code, severity: Severity::Warning, origin, message: message.into() }
    }

    pub(crate) fn error(code: DiagnosticCode, origin: Origin, message: impl Into<String>) -> Self {
        Diagnostic { code, severity: Severity::Error, origin, message: message.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} [{}]", self.origin, self.message, self.code)
    }
}
