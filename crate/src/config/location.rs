//! Where the config and credentials files are, and which profile is selected (spec §8.1), from
//! an injected environment and platform, as the AWS SDK for Rust resolves them.

use serde::Serialize;

use super::env::{non_empty, Environment};

/// The path conventions to follow. The core does not ask the OS: the host passes
/// [`Platform::current`], tests pass either.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Platform {
    /// `/` separators, home from `HOME` (Linux, macOS, and the browser).
    Unix,
    /// `\\` separators, home from `HOME`, then `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`.
    Windows,
}

impl Platform {
    /// The platform this code was compiled for (wasm counts as Unix-like).
    pub fn current() -> Self {
        if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Unix
        }
    }

    fn separator(self) -> char {
        match self {
            Platform::Unix => '/',
            Platform::Windows => '\\',
        }
    }
}

/// The two files' paths and the selected profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileLocations {
    /// The config file's path, `~` expanded.
    pub config: String,
    /// `true` when `AWS_CONFIG_FILE` chose the path (a missing file is then worth a warning).
    pub config_from_env: bool,
    /// The credentials file's path, `~` expanded.
    pub credentials: String,
    /// `true` when `AWS_SHARED_CREDENTIALS_FILE` chose the path.
    pub credentials_from_env: bool,
    /// The selected profile (see [`selected_profile`]).
    pub profile: String,
}

/// The config file when `AWS_CONFIG_FILE` is not set.
pub const DEFAULT_CONFIG_PATH: &str = "~/.aws/config";
/// The credentials file when `AWS_SHARED_CREDENTIALS_FILE` is not set.
pub const DEFAULT_CREDENTIALS_PATH: &str = "~/.aws/credentials";
/// The profile when neither `AWS_PROFILE` nor `AWS_DEFAULT_PROFILE` is set.
pub const DEFAULT_PROFILE_NAME: &str = "default";

/// The user's home directory: `HOME`; on Windows then `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`.
pub fn home_dir(env: &dyn Environment, platform: Platform) -> Option<String> {
    if let Some(home) = non_empty(env, "HOME") {
        return Some(home);
    }
    if platform == Platform::Windows {
        if let Some(profile) = non_empty(env, "USERPROFILE") {
            return Some(profile);
        }
        if let (Some(drive), Some(path)) = (non_empty(env, "HOMEDRIVE"), non_empty(env, "HOMEPATH")) {
            return Some(format!("{drive}{path}"));
        }
    }
    None
}

/// Replaces a leading `~` path component with `home`, rebuilding the rest of the path with the
/// platform's separator. Paths without a leading `~`, or with no home known, are returned as given.
pub fn expand_home(path: &str, home: Option<&str>, platform: Platform) -> String {
    let is_separator = |c: char| c == '/' || (platform == Platform::Windows && c == '\\');
    let (first, rest) = match path.find(is_separator) {
        Some(index) => (&path[..index], Some(&path[index + 1..])),
        None => (path, None),
    };
    let (Some(home), "~") = (home, first) else {
        return path.to_owned();
    };
    let separator = platform.separator();
    let mut expanded = home.trim_end_matches(is_separator).to_owned();
    for component in rest.into_iter().flat_map(|rest| rest.split(is_separator)).filter(|c| !c.is_empty()) {
        expanded.push(separator);
        expanded.push_str(component);
    }
    if expanded.is_empty() {
        expanded.push(separator);
    }
    expanded
}

/// The selected profile: `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE` (the AWS CLI v2 order), then
/// `default`.
pub fn selected_profile(env: &dyn Environment) -> String {
    non_empty(env, "AWS_PROFILE")
        .or_else(|| non_empty(env, "AWS_DEFAULT_PROFILE"))
        .unwrap_or_else(|| DEFAULT_PROFILE_NAME.to_owned())
}

/// Resolves both file paths (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/…`)
/// and the profile name.
pub fn file_locations(env: &dyn Environment, platform: Platform) -> FileLocations {
    let home = home_dir(env, platform);
    let config_env = non_empty(env, "AWS_CONFIG_FILE");
    let credentials_env = non_empty(env, "AWS_SHARED_CREDENTIALS_FILE");
    FileLocations {
        config: expand_home(config_env.as_deref().unwrap_or(DEFAULT_CONFIG_PATH), home.as_deref(), platform),
        config_from_env: config_env.is_some(),
        credentials: expand_home(
            credentials_env.as_deref().unwrap_or(DEFAULT_CREDENTIALS_PATH),
            home.as_deref(),
            platform,
        ),
        credentials_from_env: credentials_env.is_some(),
        profile: selected_profile(env),
    }
}

/// Sentences about path variables the AWS CLI and the AWS SDKs resolve differently: botocore
/// expands `$VAR`/`${VAR}` (and `~user`) in `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`, the
/// SDKs only a leading `~`.
pub fn path_warnings(env: &dyn Environment) -> Vec<String> {
    ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"]
        .iter()
        .filter_map(|variable| {
            let value = non_empty(env, variable)?;
            let expands_variable = value.contains('$');
            let expands_user = value.starts_with('~')
                && !value.starts_with("~/")
                && value != "~"
                && !value.starts_with("~\\");
            (expands_variable || expands_user).then(|| {
                format!(
                    "{variable}={value} uses {}, which the AWS CLI expands but the AWS SDKs do not; \
                     write the full path",
                    if expands_variable { "$ variables" } else { "~user" }
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_expansion() {
        assert_eq!(expand_home("~/.aws/config", Some("/home/u"), Platform::Unix), "/home/u/.aws/config");
        assert_eq!(expand_home("~/.aws/config", Some("/home/u/"), Platform::Unix), "/home/u/.aws/config");
        assert_eq!(expand_home("~", Some("/home/u"), Platform::Unix), "/home/u");
        assert_eq!(expand_home("~/x", Some("/"), Platform::Unix), "/x");
        assert_eq!(expand_home("~/x", None, Platform::Unix), "~/x");
        assert_eq!(expand_home("~other/x", Some("/home/u"), Platform::Unix), "~other/x");
        assert_eq!(expand_home("/etc/~/x", Some("/home/u"), Platform::Unix), "/etc/~/x");
        assert_eq!(expand_home("~\\a/b", Some("C:\\u"), Platform::Windows), "C:\\u\\a\\b");
        assert_eq!(expand_home("", Some("/home/u"), Platform::Unix), "");
    }

    #[test]
    fn path_variables_the_sdks_do_not_expand() {
        let warnings =
            path_warnings(&[("AWS_CONFIG_FILE", "$HOME/cfg"), ("AWS_SHARED_CREDENTIALS_FILE", "~/c")]);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].starts_with("AWS_CONFIG_FILE=$HOME/cfg uses $ variables"), "{warnings:?}");
        assert_eq!(path_warnings(&[("AWS_CONFIG_FILE", "~bob/cfg")]).len(), 1);
        assert!(path_warnings(&[("AWS_CONFIG_FILE", "/etc/aws")]).is_empty());
    }

    #[test]
    fn profile_selection_prefers_aws_profile() {
        assert_eq!(selected_profile(&[("AWS_PROFILE", "a"), ("AWS_DEFAULT_PROFILE", "b")]), "a");
        assert_eq!(selected_profile(&[("AWS_DEFAULT_PROFILE", "b")]), "b");
        assert_eq!(selected_profile(&[("AWS_PROFILE", "")]), "default");
    }
}
