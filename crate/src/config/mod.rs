//! Shared config and credentials files (spec §6, §8, §9.2).
//!
//! Reading follows smithy-rs' pipeline, parse → normalize → typed:
//! - [`parse`]: one file's lines into raw sections, with the SDKs' error phrases plus file and line;
//! - [`normalize`]: raw sections into profiles, sso-sessions and other sections ([`ConfigSet`]);
//! - [`diagnostics`]: what the SDKs ignore, and where botocore / the AWS CLI read the file differently
//!   ([`botocore`] models the CLI's configparser-based reader to find those places).
//!
//! Then, on the typed [`ConfigSet`]:
//! - [`sso`]: SSO profile resolution (sso-session, legacy, bearer-only) with the CLI's errors;
//! - [`endpoint`]: the `sso` / `sso_oidc` endpoints (overrides, FIPS, dual-stack, partitions);
//! - [`location`]: where the files are and which profile is selected, from an injected
//!   [`Environment`] ([`mod@env`]);
//! - [`writer`]: updates the config file as `aws configure sso` does.
//!
//! Entry points: [`parse_files`] (the SDKs' reading) and [`check_files`] (also where the AWS CLI
//! reads the files differently).

pub mod botocore;
pub mod diagnostics;
pub mod endpoint;
pub mod env;
pub mod location;
pub mod model;
pub mod normalize;
pub mod parse;
pub mod sso;
pub mod writer;

pub use diagnostics::{Diagnostic, DiagnosticCode, Severity};
pub use endpoint::{resolve_endpoint, EndpointError, EndpointSource, ResolvedEndpoint, SsoService};
pub use env::{EmptyEnvironment, Environment};
pub use location::{file_locations, FileLocations, Platform};
pub use model::{ConfigSet, FileKind, Key, Origin, OtherSection, PlainConfig, Property, Section, SourceFile};
pub use parse::{ParseError, ParseErrorKind};
pub use sso::{
    resolve_sso_profile, SsoConfigError, SsoProfile, SsoProfileKind, SsoSessionConfig, SsoSessionRef,
};

/// Parses the config file and the credentials file (either may be absent) into one [`ConfigSet`],
/// the credentials file's values winning for the same profile and key, as in every AWS SDK.
///
/// Fails on the first line the SDKs refuse; everything they merely ignore becomes a [`Diagnostic`]
/// in [`ConfigSet::diagnostics`]. Where the AWS CLI would read the files differently is not looked
/// for here (it doubles the time): [`check_files`] adds that.
pub fn parse_files(
    config: Option<&SourceFile<'_>>,
    credentials: Option<&SourceFile<'_>>,
) -> Result<ConfigSet, ParseError> {
    let config_sections = config.map(parse::parse_file).transpose()?;
    let credentials_sections = credentials.map(parse::parse_file).transpose()?;
    let mut set = ConfigSet::default();
    if let (Some(file), Some(sections)) = (config, &config_sections) {
        normalize::merge_file(&mut set, file, sections);
    }
    if let (Some(file), Some(sections)) = (credentials, &credentials_sections) {
        normalize::merge_file(&mut set, file, sections);
    }
    sort_in_reading_order(&mut set.diagnostics, config.map(|file| file.name));
    Ok(set)
}

/// [`parse_files`], plus a [`Diagnostic`] for every place where the AWS CLI (botocore) reads the
/// files differently from the SDKs or refuses them: what a person reviewing the files wants to see.
pub fn check_files(
    config: Option<&SourceFile<'_>>,
    credentials: Option<&SourceFile<'_>>,
) -> Result<ConfigSet, ParseError> {
    check_files_with(config, credentials, str::to_lowercase)
}

/// [`check_files`] with the Unicode lowercasing the AWS CLI model applies to non-ASCII option names
/// injected ([`botocore::UnicodeLowercase`]): the browser bindings pass the JS engine's.
pub fn check_files_with(
    config: Option<&SourceFile<'_>>,
    credentials: Option<&SourceFile<'_>>,
    lowercase: botocore::UnicodeLowercase,
) -> Result<ConfigSet, ParseError> {
    let mut set = parse_files(config, credentials)?;
    let mut files: Vec<SourceFile<'_>> = Vec::with_capacity(2);
    if let Some(file) = config {
        files.push(*file);
    }
    if let Some(file) = credentials {
        files.push(*file);
    }
    botocore::compare(&mut set, &files, lowercase);
    // Stable: the SDK side's diagnostics, already in order, keep their order among equal places.
    sort_in_reading_order(&mut set.diagnostics, config.map(|file| file.name));
    Ok(set)
}

/// Sorts diagnostics stably in reading order: the config file first, then the credentials file, each
/// by line, through the core's one shared stable sort ([`crate::sorted_map`]'s): sorting the
/// diagnostics themselves would add another copy of the standard library's sort to the wasm module.
fn sort_in_reading_order(diagnostics: &mut [Diagnostic], config_name: Option<&str>) {
    let mut ranks = Vec::with_capacity(diagnostics.len());
    for diagnostic in diagnostics.iter() {
        let origin = &diagnostic.origin;
        ranks.push(u64::from(Some(&*origin.file) != config_name) << 32 | u64::from(origin.line));
    }
    let mut order = crate::sorted_map::stable_order(ranks.len(), &|a, b| ranks[a].cmp(&ranks[b]));
    // Item `order[i]` moves to `i`, one cycle of the permutation at a time, by swaps.
    for start in 0..order.len() {
        let mut current = start;
        while let Some(&next) = order.get(current).filter(|&&next| next != usize::MAX) {
            order[current] = usize::MAX;
            if next == start {
                break;
            }
            diagnostics.swap(current, next);
            current = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `check_files` reads exactly what `parse_files` reads, keeps its diagnostics in their order,
    /// and adds only the AWS CLI's, each in reading order.
    #[test]
    fn check_files_is_parse_files_plus_the_cli_differences() {
        let config = "[profile a]\nregion = us-east-1 # east\nkey: value = x\n[b]\noutput = json\n\
                      [DEFAULT]\nregion = eu-west-1\n[profile a]\nsso_session = corp\n[sso-session corp]\n\
                      sso_region = us-east-1\n[services s]\nsso_oidc =\n  endpoint_url = http://x\n";
        let credentials = "[a]\naws_access_key_id = AKIDEXAMPLE\n[profile c]\nregion = x\n";
        let config = SourceFile::config("config", config);
        let credentials = SourceFile::credentials("credentials", credentials);
        let parsed = parse_files(Some(&config), Some(&credentials)).unwrap();
        let checked = check_files(Some(&config), Some(&credentials)).unwrap();
        assert_eq!(parsed.profiles, checked.profiles);
        assert_eq!(parsed.sso_sessions, checked.sso_sessions);
        assert_eq!(parsed.other_sections, checked.other_sections);
        let is_cli =
            |diagnostic: &&Diagnostic| parsed.diagnostics.iter().all(|sdk| sdk.code != diagnostic.code);
        let sdk_side: Vec<_> = checked.diagnostics.iter().filter(|d| !is_cli(d)).cloned().collect();
        assert_eq!(sdk_side, parsed.diagnostics);
        let cli_side: Vec<_> = checked.diagnostics.iter().filter(is_cli).collect();
        assert!(cli_side.len() >= 3, "{cli_side:#?}");
        let place = |d: &Diagnostic| (&*d.origin.file != "config", d.origin.line);
        assert!(checked.diagnostics.windows(2).all(|pair| place(&pair[0]) <= place(&pair[1])));
    }

    #[test]
    fn diagnostics_sort_stably_in_reading_order() {
        let diagnostic = |file: &str, line: u32, message: &str| {
            Diagnostic::warning(DiagnosticCode::InvalidKey, model::Origin::at(file, line), message)
        };
        let mut diagnostics = vec![
            diagnostic("credentials", 1, "a"),
            diagnostic("config", 3, "b"),
            diagnostic("config", 1, "c"),
            diagnostic("credentials", 1, "d"),
            diagnostic("config", 3, "e"),
            diagnostic("config", 2, "f"),
            diagnostic("config", 1, "g"),
        ];
        let mut expected = diagnostics.clone();
        expected.sort_by_key(|d| (&*d.origin.file != "config", d.origin.line));
        sort_in_reading_order(&mut diagnostics, Some("config"));
        assert_eq!(diagnostics, expected);
        let messages: String = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, "cgfbead");
    }
}
