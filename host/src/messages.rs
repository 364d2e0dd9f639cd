//! Every request and reply of the helper protocol (`host/PROTOCOL.md`), each declared once here.
//! A declaration gives the struct the handler works with, and from the same lines:
//! - for a request, its reader through [`Fields`] (so every error names the field's path, never
//!   its value, with the protocol's numbered codes), and
//! - for a reply, its JSON form (serde), and
//! - for both, its TypeScript type. [`typescript`] renders `extension/src/helper-protocol.ts`, which
//!   the extension's worker imports; a test fails when that file is not what these declarations say,
//!   and the extension's type check fails when its code does not match the file.

use crate::error_codes::{ErrorCode, HostError};
use crate::protocol::Fields;
use serde::ser::{Serialize, SerializeMap, Serializer};
use sso_bridge::secret::Secret;
use sso_bridge::time::UtcTime;
pub use sso_bridge::typescript::Declarations;
use sso_bridge::typescript::{array_of, doc_comment, member_line};
use std::marker::PhantomData;

/// A Rust type's TypeScript form in the generated file.
pub trait TsType {
    /// The type as a field declares it: `string`, `TokenFields`, `string[]`.
    fn ts() -> String;
    /// The `export` declarations this type needs (its own, for shapes, and its fields' types').
    fn declare(_out: &mut Declarations) {}
}

/// A request field's value, read through [`Fields`] with its checks.
pub trait RequestField<'a>: Sized + TsType {
    /// `fields[name]`, or `None` when it is absent or `null`.
    fn read(fields: &Fields<'a>, name: &str) -> Result<Option<Self>, HostError>;
}

macro_rules! ts_leaf {
    ($ts:literal: $($ty:ty),* $(,)?) => {
        $(impl TsType for $ty {
            fn ts() -> String {
                $ts.to_string()
            }
        })*
    };
}

ts_leaf!("string": String, &str, Secret, SecretText, UtcTime);
ts_leaf!("boolean": bool);
ts_leaf!("number": u64, usize);

impl<T: TsType> TsType for Vec<T> {
    fn ts() -> String {
        array_of(&T::ts())
    }
    fn declare(out: &mut Declarations) {
        T::declare(out)
    }
}

/// In a reply, `None` is written as `null`.
impl<T: TsType> TsType for Option<T> {
    fn ts() -> String {
        format!("{} | null", T::ts())
    }
    fn declare(out: &mut Declarations) {
        T::declare(out)
    }
}

impl<'a> RequestField<'a> for &'a str {
    fn read(fields: &Fields<'a>, name: &str) -> Result<Option<Self>, HostError> {
        fields.opt_str(name)
    }
}

impl<'a> RequestField<'a> for Secret {
    fn read(fields: &Fields<'a>, name: &str) -> Result<Option<Self>, HostError> {
        Ok(fields.opt_str(name)?.map(Secret::new))
    }
}

impl<'a> RequestField<'a> for bool {
    fn read(fields: &Fields<'a>, name: &str) -> Result<Option<Self>, HostError> {
        fields.opt_bool(name)
    }
}

impl<'a> RequestField<'a> for u64 {
    fn read(fields: &Fields<'a>, name: &str) -> Result<Option<Self>, HostError> {
        fields.opt_u64(name)
    }
}

impl<'a> RequestField<'a> for Vec<&'a str> {
    fn read(fields: &Fields<'a>, name: &str) -> Result<Option<Self>, HostError> {
        fields.opt_str_list(name)
    }
}

/// Timestamps are read leniently, as the AWS CLI reads them.
impl<'a> RequestField<'a> for UtcTime {
    fn read(fields: &Fields<'a>, name: &str) -> Result<Option<Self>, HostError> {
        fields
            .opt_str(name)?
            .map(|text| {
                UtcTime::parse_lenient(text)
                    .map_err(|_| fields.invalid(name, "is not a timestamp like 2024-05-01T20:00:00Z"))
            })
            .transpose()
    }
}

/// A checked string type: the text, read like `&str`, then held to `$rule` (`$why` names what it
/// must be).
macro_rules! checked_text {
    ($(#[doc = $doc:literal])* $name:ident, $why:literal, $rule:expr) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name<'a>(pub &'a str);

        impl<'a> TsType for $name<'a> {
            fn ts() -> String {
                "string".to_string()
            }
        }

        impl<'a> RequestField<'a> for $name<'a> {
            fn read(fields: &Fields<'a>, name: &str) -> Result<Option<Self>, HostError> {
                let rule: fn(&str) -> bool = $rule;
                match fields.opt_str(name)? {
                    Some(text) if !rule(text) => Err(fields.invalid(name, $why)),
                    text => Ok(text.map($name)),
                }
            }
        }

        impl std::ops::Deref for $name<'_> {
            type Target = str;
            fn deref(&self) -> &str {
                self.0
            }
        }
    };
}

checked_text!(
    /// An AWS region name: lowercase letters, digits and dashes (`us-east-1`, `us-gov-west-1`).
    Region,
    "is not an AWS region name like us-east-1",
    |text| text.len() <= 32 && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
);

checked_text!(
    /// A start URL or other web address: `https://` (or `http://` for a local endpoint), no spaces.
    Url,
    "must be a URL starting with https://",
    |text| (text.starts_with("https://") || text.starts_with("http://")) && !text.contains(char::is_whitespace)
);

checked_text!(
    /// A 12-digit AWS account ID.
    AccountId,
    "must be a 12-digit AWS account ID",
    |text| text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
);

/// A session or profile name: it ends up in section headers and cache keys, so it is held to
/// [`crate::protocol::check_name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Name<'a>(pub &'a str);

impl TsType for Name<'_> {
    fn ts() -> String {
        "string".to_string()
    }
}

impl<'a> RequestField<'a> for Name<'a> {
    fn read(fields: &Fields<'a>, name: &str) -> Result<Option<Self>, HostError> {
        Ok(fields.opt_name(name)?.map(Name))
    }
}

impl std::ops::Deref for Name<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

/// A secret a reply must carry (a token for the extension to use): written as the plain string.
/// No `Debug`: it is only ever serialized into the reply.
pub struct SecretText(pub Secret);

impl Serialize for SecretText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.expose())
    }
}

/// A request without fields (`ping`, `readConfig`).
#[derive(Debug, Default)]
pub struct NoFields<'a>(PhantomData<&'a ()>);

impl<'a> NoFields<'a> {
    pub fn from_fields(_: &Fields<'a>) -> Result<Self, HostError> {
        Ok(NoFields(PhantomData))
    }
}

impl TsType for NoFields<'_> {
    fn ts() -> String {
        "Record<string, never>".to_string()
    }
}

/// A shape's TypeScript: an `export interface` with its docs and fields, and its fields' shapes.
/// `$field_ts` says how a request or a reply field is optional.
macro_rules! shape_typescript {
    (
        $name:ident $(<$lt:lifetime>)?, [$($doc:literal),*], $field_ts:ident,
        $( [$($field_doc:literal),*] $presence:ident $ty:ty = $json:literal; )*
    ) => {
        impl$(<$lt>)? TsType for $name$(<$lt>)? {
            fn ts() -> String {
                stringify!($name).to_string()
            }
            fn declare(out: &mut Declarations) {
                let mut text = String::new();
                doc_comment(&mut text, "", &[$($doc),*]);
                text.push_str(concat!("export interface ", stringify!($name), " {\n"));
                $(
                    let (optional, ts) = $field_ts!($presence, $ty);
                    member_line(&mut text, &[$($field_doc),*], $json, optional, &ts);
                )*
                text.push_str("}\n");
                out.add(stringify!($name), text);
                $( <$ty as TsType>::declare(out); )*
            }
        }
    };
}

macro_rules! request_field_type {
    (required $ty:ty) => { $ty };
    (optional $ty:ty) => { Option<$ty> };
}

macro_rules! read_request_field {
    (required, $fields:ident, $json:literal, $ty:ty) => {
        <$ty as RequestField>::read($fields, $json)?.ok_or_else(|| $fields.missing($json))?
    };
    (optional, $fields:ident, $json:literal, $ty:ty) => {
        <$ty as RequestField>::read($fields, $json)?
    };
}

macro_rules! request_field_ts {
    // `null` counts as absent in a request.
    (required, $ty:ty) => {
        (false, <$ty as TsType>::ts())
    };
    (optional, $ty:ty) => {
        (true, format!("{} | null", <$ty as TsType>::ts()))
    };
}

/// A request's fields (or an object inside a request), read through [`Fields`].
macro_rules! request_shape {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident<'a> {
            $( $(#[doc = $field_doc:literal])* $field:ident: $presence:ident $ty:ty = $json:literal, )*
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug)]
        pub struct $name<'a> {
            $( $(#[doc = $field_doc])* pub $field: request_field_type!($presence $ty), )*
        }

        impl<'a> $name<'a> {
            /// Reads and checks every field, in declaration order.
            pub fn from_fields(fields: &Fields<'a>) -> Result<Self, HostError> {
                Ok($name { $( $field: read_request_field!($presence, fields, $json, $ty), )* })
            }
        }

        shape_typescript!($name<'a>, [$($doc),*], request_field_ts, $( [$($field_doc),*] $presence $ty = $json; )*);

        impl<'a> RequestField<'a> for $name<'a> {
            fn read(fields: &Fields<'a>, name: &str) -> Result<Option<Self>, HostError> {
                fields.opt_object(name)?.map(|object| Self::from_fields(&object)).transpose()
            }
        }

        impl<'a> RequestField<'a> for Vec<$name<'a>> {
            fn read(fields: &Fields<'a>, name: &str) -> Result<Option<Self>, HostError> {
                fields
                    .opt_object_list(name)?
                    .map(|items| items.iter().map($name::from_fields).collect())
                    .transpose()
            }
        }
    };
}

macro_rules! reply_field_type {
    (required $ty:ty) => { $ty };
    (optional $ty:ty) => { Option<$ty> };
}

macro_rules! write_reply_field {
    (required, $map:ident, $json:literal, $value:expr) => {
        $map.serialize_entry($json, $value)?
    };
    (optional, $map:ident, $json:literal, $value:expr) => {
        if let Some(value) = $value {
            $map.serialize_entry($json, value)?
        }
    };
}

macro_rules! reply_field_ts {
    (required, $ty:ty) => {
        (false, <$ty as TsType>::ts())
    };
    // Absent when `None` (a required `Option` is `null` instead).
    (optional, $ty:ty) => {
        (true, <$ty as TsType>::ts())
    };
}

/// A reply's fields (or an object inside a reply), written with serde.
macro_rules! reply_shape {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            $( $(#[doc = $field_doc:literal])* $field:ident: $presence:ident $ty:ty = $json:literal, )*
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name {
            $( $(#[doc = $field_doc])* pub $field: reply_field_type!($presence $ty), )*
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(None)?;
                $( write_reply_field!($presence, map, $json, &self.$field); )*
                map.end()
            }
        }

        shape_typescript!($name, [$($doc),*], reply_field_ts, $( [$($field_doc),*] $presence $ty = $json; )*);
    };
}

/// An error for a field that two others decide between (e.g. `startUrl` without `sessionName`).
pub fn missing(what: &str) -> HostError {
    HostError::new(ErrorCode::MissingField, what.to_string())
}

// ---------------------------------------------------------------------------------------------
// Shared shapes

reply_shape! {
    /// What a config edit did (`writeSsoSession`, `writeProfile`, `roleProfile` and `populate` with `apply`).
    pub struct ConfigEdit {
        /// The config file.
        path: required String = "path",
        /// Where the file as it was is kept, when it existed and changed.
        backup: required Option<String> = "backup",
        /// Whether the file changed (an identical section is left alone).
        changed: required bool = "changed",
    }
}

// ---------------------------------------------------------------------------------------------
// ping

reply_shape! {
    /// The operating system and CPU the helper runs on.
    pub struct Platform {
        /// `linux`, `macos` or `windows`.
        os: required String = "os",
        arch: required String = "arch",
    }
}

reply_shape! {
    /// The files and folders the helper reads and writes.
    pub struct HelperPaths {
        config: required String = "config",
        credentials: required String = "credentials",
        sso_cache: required String = "ssoCache",
        cli_cache: required String = "cliCache",
        /// The helper's log, when it could open one.
        log: required Option<String> = "log",
    }
}

reply_shape! {
    pub struct PingReply {
        /// The binary's version.
        helper_version: required String = "helperVersion",
        /// Every request type this helper answers.
        capabilities: required Vec<String> = "capabilities",
        platform: required Platform = "platform",
        paths: required HelperPaths = "paths",
    }
}

// ---------------------------------------------------------------------------------------------
// readConfig

reply_shape! {
    /// A config or credentials file with every secret value blanked.
    pub struct FileReport {
        path: required String = "path",
        exists: required bool = "exists",
        /// The text, secret values blanked; `null` when the file does not exist.
        content: required Option<String> = "content",
    }
}

reply_shape! {
    /// A cached token's status: never the token.
    pub struct TokenStatus {
        file: required String = "file",
        /// The file name without `.json`.
        cache_key: required String = "cacheKey",
        /// The config's sso-session whose name hashes to the cache key.
        session_name: required Option<String> = "sessionName",
        start_url: required Option<String> = "startUrl",
        region: required Option<String> = "region",
        expires_at: required String = "expiresAt",
        expired: required bool = "expired",
        /// Whether botocore would refresh it (a refresh token and a live client registration).
        refreshable: required bool = "refreshable",
    }
}

reply_shape! {
    /// A cache file that could not be read, and why.
    pub struct UnreadableFile {
        file: required String = "file",
        message: required String = "message",
    }
}

reply_shape! {
    pub struct ReadConfigReply {
        config: required FileReport = "config",
        credentials: required FileReport = "credentials",
        tokens: required Vec<TokenStatus> = "tokens",
        unreadable: required Vec<UnreadableFile> = "unreadable",
    }
}

// ---------------------------------------------------------------------------------------------
// readToken

request_shape! {
    /// Which cached token: an sso-session's, or a legacy profile's start URL's.
    pub struct TokenKey<'a> {
        session_name: optional Name<'a> = "sessionName",
        /// For legacy profiles (without an sso-session).
        start_url: optional &'a str = "startUrl",
    }
}

reply_shape! {
    /// A token cache file's members, as the AWS CLI writes them.
    pub struct TokenFile {
        start_url: optional String = "startUrl",
        region: optional String = "region",
        access_token: required SecretText = "accessToken",
        expires_at: required String = "expiresAt",
        client_id: optional String = "clientId",
        client_secret: optional SecretText = "clientSecret",
        registration_expires_at: optional String = "registrationExpiresAt",
        refresh_token: optional SecretText = "refreshToken",
    }
}

reply_shape! {
    pub struct ReadTokenReply {
        file: required String = "file",
        token: required TokenFile = "token",
    }
}

// ---------------------------------------------------------------------------------------------
// readRegistration

request_shape! {
    /// The inputs of the AWS CLI's client-registration cache key: the helper derives the file name.
    pub struct ReadRegistrationRequest<'a> {
        session_name: optional Name<'a> = "sessionName",
        start_url: required Url<'a> = "startUrl",
        region: required Region<'a> = "region",
        /// The configured `sso_registration_scopes`; absent when not configured (not the same as []).
        scopes: optional Vec<&'a str> = "scopes",
    }
}

reply_shape! {
    /// A client-registration cache file's members, as the AWS CLI writes them.
    pub struct RegistrationFile {
        client_id: required String = "clientId",
        client_secret: required SecretText = "clientSecret",
        expires_at: required String = "expiresAt",
        scopes: optional Vec<String> = "scopes",
        grant_types: optional Vec<String> = "grantTypes",
    }
}

reply_shape! {
    pub struct ReadRegistrationReply {
        file: required String = "file",
        /// `null` when there is no cached registration: the extension registers a new client.
        registration: required Option<RegistrationFile> = "registration",
    }
}

// ---------------------------------------------------------------------------------------------
// storeToken

request_shape! {
    /// The token cache file to write.
    pub struct TokenFields<'a> {
        start_url: required Url<'a> = "startUrl",
        region: required Region<'a> = "region",
        access_token: required Secret = "accessToken",
        expires_at: required UtcTime = "expiresAt",
        client_id: optional &'a str = "clientId",
        client_secret: optional Secret = "clientSecret",
        registration_expires_at: optional UtcTime = "registrationExpiresAt",
        refresh_token: optional Secret = "refreshToken",
    }
}

request_shape! {
    /// A new client registration to cache, as the AWS CLI caches it.
    pub struct RegistrationFields<'a> {
        client_id: required &'a str = "clientId",
        client_secret: required Secret = "clientSecret",
        expires_at: required UtcTime = "expiresAt",
        scopes: optional Vec<&'a str> = "scopes",
        grant_types: optional Vec<&'a str> = "grantTypes",
        /// The session's configured `sso_registration_scopes` (part of the cache key).
        configured_scopes: optional Vec<&'a str> = "configuredScopes",
    }
}

request_shape! {
    pub struct StoreTokenRequest<'a> {
        token: required TokenFields<'a> = "token",
        /// The sso-session; absent for a legacy profile (the token is keyed by its start URL).
        session_name: optional Name<'a> = "sessionName",
        registration: optional RegistrationFields<'a> = "registration",
    }
}

reply_shape! {
    pub struct StoreTokenReply {
        file: required String = "file",
        /// The client-registration cache file, when one was written.
        registration_file: optional String = "registrationFile",
    }
}

// ---------------------------------------------------------------------------------------------
// deleteTokens

request_shape! {
    /// Exactly one of `sessionName`, `startUrl` or `all: true`.
    pub struct DeleteTokensRequest<'a> {
        session_name: optional Name<'a> = "sessionName",
        start_url: optional &'a str = "startUrl",
        /// Every cached token and SSO role credential, as `aws sso logout` does.
        all: optional bool = "all",
    }
}

reply_shape! {
    pub struct DeleteTokensReply {
        /// The files removed.
        deleted: required Vec<String> = "deleted",
    }
}

// ---------------------------------------------------------------------------------------------
// writeSsoSession, writeProfile

request_shape! {
    /// An `[sso-session NAME]` section to add or update.
    pub struct WriteSsoSessionRequest<'a> {
        name: required Name<'a> = "name",
        start_url: required Url<'a> = "startUrl",
        region: required Region<'a> = "region",
        /// `sso_registration_scopes`, comma-separated, as the CLI writes it.
        registration_scopes: optional &'a str = "registrationScopes",
    }
}

request_shape! {
    /// A `[profile NAME]` section to add or update: with `ssoSession`, or legacy with `startUrl` and
    /// `ssoRegion`.
    pub struct WriteProfileRequest<'a> {
        name: required Name<'a> = "name",
        account_id: required AccountId<'a> = "accountId",
        role_name: required &'a str = "roleName",
        region: optional Region<'a> = "region",
        output: optional &'a str = "output",
        sso_session: optional Name<'a> = "ssoSession",
        start_url: optional Url<'a> = "startUrl",
        sso_region: optional Region<'a> = "ssoRegion",
    }
}

// ---------------------------------------------------------------------------------------------
// storeRoleCredentials

request_shape! {
    /// GetRoleCredentials' answer.
    pub struct RoleCredentialsFields<'a> {
        access_key_id: required &'a str = "accessKeyId",
        secret_access_key: required Secret = "secretAccessKey",
        session_token: required Secret = "sessionToken",
        /// Milliseconds since the Unix epoch.
        expiration: required u64 = "expiration",
    }
}

request_shape! {
    /// Role credentials to cache where the AWS CLI caches its SSO credentials (and, with
    /// `credentialsProfile`, to write into the credentials file).
    pub struct StoreRoleCredentialsRequest<'a> {
        session_name: optional Name<'a> = "sessionName",
        start_url: optional &'a str = "startUrl",
        /// Only part of the cache key here, so not held to 12 digits (the AWS CLI's own test key
        /// uses a 10-digit one).
        account_id: required &'a str = "accountId",
        role_name: required &'a str = "roleName",
        credentials: required RoleCredentialsFields<'a> = "credentials",
        credentials_profile: optional Name<'a> = "credentialsProfile",
    }
}

reply_shape! {
    pub struct StoreRoleCredentialsReply {
        file: required String = "file",
        /// The credentials file, when `credentialsProfile` was given.
        credentials_file: optional String = "credentialsFile",
    }
}

// ---------------------------------------------------------------------------------------------
// populate

request_shape! {
    /// One account and the role names listed for it.
    pub struct ListedAccount<'a> {
        account_id: required AccountId<'a> = "accountId",
        account_name: optional &'a str = "accountName",
        roles: required Vec<&'a str> = "roles",
    }
}

request_shape! {
    /// A profile for every listed account and role of an sso-session: planned, or with `apply` written.
    pub struct PopulateRequest<'a> {
        session_name: required Name<'a> = "sessionName",
        /// The profile name template (`{account_name}.{role_name}` when absent).
        template: optional &'a str = "template",
        /// One profile per region (names get the region); none: profiles without a region.
        regions: optional Vec<&'a str> = "regions",
        /// Remove the profiles an earlier populate wrote that are no longer listed.
        prune: optional bool = "prune",
        apply: optional bool = "apply",
        accounts: required Vec<ListedAccount<'a>> = "accounts",
    }
}

/// What populate does to one profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeAction {
    Add,
    Update,
    Remove,
}

impl Serialize for ChangeAction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(match self {
            ChangeAction::Add => "add",
            ChangeAction::Update => "update",
            ChangeAction::Remove => "remove",
        })
    }
}

impl TsType for ChangeAction {
    fn ts() -> String {
        "'add' | 'update' | 'remove'".to_string()
    }
}

reply_shape! {
    pub struct PlannedChange {
        action: required ChangeAction = "action",
        /// The profile's name.
        name: required String = "name",
    }
}

reply_shape! {
    pub struct PopulateReply {
        changes: required Vec<PlannedChange> = "changes",
        added: required usize = "added",
        updated: required usize = "updated",
        removed: required usize = "removed",
        unchanged: required usize = "unchanged",
        /// With `apply`: the config file.
        path: optional String = "path",
        /// With `apply`: the backup of the file as it was (`null` when nothing was backed up).
        backup: optional Option<String> = "backup",
        /// With `apply`: whether the file changed.
        changed: optional bool = "changed",
    }
}

// ---------------------------------------------------------------------------------------------
// consoleUrl

request_shape! {
    /// A single-use console sign-in URL for one role; the credentials stay in the helper.
    pub struct ConsoleUrlRequest<'a> {
        session_name: required Name<'a> = "sessionName",
        account_id: required AccountId<'a> = "accountId",
        role_name: required &'a str = "roleName",
        /// The console's region (the helper's default when absent).
        region: optional Region<'a> = "region",
        /// A console URL to land on, or a service name (`s3`).
        destination: optional &'a str = "destination",
    }
}

reply_shape! {
    pub struct ConsoleUrlReply {
        /// Opens the console signed in; holds a sign-in token, so it is used once and never kept.
        url: required SecretText = "url",
        /// Where the console lands.
        destination: required String = "destination",
    }
}

// ---------------------------------------------------------------------------------------------
// roleProfile

request_shape! {
    /// "Add profile" for one role: the profile's name from the template, planned or with `apply` written.
    pub struct RoleProfileRequest<'a> {
        session_name: required Name<'a> = "sessionName",
        account_id: required AccountId<'a> = "accountId",
        account_name: optional &'a str = "accountName",
        role_name: required &'a str = "roleName",
        template: optional &'a str = "template",
        region: optional Region<'a> = "region",
        apply: optional bool = "apply",
    }
}

reply_shape! {
    pub struct RoleProfileReply {
        /// The profile's name.
        name: required String = "name",
        /// The `[profile …]` section as it would be written.
        section: required String = "section",
        /// A profile of that name with the same values exists already (nothing to write).
        exists: required bool = "exists",
        /// With `apply`: the config file.
        path: optional String = "path",
        /// With `apply`: the backup of the file as it was (`null` when nothing was backed up).
        backup: optional Option<String> = "backup",
        /// With `apply`: whether the file changed.
        changed: optional bool = "changed",
    }
}

impl RoleProfileReply {
    /// The plan's fields with what the write did.
    pub fn applied(mut self, edit: ConfigEdit) -> Self {
        self.path = Some(edit.path);
        self.backup = Some(edit.backup);
        self.changed = Some(edit.changed);
        self
    }
}

/// Adds a request type's shapes to the declarations; returns its request and reply type names.
pub type DeclareRequestType = fn(&mut Declarations) -> (String, String);

/// The generated TypeScript file: every shape, and `HelperRequests` (each request type's fields and
/// reply), from (request type, its declarations) pairs.
pub fn render(requests: &[(&str, DeclareRequestType)]) -> String {
    let mut declarations = Declarations::default();
    let mut table = String::new();
    for (kind, declare) in requests {
        let (request, reply) = declare(&mut declarations);
        table.push_str(&format!("  {kind}: {{ request: {request}; reply: {reply} }};\n"));
    }
    let mut out = String::from(
        "// Generated from host/src/messages.rs by its test `the_extension_types_are_generated_from_the_declarations`;\n\
         // do not edit. After changing a declaration there, run\n\
         // `SSO_BRIDGE_WRITE_GENERATED=1 cargo test -p sso-bridge-host generated_types` to write this file again.\n\
         // The helper protocol: host/PROTOCOL.md.\n",
    );
    out.push_str(&declarations.render());
    out.push_str("\n/** Every request type: its fields (besides `type` and `id`) and its reply (besides `id`, `version`, `ok`). */\n");
    out.push_str("export interface HelperRequests {\n");
    out.push_str(&table);
    out.push_str("}\n\n/** A request type the helper answers. */\nexport type HelperRequestType = keyof HelperRequests;\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields_of(value: &serde_json::Value) -> &serde_json::Map<String, serde_json::Value> {
        value.as_object().expect("an object")
    }

    #[test]
    fn requests_read_with_the_protocol_codes_and_paths() {
        let body = json!({"token": {"startUrl": "https://x.awsapps.com/start", "region": "us-east-1",
            "accessToken": "AT", "expiresAt": "2026-01-01T00:00:00Z"}, "sessionName": "admin"});
        let request = StoreTokenRequest::from_fields(&Fields::new(fields_of(&body))).unwrap();
        assert_eq!(&*request.token.region, "us-east-1");
        assert_eq!(request.session_name.map(|n| n.0), Some("admin"));
        assert!(request.registration.is_none());

        let missing = json!({"token": {"startUrl": "https://x.awsapps.com/start", "region": "us-east-1",
            "accessToken": "AT"}});
        let error = StoreTokenRequest::from_fields(&Fields::new(fields_of(&missing))).unwrap_err();
        assert_eq!(
            (error.code, error.message.as_str()),
            (ErrorCode::MissingField, "the request has no `token.expiresAt`")
        );

        let wrong =
            json!({"accounts": [{"accountId": "123456789012", "roles": ["R"]}, 7], "sessionName": "s"});
        let error = PopulateRequest::from_fields(&Fields::new(fields_of(&wrong))).unwrap_err();
        assert_eq!(
            (error.code, error.message.as_str()),
            (ErrorCode::WrongFieldType, "`accounts[1]` must be an object, not a number")
        );

        let bad_id = json!({"accounts": [{"accountId": "1234", "roles": []}], "sessionName": "s"});
        let error = PopulateRequest::from_fields(&Fields::new(fields_of(&bad_id))).unwrap_err();
        assert_eq!(
            (error.code, error.message.as_str()),
            (ErrorCode::InvalidValue, "`accounts[0].accountId` must be a 12-digit AWS account ID")
        );
    }

    #[test]
    fn replies_leave_out_absent_optional_fields_and_write_null_for_required_ones() {
        let reply = ReadRegistrationReply { file: "f".into(), registration: None };
        assert_eq!(serde_json::to_value(&reply).unwrap(), json!({"file": "f", "registration": null}));
        let reply = StoreTokenReply { file: "f".into(), registration_file: None };
        assert_eq!(serde_json::to_value(&reply).unwrap(), json!({"file": "f"}));
    }
}
