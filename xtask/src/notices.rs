//! `THIRD-PARTY-NOTICES.md` for each shipped artifact: the licences of the crates compiled into it.
//!
//! The npm package's module, the extension and the helper archives each carry code of other crates
//! (the MIT and BSD licences ask that their notices travel with binaries, Apache-2.0 its NOTICE
//! files). The list is what `cargo metadata` resolves for the artifact's crate on its target:
//! normal dependencies only, without procedural macros (they run in the compiler and ship
//! nothing), without this workspace's own crates (under `LICENSE`). Each crate's licence files are
//! copied from its package as published; a text several crates share is written once.

use crate::util;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Writes the notices of what `package` (a workspace crate) compiles in for `target` to `out`.
/// `artifact` names the artifact in the file's first lines.
pub fn write(out: &Path, package: &str, target: &str, artifact: &str) -> Result<(), String> {
    let crates = shipped_crates(package, target)?;
    let mut by_text: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut without_files = Vec::new();
    for shipped in &crates {
        let label = format!("{} {} ({})", shipped.name, shipped.version, shipped.license);
        if shipped.license_texts.is_empty() {
            without_files.push(format!("- {label}{}", shipped.repository_suffix()));
        }
        for text in &shipped.license_texts {
            by_text.entry(text.clone()).or_default().insert(label.clone());
        }
    }
    // Grouped texts in the order of their first crate, so the file reads alphabetically.
    let mut groups: Vec<(&BTreeSet<String>, &String)> =
        by_text.iter().map(|(text, names)| (names, text)).collect();
    groups.sort();

    let mut notices = format!(
        "# Third-party notices\n\n{artifact} contains code from the crates below, each under the licence \
         named after it. The Rust standard library (MIT OR Apache-2.0, \
         <https://github.com/rust-lang/rust>) is compiled in as well. sso-bridge itself is under the \
         Apache License 2.0 (`LICENSE`).\n"
    );
    if !without_files.is_empty() {
        notices.push_str("\n## Crates whose package has no licence file\n\n");
        notices.push_str(&without_files.join("\n"));
        notices.push('\n');
    }
    for (names, text) in groups {
        notices.push_str("\n## ");
        notices.push_str(&names.iter().cloned().collect::<Vec<_>>().join(", "));
        notices.push_str("\n\n```text\n");
        notices.push_str(text.trim_end());
        notices.push_str("\n```\n");
    }
    fs::write(out, notices).map_err(|e| format!("could not write {}: {e}", out.display()))
}

struct ShippedCrate {
    name: String,
    version: String,
    license: String,
    repository: Option<String>,
    license_texts: Vec<String>,
}

impl ShippedCrate {
    fn repository_suffix(&self) -> String {
        self.repository.as_ref().map(|url| format!(", <{url}>")).unwrap_or_default()
    }
}

/// The crates `package` links for `target`, by name and version.
fn shipped_crates(package: &str, target: &str) -> Result<Vec<ShippedCrate>, String> {
    let text = util::output(
        "cargo",
        &["metadata", "--format-version", "1", "--locked", "--filter-platform", target],
    )
    .ok_or("`cargo metadata` failed")?;
    let metadata: Value =
        serde_json::from_str(&text).map_err(|e| format!("cargo metadata printed no JSON: {e}"))?;
    let packages: BTreeMap<&str, &Value> = metadata["packages"]
        .as_array()
        .ok_or("cargo metadata lists no packages")?
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let members: BTreeSet<&str> =
        metadata["workspace_members"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let nodes: BTreeMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .ok_or("cargo metadata has no dependency graph")?
        .iter()
        .filter_map(|node| Some((node["id"].as_str()?, node)))
        .collect();
    let root = members
        .iter()
        .find(|id| packages.get(*id).is_some_and(|p| p["name"] == package))
        .ok_or_else(|| format!("`{package}` is not a workspace crate"))?;

    let mut seen = BTreeSet::new();
    let mut pending = vec![*root];
    while let Some(id) = pending.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Some(node) = nodes.get(id) else { continue };
        for dependency in node["deps"].as_array().into_iter().flatten() {
            let normal =
                dependency["dep_kinds"].as_array().into_iter().flatten().any(|kind| kind["kind"].is_null());
            let Some(dependency_id) = dependency["pkg"].as_str() else { continue };
            let proc_macro = packages.get(dependency_id).is_some_and(|p| is_proc_macro(p));
            if normal && !proc_macro {
                pending.push(dependency_id);
            }
        }
    }

    let mut crates = Vec::new();
    for id in seen.into_iter().filter(|id| !members.contains(id)) {
        let p = packages.get(id).ok_or_else(|| format!("cargo metadata has no package {id}"))?;
        let field = |key: &str| p[key].as_str().map(str::to_owned);
        let name = field("name").unwrap_or_default();
        let license = field("license").ok_or_else(|| {
            format!("{name} declares no licence (`license` in its Cargo.toml): its notice cannot be written")
        })?;
        let manifest = field("manifest_path").ok_or_else(|| format!("{name} has no manifest path"))?;
        let dir = Path::new(&manifest).parent().ok_or_else(|| format!("{manifest} has no folder"))?;
        crates.push(ShippedCrate {
            version: field("version").unwrap_or_default(),
            repository: field("repository"),
            license_texts: license_files(dir)?,
            name,
            license,
        });
    }
    crates.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    Ok(crates)
}

fn is_proc_macro(package: &Value) -> bool {
    package["targets"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|target| target["kind"].as_array().into_iter().flatten().any(|kind| kind == "proc-macro"))
}

/// The texts of a package's licence and notice files (`LICENSE*`, `LICENCE*`, `COPYING*`,
/// `NOTICE*`), in file-name order.
fn license_files(dir: &Path) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_ascii_uppercase();
        if path.is_file() && ["LICENSE", "LICENCE", "COPYING", "NOTICE"].iter().any(|p| name.starts_with(p)) {
            names.push(path);
        }
    }
    names.sort();
    names
        .iter()
        .map(|path| fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display())))
        .collect()
}
