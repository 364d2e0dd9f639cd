//! Lenient reading of the cache files: accept what botocore **or** the Rust SDK accepts (spec §1.4).
//!
//! - The top level must be one JSON object; anything after it is an error (both tools reject it).
//! - Keys match ASCII case-insensitively (Rust SDK); an exact-case key wins over a case variant.
//! - Unknown keys are ignored.
//! - Optional fields that are `null` count as absent.

use crate::json::Json;
use crate::time::{TimeParseError, UtcTime};

/// Why a cache file could not be read. Never contains a secret value: only field names, the file's
/// role and, for timestamps, the (non-secret) timestamp text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CacheFileError {
    /// The file is not JSON (or not one object followed by nothing but whitespace).
    #[error("the {what} is not valid JSON ({detail}); delete the file and sign in again")]
    InvalidJson {
        /// Which file it is, for the message (`SSO token cache file`, …).
        what: &'static str,
        /// Where the JSON breaks, from the reader (a position, never the text).
        detail: String,
    },
    /// The file is JSON but not an object.
    #[error("the {what} is not a JSON object; delete the file and sign in again")]
    NotAnObject {
        /// Which file it is, for the message (`SSO token cache file`, …).
        what: &'static str,
    },
    /// A required field is absent or `null`.
    #[error("the {what} has no `{field}` field; delete the file and sign in again")]
    MissingField {
        /// Which file it is, for the message (`SSO token cache file`, …).
        what: &'static str,
        /// The field's name as the CLI writes it (`accessToken`, …).
        field: &'static str,
    },
    /// A field holds a value of another JSON type.
    #[error("the `{field}` field of the {what} must be {expected}; delete the file and sign in again")]
    WrongType {
        /// Which file it is, for the message (`SSO token cache file`, …).
        what: &'static str,
        /// The field's name as the CLI writes it.
        field: &'static str,
        /// The type it must have, as the message says it (`a string`, …).
        expected: &'static str,
    },
    /// A timestamp field is a string no AWS tool's format reads.
    #[error("the `{field}` field of the {what} is unreadable: {source}")]
    BadTimestamp {
        /// Which file it is, for the message (`SSO token cache file`, …).
        what: &'static str,
        /// The field's name as the CLI writes it (`expiresAt`, …).
        field: &'static str,
        /// Why the text is not a timestamp (it quotes the timestamp, which is not secret).
        #[source]
        source: TimeParseError,
    },
}

/// A parsed cache object plus the name of the file's role, for error messages.
pub(crate) struct LenientObject {
    what: &'static str,
    members: Vec<(String, Json)>,
}

impl LenientObject {
    pub(crate) fn parse(what: &'static str, text: &str) -> Result<Self, CacheFileError> {
        // A UTF-8 BOM is not JSON; neither Python's json.loads nor serde_json accept it, and neither do we.
        // The reader's errors name a position, never the text: safe to show when the file holds secrets.
        let value =
            Json::parse(text).map_err(|e| CacheFileError::InvalidJson { what, detail: e.to_string() })?;
        match value {
            Json::Object(members) => Ok(LenientObject { what, members }),
            _ => Err(CacheFileError::NotAnObject { what }),
        }
    }

    /// The exact-case key (botocore), else a case variant (the Rust SDK); the last one where a key
    /// repeats, as both read repeated keys.
    fn get(&self, field: &str) -> Option<&Json> {
        crate::json::member(&self.members, field).or_else(|| {
            self.members.iter().rev().find(|(key, _)| key.eq_ignore_ascii_case(field)).map(|(_, value)| value)
        })
    }

    /// The field as an object (for the nested `Credentials` of the role-credential cache).
    pub(crate) fn required_object(&self, field: &'static str) -> Result<LenientObject, CacheFileError> {
        match self.get(field) {
            Some(Json::Object(members)) => Ok(LenientObject { what: self.what, members: members.clone() }),
            None | Some(Json::Null) => Err(CacheFileError::MissingField { what: self.what, field }),
            Some(_) => Err(CacheFileError::WrongType { what: self.what, field, expected: "an object" }),
        }
    }

    pub(crate) fn optional_str(&self, field: &'static str) -> Result<Option<&str>, CacheFileError> {
        match self.get(field) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::String(s)) => Ok(Some(s)),
            Some(_) => Err(CacheFileError::WrongType { what: self.what, field, expected: "a string" }),
        }
    }

    pub(crate) fn required_str(&self, field: &'static str) -> Result<&str, CacheFileError> {
        self.optional_str(field)?.ok_or(CacheFileError::MissingField { what: self.what, field })
    }

    pub(crate) fn required_time(&self, field: &'static str) -> Result<UtcTime, CacheFileError> {
        let text = self.required_str(field)?;
        UtcTime::parse_lenient(text).map_err(|source| CacheFileError::BadTimestamp {
            what: self.what,
            field,
            source,
        })
    }

    pub(crate) fn optional_time(&self, field: &'static str) -> Result<Option<UtcTime>, CacheFileError> {
        match self.optional_str(field)? {
            None => Ok(None),
            Some(text) => UtcTime::parse_lenient(text)
                .map(Some)
                .map_err(|source| CacheFileError::BadTimestamp { what: self.what, field, source }),
        }
    }

    /// A list of strings (`scopes`, `grantTypes`); `null` or absent is `None`.
    pub(crate) fn optional_str_list(
        &self,
        field: &'static str,
    ) -> Result<Option<Vec<String>>, CacheFileError> {
        match self.get(field) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::Array(items)) => match crate::json::string_items(items) {
                Some(items) => Ok(Some(items)),
                None => {
                    Err(CacheFileError::WrongType { what: self.what, field, expected: "a list of strings" })
                }
            },
            Some(_) => {
                Err(CacheFileError::WrongType { what: self.what, field, expected: "a list of strings" })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_sentences_without_content() {
        let err =
            LenientObject::parse("SSO token cache file", r#"{"accessToken": "SECRET"} x"#).err().unwrap();
        let text = err.to_string();
        assert!(text.contains("text after the JSON value"), "{text}");
        assert!(!text.contains("SECRET"));
        let err = LenientObject::parse("SSO token cache file", r#"{"accessToken": "SEC"#).err().unwrap();
        assert!(err.to_string().contains("ends too early"), "{err}");
        assert_eq!(
            LenientObject::parse("SSO token cache file", "[]").err(),
            Some(CacheFileError::NotAnObject { what: "SSO token cache file" })
        );
    }

    #[test]
    fn a_byte_order_mark_is_not_json() {
        // Python's json.loads refuses a BOM too ("Unexpected UTF-8 BOM").
        let err = LenientObject::parse("f", "\u{feff}{}").err().unwrap();
        assert!(matches!(err, CacheFileError::InvalidJson { .. }), "{err}");
    }

    #[test]
    fn exact_case_wins_over_case_variants() {
        let obj = LenientObject::parse("f", r#"{"ACCESSTOKEN": "upper", "accessToken": "exact"}"#).unwrap();
        assert_eq!(obj.required_str("accessToken").unwrap(), "exact");
        let obj = LenientObject::parse("f", r#"{"ACCESSTOKEN": "upper"}"#).unwrap();
        assert_eq!(obj.required_str("accessToken").unwrap(), "upper");
        let obj = LenientObject::parse("f", r#"{"ACCESSTOKEN": "upper", "AccessToken": "mixed"}"#).unwrap();
        assert_eq!(obj.required_str("accessToken").unwrap(), "mixed", "the last variant, like the Rust SDK");
        let obj = LenientObject::parse("f", r#"{"accessToken": "first", "accessToken": "last"}"#).unwrap();
        assert_eq!(obj.required_str("accessToken").unwrap(), "last", "the last key, like Python's dict");
    }
}
