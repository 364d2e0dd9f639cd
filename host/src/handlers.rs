//! One function per request type of `host/PROTOCOL.md`. Each takes its request's fields as
//! declared in [`crate::messages`] (read and checked there), does its work through the core (file
//! formats, keys, config writer) and [`crate::aws_files`] (every write), and returns its reply.

use crate::aws_files::{AwsFiles, CacheFileName, Target};
use crate::error_codes::{ErrorCode, HostError};
use crate::messages::*;
use crate::native_host::Context;
use crate::protocol::{Fields, Request};
use serde_json::{Map, Value};
use sso_bridge::cache::{
    self, AwsCredentials, CachedRoleCredentials, CachedToken, ClientRegistration, RegistrationCacheKeyInput,
    RoleCacheSource,
};
use sso_bridge::config::sso::sso_profiles;
use sso_bridge::config::writer::{self as config_writer, SsoLogin, SsoProfileSpec, SsoSessionSpec};
use sso_bridge::config::{ConfigSet, SourceFile};
use sso_bridge::secret::Secret;
use sso_bridge::time::UtcTime;
use std::fs;
use std::path::{Path, PathBuf};

/// Every request type: its name, handler, fields and reply. From this one table come the
/// dispatch, `ping`'s capabilities and the extension's `HelperRequests` type.
macro_rules! request_table {
    ($( $kind:literal => $handler:path, $request:ident -> $reply:ident; )*) => {
        /// Every request type, as `ping` advertises them.
        pub const REQUEST_TYPES: &[&str] = &[$($kind),*];

        fn dispatch(ctx: &Context, kind: &str, fields: &Fields<'_>) -> Option<Reply> {
            Some(match kind {
                $( $kind => $request::from_fields(fields)
                    .and_then(|request| $handler(ctx, request))
                    .and_then(|reply| reply_fields(&reply)), )*
                _ => return None,
            })
        }

        /// Reads and checks a request's fields exactly as its handler would, without running it
        /// (for the fuzz target); `None` for an unknown request type.
        pub fn check_request(kind: &str, fields: &Fields<'_>) -> Option<Result<(), HostError>> {
            Some(match kind {
                $( $kind => $request::from_fields(fields).map(drop), )*
                _ => return None,
            })
        }

        /// `extension/src/helper-protocol.ts`: every shape of the protocol in TypeScript.
        pub fn typescript() -> String {
            render(&[$( ($kind, |out: &mut Declarations| {
                <$request<'static> as TsType>::declare(out);
                <$reply as TsType>::declare(out);
                (<$request<'static> as TsType>::ts(), <$reply as TsType>::ts())
            }) ),*])
        }
    };
}

request_table! {
    "ping" => ping, NoFields -> PingReply;
    "readConfig" => read_config, NoFields -> ReadConfigReply;
    "readToken" => read_token, TokenKey -> ReadTokenReply;
    "readRegistration" => read_registration, ReadRegistrationRequest -> ReadRegistrationReply;
    "storeToken" => store_token, StoreTokenRequest -> StoreTokenReply;
    "deleteTokens" => delete_tokens, DeleteTokensRequest -> DeleteTokensReply;
    "writeSsoSession" => write_sso_session, WriteSsoSessionRequest -> ConfigEdit;
    "writeProfile" => write_profile, WriteProfileRequest -> ConfigEdit;
    "storeRoleCredentials" => store_role_credentials, StoreRoleCredentialsRequest -> StoreRoleCredentialsReply;
    "populate" => crate::populate_message::handle, PopulateRequest -> PopulateReply;
    "consoleUrl" => crate::console_message::handle, ConsoleUrlRequest -> ConsoleUrlReply;
    "roleProfile" => crate::role_profile_message::handle, RoleProfileRequest -> RoleProfileReply;
}

type Reply = Result<Map<String, Value>, HostError>;

pub fn handle(ctx: &Context, request: &Request) -> Reply {
    let fields = Fields::new(&request.body);
    dispatch(ctx, &request.kind, &fields).unwrap_or_else(|| {
        let shown: String = request.kind.chars().filter(|c| !c.is_control()).take(64).collect();
        Err(HostError::new(
            ErrorCode::UnknownType,
            format!(
                "unknown request type `{shown}`; this helper knows: {}. Update sso-bridge if the \
                 extension is newer",
                REQUEST_TYPES.join(", ")
            ),
        ))
    })
}

/// A reply's fields, for the envelope.
fn reply_fields(reply: &impl serde::Serialize) -> Reply {
    match serde_json::to_value(reply) {
        Ok(Value::Object(fields)) => Ok(fields),
        _ => Err(HostError::new(ErrorCode::Internal, "a reply could not be written as a JSON object")),
    }
}

pub(crate) fn path_string(p: &Path) -> String {
    p.display().to_string()
}

fn ping(ctx: &Context, _: NoFields) -> Result<PingReply, HostError> {
    let f = &ctx.files;
    Ok(PingReply {
        helper_version: env!("CARGO_PKG_VERSION").to_string(),
        capabilities: REQUEST_TYPES.iter().map(|kind| kind.to_string()).collect(),
        platform: Platform { os: ctx.os.name().to_string(), arch: std::env::consts::ARCH.to_string() },
        paths: HelperPaths {
            config: path_string(f.config_file()),
            credentials: path_string(f.credentials_file()),
            sso_cache: path_string(&f.sso_cache_dir()),
            cli_cache: path_string(&f.cli_cache_dir()),
            log: ctx.log.path().map(path_string),
        },
    })
}

/// Read a text file the helper reports or edits; `None` when it does not exist.
pub fn read_text(files: &AwsFiles, path: &Path) -> Result<Option<String>, HostError> {
    match files.read(path)? {
        None => Ok(None),
        Some(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| {
            HostError::new(
                ErrorCode::FileUnreadable,
                format!("{} is not UTF-8 text; the AWS tools would ignore it too", path.display()),
            )
        }),
    }
}

/// A config or credentials file for `readConfig`, with every secret value blanked
/// ([`sso_bridge::secret::blank_secret_values`]): the extension needs profile names and non-secret
/// values, never long-term keys. The text as read is zeroized once blanked.
fn file_report(ctx: &Context, path: &Path) -> Result<FileReport, HostError> {
    let content = read_text(&ctx.files, path)?.map(Secret::new);
    let blanked = content.as_ref().map(|text| sso_bridge::secret::blank_secret_values(text.expose()));
    Ok(FileReport { path: path_string(path), exists: content.is_some(), content: blanked })
}

/// The config and credentials files parsed by the core. The inner error is the parser's (file and
/// line); the outer one is about reading the files.
pub fn load_config(files: &AwsFiles) -> Result<Result<ConfigSet, HostError>, HostError> {
    let config_path = files.config_file().display().to_string();
    let credentials_path = files.credentials_file().display().to_string();
    let config = read_text(files, files.config_file())?;
    let credentials = read_text(files, files.credentials_file())?;
    let config_file = config.as_deref().map(|c| SourceFile::config(&config_path, c));
    let credentials_file = credentials.as_deref().map(|c| SourceFile::credentials(&credentials_path, c));
    Ok(sso_bridge::config::parse_files(config_file.as_ref(), credentials_file.as_ref())
        .map_err(|e| HostError::new(ErrorCode::ConfigInvalid, e.to_string())))
}

/// The parsed config, or `None` when it cannot be parsed (callers then do without session names
/// rather than fail).
fn parsed_config(ctx: &Context) -> Result<Option<ConfigSet>, HostError> {
    Ok(load_config(&ctx.files)?.ok())
}

fn read_config(ctx: &Context, _: NoFields) -> Result<ReadConfigReply, HostError> {
    let config_path = ctx.files.config_file().to_path_buf();
    let config = file_report(ctx, &config_path)?;
    let credentials = file_report(ctx, ctx.files.credentials_file())?;
    let names: Vec<String> =
        parsed_config(ctx)?.map(|set| set.sso_sessions.keys().cloned().collect()).unwrap_or_default();
    let now = crate::cli::system_now();
    let mut tokens = Vec::new();
    let mut unreadable = Vec::new();
    for (name, path) in cache_files(&ctx.files.sso_cache_dir()) {
        let text = match read_text(&ctx.files, &path) {
            Ok(Some(text)) => text,
            Ok(None) => continue,
            Err(e) => {
                unreadable.push(UnreadableFile { file: path_string(&path), message: e.message });
                continue;
            }
        };
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(m)) if !m.contains_key("accessToken") => continue, // a client registration
            Ok(Value::Object(_)) => {}
            _ => {
                unreadable.push(UnreadableFile {
                    file: path_string(&path),
                    message: format!("{} is not a JSON object; delete it and sign in again", path.display()),
                });
                continue;
            }
        }
        match CachedToken::from_json(&text) {
            Ok(token) => {
                let key = name.as_str().trim_end_matches(".json").to_owned();
                let session_name = names.iter().find(|n| cache::token_cache_key(n) == key).cloned();
                tokens.push(TokenStatus {
                    file: path_string(&path),
                    cache_key: key,
                    session_name,
                    start_url: token.start_url.clone(),
                    region: token.region.clone(),
                    expires_at: token.expires_at.to_cli_string(),
                    expired: token.is_expired(now),
                    refreshable: token.refreshable_by_botocore(now),
                });
            }
            Err(e) => unreadable.push(UnreadableFile { file: path_string(&path), message: e.to_string() }),
        }
    }
    Ok(ReadConfigReply { config, credentials, tokens, unreadable })
}

/// `*.json` files named like cache keys in a cache directory (missing directory: none).
fn cache_files(dir: &Path) -> Vec<(CacheFileName, std::path::PathBuf)> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<_> = entries
        .flatten()
        .filter_map(|e| {
            let name = CacheFileName::parse(&e.file_name().to_string_lossy())?;
            Some((name, e.path()))
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// `aws sso logout`'s test: the file is JSON with an `accessToken` member.
fn has_access_token(text: &str) -> bool {
    matches!(serde_json::from_str::<Value>(text), Ok(Value::Object(m)) if m.contains_key("accessToken"))
}

/// Which token a request means: `sessionName`, else `startUrl` (legacy). Returns (identifier, is
/// session).
fn token_identity<'a>(
    session_name: Option<Name<'a>>,
    start_url: Option<&'a str>,
) -> Result<(&'a str, bool), HostError> {
    match (session_name, start_url) {
        (Some(session), _) => Ok((session.0, true)),
        (None, Some(url)) => Ok((url, false)),
        (None, None) => {
            Err(missing("the request needs `sessionName` (an sso-session) or `startUrl` (a legacy profile)"))
        }
    }
}

fn token_target(identifier: &str) -> Result<Target, HostError> {
    Ok(Target::SsoCache(CacheFileName::from_sha1_hex(&cache::token_cache_key(identifier))?))
}

fn read_token(ctx: &Context, request: TokenKey) -> Result<ReadTokenReply, HostError> {
    let (identifier, is_session) = token_identity(request.session_name, request.start_url)?;
    let target = token_target(identifier)?;
    let path = ctx.files.path_of(&target);
    let what =
        if is_session { format!("sso-session `{identifier}`") } else { format!("start URL {identifier}") };
    let text = read_text(&ctx.files, &path)?.ok_or_else(|| {
        HostError::new(
            ErrorCode::TokenNotFound,
            format!("there is no cached token for {what}; sign in first"),
        )
    })?;
    let token = CachedToken::from_json(&text)
        .map_err(|e| HostError::new(ErrorCode::FileUnreadable, format!("{}: {e}", path.display())))?;
    Ok(ReadTokenReply {
        file: path_string(&path),
        token: TokenFile {
            start_url: token.start_url,
            region: token.region,
            access_token: SecretText(token.access_token),
            expires_at: token.expires_at.to_cli_string(),
            client_id: token.client_id,
            client_secret: token.client_secret.map(SecretText),
            registration_expires_at: token.registration_expires_at.map(UtcTime::to_cli_string),
            refresh_token: token.refresh_token.map(SecretText),
        },
    })
}

/// The client registration `aws sso login` cached for a session (or legacy start URL), so the
/// extension can reuse it as the CLI does. The file name is the core's registration cache key of
/// the identifying fields: the caller never names a file. A missing file is not an error
/// (`"registration": null`): the caller then registers a new client.
fn read_registration(
    ctx: &Context,
    request: ReadRegistrationRequest,
) -> Result<ReadRegistrationReply, HostError> {
    let scopes: Option<Vec<String>> = request.scopes.map(|l| l.into_iter().map(str::to_owned).collect());
    let key = RegistrationCacheKeyInput {
        start_url: &request.start_url,
        region: &request.region,
        scopes: scopes.as_deref(),
        session_name: request.session_name.map(|name| name.0),
    }
    .cache_key();
    let path = ctx.files.path_of(&Target::SsoCache(CacheFileName::from_sha1_hex(&key)?));
    let Some(text) = read_text(&ctx.files, &path)? else {
        return Ok(ReadRegistrationReply { file: path_string(&path), registration: None });
    };
    let registration = ClientRegistration::from_json(&text)
        .map_err(|e| HostError::new(ErrorCode::FileUnreadable, format!("{}: {e}", path.display())))?;
    Ok(ReadRegistrationReply {
        file: path_string(&path),
        registration: Some(RegistrationFile {
            client_id: registration.client_id,
            client_secret: SecretText(registration.client_secret),
            expires_at: registration.expires_at.to_cli_string(),
            scopes: registration.scopes,
            grant_types: registration.grant_types,
        }),
    })
}

fn store_token(ctx: &Context, request: StoreTokenRequest) -> Result<StoreTokenReply, HostError> {
    let t = request.token;
    let (start_url, region) = (t.start_url.0, t.region.0);
    let token = CachedToken {
        start_url: Some(start_url.to_owned()),
        region: Some(region.to_owned()),
        access_token: t.access_token,
        expires_at: t.expires_at,
        client_id: t.client_id.map(str::to_owned),
        client_secret: t.client_secret,
        registration_expires_at: t.registration_expires_at,
        refresh_token: t.refresh_token,
    };
    let session = request.session_name.map(|name| name.0);
    let registration = match request.registration {
        None => None,
        Some(r) => {
            let to_owned = |list: Option<Vec<&str>>| list.map(|l| l.into_iter().map(str::to_owned).collect());
            let registration = ClientRegistration {
                client_id: r.client_id.to_owned(),
                client_secret: r.client_secret,
                expires_at: r.expires_at,
                scopes: to_owned(r.scopes),
                grant_types: to_owned(r.grant_types),
            };
            let configured: Option<Vec<String>> = to_owned(r.configured_scopes);
            let key = RegistrationCacheKeyInput {
                start_url,
                region,
                scopes: configured.as_deref(),
                session_name: session,
            }
            .cache_key();
            Some((Target::SsoCache(CacheFileName::from_sha1_hex(&key)?), registration.to_cli_json()))
        }
    };
    let target = token_target(session.unwrap_or(start_url))?;
    let _lock = ctx.files.lock()?;
    // The registration first, as `aws sso login` does: a token never points at a client
    // registration that is not on disk.
    let registration_file = match registration {
        Some((reg_target, text)) => Some(ctx.files.write(&reg_target, text.as_bytes())?),
        None => None,
    };
    let file = ctx.files.write(&target, token.to_cli_json().as_bytes())?;
    Ok(StoreTokenReply {
        file: path_string(&file),
        registration_file: registration_file.as_deref().map(path_string),
    })
}

fn delete_tokens(ctx: &Context, request: DeleteTokensRequest) -> Result<DeleteTokensReply, HostError> {
    let all = request.all.unwrap_or(false);
    let one = if request.session_name.is_some() || request.start_url.is_some() {
        Some(token_identity(request.session_name, request.start_url)?)
    } else {
        None
    };
    if all == one.is_some() {
        return Err(missing(
            "deleteTokens needs exactly one of `sessionName`, `startUrl` or `\"all\": true`",
        ));
    }
    let scope = match one {
        None => TokenScope::All,
        Some((identifier, is_session)) => TokenScope::One { identifier, is_session },
    };
    let config = parsed_config(ctx)?;
    let deleted = delete_tokens_in(&ctx.files, &scope, config.as_ref())?;
    Ok(DeleteTokensReply { deleted: deleted.iter().map(|p| path_string(p)).collect() })
}

/// Which tokens a logout covers.
#[derive(Clone, Debug)]
pub enum TokenScope<'a> {
    /// Every cached token and every SSO role-credential entry (`aws sso logout`).
    All,
    /// One sso-session (`is_session`) or legacy start URL, and its profiles' role credentials.
    One { identifier: &'a str, is_session: bool },
}

/// The token files a scope covers: (cache name, path, file text), only files holding a token.
pub fn token_files_in(
    files: &AwsFiles,
    scope: &TokenScope,
) -> Result<Vec<(CacheFileName, PathBuf, String)>, HostError> {
    let wanted = match scope {
        TokenScope::All => None,
        TokenScope::One { identifier, .. } => {
            Some(CacheFileName::from_sha1_hex(&cache::token_cache_key(identifier))?)
        }
    };
    Ok(cache_files(&files.sso_cache_dir())
        .into_iter()
        .filter(|(name, _)| wanted.as_ref().is_none_or(|w| w == name))
        .filter_map(|(name, path)| {
            let text = read_text(files, &path).ok().flatten()?;
            has_access_token(&text).then_some((name, path, text))
        })
        .collect())
}

/// Delete the files of a logout, with `aws sso logout` semantics (spec §9.1): token files (not
/// registrations), and role-credential entries with `"ProviderType": "sso"` — all of them, or those
/// of the profiles that use the one session. Returns the paths removed.
pub fn delete_tokens_in(
    files: &AwsFiles,
    scope: &TokenScope,
    config: Option<&ConfigSet>,
) -> Result<Vec<PathBuf>, HostError> {
    let _lock = files.lock()?;
    let mut deleted = Vec::new();
    for (name, path, _) in token_files_in(files, scope)? {
        if files.remove(&Target::SsoCache(name))? {
            deleted.push(path);
        }
    }
    match scope {
        TokenScope::All => {
            for (name, path) in cache_files(&files.cli_cache_dir()) {
                if read_text(files, &path)
                    .ok()
                    .flatten()
                    .is_some_and(|t| CachedRoleCredentials::is_sso_entry(&t))
                    && files.remove(&Target::CliCache(name))?
                {
                    deleted.push(path);
                }
            }
        }
        TokenScope::One { identifier, is_session } => {
            let source = if *is_session {
                RoleCacheSource::Session(identifier)
            } else {
                RoleCacheSource::LegacyStartUrl(identifier)
            };
            for (account, role) in profile_roles(config, identifier, *is_session) {
                let key = cache::role_credentials_cache_key(&account, &role, &source);
                let target = Target::CliCache(CacheFileName::from_sha1_hex(&key)?);
                if files.remove(&target)? {
                    deleted.push(files.path_of(&target));
                }
            }
        }
    }
    Ok(deleted)
}

/// (account, role) of every profile that signs in through `identifier` (a session name, or a
/// legacy start URL), from the config as the core resolves it.
fn profile_roles(set: Option<&ConfigSet>, identifier: &str, is_session: bool) -> Vec<(String, String)> {
    let Some(set) = set else { return Vec::new() };
    sso_profiles(set)
        .into_iter()
        .filter_map(|(_, resolved)| resolved.ok())
        .filter(|p| p.is_legacy() != is_session && p.token_cache_identifier == identifier)
        .filter_map(|p| Some((p.account_id?, p.role_name?)))
        .collect()
}

/// Edit the config file through the core's writer: read, transform, back up the old file next to
/// it, write the new one atomically.
pub(crate) fn edit_config(
    ctx: &Context,
    edit: impl FnOnce(&str) -> Result<String, HostError>,
) -> Result<ConfigEdit, HostError> {
    let _lock = ctx.files.lock()?;
    let path = ctx.files.config_file().to_path_buf();
    let old = read_text(&ctx.files, &path)?;
    let new = edit(old.as_deref().unwrap_or(""))?;
    let changed = old.as_deref() != Some(new.as_str());
    let mut backup = None;
    if changed {
        if let Some(old) = &old {
            backup = Some(path_string(&ctx.files.write(&Target::ConfigBackup, old.as_bytes())?));
        }
        ctx.files.write(&Target::Config, new.as_bytes())?;
    }
    Ok(ConfigEdit { path: path_string(&path), backup, changed })
}

fn writer_error(e: config_writer::ConfigWriteError) -> HostError {
    HostError::new(ErrorCode::InvalidValue, e.to_string())
}

fn write_sso_session(ctx: &Context, request: WriteSsoSessionRequest) -> Result<ConfigEdit, HostError> {
    let spec = SsoSessionSpec {
        name: request.name.0,
        start_url: request.start_url.0,
        region: request.region.0,
        registration_scopes: request.registration_scopes,
    };
    edit_config(ctx, |text| {
        config_writer::update_section(text, &config_writer::session_update(&spec)).map_err(writer_error)
    })
}

fn write_profile(ctx: &Context, request: WriteProfileRequest) -> Result<ConfigEdit, HostError> {
    let login = match request.sso_session {
        // Only the profile section is written; the session is written by writeSsoSession.
        Some(session) => SsoLogin::Session(SsoSessionSpec {
            name: session.0,
            start_url: "",
            region: "",
            registration_scopes: None,
        }),
        None => {
            let start_url = request.start_url.ok_or_else(|| missing("the request has no `startUrl`"))?;
            let sso_region = request.sso_region.ok_or_else(|| missing("the request has no `ssoRegion`"))?;
            SsoLogin::Legacy { start_url: start_url.0, region: sso_region.0 }
        }
    };
    let spec = SsoProfileSpec {
        profile: request.name.0,
        login,
        account_id: Some(request.account_id.0),
        role_name: Some(request.role_name),
        region: request.region.map(|region| region.0),
        output: request.output,
    };
    edit_config(ctx, |text| {
        let profile_update = spec.section_updates().into_iter().next().ok_or_else(|| {
            HostError::new(ErrorCode::Internal, "the config writer produced no profile section")
        })?;
        config_writer::update_section(text, &profile_update).map_err(writer_error)
    })
}

fn store_role_credentials(
    ctx: &Context,
    request: StoreRoleCredentialsRequest,
) -> Result<StoreRoleCredentialsReply, HostError> {
    let (identifier, is_session) = token_identity(request.session_name, request.start_url)?;
    let (account_id, role_name) = (request.account_id, request.role_name);
    let c = request.credentials;
    let expiration_ms = c.expiration;
    let credentials = AwsCredentials {
        access_key_id: c.access_key_id.to_owned(),
        secret_access_key: c.secret_access_key,
        session_token: Some(c.session_token),
        expiration: Some(UtcTime::from_unix_millis(i64::try_from(expiration_ms).unwrap_or(i64::MAX))),
        account_id: Some(account_id.to_owned()),
    };
    // Before anything is written: the values go into the credentials file's INI lines.
    sso_bridge::export::check_credentials(&credentials)
        .map_err(|e| HostError::new(ErrorCode::InvalidValue, e.to_string()))?;
    let source = if is_session {
        RoleCacheSource::Session(identifier)
    } else {
        RoleCacheSource::LegacyStartUrl(identifier)
    };
    let profile = request.credentials_profile.map(|name| name.0);
    let key = cache::role_credentials_cache_key(account_id, role_name, &source);
    let target = Target::CliCache(CacheFileName::from_sha1_hex(&key)?);
    let _lock = ctx.files.lock()?;
    let file =
        ctx.files.write(&target, CachedRoleCredentials::new(credentials.clone()).to_cli_json().as_bytes())?;
    let credentials_file = match profile {
        Some(profile) => Some(path_string(&write_credentials_section(ctx, profile, &credentials)?)),
        None => None,
    };
    Ok(StoreRoleCredentialsReply { file: path_string(&file), credentials_file })
}

/// Replace or append `[profile]` in the credentials file, keeping every other line, after a backup.
fn write_credentials_section(
    ctx: &Context,
    profile: &str,
    c: &AwsCredentials,
) -> Result<std::path::PathBuf, HostError> {
    let path = ctx.files.credentials_file().to_path_buf();
    let old = read_text(&ctx.files, &path)?;
    let new = credentials_file_with_section(old.as_deref().unwrap_or(""), profile, c)?;
    if let Some(old) = &old {
        ctx.files.write(&Target::CredentialsBackup, old.as_bytes())?;
    }
    ctx.files.write(&Target::Credentials, new.as_bytes())
}

fn credentials_file_with_section(text: &str, profile: &str, c: &AwsCredentials) -> Result<String, HostError> {
    let snippet = sso_bridge::export::credentials_file_section(profile, c)
        .map_err(|e| HostError::new(ErrorCode::InvalidValue, e.to_string()))?;
    let snippet = snippet.expose();
    // Drop the existing section (header up to the next header), keep everything else.
    let mut out = String::new();
    let mut skipping = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            let inner = trimmed.trim_start_matches('[').split(']').next().unwrap_or("").trim();
            skipping = inner == profile;
        }
        if !skipping {
            out.push_str(line);
        }
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(snippet);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod generated_types {
    /// The extension's worker imports the protocol's types from this file; it must be exactly what
    /// the declarations in `messages.rs` render, so a renamed or retyped field fails here (and then
    /// the extension's type check shows every use of it).
    #[test]
    fn the_extension_types_are_generated_from_the_declarations() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../extension/src/helper-protocol.ts");
        let expected = super::typescript();
        if std::env::var_os("SSO_BRIDGE_WRITE_GENERATED").is_some() {
            std::fs::write(&path, &expected).expect("write helper-protocol.ts");
        }
        let found = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            found == expected,
            "{} is not what host/src/messages.rs declares; run \
             `SSO_BRIDGE_WRITE_GENERATED=1 cargo test -p sso-bridge-host generated_types` and fix the extension's uses",
            path.display()
        );
    }
}
