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
//!   [`Environment`] ([`env`]);
//! - [`writer`]: updates the config file as `aws configure sso` does.
//!
//! Entry point: [`parse_files`].

pub mod botocore;
pub mod diagnostics;
pub mod endpoint;
pub mod env;
pub mod js_json;
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
pub use model::{ConfigSet, FileKind, Origin, OtherSection, PlainConfig, Property, Section, SourceFile};
pub use parse::{ParseError, ParseErrorKind};
pub use sso::{
    resolve_sso_profile, SsoConfigError, SsoProfile, SsoProfileKind, SsoSessionConfig, SsoSessionRef,
};

/// Parses the config file and the credentials file (either may be absent) into one [`ConfigSet`],
/// the credentials file's values winning for the same profile and key, as in every AWS SDK.
///
/// Fails on the first line the SDKs refuse; everything they merely ignore, and everything the AWS
/// CLI would read differently, becomes a [`Diagnostic`] in [`ConfigSet::diagnostics`].
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
    let files: Vec<SourceFile<'_>> = config.into_iter().chain(credentials).copied().collect();
    botocore::compare(&mut set, &files);
    // In reading order: the config file first, then the credentials file, each by line.
    let config_name = config.map(|file| file.name);
    sort_by_rank(&mut set.diagnostics, |d| {
        u64::from(Some(d.origin.file.as_str()) != config_name) << 32 | u64::from(d.origin.line)
    });
    Ok(set)
}

/// A stable sort by a `u64` rank. The ordering itself is one non-generic function (shared with
/// [`crate::sorted_map`]), so each caller adds only a small permutation loop instead of a copy of the
/// standard library's sort (each `sort_by_key` instance costs a few KB in the size-budgeted wasm
/// module).
pub(crate) fn sort_by_rank<T>(items: &mut Vec<T>, rank: impl Fn(&T) -> u64) {
    let ranks: Vec<u64> = items.iter().map(rank).collect();
    let order = crate::sorted_map::stable_order(ranks.len(), &|a, b| ranks[a].cmp(&ranks[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|index| slots.get_mut(index).and_then(Option::take)));
}

#[cfg(test)]
mod tests {
    use super::sort_by_rank;

    #[test]
    fn sort_by_rank_is_stable() {
        let mut items = vec![(3, 'a'), (1, 'b'), (3, 'c'), (0, 'd'), (1, 'e'), (3, 'f')];
        let mut expected = items.clone();
        expected.sort_by_key(|item| item.0);
        sort_by_rank(&mut items, |item| item.0);
        assert_eq!(items, expected);
        assert_eq!(items, [(0, 'd'), (1, 'b'), (1, 'e'), (3, 'a'), (3, 'c'), (3, 'f')]);
    }
}
