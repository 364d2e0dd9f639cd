//! Token and client-registration cache files (spec §1, §2) and the CLI role-credential cache (§1.6).
//!
//! Everything here is pure: file names (SHA-1 keys) and file contents (bytes in, bytes out). The
//! helper does the reading and the 0600 temp-file + fsync + rename writing.
//!
//! Reading is lenient (what botocore **or** the Rust SDK accepts, [`CacheFileError`] otherwise);
//! writing is byte-identical to the AWS CLI, through the Python-`json.dumps`-compatible [`pyjson`].

pub mod keys;
mod lenient;
pub mod pyjson;
pub mod registration;
pub mod role_credentials;
pub mod token;

pub use keys::{
    parse_registration_scopes, role_credentials_cache_key, sha1_hex, token_cache_file_name, token_cache_key,
    RegistrationCacheKeyInput, RoleCacheSource, TokenCacheIdentity,
};
pub use lenient::CacheFileError;
pub use registration::{ClientRegistration, RegistrationKind};
pub use role_credentials::{AwsCredentials, CachedRoleCredentials};
pub use token::{CachedToken, TokenStatus};
