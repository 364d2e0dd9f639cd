//! `sso-bridge parse`: reads the config and credentials files as the AWS SDKs do and prints
//! `{"profiles": {…}, "sso_sessions": {…}}`, the shape of the SDK conformance tables'
//! `output.config`. Diagnostics (what the SDKs ignore, where the AWS CLI reads the files
//! differently) go to stderr as `warning: …` lines; a line the SDKs refuse is an error naming the
//! file and line.

use sso_bridge::config::location::{home_dir, path_warnings};
use sso_bridge::config::{check_files, file_locations, Environment, ParseError, Platform, SourceFile};
use std::io::Write;

/// Which files to read; `None` means the default location (`AWS_CONFIG_FILE` /
/// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/config` / `~/.aws/credentials`).
#[derive(Debug, Clone, Default)]
pub struct ParseArgs {
    pub config: Option<String>,
    pub credentials: Option<String>,
}

/// Why nothing could be printed. `Display` is the sentence printed after `error: `.
#[derive(Debug, thiserror::Error)]
pub enum ParseCommandError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} does not exist; check the path given to {option}")]
    Missing { path: String, option: &'static str },
    #[error(
        "{path} is not UTF-8 text (byte {offset} is not valid UTF-8); the AWS tools cannot read it \
         either, so re-save it as UTF-8"
    )]
    NotUtf8 { path: String, offset: usize },
    #[error("{0}")]
    Parse(#[from] ParseError),
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
}

/// One file to read: its path, the name shown in messages, and whether it must exist.
struct Wanted {
    path: String,
    shown: String,
    explicit_option: Option<&'static str>,
    from_env: Option<&'static str>,
}

/// `/home/me/.aws/config` is shown as `~/.aws/config`, as users write it.
fn shown_path(path: &str, home: Option<&str>) -> String {
    match home.filter(|home| !home.is_empty()) {
        Some(home) => match path.strip_prefix(home.trim_end_matches('/')) {
            Some(rest) if rest.starts_with('/') || rest.starts_with('\\') => format!("~{rest}"),
            _ => path.to_owned(),
        },
        None => path.to_owned(),
    }
}

fn read(wanted: &Wanted, warnings: &mut dyn Write) -> Result<Option<String>, ParseCommandError> {
    match std::fs::read(&wanted.path) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|error| ParseCommandError::NotUtf8 {
            path: wanted.shown.clone(),
            offset: error.utf8_error().valid_up_to(),
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            if let Some(option) = wanted.explicit_option {
                return Err(ParseCommandError::Missing { path: wanted.shown.clone(), option });
            }
            if let Some(variable) = wanted.from_env {
                writeln!(
                    warnings,
                    "warning: {variable} names {}, which does not exist; reading it as empty",
                    wanted.shown
                )?;
            }
            Ok(None)
        }
        Err(source) => Err(ParseCommandError::Read { path: wanted.shown.clone(), source }),
    }
}

/// Runs the subcommand: JSON to `out`, warnings to `warnings`.
pub fn run(
    args: &ParseArgs,
    env: &dyn Environment,
    platform: Platform,
    out: &mut dyn Write,
    warnings: &mut dyn Write,
) -> Result<(), ParseCommandError> {
    let locations = file_locations(env, platform);
    let home = home_dir(env, platform);
    let wanted = |given: &Option<String>, default: &str, option, from_env: bool, variable| {
        let path = given.clone().unwrap_or_else(|| default.to_owned());
        Wanted {
            shown: shown_path(&path, home.as_deref()),
            path,
            explicit_option: given.as_ref().map(|_| option),
            from_env: (given.is_none() && from_env).then_some(variable),
        }
    };
    let config_file =
        wanted(&args.config, &locations.config, "--config", locations.config_from_env, "AWS_CONFIG_FILE");
    let credentials_file = wanted(
        &args.credentials,
        &locations.credentials,
        "--credentials",
        locations.credentials_from_env,
        "AWS_SHARED_CREDENTIALS_FILE",
    );
    for warning in path_warnings(env) {
        writeln!(warnings, "warning: {warning}")?;
    }
    let config_text = read(&config_file, warnings)?;
    let credentials_text = read(&credentials_file, warnings)?;
    let config = config_text.as_deref().map(|text| SourceFile::config(&config_file.shown, text));
    let credentials =
        credentials_text.as_deref().map(|text| SourceFile::credentials(&credentials_file.shown, text));
    let set = check_files(config.as_ref(), credentials.as_ref())?;

    let json = serde_json::to_string_pretty(&set.to_plain()).map_err(std::io::Error::from)?;
    writeln!(out, "{json}")?;
    for diagnostic in &set.diagnostics {
        writeln!(warnings, "warning: {diagnostic}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_under_home_are_shown_with_a_tilde() {
        assert_eq!(shown_path("/home/me/.aws/config", Some("/home/me")), "~/.aws/config");
        assert_eq!(shown_path("/home/me/.aws/config", Some("/home/me/")), "~/.aws/config");
        assert_eq!(shown_path("/home/meme/x", Some("/home/me")), "/home/meme/x");
        assert_eq!(shown_path("/etc/aws", None), "/etc/aws");
    }
}
