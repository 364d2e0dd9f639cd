//! The JSON text of the config results the JS API returns (`parseConfig`, `resolveProfile`,
//! `listSsoProfiles`, `resolveEndpoints`), written by hand: exactly what `serde_json::to_string` writes for the serde
//! shapes of these types (same member order, no whitespace, same string escapes; the tests hold
//! the two together), but as a few non-generic functions. serde's generic serializer code, one copy
//! per type and per nesting, cost about 1.5 KB gzip of the size-budgeted wasm module.

use super::diagnostics::{Diagnostic, Severity};
use super::endpoint::{EndpointSource, ResolvedEndpoint};
use super::model::{ConfigSet, Key, Origin, OtherSection, Property, Section};
use super::sso::{is_sso_profile, resolve_sso_profile, SsoConfigError, SsoProfile, SsoProfileKind};
use crate::json::write_string as string;
use crate::sorted_map::SortedMap;

/// `{"profiles":…,"sessions":…,"otherSections":…,"diagnostics":[…]}`: `ParsedConfig` in TypeScript.
pub fn parsed_config(set: &ConfigSet) -> String {
    let mut out = String::with_capacity(256);
    out.push_str("{\"profiles\":");
    sections(&mut out, &set.profiles);
    out.push_str(",\"sessions\":");
    sections(&mut out, &set.sso_sessions);
    out.push_str(",\"otherSections\":{");
    for (index, (key, other)) in set.other_sections.iter().enumerate() {
        member_key(&mut out, index, key);
        other_section(&mut out, other);
    }
    out.push_str("},\"diagnostics\":");
    diagnostics(&mut out, &set.diagnostics);
    out.push('}');
    out
}

/// `SsoProfile` in TypeScript.
pub fn sso_profile(profile: &SsoProfile) -> String {
    let mut out = String::with_capacity(256);
    write_sso_profile(&mut out, profile);
    out
}

/// Why a profile cannot be used, as data: `ConfigProblem` in TypeScript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The stable code callers branch on (`missing_keys`, `session_not_found`, …).
    pub code: String,
    /// The error's variant name (`MissingKeys`), as the JS API's errors carry it.
    pub variant: String,
    /// The sentence for the user.
    pub message: String,
}

/// `[{"name":…,"profile":…|null,"error":…|null}, …]`: `SsoProfileEntry[]` in TypeScript, the
/// entries of the JS API's `listSsoProfiles` (written as each profile is resolved), each error
/// described by `problem`.
pub fn sso_profile_entries(set: &ConfigSet, problem: &dyn Fn(&SsoConfigError) -> Problem) -> String {
    let mut out = String::with_capacity(256);
    out.push('[');
    for (name, profile) in &set.profiles {
        if !is_sso_profile(profile) {
            continue;
        }
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str("{\"name\":");
        string(&mut out, name);
        match resolve_sso_profile(set, name) {
            Ok(profile) => {
                out.push_str(",\"profile\":");
                write_sso_profile(&mut out, &profile);
                out.push_str(",\"error\":null}");
            }
            Err(error) => {
                let Problem { code, variant, message } = problem(&error);
                out.push_str(",\"profile\":null,\"error\":{\"code\":");
                string(&mut out, &code);
                out.push_str(",\"variant\":");
                string(&mut out, &variant);
                out.push_str(",\"message\":");
                string(&mut out, &message);
                out.push_str("}}");
            }
        }
    }
    out.push(']');
    out
}

/// `{"oidc":…,"portal":…}`: `Endpoints` in TypeScript.
pub fn endpoints(oidc: &ResolvedEndpoint, portal: &ResolvedEndpoint) -> String {
    let mut out = String::with_capacity(256);
    out.push_str("{\"oidc\":");
    endpoint(&mut out, oidc);
    out.push_str(",\"portal\":");
    endpoint(&mut out, portal);
    out.push('}');
    out
}

fn endpoint(out: &mut String, endpoint: &ResolvedEndpoint) {
    out.push_str("{\"url\":");
    string(out, &endpoint.url);
    out.push_str(",\"source\":{\"kind\":");
    match &endpoint.source {
        EndpointSource::ServiceEnvironment { variable } => {
            out.push_str("\"serviceEnvironment\",\"variable\":");
            string(out, variable);
        }
        EndpointSource::GlobalEnvironment => out.push_str("\"globalEnvironment\""),
        EndpointSource::ServicesSection { section, origin: at } => {
            out.push_str("\"servicesSection\",\"section\":");
            string(out, section);
            out.push_str(",\"origin\":");
            origin(out, at);
        }
        EndpointSource::ProfileEndpointUrl { origin: at } => {
            out.push_str("\"profileEndpointUrl\",\"origin\":");
            origin(out, at);
        }
        EndpointSource::AwsDefault { partition } => {
            out.push_str("\"awsDefault\",\"partition\":");
            string(out, partition);
        }
    }
    out.push_str("}}");
}

fn write_sso_profile(out: &mut String, profile: &SsoProfile) {
    out.push_str("{\"name\":");
    string(out, &profile.name);
    out.push_str(",\"origin\":");
    origin(out, &profile.origin);
    out.push_str(",\"session\":");
    match &profile.session {
        Some(session) => {
            out.push_str("{\"name\":");
            string(out, &session.name);
            out.push_str(",\"origin\":");
            origin(out, &session.origin);
            out.push('}');
        }
        None => out.push_str("null"),
    }
    out.push_str(",\"startUrl\":");
    string(out, &profile.start_url);
    out.push_str(",\"region\":");
    string(out, &profile.region);
    out.push_str(",\"accountId\":");
    optional_string(out, profile.account_id.as_deref());
    out.push_str(",\"roleName\":");
    optional_string(out, profile.role_name.as_deref());
    out.push_str(",\"scopes\":");
    match &profile.scopes {
        Some(scopes) => {
            out.push('[');
            for (index, scope) in scopes.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                string(out, scope);
            }
            out.push(']');
        }
        None => out.push_str("null"),
    }
    out.push_str(",\"tokenCacheIdentifier\":");
    string(out, &profile.token_cache_identifier);
    out.push_str(",\"defaultRegion\":");
    optional_string(out, profile.default_region.as_deref());
    out.push_str(match profile.kind {
        SsoProfileKind::RoleCredentials => ",\"kind\":\"roleCredentials\",\"diagnostics\":",
        SsoProfileKind::BearerToken => ",\"kind\":\"bearerToken\",\"diagnostics\":",
    });
    diagnostics(out, &profile.diagnostics);
    out.push('}');
}

fn sections(out: &mut String, sections: &SortedMap<String, Section>) {
    out.push('{');
    for (index, (key, section)) in sections.iter().enumerate() {
        member_key(out, index, key);
        out.push_str("{\"name\":");
        string(out, &section.name);
        out.push_str(",\"origin\":");
        origin(out, &section.origin);
        out.push_str(",\"properties\":");
        properties(out, &section.properties);
        out.push('}');
    }
    out.push('}');
}

fn other_section(out: &mut String, other: &OtherSection) {
    out.push_str("{\"prefix\":");
    string(out, &other.prefix);
    out.push_str(",\"name\":");
    string(out, &other.name);
    out.push_str(",\"origin\":");
    origin(out, &other.origin);
    out.push_str(",\"properties\":{");
    for (index, (key, block)) in other.properties.iter().enumerate() {
        member_key(out, index, key);
        properties(out, block);
    }
    out.push_str("}}");
}

fn properties(out: &mut String, properties: &SortedMap<Key, Property>) {
    out.push('{');
    for (index, (key, property)) in properties.iter().enumerate() {
        member_key(out, index, key);
        out.push_str("{\"key\":");
        string(out, &property.key);
        out.push_str(",\"value\":");
        string(out, &property.value);
        out.push_str(",\"origin\":");
        origin(out, &property.origin);
        out.push('}');
    }
    out.push('}');
}

fn diagnostics(out: &mut String, diagnostics: &[Diagnostic]) {
    out.push('[');
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str("{\"code\":");
        string(out, diagnostic.code.as_str());
        out.push_str(match diagnostic.severity {
            Severity::Warning => ",\"severity\":\"warning\",\"origin\":",
            Severity::Error => ",\"severity\":\"error\",\"origin\":",
        });
        origin(out, &diagnostic.origin);
        out.push_str(",\"message\":");
        string(out, &diagnostic.message);
        out.push('}');
    }
    out.push(']');
}

/// `,"key":` (without the comma for the first member).
fn member_key(out: &mut String, index: usize, key: &str) {
    if index > 0 {
        out.push(',');
    }
    string(out, key);
    out.push(':');
}

fn origin(out: &mut String, origin: &Origin) {
    out.push_str("{\"file\":");
    string(out, &origin.file);
    out.push_str(",\"line\":");
    let mut digits = [0u8; 10];
    let mut start = digits.len();
    let mut line = origin.line;
    loop {
        start -= 1;
        digits[start] = b'0' + (line % 10) as u8;
        line /= 10;
        if line == 0 {
            break;
        }
    }
    for &digit in &digits[start..] {
        out.push(char::from(digit));
    }
    out.push('}');
}

fn optional_string(out: &mut String, text: Option<&str>) {
    match text {
        Some(text) => string(out, text),
        None => out.push_str("null"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::sso::sso_profiles;
    use crate::config::{check_files, SourceFile};

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
        struct ParsedConfigJs<'a> {
            profiles: &'a SortedMap<String, Section>,
            sessions: &'a SortedMap<String, Section>,
            other_sections: &'a SortedMap<String, OtherSection>,
            diagnostics: &'a [Diagnostic],
        }
        let expected = serde_json::to_string(&ParsedConfigJs {
            profiles: &set.profiles,
            sessions: &set.sso_sessions,
            other_sections: &set.other_sections,
            diagnostics: &set.diagnostics,
        })
        .unwrap();
        assert_eq!(parsed_config(&set), expected);
        assert_eq!(
            parsed_config(&Default::default()),
            serde_json::to_string(&ParsedConfigJs {
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
        let problem = |error: &SsoConfigError| Problem {
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
                    let Problem { code, variant, message } = problem(error);
                    EntryJs { name, profile: None, error: Some(ProblemJs { code, variant, message }) }
                }
            })
            .collect();
        assert_eq!(sso_profile_entries(&set, &problem), serde_json::to_string(&expected).unwrap());
        assert_eq!(sso_profile_entries(&ConfigSet::default(), &problem), "[]");

        for name in ["dev", "legacy", "bearer"] {
            let profile = resolve_sso_profile(&set, name).unwrap();
            assert_eq!(sso_profile(&profile), serde_json::to_string(&profile).unwrap(), "{name}");
        }
        assert!(!resolve_sso_profile(&set, "dev").unwrap().diagnostics.is_empty());
    }

    #[test]
    fn endpoints_as_serde_json_writes_them() {
        #[derive(serde::Serialize)]
        struct EndpointsJs<'a> {
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
            let expected = serde_json::to_string(&EndpointsJs { oidc: &oidc, portal: &portal }).unwrap();
            assert_eq!(endpoints(&oidc, &portal), expected);
        }
    }

    #[test]
    fn escapes_every_control_character_and_large_line_numbers_like_serde_json() {
        let text: String = (0u8..0x80).map(char::from).chain("é✓\u{10348}\u{2028}".chars()).collect();
        let mut out = String::new();
        string(&mut out, &text);
        assert_eq!(out, serde_json::to_string(&text).unwrap());
        for line in [0, 1, 9, 10, 99, 100, 12345, u32::MAX] {
            let value = Origin { file: "f".into(), line };
            let mut out = String::new();
            origin(&mut out, &value);
            assert_eq!(out, serde_json::to_string(&value).unwrap());
        }
    }
}
