//! The JS API's argument and result objects that the bindings read and write, each declared once
//! here with `js_shape!`. A declaration gives, from the same lines:
//! - the Rust struct the export works with;
//! - for an argument (`[read]`), its reader through the core's [`Members`], so an error names the
//!   member and never its value;
//! - for a result (`[write]`), its JSON through the core's [`ObjectWriter`] (the module hands the
//!   text to `JSON.parse`);
//! - its TypeScript interface. [`typescript`] renders `wasm/src/shapes.ts`, which the package's
//!   `.d.ts` includes; a test fails when that file is not what these declarations say, and the
//!   package's type check (`tsc --strict` over a usage file) fails when a use no longer fits.
//!
//! The objects the core writes itself (the config reading, the endpoints, the pending PKCE sign-in)
//! and the tagged unions keep their hand-written declarations in `types.rs`.
//!
//! This module is plain Rust, compiled natively too, so the test runs with the workspace's tests.

use sso_bridge::cache::RegistrationKind;
use sso_bridge::flows::pkce::PendingPkce;
use sso_bridge::json::{array_of, MemberError, Members, ObjectWriter};
use sso_bridge::portal::{AccountInfo, RoleInfo};
use sso_bridge::secret::Secret;

/// A field type's TypeScript form.
pub trait TsType {
    /// The type as a field declares it: `string`, `TokenFile`, `RoleInfo[]`.
    fn ts() -> String;
    /// The declarations this type needs (its own, for shapes).
    fn declare(_out: &mut Declarations) {}
}

/// A field read from an argument: `Ok(None)` when absent or `null`.
pub trait ReadMember<'a>: Sized {
    fn read(members: &Members<'a>, key: &str) -> Result<Option<Self>, MemberError>;

    /// A required field: [`MemberError::Missing`] when absent or `null`. The common types use the
    /// core's required readers, one call per field in the module.
    fn read_required(members: &Members<'a>, key: &str) -> Result<Self, MemberError> {
        Self::read(members, key)?.ok_or_else(|| MemberError::Missing(key.to_owned()))
    }
}

/// A field written into a result.
pub trait WriteMember {
    fn write(&self, out: &mut ObjectWriter, key: &str);
}

/// A result shape's JSON text.
pub trait WriteShape {
    fn to_json(&self) -> String;
}

/// The rendered declarations, each once, in first-use order.
#[derive(Default)]
pub struct Declarations(Vec<(&'static str, String)>);

impl Declarations {
    fn add(&mut self, name: &'static str, text: String) {
        if !self.0.iter().any(|(known, _)| *known == name) {
            self.0.push((name, text));
        }
    }
}

impl<T: TsType + ?Sized> TsType for &T {
    fn ts() -> String {
        T::ts()
    }
    fn declare(out: &mut Declarations) {
        T::declare(out)
    }
}

impl<T: WriteMember + ?Sized> WriteMember for &T {
    fn write(&self, out: &mut ObjectWriter, key: &str) {
        (**self).write(out, key)
    }
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

ts_leaf!("string": str, String, Secret);
ts_leaf!("number": i64);
ts_leaf!("string[]": Vec<String>);
ts_leaf!("Record<string, string>": Vec<(String, String)>);
ts_leaf!("PendingPkce": PendingPkce);

impl<'a> ReadMember<'a> for &'a str {
    fn read(members: &Members<'a>, key: &str) -> Result<Option<Self>, MemberError> {
        members.opt_str(key)
    }
    fn read_required(members: &Members<'a>, key: &str) -> Result<Self, MemberError> {
        members.str(key)
    }
}

impl<'a> ReadMember<'a> for String {
    fn read(members: &Members<'a>, key: &str) -> Result<Option<Self>, MemberError> {
        members.opt_string(key)
    }
    fn read_required(members: &Members<'a>, key: &str) -> Result<Self, MemberError> {
        members.string(key)
    }
}

impl<'a> ReadMember<'a> for Secret {
    fn read(members: &Members<'a>, key: &str) -> Result<Option<Self>, MemberError> {
        Ok(members.opt_str(key)?.map(Secret::new))
    }
    fn read_required(members: &Members<'a>, key: &str) -> Result<Self, MemberError> {
        members.str(key).map(Secret::new)
    }
}

impl<'a> ReadMember<'a> for i64 {
    fn read(members: &Members<'a>, key: &str) -> Result<Option<Self>, MemberError> {
        members.opt_i64(key)
    }
    fn read_required(members: &Members<'a>, key: &str) -> Result<Self, MemberError> {
        members.i64(key)
    }
}

impl<'a> ReadMember<'a> for Vec<String> {
    fn read(members: &Members<'a>, key: &str) -> Result<Option<Self>, MemberError> {
        members.opt_str_list(key)
    }
}

/// An environment: an object whose members are all strings, in document order.
impl<'a> ReadMember<'a> for Vec<(String, String)> {
    fn read(members: &Members<'a>, key: &str) -> Result<Option<Self>, MemberError> {
        members.opt_str_map(key).map(Some)
    }
}

impl WriteMember for str {
    fn write(&self, out: &mut ObjectWriter, key: &str) {
        out.str(key, self);
    }
}

impl WriteMember for String {
    fn write(&self, out: &mut ObjectWriter, key: &str) {
        out.str(key, self);
    }
}

/// A secret a result must carry (the caller acts on it): written as the plain string.
impl WriteMember for Secret {
    fn write(&self, out: &mut ObjectWriter, key: &str) {
        out.str(key, self.expose());
    }
}

impl WriteMember for i64 {
    fn write(&self, out: &mut ObjectWriter, key: &str) {
        out.int(key, *self);
    }
}

impl WriteMember for Vec<String> {
    fn write(&self, out: &mut ObjectWriter, key: &str) {
        out.opt_str_list(key, Some(self));
    }
}

impl WriteMember for PendingPkce {
    fn write(&self, out: &mut ObjectWriter, key: &str) {
        out.raw(key, &self.to_json());
    }
}

/// A nullable member is written as `null` when there is no value (as serde writes an `Option`).
pub fn write_nullable<T: WriteMember + ?Sized>(out: &mut ObjectWriter, key: &str, value: Option<&T>) {
    match value {
        Some(value) => value.write(out, key),
        None => {
            out.raw(key, "null");
        }
    }
}

/// What a client registration is for, as `RegistrationRequest.kind` names it.
impl TsType for RegistrationKind {
    fn ts() -> String {
        "\"deviceCode\" | \"authorizationCode\"".to_string()
    }
}

impl<'a> ReadMember<'a> for RegistrationKind {
    fn read(members: &Members<'a>, key: &str) -> Result<Option<Self>, MemberError> {
        members.present(key).map(|_| Self::read_required(members, key)).transpose()
    }
    fn read_required(members: &Members<'a>, key: &str) -> Result<Self, MemberError> {
        match members.str(key)? {
            "deviceCode" => Ok(RegistrationKind::DeviceCode),
            "authorizationCode" => Ok(RegistrationKind::AuthorizationCode),
            _ => Err(MemberError::WrongType {
                key: key.into(),
                expected: "\"deviceCode\" or \"authorizationCode\"",
            }),
        }
    }
}

/// A loopback port, 1–65535.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Port(pub u16);

impl TsType for Port {
    fn ts() -> String {
        "number".to_string()
    }
}

impl<'a> ReadMember<'a> for Port {
    fn read(members: &Members<'a>, key: &str) -> Result<Option<Self>, MemberError> {
        members.present(key).map(|_| Self::read_required(members, key)).transpose()
    }
    fn read_required(members: &Members<'a>, key: &str) -> Result<Self, MemberError> {
        u16::try_from(members.i64(key)?)
            .ok()
            .filter(|port| *port > 0)
            .map(Port)
            .ok_or(MemberError::WrongType { key: key.into(), expected: "a port number (1-65535)" })
    }
}

/// A count option (`pageSize`, `maxAttempts`): a whole number from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count(pub u32);

impl TsType for Count {
    fn ts() -> String {
        "number".to_string()
    }
}

impl<'a> ReadMember<'a> for Count {
    fn read(members: &Members<'a>, key: &str) -> Result<Option<Self>, MemberError> {
        members
            .present(key)
            .map(|value| {
                value
                    .as_i64()
                    .and_then(|count| u32::try_from(count).ok())
                    .filter(|count| *count > 0)
                    .map(Count)
                    .ok_or(MemberError::WrongType { key: key.into(), expected: "a positive integer" })
            })
            .transpose()
    }
}

/// An `AbortSignal` member. JSON cannot carry it, so the export takes it from the object itself;
/// the declaration types it (an `external` field has no value in the Rust struct).
pub struct AbortSignalMember;

impl TsType for AbortSignalMember {
    fn ts() -> String {
        "AbortSignal".to_string()
    }
}

/// JSDoc from `///` lines (already stripped of `///` by the compiler; each starts with a space).
fn doc_comment(out: &mut String, indent: &str, lines: &[&str]) {
    match lines {
        [] => {}
        [line] => out.push_str(&format!("{indent}/**{line} */\n")),
        lines => {
            out.push_str(&format!("{indent}/**\n"));
            for line in lines {
                out.push_str(&format!("{indent} *{line}\n"));
            }
            out.push_str(&format!("{indent} */\n"));
        }
    }
}

/// A field's TypeScript line. `required` fields are always there; `nullable` ones are always there,
/// possibly `null`; `optional` ones may be absent or `null`; `external` ones are optional, and read
/// by the export from the JS object itself.
fn field_line(out: &mut String, docs: &[&str], json: &str, presence: &str, ts: String) {
    doc_comment(out, "  ", docs);
    match presence {
        "required" => out.push_str(&format!("  {json}: {ts};\n")),
        "nullable" => out.push_str(&format!("  {json}: {ts} | null;\n")),
        "external" => out.push_str(&format!("  {json}?: {ts};\n")),
        _ => out.push_str(&format!("  {json}?: {ts} | null;\n")),
    }
}

/// A field's TypeScript type: its Rust type's, or the alias given after `as` (`String as Timestamp`).
macro_rules! field_ts {
    ($ty:ty) => {
        <$ty as TsType>::ts()
    };
    ($ty:ty as $ts:ident) => {
        stringify!($ts).to_string()
    };
}

macro_rules! field_type {
    (required $ty:ty) => { $ty };
    (nullable $ty:ty) => { Option<$ty> };
    (optional $ty:ty) => { Option<$ty> };
    (external $ty:ty) => { () };
}

macro_rules! read_field {
    (required, $members:ident, $json:literal, $ty:ty) => {
        <$ty as ReadMember>::read_required(&$members, $json)?
    };
    (external, $members:ident, $json:literal, $ty:ty) => {
        ()
    };
    ($presence:ident, $members:ident, $json:literal, $ty:ty) => {
        <$ty as ReadMember>::read(&$members, $json)?
    };
}

macro_rules! write_field {
    (required, $out:ident, $json:literal, $value:expr) => {
        WriteMember::write($value, &mut $out, $json)
    };
    ($presence:ident, $out:ident, $json:literal, $value:expr) => {
        write_nullable(&mut $out, $json, $value.as_ref())
    };
}

/// One argument or result object of the JS API: `[read]`, `[write]` or `[read, write]`.
macro_rules! js_shape {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident $(<$lt:lifetime>)? as $ts_name:ident $directions:tt {
            $( $(#[doc = $field_doc:literal])* $field:ident: $presence:ident $ty:ty $(as $ts:ident)? = $json:literal, )*
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name $(<$lt>)? {
            $( $(#[doc = $field_doc])* pub $field: field_type!($presence $ty), )*
        }

        impl $(<$lt>)? TsType for $name $(<$lt>)? {
            fn ts() -> String {
                stringify!($ts_name).to_string()
            }
            fn declare(out: &mut Declarations) {
                let mut text = String::new();
                doc_comment(&mut text, "", &[$($doc),*]);
                text.push_str(concat!("export interface ", stringify!($ts_name), " {\n"));
                $( field_line(&mut text, &[$($field_doc),*], $json, stringify!($presence), field_ts!($ty $(as $ts)?)); )*
                text.push_str("}\n");
                out.add(stringify!($ts_name), text);
                $( <$ty as TsType>::declare(out); )*
            }
        }

        js_shape!(@$directions $name $(<$lt>)? { $( $field: $presence $ty = $json, )* });
    };
    (@[read, write] $($shape:tt)*) => {
        js_shape!(@read $($shape)*);
        js_shape!(@write $($shape)*);
    };
    (@[read] $($shape:tt)*) => {
        js_shape!(@read $($shape)*);
    };
    (@[write] $($shape:tt)*) => {
        js_shape!(@write $($shape)*);
    };
    (@read $name:ident <$lt:lifetime> { $( $field:ident: $presence:ident $ty:ty = $json:literal, )* }) => {
        impl<$lt> $name<$lt> {
            /// Reads every member, in declaration order; the result borrows from `members`.
            pub fn read(members: Members<$lt>) -> Result<Self, MemberError> {
                Ok($name { $( $field: read_field!($presence, members, $json, $ty), )* })
            }
        }
    };
    (@read $name:ident { $( $field:ident: $presence:ident $ty:ty = $json:literal, )* }) => {
        impl $name {
            /// Reads every member, in declaration order.
            pub fn read(members: Members<'_>) -> Result<Self, MemberError> {
                Ok($name { $( $field: read_field!($presence, members, $json, $ty), )* })
            }
        }
    };
    (@write $name:ident $(<$lt:lifetime>)? { $( $field:ident: $presence:ident $ty:ty = $json:literal, )* }) => {
        impl $(<$lt>)? WriteShape for $name $(<$lt>)? {
            fn to_json(&self) -> String {
                let mut out = ObjectWriter::new();
                $( write_field!($presence, out, $json, &self.$field); )*
                out.finish()
            }
        }

        impl $(<$lt>)? WriteMember for $name $(<$lt>)? {
            fn write(&self, out: &mut ObjectWriter, key: &str) {
                out.raw(key, &self.to_json());
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Cache files

js_shape! {
    /// A token cache file (~/.aws/sso/cache/<tokenCacheKey>.json). Absent fields are left out.
    pub struct TokenFileJs as TokenFile [read, write] {
        start_url: optional String = "startUrl",
        region: optional String = "region",
        access_token: required Secret = "accessToken",
        expires_at: required String as Timestamp = "expiresAt",
        client_id: optional String = "clientId",
        client_secret: optional Secret = "clientSecret",
        registration_expires_at: optional String as Timestamp = "registrationExpiresAt",
        refresh_token: optional Secret = "refreshToken",
    }
}

js_shape! {
    /// A client-registration cache file (~/.aws/sso/cache/<registrationCacheKey>.json).
    pub struct RegistrationFileJs as RegistrationFile [read, write] {
        client_id: required String = "clientId",
        client_secret: required Secret = "clientSecret",
        expires_at: required String as Timestamp = "expiresAt",
        /// Present for PKCE registrations and when sso_registration_scopes is configured.
        scopes: optional Vec<String> = "scopes",
        /// ["authorization_code", "refresh_token"] for PKCE registrations.
        grant_types: optional Vec<String> = "grantTypes",
    }
}

js_shape! {
    /// The inputs of the AWS CLI's client-registration cache key.
    pub struct RegistrationCacheKeyInputJs<'a> as RegistrationCacheKeyInput [read] {
        /// The configured start URL (not a resolved vanity URL).
        start_url: required &'a str = "startUrl",
        region: required &'a str = "region",
        /// Parsed sso_registration_scopes; null/absent when not configured (a different key from []).
        scopes: optional Vec<String> = "scopes",
        /// The sso-session name; null/absent for legacy profiles.
        session_name: optional &'a str = "sessionName",
    }
}

// ---------------------------------------------------------------------------------------------
// Credentials

js_shape! {
    /// AWS credentials, as getRoleCredentials returns them and exportCredentials takes them.
    pub struct AwsCredentialsJs as AwsCredentials [read, write] {
        access_key_id: required String = "accessKeyId",
        secret_access_key: required Secret = "secretAccessKey",
        session_token: optional Secret = "sessionToken",
        expiration: optional String as Timestamp = "expiration",
        account_id: optional String = "accountId",
    }
}

// ---------------------------------------------------------------------------------------------
// Sign-in

js_shape! {
    /// What a client registration is for (all as configured, except issuerUrl).
    pub struct RegistrationRequestJs as RegistrationRequest [read] {
        kind: required RegistrationKind = "kind",
        /// The configured sso_start_url (the cache key uses it as written).
        start_url: required String = "startUrl",
        /// The resolved start URL sent as the PKCE issuer; defaults to startUrl.
        issuer_url: optional String = "issuerUrl",
        region: required String = "region",
        /// The sso-session name; null/absent for legacy profiles.
        session_name: optional String = "sessionName",
        /// Parsed sso_registration_scopes; null/absent when not configured.
        scopes: optional Vec<String> = "scopes",
        /// The text of ~/.aws/sso/cache/<registrationCacheKey>.json, if it exists (reused when the CLI would).
        cached_registration_file: optional String = "cachedRegistrationFile",
    }
}

js_shape! {
    pub struct ObtainedRegistrationJs as ObtainedRegistration [write] {
        registration: required RegistrationFileJs = "registration",
        /// The file is ~/.aws/sso/cache/<cacheKey>.json.
        cache_key: required String = "cacheKey",
        /// The text to write there when a new client was registered; null when the cached one was reused.
        new_cache_file: nullable Secret = "newCacheFile",
    }
}

js_shape! {
    /// StartDeviceAuthorization's answer, plus when it arrived (keep it to resume polling).
    pub struct DeviceAuthorizationJs as DeviceAuthorization [read, write] {
        device_code: required Secret = "deviceCode",
        user_code: required String = "userCode",
        verification_uri: required String = "verificationUri",
        verification_uri_complete: nullable String = "verificationUriComplete",
        /// Seconds the code stays valid.
        expires_in: required i64 = "expiresIn",
        /// Seconds between polls (default 5).
        interval: nullable i64 = "interval",
        started_at: required String as Timestamp = "startedAt",
    }
}

js_shape! {
    /// A token CreateToken issued, its expiry fixed at receipt.
    pub struct IssuedTokenJs as IssuedToken [read, write] {
        access_token: required Secret = "accessToken",
        expires_at: required String as Timestamp = "expiresAt",
        refresh_token: nullable Secret = "refreshToken",
    }
}

js_shape! {
    pub struct PkceOptionsJs as PkceOptions [read] {
        /// The loopback port of the redirect URI http://127.0.0.1:<port>/oauth/callback.
        port: required Port = "port",
        /// Configured scopes; default ["sso:account:access"].
        scopes: optional Vec<String> = "scopes",
    }
}

js_shape! {
    pub struct PkceStartJs as PkceStart [write] {
        authorize_url: required String = "authorizeUrl",
        pending: required PendingPkce = "pending",
    }
}

js_shape! {
    /// The sso-session's configured start URL and SSO region.
    pub struct SsoSessionInfoJs as SsoSessionInfo [read] {
        start_url: required String = "startUrl",
        region: required String = "region",
    }
}

js_shape! {
    pub struct EndpointOptionsJs as EndpointOptions [read] {
        /// The SSO region (sso_region).
        region: required String = "region",
        /// The active profile (default "default"); its endpoint settings apply.
        profile_name: optional String = "profileName",
        config_text: optional String = "configText",
        credentials_text: optional String = "credentialsText",
        /// Environment variables to honour, e.g. { AWS_ENDPOINT_URL_SSO_OIDC: "http://127.0.0.1:8080" }.
        env: optional Vec<(String, String)> = "env",
    }
}

// ---------------------------------------------------------------------------------------------
// Portal

js_shape! {
    pub struct ListOptionsJs as ListOptions [read] {
        signal: external AbortSignalMember = "signal",
        /// Items per page, 1–100 (default 100).
        page_size: optional Count = "pageSize",
        /// Role listings in flight at once for listAccountsAndRoles (default 4).
        concurrency: optional Count = "concurrency",
        /// Attempts per page, the first included: throttled (429) and failed (5xx) pages are retried with
        /// exponential backoff and jitter, honouring Retry-After (default 8; 1 = no retry).
        max_attempts: optional Count = "maxAttempts",
    }
}

js_shape! {
    pub struct ConsoleOptionsJs as ConsoleOptions [read] {
        /// The region the console opens in; it also picks the partition's sign-in host.
        region: required String = "region",
        /// An https:// console URL, or a console path such as "/ec2/home"; default the console home.
        destination: optional String = "destination",
        /// A base URL serving /federation instead of the partition's sign-in host (the local emulator).
        federation_endpoint: optional String = "federationEndpoint",
        signal: external AbortSignalMember = "signal",
    }
}

js_shape! {
    pub struct AccountInfoJs<'a> as AccountInfo [write] {
        account_id: required &'a str = "accountId",
        account_name: nullable &'a str = "accountName",
        email_address: nullable &'a str = "emailAddress",
    }
}

js_shape! {
    pub struct RoleInfoJs<'a> as RoleInfo [write] {
        role_name: required &'a str = "roleName",
        account_id: required &'a str = "accountId",
    }
}

js_shape! {
    pub struct AccountWithRolesJs<'a> as AccountWithRoles [write] {
        account: required AccountInfoJs<'a> = "account",
        roles: required Roles<'a> = "roles",
    }
}

impl<'a> From<&'a AccountInfo> for AccountInfoJs<'a> {
    fn from(account: &'a AccountInfo) -> Self {
        AccountInfoJs {
            account_id: &account.account_id,
            account_name: account.account_name.as_deref(),
            email_address: account.email_address.as_deref(),
        }
    }
}

impl<'a> From<&'a RoleInfo> for RoleInfoJs<'a> {
    fn from(role: &'a RoleInfo) -> Self {
        RoleInfoJs { role_name: &role.role_name, account_id: &role.account_id }
    }
}

/// The portal's roles as `RoleInfo[]`.
pub struct Roles<'a>(pub &'a [RoleInfo]);

impl TsType for Roles<'_> {
    fn ts() -> String {
        "RoleInfo[]".to_string()
    }
    fn declare(out: &mut Declarations) {
        RoleInfoJs::declare(out)
    }
}

impl WriteShape for Roles<'_> {
    fn to_json(&self) -> String {
        array_of(self.0.iter().map(|role| RoleInfoJs::from(role).to_json()))
    }
}

impl WriteMember for Roles<'_> {
    fn write(&self, out: &mut ObjectWriter, key: &str) {
        out.raw(key, &self.to_json());
    }
}

js_shape! {
    /// A console sign-in. `url` holds a single-use sign-in token: open it, never log or store it.
    pub struct ConsoleSigninJs<'a> as ConsoleSignin [write] {
        url: required &'a str = "url",
        /// The console URL the sign-in lands on (no secret).
        destination: required &'a str = "destination",
    }
}

/// Every declaration above, as the TypeScript the package's `.d.ts` includes (`shapes.ts`).
pub fn typescript() -> String {
    let mut out = Declarations::default();
    TokenFileJs::declare(&mut out);
    RegistrationFileJs::declare(&mut out);
    RegistrationCacheKeyInputJs::declare(&mut out);
    AwsCredentialsJs::declare(&mut out);
    RegistrationRequestJs::declare(&mut out);
    ObtainedRegistrationJs::declare(&mut out);
    DeviceAuthorizationJs::declare(&mut out);
    IssuedTokenJs::declare(&mut out);
    PkceOptionsJs::declare(&mut out);
    PkceStartJs::declare(&mut out);
    SsoSessionInfoJs::declare(&mut out);
    EndpointOptionsJs::declare(&mut out);
    ListOptionsJs::declare(&mut out);
    AccountInfoJs::declare(&mut out);
    RoleInfoJs::declare(&mut out);
    AccountWithRolesJs::declare(&mut out);
    ConsoleOptionsJs::declare(&mut out);
    ConsoleSigninJs::declare(&mut out);
    let mut text = String::from(
        "// Generated from wasm/src/shapes.rs by its test (SSO_BRIDGE_WRITE_GENERATED=1 cargo test -p \
         sso-bridge-wasm); do not edit.\n",
    );
    for (_, declaration) in out.0 {
        text.push('\n');
        text.push_str(&declaration);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use sso_bridge::json::Json;

    /// The package's `.d.ts` includes this file; it must be exactly what the declarations render,
    /// so a renamed or retyped field fails here (and then the package's type check shows its uses).
    #[test]
    fn the_typescript_is_generated_from_the_declarations() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/shapes.ts");
        let expected = typescript();
        if std::env::var_os("SSO_BRIDGE_WRITE_GENERATED").is_some() {
            std::fs::write(&path, &expected).expect("write shapes.ts");
        }
        let found = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            found == expected,
            "{} is not what wasm/src/shapes.rs declares; run \
             `SSO_BRIDGE_WRITE_GENERATED=1 cargo test -p sso-bridge-wasm` and fix the uses",
            path.display()
        );
    }

    fn members(json: &Json) -> Members<'_> {
        Members::of(json).unwrap()
    }

    #[test]
    fn a_shape_reads_what_it_writes() {
        let written = DeviceAuthorizationJs {
            device_code: Secret::new("device-code"),
            user_code: "ABCD-EFGH".into(),
            verification_uri: "https://device.sso.us-east-1.amazonaws.com/".into(),
            verification_uri_complete: None,
            expires_in: 600,
            interval: Some(5),
            started_at: "2026-01-02T03:04:05Z".into(),
        }
        .to_json();
        assert_eq!(
            written,
            r#"{"deviceCode":"device-code","userCode":"ABCD-EFGH","verificationUri":"https://device.sso.us-east-1.amazonaws.com/","verificationUriComplete":null,"expiresIn":600,"interval":5,"startedAt":"2026-01-02T03:04:05Z"}"#
        );
        let json = Json::parse(&written).unwrap();
        let read = DeviceAuthorizationJs::read(members(&json)).unwrap();
        assert_eq!(read.device_code.expose(), "device-code");
        assert_eq!(read.verification_uri_complete, None);
        assert_eq!(read.interval, Some(5));
        assert_eq!(read.started_at, "2026-01-02T03:04:05Z");
    }

    #[test]
    fn nested_shapes_and_lists_are_written_in_place() {
        let roles = [RoleInfo { role_name: "Admin".into(), account_id: "111122223333".into() }];
        let written = AccountWithRolesJs {
            account: AccountInfoJs {
                account_id: "111122223333",
                account_name: Some("prod"),
                email_address: None,
            },
            roles: Roles(&roles),
        }
        .to_json();
        assert_eq!(
            written,
            r#"{"account":{"accountId":"111122223333","accountName":"prod","emailAddress":null},"roles":[{"roleName":"Admin","accountId":"111122223333"}]}"#
        );
    }

    #[test]
    fn reading_names_the_member_never_its_value() {
        let json = Json::parse(r#"{"kind":"implicit","startUrl":"https://x","region":"us-east-1"}"#).unwrap();
        let error = RegistrationRequestJs::read(members(&json)).err().unwrap();
        assert_eq!(error.to_string(), "`kind` must be \"deviceCode\" or \"authorizationCode\"");

        let json = Json::parse(r#"{"kind":"deviceCode","region":"us-east-1"}"#).unwrap();
        let error = RegistrationRequestJs::read(members(&json)).err().unwrap();
        assert_eq!(error, MemberError::Missing("startUrl".into()));

        for (port, ok) in [("0", false), ("1", true), ("65535", true), ("65536", false), ("-1", false)] {
            let json = Json::parse(&format!(r#"{{"port":{port}}}"#)).unwrap();
            assert_eq!(PkceOptionsJs::read(members(&json)).is_ok(), ok, "port {port}");
        }

        for (count, ok) in
            [("0", false), ("1", true), ("4294967295", true), ("4294967296", false), ("1.5", false)]
        {
            let json = Json::parse(&format!(r#"{{"pageSize":{count}}}"#)).unwrap();
            let read = ListOptionsJs::read(members(&json));
            assert_eq!(read.is_ok(), ok, "pageSize {count}");
            if !ok {
                assert_eq!(read.err().unwrap().to_string(), "`pageSize` must be a positive integer");
            }
        }

        let json = Json::parse(r#"{"accessToken":"secret-token","expiresAt":7}"#).unwrap();
        let error = TokenFileJs::read(members(&json)).err().unwrap().to_string();
        assert_eq!(error, "`expiresAt` must be a string");
        assert!(!error.contains("secret-token"));
    }
}
