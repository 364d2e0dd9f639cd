//! The JS API's argument and result objects that the bindings read and write, each declared once
//! here with `js_shape!`. A declaration gives, from the same lines:
//! - the Rust struct the export works with;
//! - for an argument (`[read]`), its reader through the core's [`Members`], so an error names the
//!   member and never its value;
//! - for a result (`[write]`), its JSON text, as `serde_json` writes it for the same fields (the
//!   module hands the text to `JSON.parse`): member names are literals, values are written by
//!   [`WriteJson`], so a 5,000-profile config's reading is written in one pass;
//! - its TypeScript interface. [`typescript`] renders `wasm/src/shapes.ts`, which the package's
//!   `.d.ts` includes; a test fails when that file is not what these declarations say, and the
//!   package's type check (`tsc --strict` over a usage file) fails when a use no longer fits.
//!
//! A result that is one of several shapes (`EndpointSource`, `RefreshPlan`) is declared with
//! `js_union!`, and a core enum written as a string (`Severity`) with `string_enum!`. The config
//! results are views that borrow the core's reading (`ConfigSectionJs` over a `Section`, …); the
//! core's types write through them.
//!
//! The error object (`SsoBridgeError`) is declared with `js_error!`: its members are set on a JS
//! `Error` one by one rather than written as JSON. `ExportFormat` is rendered from the core's list
//! of formats, and the `Timestamp` alias (a string) is written in [`typescript`].
//!
//! This module is plain Rust, compiled natively too, so the test runs with the workspace's tests.

use sso_bridge::cache::RegistrationKind;
use sso_bridge::config::sso::{is_sso_profile, resolve_sso_profile};
use sso_bridge::config::SsoConfigError;
use sso_bridge::config::{
    ConfigSet, Diagnostic, EndpointSource, Key, Origin, OtherSection, Property, ResolvedEndpoint, Section,
    Severity, SsoProfile, SsoProfileKind, SsoSessionRef,
};
use sso_bridge::export::ExportFormat;
use sso_bridge::flows::pkce::PendingPkce;
use sso_bridge::json::{write_string, MemberError, Members};
use sso_bridge::portal::{AccountInfo, RoleInfo};
use sso_bridge::secret::Secret;
use sso_bridge::sorted_map::SortedMap;
pub use sso_bridge::typescript::Declarations;
use sso_bridge::typescript::{array_of, doc_comment, member_line};

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

    /// The value a shape holds for a member that failed to read, until the reader returns the error.
    fn placeholder() -> Self;

    /// A required field: [`MemberError::Missing`] when absent or `null`. The common types use the
    /// core's required readers, one call per field in the module.
    fn read_required(members: &Members<'a>, key: &str) -> Result<Self, MemberError> {
        Self::read(members, key)?.ok_or_else(|| MemberError::Missing(key.to_owned()))
    }
}

/// `Some(value)`, or `None` with the error kept when it is the first.
fn keep_first_error<T>(result: Result<T, MemberError>, error: &mut Option<MemberError>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(failure) => {
            error.get_or_insert(failure);
            None
        }
    }
}

/// A value written into a result, as `serde_json` writes it.
pub trait WriteJson {
    fn write_json(&self, out: &mut String);

    /// The value's JSON text on its own.
    fn to_json(&self) -> String {
        let mut out = String::with_capacity(256);
        self.write_json(&mut out);
        out
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
ts_leaf!("number": i64, u32, u16);
ts_leaf!("boolean": bool);
ts_leaf!("Record<string, string>": Vec<(String, String)>);

impl<'a> ReadMember<'a> for &'a str {
    fn placeholder() -> Self {
        ""
    }
    fn read(members: &Members<'a>, key: &str) -> Result<Option<Self>, MemberError> {
        members.opt_str(key)
    }
    fn read_required(members: &Members<'a>, key: &str) -> Result<Self, MemberError> {
        members.str(key)
    }
}

impl<'a> ReadMember<'a> for String {
    fn placeholder() -> Self {
        String::new()
    }
    fn read(members: &Members<'a>, key: &str) -> Result<Option<Self>, MemberError> {
        members.opt_string(key)
    }
    fn read_required(members: &Members<'a>, key: &str) -> Result<Self, MemberError> {
        members.string(key)
    }
}

impl<'a> ReadMember<'a> for Secret {
    fn placeholder() -> Self {
        Secret::default()
    }
    fn read(members: &Members<'a>, key: &str) -> Result<Option<Self>, MemberError> {
        Ok(members.opt_str(key)?.map(Secret::new))
    }
    fn read_required(members: &Members<'a>, key: &str) -> Result<Self, MemberError> {
        members.str(key).map(Secret::new)
    }
}

impl<'a> ReadMember<'a> for i64 {
    fn placeholder() -> Self {
        0
    }
    fn read(members: &Members<'a>, key: &str) -> Result<Option<Self>, MemberError> {
        members.opt_i64(key)
    }
    fn read_required(members: &Members<'a>, key: &str) -> Result<Self, MemberError> {
        members.i64(key)
    }
}

impl<'a> ReadMember<'a> for Vec<String> {
    fn placeholder() -> Self {
        Vec::new()
    }
    fn read(members: &Members<'a>, key: &str) -> Result<Option<Self>, MemberError> {
        members.opt_str_list(key)
    }
}

/// An environment: an object whose members are all strings, in document order.
impl<'a> ReadMember<'a> for Vec<(String, String)> {
    fn placeholder() -> Self {
        Vec::new()
    }
    fn read(members: &Members<'a>, key: &str) -> Result<Option<Self>, MemberError> {
        members.opt_str_map(key).map(Some)
    }
}

impl WriteJson for str {
    fn write_json(&self, out: &mut String) {
        write_string(out, self);
    }
}

impl WriteJson for String {
    fn write_json(&self, out: &mut String) {
        write_string(out, self);
    }
}

/// A secret a result must carry (the caller acts on it): written as the plain string.
impl WriteJson for Secret {
    fn write_json(&self, out: &mut String) {
        write_string(out, self.expose());
    }
}

impl WriteJson for i64 {
    fn write_json(&self, out: &mut String) {
        if *self < 0 {
            out.push('-');
        }
        write_digits(out, self.unsigned_abs());
    }
}

impl WriteJson for u32 {
    fn write_json(&self, out: &mut String) {
        write_digits(out, u64::from(*self));
    }
}

/// A number's decimal digits, without `format!`'s machinery (a config's every line number goes
/// through here).
fn write_digits(out: &mut String, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    for &digit in &digits[start..] {
        out.push(char::from(digit));
    }
}

impl<T: WriteJson> WriteJson for [T] {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (index, item) in self.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            item.write_json(out);
        }
        out.push(']');
    }
}

impl<T: WriteJson> WriteJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out)
    }
}

impl<T: TsType> TsType for [T] {
    fn ts() -> String {
        array_of(&T::ts())
    }
    fn declare(out: &mut Declarations) {
        T::declare(out)
    }
}

impl<T: TsType> TsType for Vec<T> {
    fn ts() -> String {
        <[T]>::ts()
    }
    fn declare(out: &mut Declarations) {
        T::declare(out)
    }
}

/// An object by name (`profiles`, a section's `properties`), in the map's (sorted) order.
impl<K: AsRef<str>, V: WriteJson> WriteJson for SortedMap<K, V> {
    fn write_json(&self, out: &mut String) {
        out.push('{');
        for (index, (key, value)) in self.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            write_string(out, key.as_ref());
            out.push(':');
            value.write_json(out);
        }
        out.push('}');
    }
}

impl<K, V: TsType> TsType for SortedMap<K, V> {
    fn ts() -> String {
        format!("Record<string, {}>", V::ts())
    }
    fn declare(out: &mut Declarations) {
        V::declare(out)
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
    fn placeholder() -> Self {
        Port(0)
    }
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
    fn placeholder() -> Self {
        Count(0)
    }
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

/// A field's TypeScript line. `required` fields are always there; `nullable` ones are always there,
/// possibly `null`; `optional` ones may be absent or `null`; `omitted` ones may be absent (never
/// `null`); `external` ones may be absent, and are read by the export from the JS object itself.
fn field_line(out: &mut String, docs: &[&str], json: &str, presence: &str, ts: String) {
    match presence {
        "required" => member_line(out, docs, json, false, &ts),
        "nullable" => member_line(out, docs, json, false, &format!("{ts} | null")),
        "external" | "omitted" => member_line(out, docs, json, true, &ts),
        _ => member_line(out, docs, json, true, &format!("{ts} | null")),
    }
}

/// A field's TypeScript type: its Rust type's, or the one given after `as` (`String as Timestamp`,
/// `&'a str as "\"a\" | \"b\""`).
macro_rules! field_ts {
    ($ty:ty) => {
        <$ty as TsType>::ts()
    };
    ($ty:ty as $ts:ident) => {
        stringify!($ts).to_string()
    };
    ($ty:ty as $ts:literal) => {
        $ts.to_string()
    };
}

macro_rules! field_type {
    (required $ty:ty) => { $ty };
    (nullable $ty:ty) => { Option<$ty> };
    (optional $ty:ty) => { Option<$ty> };
    (external $ty:ty) => { () };
}

macro_rules! read_field {
    (required, $members:ident, $json:literal, $ty:ty, $error:ident) => {
        keep_first_error(<$ty as ReadMember>::read_required(&$members, $json), &mut $error)
            .unwrap_or_else(<$ty as ReadMember>::placeholder)
    };
    (external, $members:ident, $json:literal, $ty:ty, $error:ident) => {
        ()
    };
    ($presence:ident, $members:ident, $json:literal, $ty:ty, $error:ident) => {
        keep_first_error(<$ty as ReadMember>::read(&$members, $json), &mut $error).flatten()
    };
}

/// Method calls, so a borrowed field (`&'a Origin`) is written by its type's own writer.
macro_rules! write_field {
    (required, $out:ident, $value:expr) => {
        $value.write_json($out)
    };
    ($presence:ident, $out:ident, $value:expr) => {
        match &$value {
            Some(value) => value.write_json($out),
            None => $out.push_str("null"),
        }
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

        impl $(<$lt>)? $name $(<$lt>)? {
            /// The members' names, in declaration order.
            pub const MEMBERS: &'static [&'static str] = &[$($json),*];
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
                js_shape!(@read_members $name, members { $( $field: $presence $ty = $json, )* })
            }
        }
    };
    (@read $name:ident { $( $field:ident: $presence:ident $ty:ty = $json:literal, )* }) => {
        impl $name {
            /// Reads every member, in declaration order.
            pub fn read(members: Members<'_>) -> Result<Self, MemberError> {
                js_shape!(@read_members $name, members { $( $field: $presence $ty = $json, )* })
            }
        }
    };
    (@read_members $name:ident, $members:ident { $( $field:ident: $presence:ident $ty:ty = $json:literal, )* }) => {{
        // Every member is read, the first error kept: one exit, rather than one per member that
        // drops the members read before it.
        let mut error = None;
        let shape = $name { $( $field: read_field!($presence, $members, $json, $ty, error), )* };
        match error {
            None => Ok(shape),
            Some(error) => Err(error),
        }
    }};
    (@write $name:ident $(<$lt:lifetime>)? {
        $first:ident: $first_presence:ident $first_ty:ty = $first_json:literal,
        $( $field:ident: $presence:ident $ty:ty = $json:literal, )*
    }) => {
        impl $(<$lt>)? WriteJson for $name $(<$lt>)? {
            fn write_json(&self, out: &mut String) {
                out.push_str(concat!("{\"", $first_json, "\":"));
                write_field!($first_presence, out, self.$first);
                $(
                    out.push_str(concat!(",\"", $json, "\":"));
                    write_field!($presence, out, self.$field);
                )*
                out.push('}');
            }
        }
    };
}

/// A core enum written as a string: its TypeScript is the union of the strings.
macro_rules! string_enum {
    (read $ty:ty { $($variant:ident => $text:literal),+ $(,)? }) => {
        string_enum!($ty { $($variant => $text),+ });

        /// Read from one of the strings; any other is refused, naming them.
        impl<'a> ReadMember<'a> for $ty {
            fn placeholder() -> Self {
                [$(<$ty>::$variant),+][0]
            }
            fn read(members: &Members<'a>, key: &str) -> Result<Option<Self>, MemberError> {
                members.present(key).map(|_| Self::read_required(members, key)).transpose()
            }
            fn read_required(members: &Members<'a>, key: &str) -> Result<Self, MemberError> {
                match members.str(key)? {
                    $($text => Ok(<$ty>::$variant),)+
                    _ => Err(MemberError::WrongType {
                        key: key.into(),
                        expected: concat!("one of" $(, " \"", $text, "\"")+),
                    }),
                }
            }
        }
    };
    ($ty:ty { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl TsType for $ty {
            fn ts() -> String {
                [$(concat!("\"", $text, "\"")),+].join(" | ")
            }
        }

        impl WriteJson for $ty {
            fn write_json(&self, out: &mut String) {
                out.push_str(match self {
                    $(<$ty>::$variant => concat!("\"", $text, "\""),)+
                });
            }
        }
    };
}

/// A result that is one of several object shapes, told apart by its `$tag` member.
macro_rules! js_union {
    (
        $(#[doc = $doc:literal])*
        pub enum $name:ident<$lt:lifetime> as $ts_name:ident, tag = $tag:literal {
            $( $variant:ident = $kind:literal { $( $field:ident: $ty:ty $(as $ts:tt)? = $json:literal, )* }, )+
        }
    ) => {
        $(#[doc = $doc])*
        pub enum $name<$lt> {
            $( $variant { $( $field: $ty, )* }, )+
        }

        impl<$lt> TsType for $name<$lt> {
            fn ts() -> String {
                stringify!($ts_name).to_string()
            }
            fn declare(out: &mut Declarations) {
                let mut text = String::new();
                doc_comment(&mut text, "", &[$($doc),*]);
                text.push_str(concat!("export type ", stringify!($ts_name), " =\n"));
                $(
                    text.push_str(concat!("  | { ", $tag, ": \"", $kind, "\""));
                    $( text.push_str(&format!("; {}: {}", $json, field_ts!($ty $(as $ts)?))); )*
                    text.push_str(" }\n");
                )+
                text.insert(text.len() - 1, ';');
                out.add(stringify!($ts_name), text);
                $( $( <$ty as TsType>::declare(out); )* )+
            }
        }

        impl<$lt> WriteJson for $name<$lt> {
            fn write_json(&self, out: &mut String) {
                match self {
                    $(
                        $name::$variant { $( $field, )* } => {
                            out.push_str(concat!("{\"", $tag, "\":\"", $kind, "\""));
                            $(
                                out.push_str(concat!(",\"", $json, "\":"));
                                $field.write_json(out);
                            )*
                            out.push('}');
                        }
                    )+
                }
            }
        }
    };
}

/// A core type written through its view: `Section` as `ConfigSectionJs`, and so on.
macro_rules! written_as {
    ($core:ty => $view:ident) => {
        impl TsType for $core {
            fn ts() -> String {
                <$view<'static> as TsType>::ts()
            }
            fn declare(out: &mut Declarations) {
                <$view<'static> as TsType>::declare(out)
            }
        }

        impl WriteJson for $core {
            fn write_json(&self, out: &mut String) {
                $view::from(self).write_json(out)
            }
        }
    };
}

/// A member of the error object, as the bindings set it on the JS `Error` they throw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ErrorMember<'a> {
    Text(&'a str),
    Flag(bool),
    Number(f64),
}

/// A field type of the error object.
pub trait ErrorField {
    fn member(&self) -> ErrorMember<'_>;
}

impl ErrorField for String {
    fn member(&self) -> ErrorMember<'_> {
        ErrorMember::Text(self)
    }
}

impl ErrorField for bool {
    fn member(&self) -> ErrorMember<'_> {
        ErrorMember::Flag(*self)
    }
}

impl ErrorField for u16 {
    fn member(&self) -> ErrorMember<'_> {
        ErrorMember::Number(f64::from(*self))
    }
}

impl ErrorField for u32 {
    fn member(&self) -> ErrorMember<'_> {
        ErrorMember::Number(f64::from(*self))
    }
}

macro_rules! error_member {
    (required, $set:ident, $json:literal, $value:expr) => {
        $set($json, ErrorField::member(&$value))
    };
    (optional, $set:ident, $json:literal, $value:expr) => {
        if let Some(value) = &$value {
            $set($json, ErrorField::member(value))
        }
    };
}

/// The error object: an `Error` (its `message` the sentence for the user) named `$ts_name`, with
/// these members set on it; `optional` ones are left out when there is no value.
macro_rules! js_error {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident as $ts_name:ident {
            $( $(#[doc = $field_doc:literal])* $field:ident: $presence:ident $ty:ty = $json:literal, )*
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            /// The sentence for the user: the `Error`'s `message`.
            pub message: String,
            $( $(#[doc = $field_doc])* pub $field: field_type!($presence $ty), )*
        }

        impl $name {
            /// The error's name (`Error.name`).
            pub const NAME: &'static str = stringify!($ts_name);

            /// Hands every member that has a value to `set`, in declaration order.
            pub fn members(&self, mut set: impl FnMut(&'static str, ErrorMember<'_>)) {
                $( error_member!($presence, set, $json, self.$field); )*
            }

            fn declare(out: &mut Declarations) {
                let mut text = String::new();
                doc_comment(&mut text, "", &[$($doc),*]);
                text.push_str(concat!(
                    "export interface ", stringify!($ts_name), " extends Error {\n  name: \"",
                    stringify!($ts_name), "\";\n"
                ));
                $(
                    let presence = if stringify!($presence) == "optional" { "omitted" } else { "required" };
                    field_line(&mut text, &[$($field_doc),*], $json, presence, <$ty as TsType>::ts());
                )*
                text.push_str("}\n");
                out.add(stringify!($ts_name), text);
            }
        }
    };
}

js_error! {
    /// Every error this package throws or rejects with.
    pub struct JsFailure as SsoBridgeError {
        /// Stable snake_case code, e.g. "authorization_pending", "access_denied", "invalid_argument".
        code: required String = "code",
        /// The Rust error variant's name, e.g. "AccessDenied".
        variant: required String = "variant",
        /// Whether trying the same call again later can succeed.
        retryable: required bool = "retryable",
        /// For SSO call errors: the AWS operation, e.g. "CreateToken" (or "authorize", "sign-in").
        operation: optional String = "operation",
        /// For SSO call errors: the HTTP status, when the service answered.
        status: optional u16 = "status",
        /// For config syntax errors: the file's display name ("~/.aws/config") and 1-based line.
        file: optional String = "file",
        line: optional u32 = "line",
    }
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

string_enum!(read RegistrationKind { DeviceCode => "deviceCode", AuthorizationCode => "authorizationCode" });

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
    /// A PKCE sign-in waiting for its callback. Holds the code verifier and client secret: keep it private.
    pub struct PendingPkceJs as PendingPkce [read, write] {
        client_id: required String = "clientId",
        client_secret: required Secret = "clientSecret",
        redirect_uri: required String = "redirectUri",
        state: required String = "state",
        code_verifier: required Secret = "codeVerifier",
        /// Epoch seconds after which the sign-in is abandoned (10 minutes).
        expires_at: required i64 = "expiresAt",
    }
}

impl From<PendingPkce> for PendingPkceJs {
    fn from(pending: PendingPkce) -> Self {
        PendingPkceJs {
            client_id: pending.client_id,
            client_secret: pending.client_secret,
            redirect_uri: pending.redirect_uri,
            state: pending.state,
            code_verifier: pending.code_verifier,
            expires_at: pending.expires_at,
        }
    }
}

impl From<PendingPkceJs> for PendingPkce {
    fn from(pending: PendingPkceJs) -> Self {
        PendingPkce {
            client_id: pending.client_id,
            client_secret: pending.client_secret,
            redirect_uri: pending.redirect_uri,
            state: pending.state,
            code_verifier: pending.code_verifier,
            expires_at: pending.expires_at,
        }
    }
}

js_shape! {
    pub struct PkceStartJs as PkceStart [write] {
        authorize_url: required String = "authorizeUrl",
        pending: required PendingPkceJs = "pending",
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

impl WriteJson for Roles<'_> {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (index, role) in self.0.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            RoleInfoJs::from(role).write_json(out);
        }
        out.push(']');
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

// ---------------------------------------------------------------------------------------------
// Config: views of the core's reading

js_shape! {
    /// Where something is: the file's display name ("~/.aws/config", "~/.aws/credentials") and 1-based line.
    pub struct OriginJs<'a> as Origin [write] {
        file: required &'a str = "file",
        line: required u32 = "line",
    }
}

impl<'a> From<&'a Origin> for OriginJs<'a> {
    fn from(origin: &'a Origin) -> Self {
        OriginJs { file: &origin.file, line: origin.line }
    }
}

written_as!(Origin => OriginJs);

js_shape! {
    pub struct ConfigPropertyJs<'a> as ConfigProperty [write] {
        key: required &'a str = "key",
        /// Sub-property blocks (e.g. `s3 =` followed by indented lines) keep their raw text here.
        value: required &'a str = "value",
        origin: required &'a Origin = "origin",
    }
}

impl<'a> From<&'a Property> for ConfigPropertyJs<'a> {
    fn from(property: &'a Property) -> Self {
        ConfigPropertyJs { key: &property.key, value: &property.value, origin: &property.origin }
    }
}

written_as!(Property => ConfigPropertyJs);

js_shape! {
    /// A `[profile NAME]`/`[default]` or `[sso-session NAME]` section; keys are lower-cased.
    pub struct ConfigSectionJs<'a> as ConfigSection [write] {
        name: required &'a str = "name",
        origin: required &'a Origin = "origin",
        properties: required &'a SortedMap<Key, Property> = "properties",
    }
}

impl<'a> From<&'a Section> for ConfigSectionJs<'a> {
    fn from(section: &'a Section) -> Self {
        ConfigSectionJs { name: &section.name, origin: &section.origin, properties: &section.properties }
    }
}

written_as!(Section => ConfigSectionJs);

js_shape! {
    /// Any other `[prefix NAME]` section (e.g. `[services NAME]`), with its sub-properties.
    pub struct OtherConfigSectionJs<'a> as OtherConfigSection [write] {
        prefix: required &'a str = "prefix",
        name: required &'a str = "name",
        origin: required &'a Origin = "origin",
        properties: required &'a SortedMap<Key, SortedMap<Key, Property>> = "properties",
    }
}

impl<'a> From<&'a OtherSection> for OtherConfigSectionJs<'a> {
    fn from(other: &'a OtherSection) -> Self {
        OtherConfigSectionJs {
            prefix: &other.prefix,
            name: &other.name,
            origin: &other.origin,
            properties: &other.properties,
        }
    }
}

written_as!(OtherSection => OtherConfigSectionJs);

string_enum!(Severity { Warning => "warning", Error => "error" });

js_shape! {
    /// Something the SDKs ignore, or that the AWS CLI / boto3 read differently.
    pub struct DiagnosticJs<'a> as Diagnostic [write] {
        /// Stable kebab-case identifier, e.g. "duplicate-key", "inline-comment".
        code: required &'a str = "code",
        severity: required Severity = "severity",
        origin: required &'a Origin = "origin",
        message: required &'a str = "message",
    }
}

impl<'a> From<&'a Diagnostic> for DiagnosticJs<'a> {
    fn from(diagnostic: &'a Diagnostic) -> Self {
        DiagnosticJs {
            code: diagnostic.code.as_str(),
            severity: diagnostic.severity,
            origin: &diagnostic.origin,
            message: &diagnostic.message,
        }
    }
}

written_as!(Diagnostic => DiagnosticJs);

js_shape! {
    pub struct ParsedConfigJs<'a> as ParsedConfig [write] {
        /// Profiles by name, the credentials file's values winning for the same key (as in the SDKs).
        profiles: required &'a SortedMap<String, Section> = "profiles",
        /// `[sso-session NAME]` sections by name.
        sessions: required &'a SortedMap<String, Section> = "sessions",
        /// Other sections by "prefix name".
        other_sections: required &'a SortedMap<String, OtherSection> = "otherSections",
        diagnostics: required &'a [Diagnostic] = "diagnostics",
    }
}

impl<'a> From<&'a ConfigSet> for ParsedConfigJs<'a> {
    fn from(set: &'a ConfigSet) -> Self {
        ParsedConfigJs {
            profiles: &set.profiles,
            sessions: &set.sso_sessions,
            other_sections: &set.other_sections,
            diagnostics: &set.diagnostics,
        }
    }
}

js_shape! {
    pub struct SsoSessionRefJs<'a> as SsoSessionRef [write] {
        name: required &'a str = "name",
        origin: required &'a Origin = "origin",
    }
}

impl<'a> From<&'a SsoSessionRef> for SsoSessionRefJs<'a> {
    fn from(session: &'a SsoSessionRef) -> Self {
        SsoSessionRefJs { name: &session.name, origin: &session.origin }
    }
}

written_as!(SsoSessionRef => SsoSessionRefJs);

string_enum!(SsoProfileKind { RoleCredentials => "roleCredentials", BearerToken => "bearerToken" });

js_shape! {
    /// A profile resolved for SSO sign-in.
    pub struct SsoProfileJs<'a> as SsoProfile [write] {
        name: required &'a str = "name",
        origin: required &'a Origin = "origin",
        /// null for a legacy profile (start URL and region in the profile itself).
        session: nullable &'a SsoSessionRef = "session",
        start_url: required &'a str = "startUrl",
        /// sso_region: where IAM Identity Center lives.
        region: required &'a str = "region",
        account_id: nullable &'a str = "accountId",
        role_name: nullable &'a str = "roleName",
        /// sso_registration_scopes, parsed; null when not configured (registrationCacheKey hashes null, not []).
        scopes: nullable &'a [String] = "scopes",
        /// What tokenCacheKey() hashes: the session name, or the legacy start URL.
        token_cache_identifier: required &'a str = "tokenCacheIdentifier",
        /// The profile's own `region` (default region for AWS calls).
        default_region: nullable &'a str = "defaultRegion",
        kind: required SsoProfileKind = "kind",
        diagnostics: required &'a [Diagnostic] = "diagnostics",
    }
}

impl<'a> From<&'a SsoProfile> for SsoProfileJs<'a> {
    fn from(profile: &'a SsoProfile) -> Self {
        SsoProfileJs {
            name: &profile.name,
            origin: &profile.origin,
            session: profile.session.as_ref(),
            start_url: &profile.start_url,
            region: &profile.region,
            account_id: profile.account_id.as_deref(),
            role_name: profile.role_name.as_deref(),
            scopes: profile.scopes.as_deref(),
            token_cache_identifier: &profile.token_cache_identifier,
            default_region: profile.default_region.as_deref(),
            kind: profile.kind,
            diagnostics: &profile.diagnostics,
        }
    }
}

written_as!(SsoProfile => SsoProfileJs);

js_shape! {
    /// Why a profile cannot be used for SSO, as data.
    pub struct ConfigProblemJs as ConfigProblem [write] {
        /// e.g. "missing_keys", "session_not_found", "inconsistent".
        code: required String = "code",
        variant: required String = "variant",
        message: required String = "message",
    }
}

js_shape! {
    pub struct SsoProfileEntryJs<'a> as SsoProfileEntry [write] {
        name: required &'a str = "name",
        profile: nullable &'a SsoProfile = "profile",
        error: nullable ConfigProblemJs = "error",
    }
}

js_union! {
    /// Why requests go where they go: which setting chose the endpoint.
    pub enum EndpointSourceJs<'a> as EndpointSource, tag = "kind" {
        ServiceEnvironment = "serviceEnvironment" { variable: &'a str = "variable", },
        GlobalEnvironment = "globalEnvironment" {},
        ServicesSection = "servicesSection" { section: &'a str = "section", origin: &'a Origin = "origin", },
        ProfileEndpointUrl = "profileEndpointUrl" { origin: &'a Origin = "origin", },
        AwsDefault = "awsDefault" { partition: &'a str = "partition", },
    }
}

impl<'a> From<&'a EndpointSource> for EndpointSourceJs<'a> {
    fn from(source: &'a EndpointSource) -> Self {
        match source {
            EndpointSource::ServiceEnvironment { variable } => {
                EndpointSourceJs::ServiceEnvironment { variable }
            }
            EndpointSource::GlobalEnvironment => EndpointSourceJs::GlobalEnvironment {},
            EndpointSource::ServicesSection { section, origin } => {
                EndpointSourceJs::ServicesSection { section, origin }
            }
            EndpointSource::ProfileEndpointUrl { origin } => EndpointSourceJs::ProfileEndpointUrl { origin },
            EndpointSource::AwsDefault { partition } => EndpointSourceJs::AwsDefault { partition },
        }
    }
}

written_as!(EndpointSource => EndpointSourceJs);

js_shape! {
    /// Where requests go, and why (which setting chose it).
    pub struct ResolvedEndpointJs<'a> as ResolvedEndpoint [write] {
        url: required &'a str = "url",
        source: required &'a EndpointSource = "source",
    }
}

impl<'a> From<&'a ResolvedEndpoint> for ResolvedEndpointJs<'a> {
    fn from(endpoint: &'a ResolvedEndpoint) -> Self {
        ResolvedEndpointJs { url: &endpoint.url, source: &endpoint.source }
    }
}

written_as!(ResolvedEndpoint => ResolvedEndpointJs);

js_shape! {
    pub struct EndpointsJs<'a> as Endpoints [write] {
        oidc: required &'a ResolvedEndpoint = "oidc",
        portal: required &'a ResolvedEndpoint = "portal",
    }
}

/// `SsoProfileEntry[]`: every profile that sets an SSO key, in name order, each resolved as it is
/// written; `problem` describes the ones that cannot be used.
pub fn sso_profile_entries(set: &ConfigSet, problem: &dyn Fn(&SsoConfigError) -> ConfigProblemJs) -> String {
    let mut out = String::with_capacity(256);
    out.push('[');
    for (name, section) in &set.profiles {
        if !is_sso_profile(section) {
            continue;
        }
        if out.len() > 1 {
            out.push(',');
        }
        match resolve_sso_profile(set, name) {
            Ok(profile) => {
                SsoProfileEntryJs { name, profile: Some(&profile), error: None }.write_json(&mut out)
            }
            Err(error) => {
                SsoProfileEntryJs { name, profile: None, error: Some(problem(&error)) }.write_json(&mut out)
            }
        }
    }
    out.push(']');
    out
}

js_union! {
    /// Whether to refresh a cached token now, or when to look again.
    pub enum RefreshPlanJs<'a> as RefreshPlan, tag = "action" {
        NotYet = "notYet" { refresh_at: String as Timestamp = "refreshAt", },
        Due = "due" {},
        Wait = "wait" { retry_at: String as Timestamp = "retryAt", },
        SignInAgain = "signInAgain" {
            code: &'a str as "\"not_refreshable\" | \"registration_expired\"" = "code",
            expires_at: String as Timestamp = "expiresAt",
        },
    }
}

/// Every declaration above, as the TypeScript the package's `.d.ts` includes (`shapes.ts`, through
/// `lib.rs`).
pub fn typescript() -> String {
    let mut out = Declarations::default();
    out.add(
        "Timestamp",
        "/** Timestamps as the AWS CLI writes them: \"2026-01-02T03:04:05Z\" (other ISO 8601 UTC forms are \
         read too). */\nexport type Timestamp = string;\n"
            .to_string(),
    );
    JsFailure::declare(&mut out);
    ParsedConfigJs::declare(&mut out);
    SsoProfileJs::declare(&mut out);
    SsoProfileEntryJs::declare(&mut out);
    EndpointsJs::declare(&mut out);
    RefreshPlanJs::declare(&mut out);
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
    let formats: Vec<String> =
        ExportFormat::ALL.iter().map(|format| format!("\"{}\"", format.name())).collect();
    out.add(
        "ExportFormat",
        format!(
            "/** The `--format` choices of `aws configure export-credentials`. */\nexport type ExportFormat = {};\n",
            formats.join(" | ")
        ),
    );
    let mut text = String::from(
        "// Generated from wasm/src/shapes.rs by its test (SSO_BRIDGE_WRITE_GENERATED=1 cargo test -p \
         sso-bridge-wasm); do not edit.\n",
    );
    text.push_str(&out.render());
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
    fn the_error_object_sets_the_members_it_has() {
        let mut failure = JsFailure {
            message: "the sentence".into(),
            code: "missing_equals".into(),
            variant: "MissingEquals".into(),
            retryable: false,
            operation: None,
            status: None,
            file: Some("~/.aws/config".into()),
            line: Some(7),
        };
        let mut set = Vec::new();
        failure.members(|key, member| set.push(format!("{key}={member:?}")));
        assert_eq!(
            set,
            [
                "code=Text(\"missing_equals\")",
                "variant=Text(\"MissingEquals\")",
                "retryable=Flag(false)",
                "file=Text(\"~/.aws/config\")",
                "line=Number(7.0)"
            ]
        );
        failure.status = Some(429);
        let mut keys = Vec::new();
        failure.members(|key, _| keys.push(key));
        assert_eq!(keys, ["code", "variant", "retryable", "status", "file", "line"]);
        assert_eq!(JsFailure::NAME, "SsoBridgeError");
    }

    #[test]
    fn a_union_writes_its_tag_first() {
        let plans = [
            (
                RefreshPlanJs::NotYet { refresh_at: "2026-01-02T03:04:05Z".into() },
                r#"{"action":"notYet","refreshAt":"2026-01-02T03:04:05Z"}"#,
            ),
            (RefreshPlanJs::Due {}, r#"{"action":"due"}"#),
            (
                RefreshPlanJs::SignInAgain {
                    code: "not_refreshable",
                    expires_at: "2026-01-02T03:04:05Z".into(),
                },
                r#"{"action":"signInAgain","code":"not_refreshable","expiresAt":"2026-01-02T03:04:05Z"}"#,
            ),
        ];
        for (plan, json) in plans {
            assert_eq!(plan.to_json(), json);
        }
    }

    #[test]
    fn reading_names_the_member_never_its_value() {
        let json = Json::parse(r#"{"kind":"implicit","startUrl":"https://x","region":"us-east-1"}"#).unwrap();
        let error = RegistrationRequestJs::read(members(&json)).err().unwrap();
        assert_eq!(error.to_string(), "`kind` must be one of \"deviceCode\" \"authorizationCode\"");

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

/// The config results are written by hand-rolled code for speed; `serde_json` over the core's own
/// serde shapes is the referee, byte for byte.
#[cfg(test)]
mod serde_referee {
    use super::*;
    use sso_bridge::config::sso::sso_profiles;
    use sso_bridge::config::{check_files, SourceFile};

    /// Every shape and every escape: sessions, legacy and bearer profiles, errors, sub-property
    /// blocks, other sections, diagnostics of both severities, control characters and non-ASCII.
    const CONFIG: &str = "[default]\nregion = us-east-1 # c\nkey: b = c\n\
        [profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n\
        sso_start_url = https://d-1.awsapps.com/start\n\
        [sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\n\
        sso_registration_scopes = sso:account:access, b,,\n\
        [profile legacy]\nsso_start_url = https://legacy/start\nsso_region = us-east-1\n\
        sso_account_id = 1\nsso_role_name = R\n\
        [profile bearer]\nsso_session = corp\n\
        [profile broken]\nsso_session = nope\n\
        [profile half]\nsso_start_url = https://h\nsso_account_id = 2\n\
        [profile escapes]\nq = \"quoted\" back\\slash tab\there \u{1}\u{1f}\u{7f} é ✓ \u{10348}\n\
        cr = a\r\nff = \u{c}\u{8}\n  continued\n\
        s3 =\n  addressing_style = path\n  Max = 4\n\
        in valid = x\n\
        [services emu]\nsso_oidc =\n  endpoint_url = http://127.0.0.1:4566\nsso =\n  endpoint_url = http://x\n\
        [Profile odd]\na = 1\n[foo]\nb = 2\n[profile a]\nx = 1\n[profile a]\nx = 2\n";

    const CREDENTIALS: &str = "[dev]\naws_access_key_id = AKID\n[profile p]\nk = v\n";

    #[test]
    fn writes_what_serde_json_writes() {
        let config = SourceFile::config("~/.aws/config", CONFIG);
        let credentials = SourceFile::credentials("~/.aws/credentials", CREDENTIALS);
        let set = check_files(Some(&config), Some(&credentials)).unwrap();
        assert!(set.diagnostics.len() > 5 && !set.other_sections.is_empty(), "{set:?}");

        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct SerdeParsedConfig<'a> {
            profiles: &'a SortedMap<String, Section>,
            sessions: &'a SortedMap<String, Section>,
            other_sections: &'a SortedMap<String, OtherSection>,
            diagnostics: &'a [Diagnostic],
        }
        let expected = serde_json::to_string(&SerdeParsedConfig {
            profiles: &set.profiles,
            sessions: &set.sso_sessions,
            other_sections: &set.other_sections,
            diagnostics: &set.diagnostics,
        })
        .unwrap();
        assert_eq!(ParsedConfigJs::from(&set).to_json(), expected);
        assert_eq!(
            ParsedConfigJs::from(&ConfigSet::default()).to_json(),
            serde_json::to_string(&SerdeParsedConfig {
                profiles: &SortedMap::new(),
                sessions: &SortedMap::new(),
                other_sections: &SortedMap::new(),
                diagnostics: &[],
            })
            .unwrap()
        );

        #[derive(serde::Serialize)]
        struct ProblemJs {
            code: String,
            variant: String,
            message: String,
        }
        #[derive(serde::Serialize)]
        struct EntryJs<'a> {
            name: &'a str,
            profile: Option<&'a SsoProfile>,
            error: Option<ProblemJs>,
        }
        let problem = |error: &SsoConfigError| ConfigProblemJs {
            code: error.code().to_owned(),
            variant: "Variant \"x\"".to_owned(),
            message: error.to_string(),
        };
        let resolved = sso_profiles(&set);
        assert!(resolved.iter().any(|(_, r)| r.is_ok()) && resolved.iter().any(|(_, r)| r.is_err()));
        let expected: Vec<EntryJs<'_>> = resolved
            .iter()
            .map(|(name, result)| match result {
                Ok(profile) => EntryJs { name, profile: Some(profile), error: None },
                Err(error) => {
                    let ConfigProblemJs { code, variant, message } = problem(error);
                    EntryJs { name, profile: None, error: Some(ProblemJs { code, variant, message }) }
                }
            })
            .collect();
        assert_eq!(sso_profile_entries(&set, &problem), serde_json::to_string(&expected).unwrap());
        assert_eq!(sso_profile_entries(&ConfigSet::default(), &problem), "[]");

        for name in ["dev", "legacy", "bearer"] {
            let profile = resolve_sso_profile(&set, name).unwrap();
            assert_eq!(
                SsoProfileJs::from(&profile).to_json(),
                serde_json::to_string(&profile).unwrap(),
                "{name}"
            );
        }
        assert!(!resolve_sso_profile(&set, "dev").unwrap().diagnostics.is_empty());
    }

    #[test]
    fn endpoints_as_serde_json_writes_them() {
        #[derive(serde::Serialize)]
        struct SerdeEndpoints<'a> {
            oidc: &'a ResolvedEndpoint,
            portal: &'a ResolvedEndpoint,
        }
        let at = || Origin { file: "~/.aws/config".into(), line: 7 };
        let sources = [
            EndpointSource::ServiceEnvironment { variable: "AWS_ENDPOINT_URL_SSO_OIDC".into() },
            EndpointSource::GlobalEnvironment,
            EndpointSource::ServicesSection { section: "emu \"1\"".into(), origin: at() },
            EndpointSource::ProfileEndpointUrl { origin: at() },
            EndpointSource::AwsDefault { partition: "aws-cn".into() },
        ];
        for (index, source) in sources.iter().enumerate() {
            let oidc =
                ResolvedEndpoint { url: format!("http://127.0.0.1:{index}/x"), source: source.clone() };
            let portal = ResolvedEndpoint {
                url: "https://portal.sso.us-east-1.amazonaws.com".into(),
                source: sources[(index + 1) % sources.len()].clone(),
            };
            let expected = serde_json::to_string(&SerdeEndpoints { oidc: &oidc, portal: &portal }).unwrap();
            assert_eq!(EndpointsJs { oidc: &oidc, portal: &portal }.to_json(), expected);
        }
    }

    #[test]
    fn the_pending_sign_in_is_the_cores_serde_shape() {
        let pending = PendingPkce {
            client_id: "client \"1\"".into(),
            client_secret: Secret::new("client-secret"),
            redirect_uri: "http://127.0.0.1:4242/oauth/callback".into(),
            state: "state".into(),
            code_verifier: Secret::new("verifier"),
            expires_at: 1_767_225_600,
        };
        let written = PendingPkceJs::from(pending.clone()).to_json();
        assert_eq!(written, serde_json::to_string(&pending).unwrap());
        let json = sso_bridge::json::Json::parse(&written).unwrap();
        let read = PendingPkceJs::read(Members::of(&json).unwrap()).unwrap();
        assert_eq!(PendingPkce::from(read), pending);
    }

    #[test]
    fn escapes_every_control_character_and_writes_numbers_like_serde_json() {
        let text: String = (0u8..0x80).map(char::from).chain("é✓\u{10348}\u{2028}".chars()).collect();
        assert_eq!(text.to_json(), serde_json::to_string(&text).unwrap());
        for line in [0, 1, 9, 10, 99, 100, 12345, u32::MAX] {
            let value = Origin { file: "f".into(), line };
            assert_eq!(value.to_json(), serde_json::to_string(&value).unwrap());
        }
        for number in [0, 1, -1, 9, 10, -10, 600, i64::from(u32::MAX), i64::MAX, i64::MIN] {
            assert_eq!(number.to_json(), serde_json::to_string(&number).unwrap());
        }
    }
}
