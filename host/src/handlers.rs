//! One function per request type of `host/PROTOCOL.md`. Each checks its fields (through
//! [`Fields`]), does its work through the core (file formats, keys, config writer) and
//! [`crate::aws_files`] (every write), and returns the reply's fields.

use crate::aws_files::{AwsFiles, CacheFileName, Target};
use crate::error_codes::{ErrorCode, HostError};
use crate::native_host::Context;
use crate::protocol::{Fields, Request};
use serde_json::{json, Map, Value};
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

/// Every request type, as `ping` advertises them.
pub const REQUEST_TYPES: &[&str] = &[
    "ping",
    "readConfig",
    "readToken",
    "readRegistration",
    "storeToken",
    "deleteTokens",
    "storeRoleCredentials",
    "populate",
    "consoleUrl",
    "roleProfile",
];

type Reply = Result<Map<String, Value>, HostError>;

pub fn handle(ctx: &Context, request: &Request) -> Reply {
    let fields = Fields::new(&request.body);
    match request.kind.as_str() {
        "ping" => ping(ctx),
        "readConfig" => read_config(ctx),
        "readToken" => read_token(ctx, &fields),
        "readRegistration" => read_registration(ctx, &fields),
        "storeToken" => store_token(ctx, &fields),
        "deleteTokens" => delete_tokens(ctx, &fields),
        "writeSsoSession" => write_sso_session(ctx, &fields),
        "writeProfile" => write_profile(ctx, &fields),
        "storeRoleCredentials" => store_role_credentials(ctx, &fields),
        "populate" => crate::populate_message::handle(ctx, &fields),
        "consoleUrl" => crate::console_message::handle(ctx, &fields),
        "roleProfile" => crate::role_profile_message::handle(ctx, &fields),
        other => {
            let shown: String = other.chars().filter(|c| !c.is_control()).take(64).collect();
            Err(HostError::new(
                ErrorCode::UnknownType,
                format!(
                    "unknown request type `{shown}`; this helper knows: {}. Update sso-bridge if the \
                     extension is newer",
                    REQUEST_TYPES.join(", ")
                ),
            ))
        }
    }
}

fn object(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn path_value(p: &Path) -> Value {
    json!(p.display().to_string())
}

fn ping(ctx: &Context) -> Reply {
    let f = &ctx.files;
    Ok(object(vec![
        ("helperVersion", json!(env!("CARGO_PKG_VERSION"))),
        ("capabilities", json!(REQUEST_TYPES)),
        ("platform", json!({ "os": ctx.os.name(), "arch": std::env::consts::ARCH })),
        (
            "paths",
            json!({
                "config": path_value(f.config_file()),
                "credentials": path_value(f.credentials_file()),
                "ssoCache": path_value(&f.sso_cache_dir()),
                "cliCache": path_value(&f.cli_cache_dir()),
                "log": ctx.log.path().map(path_value).unwrap_or(Value::Null),
            }),
        ),
    ]))
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
fn file_report(ctx: &Context, path: &Path) -> Result<Value, HostError> {
    let content = read_text(&ctx.files, path)?.map(Secret::new);
    let blanked = content.as_ref().map(|text| sso_bridge::secret::blank_secret_values(text.expose()));
    Ok(json!({ "path": path_value(path), "exists": content.is_some(), "content": blanked }))
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

fn read_config(ctx: &Context) -> Reply {
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
                unreadable.push(json!({ "file": path_value(&path), "message": e.message }));
                continue;
            }
        };
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(m)) if !m.contains_key("accessToken") => continue, // a client registration
            Ok(Value::Object(_)) => {}
            _ => {
                unreadable.push(json!({
                    "file": path_value(&path),
                    "message": format!("{} is not a JSON object; delete it and sign in again", path.display()),
                }));
                continue;
            }
        }
        match CachedToken::from_json(&text) {
            Ok(token) => {
                let key = name.as_str().trim_end_matches(".json").to_owned();
                let session = names.iter().find(|n| cache::token_cache_key(n) == key);
                tokens.push(json!({
                    "file": path_value(&path),
                    "cacheKey": key,
                    "sessionName": session,
                    "startUrl": token.start_url,
                    "region": token.region,
                    "expiresAt": token.expires_at.to_cli_string(),
                    "expired": token.is_expired(now),
                    "refreshable": token.refreshable_by_botocore(now),
                }));
            }
            Err(e) => unreadable.push(json!({ "file": path_value(&path), "message": e.to_string() })),
        }
    }
    Ok(object(vec![
        ("config", config),
        ("credentials", credentials),
        ("tokens", json!(tokens)),
        ("unreadable", json!(unreadable)),
    ]))
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
    f: &Fields<'a>,
    fallback_start_url: Option<&'a str>,
) -> Result<(&'a str, bool), HostError> {
    if let Some(session) = f.opt_name("sessionName")? {
        return Ok((session, true));
    }
    match f.opt_str("startUrl")?.or(fallback_start_url) {
        Some(url) => Ok((url, false)),
        None => Err(HostError::new(
            ErrorCode::MissingField,
            "the request needs `sessionName` (an sso-session) or `startUrl` (a legacy profile)",
        )),
    }
}

fn token_target(identifier: &str) -> Result<Target, HostError> {
    Ok(Target::SsoCache(CacheFileName::from_sha1_hex(&cache::token_cache_key(identifier))?))
}

fn read_token(ctx: &Context, f: &Fields) -> Reply {
    let (identifier, is_session) = token_identity(f, None)?;
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
    let mut t = Map::new();
    let mut put = |k: &str, v: Option<&str>| {
        if let Some(v) = v {
            t.insert(k.to_owned(), json!(v));
        }
    };
    put("startUrl", token.start_url.as_deref());
    put("region", token.region.as_deref());
    put("accessToken", Some(token.access_token.expose()));
    put("expiresAt", Some(&token.expires_at.to_cli_string()));
    put("clientId", token.client_id.as_deref());
    put("clientSecret", token.client_secret.as_ref().map(Secret::expose));
    put("registrationExpiresAt", token.registration_expires_at.map(UtcTime::to_cli_string).as_deref());
    put("refreshToken", token.refresh_token.as_ref().map(Secret::expose));
    Ok(object(vec![("file", path_value(&path)), ("token", Value::Object(t))]))
}

/// The client registration `aws sso login` cached for a session (or legacy start URL), so the
/// extension can reuse it as the CLI does. The file name is the core's registration cache key of
/// the identifying fields: the caller never names a file. A missing file is not an error
/// (`"registration": null`): the caller then registers a new client.
fn read_registration(ctx: &Context, f: &Fields) -> Reply {
    let session = f.opt_name("sessionName")?;
    let start_url = f.str("startUrl")?;
    check_url(f, "startUrl", start_url)?;
    let region = f.str("region")?;
    check_region(f, "region", region)?;
    let scopes: Option<Vec<String>> =
        f.opt_str_list("scopes")?.map(|l| l.into_iter().map(str::to_owned).collect());
    let key =
        RegistrationCacheKeyInput { start_url, region, scopes: scopes.as_deref(), session_name: session }
            .cache_key();
    let path = ctx.files.path_of(&Target::SsoCache(CacheFileName::from_sha1_hex(&key)?));
    let Some(text) = read_text(&ctx.files, &path)? else {
        return Ok(object(vec![("file", path_value(&path)), ("registration", Value::Null)]));
    };
    let registration = ClientRegistration::from_json(&text)
        .map_err(|e| HostError::new(ErrorCode::FileUnreadable, format!("{}: {e}", path.display())))?;
    let mut r = Map::new();
    r.insert("clientId".into(), json!(registration.client_id));
    r.insert("clientSecret".into(), json!(registration.client_secret.expose()));
    r.insert("expiresAt".into(), json!(registration.expires_at.to_cli_string()));
    if let Some(scopes) = &registration.scopes {
        r.insert("scopes".into(), json!(scopes));
    }
    if let Some(grant_types) = &registration.grant_types {
        r.insert("grantTypes".into(), json!(grant_types));
    }
    Ok(object(vec![("file", path_value(&path)), ("registration", Value::Object(r))]))
}

fn time_field(f: &Fields, name: &str) -> Result<Option<UtcTime>, HostError> {
    match f.opt_str(name)? {
        None => Ok(None),
        Some(s) => UtcTime::parse_lenient(s)
            .map(Some)
            .map_err(|_| f.invalid(name, "is not a timestamp like 2024-05-01T20:00:00Z")),
    }
}

/// An AWS region name: lowercase letters, digits and dashes (`us-east-1`, `us-gov-west-1`).
fn check_region(f: &Fields, name: &str, value: &str) -> Result<(), HostError> {
    if value.len() <= 32 && value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        Ok(())
    } else {
        Err(f.invalid(name, "is not an AWS region name like us-east-1"))
    }
}

fn check_url(f: &Fields, name: &str, value: &str) -> Result<(), HostError> {
    if (value.starts_with("https://") || value.starts_with("http://")) && !value.contains(char::is_whitespace)
    {
        Ok(())
    } else {
        Err(f.invalid(name, "must be a URL starting with https://"))
    }
}

fn store_token(ctx: &Context, f: &Fields) -> Reply {
    let t = f.object("token")?;
    let start_url = t.str("startUrl")?;
    check_url(&t, "startUrl", start_url)?;
    let region = t.str("region")?;
    check_region(&t, "region", region)?;
    let access_token = t.str("accessToken")?;
    let expires_at = time_field(&t, "expiresAt")?
        .ok_or_else(|| HostError::new(ErrorCode::MissingField, "the request has no `token.expiresAt`"))?;
    let token = CachedToken {
        start_url: Some(start_url.to_owned()),
        region: Some(region.to_owned()),
        access_token: Secret::new(access_token),
        expires_at,
        client_id: t.opt_str("clientId")?.map(str::to_owned),
        client_secret: t.opt_str("clientSecret")?.map(Secret::new),
        registration_expires_at: time_field(&t, "registrationExpiresAt")?,
        refresh_token: t.opt_str("refreshToken")?.map(Secret::new),
    };
    let session = f.opt_name("sessionName")?;
    let registration = match f.opt_object("registration")? {
        None => None,
        Some(r) => {
            let expires = time_field(&r, "expiresAt")?.ok_or_else(|| {
                HostError::new(ErrorCode::MissingField, "the request has no `registration.expiresAt`")
            })?;
            let registration = ClientRegistration {
                client_id: r.str("clientId")?.to_owned(),
                client_secret: Secret::new(r.str("clientSecret")?),
                expires_at: expires,
                scopes: r.opt_str_list("scopes")?.map(|l| l.into_iter().map(str::to_owned).collect()),
                grant_types: r
                    .opt_str_list("grantTypes")?
                    .map(|l| l.into_iter().map(str::to_owned).collect()),
            };
            let configured: Option<Vec<String>> =
                r.opt_str_list("configuredScopes")?.map(|l| l.into_iter().map(str::to_owned).collect());
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
    let mut reply = object(vec![("file", path_value(&file))]);
    if let Some(reg_file) = registration_file {
        reply.insert("registrationFile".into(), path_value(&reg_file));
    }
    Ok(reply)
}

fn delete_tokens(ctx: &Context, f: &Fields) -> Reply {
    let all = f.opt_bool("all")?.unwrap_or(false);
    let one = if f.raw("sessionName").is_some() || f.raw("startUrl").is_some() {
        Some(token_identity(f, None)?)
    } else {
        None
    };
    if all == one.is_some() {
        return Err(HostError::new(
            ErrorCode::MissingField,
            "deleteTokens needs exactly one of `sessionName`, `startUrl` or `\"all\": true`",
        ));
    }
    let scope = match one {
        None => TokenScope::All,
        Some((identifier, is_session)) => TokenScope::One { identifier, is_session },
    };
    let config = parsed_config(ctx)?;
    let deleted = delete_tokens_in(&ctx.files, &scope, config.as_ref())?;
    Ok(object(vec![("deleted", json!(deleted.iter().map(|p| path_value(p)).collect::<Vec<_>>()))]))
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
pub(crate) fn edit_config(ctx: &Context, edit: impl FnOnce(&str) -> Result<String, HostError>) -> Reply {
    let _lock = ctx.files.lock()?;
    let path = ctx.files.config_file().to_path_buf();
    let old = read_text(&ctx.files, &path)?;
    let new = edit(old.as_deref().unwrap_or(""))?;
    let changed = old.as_deref() != Some(new.as_str());
    let mut backup = Value::Null;
    if changed {
        if let Some(old) = &old {
            backup = path_value(&ctx.files.write(&Target::ConfigBackup, old.as_bytes())?);
        }
        ctx.files.write(&Target::Config, new.as_bytes())?;
    }
    Ok(object(vec![("path", path_value(&path)), ("backup", backup), ("changed", json!(changed))]))
}

fn writer_error(e: config_writer::ConfigWriteError) -> HostError {
    HostError::new(ErrorCode::InvalidValue, e.to_string())
}

fn session_spec<'a>(f: &Fields<'a>, name: &'a str) -> Result<SsoSessionSpec<'a>, HostError> {
    let start_url = f.str("startUrl")?;
    check_url(f, "startUrl", start_url)?;
    let region = f.str("region")?;
    check_region(f, "region", region)?;
    Ok(SsoSessionSpec { name, start_url, region, registration_scopes: f.opt_str("registrationScopes")? })
}

fn write_sso_session(ctx: &Context, f: &Fields) -> Reply {
    let name = f.name("name")?;
    let spec = session_spec(f, name)?;
    edit_config(ctx, |text| {
        config_writer::update_section(text, &config_writer::session_update(&spec)).map_err(writer_error)
    })
}

fn write_profile(ctx: &Context, f: &Fields) -> Reply {
    let name = f.name("name")?;
    let account_id = f.str("accountId")?;
    if !(account_id.len() == 12 && account_id.bytes().all(|b| b.is_ascii_digit())) {
        return Err(f.invalid("accountId", "must be a 12-digit AWS account ID"));
    }
    let role_name = f.str("roleName")?;
    let region = f.opt_str("region")?;
    if let Some(r) = region {
        check_region(f, "region", r)?;
    }
    let login = match f.opt_name("ssoSession")? {
        Some(session) => {
            // Only the profile section is written; the session is written by writeSsoSession.
            SsoLogin::Session(SsoSessionSpec {
                name: session,
                start_url: "",
                region: "",
                registration_scopes: None,
            })
        }
        None => {
            let start_url = f.str("startUrl")?;
            check_url(f, "startUrl", start_url)?;
            let sso_region = f.str("ssoRegion")?;
            check_region(f, "ssoRegion", sso_region)?;
            SsoLogin::Legacy { start_url, region: sso_region }
        }
    };
    let spec = SsoProfileSpec {
        profile: name,
        login,
        account_id: Some(account_id),
        role_name: Some(role_name),
        region,
        output: f.opt_str("output")?,
    };
    edit_config(ctx, |text| {
        let profile_update = spec.section_updates().into_iter().next().ok_or_else(|| {
            HostError::new(ErrorCode::Internal, "the config writer produced no profile section")
        })?;
        config_writer::update_section(text, &profile_update).map_err(writer_error)
    })
}

fn store_role_credentials(ctx: &Context, f: &Fields) -> Reply {
    let (identifier, is_session) = token_identity(f, None)?;
    let account_id = f.str("accountId")?;
    let role_name = f.str("roleName")?;
    let c = f.object("credentials")?;
    let expiration_ms = c.opt_u64("expiration")?.ok_or_else(|| {
        HostError::new(ErrorCode::MissingField, "the request has no `credentials.expiration`")
    })?;
    let credentials = AwsCredentials {
        access_key_id: c.str("accessKeyId")?.to_owned(),
        secret_access_key: Secret::new(c.str("secretAccessKey")?),
        session_token: Some(Secret::new(c.str("sessionToken")?)),
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
    let profile = f.opt_name("credentialsProfile")?;
    let key = cache::role_credentials_cache_key(account_id, role_name, &source);
    let target = Target::CliCache(CacheFileName::from_sha1_hex(&key)?);
    let _lock = ctx.files.lock()?;
    let file =
        ctx.files.write(&target, CachedRoleCredentials::new(credentials.clone()).to_cli_json().as_bytes())?;
    let mut reply = object(vec![("file", path_value(&file))]);
    if let Some(profile) = profile {
        let written = write_credentials_section(ctx, profile, &credentials)?;
        reply.insert("credentialsFile".into(), path_value(&written));
    }
    Ok(reply)
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
