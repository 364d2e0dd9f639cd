//! `sso-bridge profiles`: the profiles of the user's AWS config as a table (session, account, role,
//! region) with the sign-in status of each one's SSO token from `~/.aws/sso/cache`, then the
//! `[sso-session …]` sections with theirs. Never prints a token or key.

use sso_bridge::cache::{token_cache_file_name, CachedToken, TokenCacheIdentity, TokenStatus};
use sso_bridge::config::location::home_dir;
use sso_bridge::config::sso::{is_sso_profile, resolve_sso_session};
use sso_bridge::config::{
    check_files, file_locations, resolve_sso_profile, ConfigSet, Environment, Platform, Severity, SourceFile,
};
use sso_bridge::time::UtcTime;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why the table could not be produced. `Display` is the sentence printed after `error: `.
#[derive(Debug, thiserror::Error)]
pub enum ProfilesError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not UTF-8 text; the AWS tools cannot read it either, so re-save it as UTF-8")]
    NotUtf8 { path: String },
    #[error("{0}")]
    Parse(#[from] sso_bridge::config::ParseError),
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
}

/// Read a config or credentials file; a missing file is `None` (the SDKs treat it as empty).
fn read_optional(path: &str) -> Result<Option<String>, ProfilesError> {
    match std::fs::read(path) {
        Ok(bytes) => {
            String::from_utf8(bytes).map(Some).map_err(|_| ProfilesError::NotUtf8 { path: path.to_owned() })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ProfilesError::Read { path: path.to_owned(), source }),
    }
}

/// Print the profiles table for the config found through `env` (HOME, AWS_CONFIG_FILE,
/// AWS_SHARED_CREDENTIALS_FILE), with token status as of `now`.
pub fn run(
    env: &dyn Environment,
    platform: Platform,
    now: UtcTime,
    out: &mut dyn Write,
) -> Result<(), ProfilesError> {
    let locations = file_locations(env, platform);
    let config_text = read_optional(&locations.config)?;
    let credentials_text = read_optional(&locations.credentials)?;
    let config = config_text.as_deref().map(|text| SourceFile::config(&locations.config, text));
    let credentials =
        credentials_text.as_deref().map(|text| SourceFile::credentials(&locations.credentials, text));
    let set = check_files(config.as_ref(), credentials.as_ref())?;
    let cache_dir =
        home_dir(env, platform).map(|home| Path::new(&home).join(".aws").join("sso").join("cache"));

    if config_text.is_none() && locations.config_from_env {
        writeln!(out, "note: AWS_CONFIG_FILE names {}, which does not exist", locations.config)?;
    }
    if set.profiles.is_empty() && set.sso_sessions.is_empty() {
        writeln!(out, "No profiles in {}. Run `aws configure sso` to add one.", locations.config)?;
        return Ok(());
    }
    let reader = TokenReader { cache_dir: cache_dir.as_deref(), now };
    write_profiles(&set, &reader, out)?;
    write_sessions(&set, &reader, out)?;
    write_diagnostics(&set, out)?;
    Ok(())
}

/// Problems that make the AWS CLI refuse the files are spelled out; mere differences are counted.
fn write_diagnostics(set: &ConfigSet, out: &mut dyn Write) -> Result<(), ProfilesError> {
    let refused: Vec<_> = set.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    let warnings = set.diagnostics.len() - refused.len();
    if refused.is_empty() && warnings == 0 {
        return Ok(());
    }
    writeln!(out)?;
    for diagnostic in refused {
        writeln!(out, "error: {}: {}", diagnostic.origin, diagnostic.message)?;
    }
    if warnings > 0 {
        let s = if warnings == 1 { "" } else { "s" };
        writeln!(
            out,
            "note: {warnings} place{s} where the AWS CLI or SDKs read these files differently; \
             `sso-bridge parse` lists them"
        )?;
    }
    Ok(())
}

fn write_profiles(
    set: &ConfigSet,
    reader: &TokenReader<'_>,
    out: &mut dyn Write,
) -> Result<(), ProfilesError> {
    if set.profiles.is_empty() {
        return Ok(());
    }
    let mut rows = vec![row(["PROFILE", "SESSION", "ACCOUNT", "ROLE", "REGION", "TOKEN"])];
    let mut problems = Vec::new();
    for (name, section) in &set.profiles {
        let region = section.get("region").unwrap_or("-").to_owned();
        if !is_sso_profile(section) {
            rows.push(vec![name.clone(), "-".into(), "-".into(), "-".into(), region, "not SSO".into()]);
            continue;
        }
        match resolve_sso_profile(set, name) {
            Ok(profile) => {
                let (session, identity) = match &profile.session {
                    Some(session) => (session.name.clone(), TokenCacheIdentity::Session(&session.name)),
                    None => ("(legacy)".to_owned(), TokenCacheIdentity::LegacyStartUrl(&profile.start_url)),
                };
                let status = reader.describe(&identity);
                rows.push(vec![
                    name.clone(),
                    session,
                    profile.account_id.clone().unwrap_or_else(|| "-".into()),
                    profile.role_name.clone().unwrap_or_else(|| "-".into()),
                    profile.default_region.clone().unwrap_or_else(|| "-".into()),
                    status,
                ]);
            }
            Err(error) => {
                let session = section.get("sso_session").unwrap_or("-").to_owned();
                let account = section.get("sso_account_id").unwrap_or("-").to_owned();
                let role = section.get("sso_role_name").unwrap_or("-").to_owned();
                rows.push(vec![
                    name.clone(),
                    session,
                    account,
                    role,
                    region,
                    "config error (see below)".into(),
                ]);
                problems.push(format!("profile {name}: {error}"));
            }
        }
    }
    write_table(&rows, out)?;
    for problem in problems {
        writeln!(out, "  {problem}")?;
    }
    Ok(())
}

fn write_sessions(
    set: &ConfigSet,
    reader: &TokenReader<'_>,
    out: &mut dyn Write,
) -> Result<(), ProfilesError> {
    if set.sso_sessions.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    let mut rows = vec![row(["SSO SESSION", "START URL", "SSO REGION", "TOKEN"])];
    let mut problems = Vec::new();
    for name in set.sso_sessions.keys() {
        match resolve_sso_session(set, name) {
            Some(Ok(session)) => rows.push(vec![
                name.clone(),
                session.start_url,
                session.region,
                reader.describe(&TokenCacheIdentity::Session(name)),
            ]),
            Some(Err(error)) => {
                rows.push(vec![name.clone(), "-".into(), "-".into(), "config error (see below)".into()]);
                problems.push(format!("sso-session {name}: {error}"));
            }
            None => {}
        }
    }
    write_table(&rows, out)?;
    for problem in problems {
        writeln!(out, "  {problem}")?;
    }
    Ok(())
}

fn row<const N: usize>(cells: [&str; N]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

/// Columns padded to the widest cell (in characters), two spaces apart, no trailing spaces.
fn write_table(rows: &[Vec<String>], out: &mut dyn Write) -> std::io::Result<()> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            line.push_str(cell);
            if c + 1 < r.len() {
                line.extend(std::iter::repeat_n(' ', widths[c] - cell.chars().count() + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Reads token files and describes their state in a few words.
struct TokenReader<'a> {
    cache_dir: Option<&'a Path>,
    now: UtcTime,
}

impl TokenReader<'_> {
    fn path(&self, identity: &TokenCacheIdentity<'_>) -> Option<PathBuf> {
        self.cache_dir.map(|dir| dir.join(token_cache_file_name(identity)))
    }

    fn describe(&self, identity: &TokenCacheIdentity<'_>) -> String {
        let Some(path) = self.path(identity) else {
            return "unknown (no home directory)".into();
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return "none".into(),
            Err(e) => return format!("unreadable ({e})"),
        };
        let token = match CachedToken::from_json(&text) {
            Ok(token) => token,
            Err(e) => return format!("unreadable: {e}"),
        };
        // Only sso-session tokens are ever refreshed (by the CLI and the SDKs); legacy ones are not.
        let refreshable =
            matches!(identity, TokenCacheIdentity::Session(_)) && token.refreshable_by_botocore(self.now);
        describe_status(token.status(self.now), self.now, refreshable)
    }
}

/// "valid until … (in 7h 59m)", "expiring at … (in 9m)", "expired … (2h ago)", noting refreshability.
pub fn describe_status(status: TokenStatus, now: UtcTime, refreshable: bool) -> String {
    let refresh = if refreshable { ", refreshable" } else { "" };
    match status {
        TokenStatus::Valid { expires_at } => {
            format!("valid until {expires_at} (in {})", human_duration(now.seconds_until(expires_at)))
        }
        TokenStatus::Expiring { expires_at } => {
            format!(
                "expiring at {expires_at} (in {}{refresh})",
                human_duration(now.seconds_until(expires_at))
            )
        }
        TokenStatus::Expired { expired_at } => {
            format!("expired {expired_at} ({} ago{refresh})", human_duration(expired_at.seconds_until(now)))
        }
    }
}

/// "2d 3h", "7h 59m", "9m", "45s".
fn human_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    let (days, hours, minutes) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    match (days, hours, minutes) {
        (d, h, _) if d > 0 => format!("{d}d {h}h"),
        (_, h, m) if h > 0 => format!("{h}h {m}m"),
        (_, _, m) if m > 0 => format!("{m}m"),
        _ => format!("{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_statuses_read_well() {
        assert_eq!(human_duration(45), "45s");
        assert_eq!(human_duration(9 * 60 + 5), "9m");
        assert_eq!(human_duration(7 * 3600 + 59 * 60), "7h 59m");
        assert_eq!(human_duration(2 * 86_400 + 3 * 3600), "2d 3h");
        let now = UtcTime::from_unix_seconds(1_714_564_800); // 2024-05-01T12:00:00Z
        assert_eq!(
            describe_status(TokenStatus::at(now.plus_seconds(8 * 3600), now), now, true),
            "valid until 2024-05-01T20:00:00Z (in 8h 0m)"
        );
        assert_eq!(
            describe_status(TokenStatus::at(now.plus_seconds(600), now), now, true),
            "expiring at 2024-05-01T12:10:00Z (in 10m, refreshable)"
        );
        assert_eq!(
            describe_status(TokenStatus::at(now.plus_seconds(-7200), now), now, false),
            "expired 2024-05-01T10:00:00Z (2h 0m ago)"
        );
    }
}
