//! The native-messaging protocol's numbered error codes (`host/PROTOCOL.md`, "Error codes").
//!
//! The numbers are part of the contract with the extension, which is installed and updated
//! separately from the helper: they are **append-only**. Never renumber or reuse one; add new
//! codes at the end of their block. A unit test checks that PROTOCOL.md lists every code below
//! with the same number and name, so the document cannot drift from the code.

use std::fmt;

/// Every error the helper can answer with. `code()` is the number on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// A bug or an unexpected condition in the helper itself.
    Internal,
    /// The framed request is larger than the helper accepts (1 MiB). The stream is closed.
    RequestTooLarge,
    /// The length prefix is zero.
    EmptyMessage,
    /// stdin ended in the middle of a length prefix or a message. The stream is closed.
    TruncatedMessage,
    /// The message is not valid UTF-8.
    InvalidUtf8,
    /// The message is not valid JSON.
    InvalidJson,
    /// The message is JSON but not an object.
    NotAnObject,
    /// `"type"` is missing.
    MissingType,
    /// `"type"` names no request this helper knows (see `ping`'s `capabilities`).
    UnknownType,
    /// A required field is missing.
    MissingField,
    /// A field has the wrong JSON type (for example a number where a string is expected).
    WrongFieldType,
    /// A field has the right type but a value the helper rejects (bad timestamp, region, URL…).
    InvalidValue,
    /// A string field is longer than the helper accepts.
    FieldTooLong,
    /// A string contains a NUL byte or another control character.
    ControlCharacter,
    /// A session or profile name that could escape its place: `..`, an absolute path, a drive
    /// letter, a backslash, whitespace, or characters the AWS SDKs do not accept in names.
    UnsafeName,
    /// The browser extension that launched the helper is not one it was installed for.
    CallerNotAllowed,
    /// No cached token exists for the requested session or start URL.
    TokenNotFound,
    /// A file exists but could not be read or parsed (the message says which and why).
    FileUnreadable,
    /// Writing a file failed (disk full, permissions…); the previous file is untouched.
    WriteFailed,
    /// A path is, or goes through, a symbolic link that leads out of `~/.aws`, or is otherwise
    /// not a place the helper writes. Nothing was written.
    UnsafePath,
    /// Another sso-bridge process is writing the AWS files right now; try again.
    Busy,
    /// `~/.aws/config` cannot be parsed, so it is not edited (the message has the file and line).
    ConfigInvalid,
    /// The profile asked for does not exist or is not an SSO profile.
    ProfileNotFound,
    /// A file the helper would read is larger than it accepts.
    FileTooLarge,
    /// Talking to AWS (SSO OIDC or the portal) failed.
    AwsRequestFailed,
    /// The cached token has expired and could not be refreshed: sign in again.
    TokenExpired,
}

impl ErrorCode {
    /// Every code, in wire order. Used by the PROTOCOL.md check and the `ping` reply.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::Internal,
        ErrorCode::RequestTooLarge,
        ErrorCode::EmptyMessage,
        ErrorCode::TruncatedMessage,
        ErrorCode::InvalidUtf8,
        ErrorCode::InvalidJson,
        ErrorCode::NotAnObject,
        ErrorCode::MissingType,
        ErrorCode::UnknownType,
        ErrorCode::MissingField,
        ErrorCode::WrongFieldType,
        ErrorCode::InvalidValue,
        ErrorCode::FieldTooLong,
        ErrorCode::ControlCharacter,
        ErrorCode::UnsafeName,
        ErrorCode::CallerNotAllowed,
        ErrorCode::TokenNotFound,
        ErrorCode::FileUnreadable,
        ErrorCode::WriteFailed,
        ErrorCode::UnsafePath,
        ErrorCode::Busy,
        ErrorCode::ConfigInvalid,
        ErrorCode::ProfileNotFound,
        ErrorCode::FileTooLarge,
        ErrorCode::AwsRequestFailed,
        ErrorCode::TokenExpired,
    ];

    /// The number on the wire. Blocks: 1 helper, 10–19 framing, 20–39 request shape,
    /// 40–49 caller, 50–69 files, 70–79 AWS.
    pub const fn code(self) -> u32 {
        match self {
            ErrorCode::Internal => 1,
            ErrorCode::RequestTooLarge => 10,
            ErrorCode::EmptyMessage => 11,
            ErrorCode::TruncatedMessage => 12,
            ErrorCode::InvalidUtf8 => 13,
            ErrorCode::InvalidJson => 14,
            ErrorCode::NotAnObject => 15,
            ErrorCode::MissingType => 20,
            ErrorCode::UnknownType => 21,
            ErrorCode::MissingField => 22,
            ErrorCode::WrongFieldType => 23,
            ErrorCode::InvalidValue => 24,
            ErrorCode::FieldTooLong => 25,
            ErrorCode::ControlCharacter => 26,
            ErrorCode::UnsafeName => 27,
            ErrorCode::CallerNotAllowed => 40,
            ErrorCode::TokenNotFound => 50,
            ErrorCode::FileUnreadable => 51,
            ErrorCode::WriteFailed => 52,
            ErrorCode::UnsafePath => 53,
            ErrorCode::Busy => 54,
            ErrorCode::ConfigInvalid => 55,
            ErrorCode::ProfileNotFound => 56,
            ErrorCode::FileTooLarge => 57,
            ErrorCode::AwsRequestFailed => 70,
            ErrorCode::TokenExpired => 71,
        }
    }

    /// The stable name, as in PROTOCOL.md (the extension may switch on it too).
    pub const fn name(self) -> &'static str {
        match self {
            ErrorCode::Internal => "Internal",
            ErrorCode::RequestTooLarge => "RequestTooLarge",
            ErrorCode::EmptyMessage => "EmptyMessage",
            ErrorCode::TruncatedMessage => "TruncatedMessage",
            ErrorCode::InvalidUtf8 => "InvalidUtf8",
            ErrorCode::InvalidJson => "InvalidJson",
            ErrorCode::NotAnObject => "NotAnObject",
            ErrorCode::MissingType => "MissingType",
            ErrorCode::UnknownType => "UnknownType",
            ErrorCode::MissingField => "MissingField",
            ErrorCode::WrongFieldType => "WrongFieldType",
            ErrorCode::InvalidValue => "InvalidValue",
            ErrorCode::FieldTooLong => "FieldTooLong",
            ErrorCode::ControlCharacter => "ControlCharacter",
            ErrorCode::UnsafeName => "UnsafeName",
            ErrorCode::CallerNotAllowed => "CallerNotAllowed",
            ErrorCode::TokenNotFound => "TokenNotFound",
            ErrorCode::FileUnreadable => "FileUnreadable",
            ErrorCode::WriteFailed => "WriteFailed",
            ErrorCode::UnsafePath => "UnsafePath",
            ErrorCode::Busy => "Busy",
            ErrorCode::ConfigInvalid => "ConfigInvalid",
            ErrorCode::ProfileNotFound => "ProfileNotFound",
            ErrorCode::FileTooLarge => "FileTooLarge",
            ErrorCode::AwsRequestFailed => "AwsRequestFailed",
            ErrorCode::TokenExpired => "TokenExpired",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.code())
    }
}

/// An error to answer with: a code and a sentence the user can act on. The message never holds a
/// secret (callers build it from names and paths, never from request values that may be tokens).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostError {
    pub code: ErrorCode,
    pub message: String,
}

impl HostError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        HostError { code, message: message.into() }
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error {}: {}", self.code, self.message)
    }
}

impl std::error::Error for HostError {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique() {
        let codes: HashSet<u32> = ErrorCode::ALL.iter().map(|c| c.code()).collect();
        let names: HashSet<&str> = ErrorCode::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(codes.len(), ErrorCode::ALL.len());
        assert_eq!(names.len(), ErrorCode::ALL.len());
    }

    /// PROTOCOL.md is the contract: every code must be in its table as `| <n> | `Name` |`, and the
    /// table must list no code the helper does not know.
    #[test]
    fn protocol_md_lists_every_code() {
        let doc = include_str!("../PROTOCOL.md");
        let mut documented = Vec::new();
        for line in doc.lines() {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            if cells.len() > 3 {
                if let (Ok(n), Some(name)) =
                    (cells[1].parse::<u32>(), cells[2].strip_prefix('`').and_then(|s| s.strip_suffix('`')))
                {
                    documented.push((n, name.to_owned()));
                }
            }
        }
        let known: Vec<(u32, String)> =
            ErrorCode::ALL.iter().map(|c| (c.code(), c.name().to_owned())).collect();
        assert_eq!(documented, known, "PROTOCOL.md's error table must match error_codes.rs, in order");
    }
}
