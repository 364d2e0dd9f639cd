//! `cargo xtask size-by-feature`: what each feature of the JS API costs the package's module, in
//! gzip bytes, for decisions against the size budget (npm/README.md, section Size).
//!
//! `twiggy` names the functions that are large; it cannot say what a feature costs, because a
//! feature's code is spread over the core, the bindings and the standard library, and shares much of
//! it with other features. So each feature is measured by taking it out: binaryen removes the
//! feature's exports, the package's own wasm-opt passes drop what only they reached, and the gzip
//! size is compared with the whole module's, optimised the same way in the same run.

use crate::util;
use crate::wasm::{self, binaryen, gzip_size, path_str, WASM_FEATURES};
use std::fs;
use std::path::Path;

/// The features, each as the module's exports that only it uses (wasm-bindgen's raw names:
/// `class_method` for a class's methods). A name that is no longer exported is an error, so a
/// renamed export cannot silently measure nothing.
const FEATURES: &[(&str, &[&str])] = &[
    ("parseConfig (the AWS CLI comparison, the whole reading as a result)", &["parseConfig"]),
    (
        "all config reading (parseConfig, listSsoProfiles, resolveProfile, resolveEndpoints)",
        &["parseConfig", "listSsoProfiles", "resolveProfile", "resolveEndpoints"],
    ),
    ("endpoint resolution (resolveEndpoints)", &["resolveEndpoints"]),
    ("client registration (register)", &["oidcclient_register"]),
    (
        "device-code sign-in (startDeviceAuthorization, pollDeviceToken)",
        &["oidcclient_startDeviceAuthorization", "oidcclient_pollDeviceToken"],
    ),
    ("PKCE sign-in (pkceStart, pkceFinish)", &["oidcclient_pkceStart", "oidcclient_pkceFinish"]),
    ("token refresh (refresh, planRefresh)", &["oidcclient_refresh", "planRefresh"]),
    (
        "account and role listing (listAccounts, listAccountRoles, listAccountsAndRoles)",
        &["portalclient_listAccounts", "portalclient_listAccountRoles", "portalclient_listAccountsAndRoles"],
    ),
    ("role credentials (getRoleCredentials)", &["portalclient_getRoleCredentials"]),
    ("console sign-in (consoleSigninUrl)", &["portalclient_consoleSigninUrl"]),
    ("sign-out (logout)", &["portalclient_logout"]),
    (
        "cache files (token and registration files, their cache keys)",
        &[
            "parseTokenFile",
            "tokenFileJson",
            "tokenFileFor",
            "tokenCacheKey",
            "parseRegistrationFile",
            "registrationFileJson",
            "registrationCacheKey",
        ],
    ),
    (
        "credential exports (exportCredentials, credentialsFileSection)",
        &["exportCredentials", "credentialsFileSection"],
    ),
];

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("size-by-feature takes no arguments (got `{extra}`)"));
    }
    let raw = wasm::build_module()?;
    let dir = wasm::target_dir().join("size-by-feature");
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(|e| format!("could not clear {}: {e}", dir.display()))?;
    }
    util::run(
        "wasm-bindgen",
        &[path_str(&raw)?, "--target", "web", "--out-dir", path_str(&dir)?, "--out-name", "sso_bridge"],
    )?;
    let module = dir.join("sso_bridge_bg.wasm");
    let exports = exports_of(&module)?;
    for (feature, names) in FEATURES {
        if let Some(missing) = names.iter().find(|name| !exports.iter().any(|export| export == *name)) {
            return Err(format!("`{missing}` ({feature}) is not an export of the module: update FEATURES"));
        }
    }

    let whole = without(&module, &[], &dir)?;
    let mut rows = Vec::new();
    for (feature, names) in FEATURES {
        let size = without(&module, names, &dir)?;
        rows.push((feature, whole.saturating_sub(size)));
    }
    println!(
        "\nThe web module, optimised as shipped (before the import and export renaming): {whole} B gzip.\n\
         What each feature costs it, measured by removing the feature's exports:\n"
    );
    println!("{:>9}  {:>6}  feature", "B gzip", "share");
    for (feature, cost) in rows {
        println!("{cost:>9}  {:>5.1}%  {feature}", cost as f64 * 100.0 / whole as f64);
    }
    println!(
        "\nThe costs overlap (code two features share is in neither's figure, and in both when both \
         go), so they do not add up to the whole."
    );
    Ok(())
}

/// The module's export names, from binaryen's text form of it.
fn exports_of(module: &Path) -> Result<Vec<String>, String> {
    let mut args = vec![path_str(module)?];
    args.extend_from_slice(WASM_FEATURES);
    let text = util::output(path_str(&binaryen("wasm-dis"))?, &args)
        .ok_or_else(|| format!("wasm-dis could not read {}", module.display()))?;
    let exports: Vec<String> = text
        .lines()
        .filter_map(|line| line.strip_prefix(" (export \""))
        .filter_map(|rest| rest.split_once('"').map(|(name, _)| name.to_owned()))
        .collect();
    if exports.is_empty() {
        return Err(format!("found no exports in {}", module.display()));
    }
    Ok(exports)
}

/// The gzip size of `module` without the exports `removed`, after the package's wasm-opt passes
/// (which drop what only those exports reached).
fn without(module: &Path, removed: &[&str], dir: &Path) -> Result<u64, String> {
    let reduced = dir.join("reduced.wasm");
    fs::copy(module, &reduced).map_err(|e| format!("could not copy {}: {e}", module.display()))?;
    let reduced_path = path_str(&reduced)?;
    for name in removed {
        // binaryen's pass takes one name (or wildcard) a run.
        let name_arg = format!("--pass-arg=remove-exports@{name}");
        let mut args = vec!["--remove-exports", &name_arg];
        args.extend_from_slice(WASM_FEATURES);
        args.extend_from_slice(&[reduced_path, "-o", reduced_path]);
        util::run(path_str(&binaryen("wasm-opt"))?, &args)?;
    }
    wasm::optimise(&reduced, &reduced)?;
    gzip_size(&reduced)
}
