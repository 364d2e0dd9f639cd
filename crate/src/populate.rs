//! Populate: a `[profile …]` for every account × role (× region) of an sso-session, like
//! aws-sso-util's `configure populate` and Granted's `sso populate`, planned here without I/O and
//! applied in one pass by the config writer (`config::writer::apply_section_edits`).
//!
//! - Names come from a template with `{account_name}`, `{account_id}`, `{role_name}`, `{session}`
//!   and `{region}`. Account names are made safe as aws-sso-util's `--safe-account-names` does
//!   (every run of whitespace, `[` or `]` becomes one `-`, leading and trailing `-` trimmed).
//! - Collisions (two accounts with the same name, or a template without `{role_name}`) are
//!   resolved the same way every run: every colliding name gets `.<account id>`, then
//!   `.<role name>`, then `.<region>` appended until the names differ. No name depends on the
//!   order the portal listed the accounts in.
//! - Profiles use `sso_session` (never the legacy keys) and carry the marker key
//!   [`MARKER_KEY`]` = <session>`: that is how prune knows a profile is ours. A profile without our
//!   marker is never changed or removed; one with the name we want but other values is a conflict
//!   and the whole plan is refused.

use crate::config::writer::{apply_section_edits, ConfigWriteError, SectionKind, SectionUpdate};
use crate::config::ConfigSet;
use crate::flows::listing::AccountWithRoles;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The key that marks a profile as written by populate for the session named in its value.
pub const MARKER_KEY: &str = "sso_bridge_populate";
/// aws-sso-util's default layout.
pub const DEFAULT_TEMPLATE: &str = "{account_name}.{role_name}";
const PLACEHOLDERS: &[&str] = &["account_name", "account_id", "role_name", "session", "region"];

/// What to populate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PopulateOptions<'a> {
    /// The sso-session whose accounts and roles are listed (`[sso-session NAME]`): every profile
    /// gets `sso_session = NAME`, and the marker's value is this name.
    pub session: &'a str,
    /// The profile name template, such as [`DEFAULT_TEMPLATE`] (placeholders: see the module).
    pub template: &'a str,
    /// `region` for each profile; several regions make one profile per region (the name gets
    /// `.{region}` when the template has no `{region}`). Empty: no `region` key.
    pub regions: &'a [String],
    /// Remove our profiles whose account or role is no longer assigned.
    pub prune: bool,
}

/// Why no plan could be made. Each message says what to change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PopulateError {
    /// `{…}` names something other than the placeholders, or a brace is unbalanced.
    BadTemplate {
        /// The template as given.
        template: String,
        /// What is wrong with it, in words (the unknown placeholder, the unbalanced brace).
        problem: String,
    },
    /// The template gives a name the config file cannot hold (empty, `[`, `]`, line break, …).
    BadName {
        /// The account the name was made for.
        account_id: String,
        /// The role the name was made for.
        role_name: String,
        /// The name the template gave.
        name: String,
        /// Why the config file cannot hold it.
        reason: String,
    },
    /// Profiles with our names exist with other values and were not written by us.
    Conflicts(Vec<Conflict>),
    /// "Add profile": the name the template gives one role is taken by a profile with other values.
    NameTaken(Conflict),
}

/// A profile we would write, whose name is taken by a profile we did not write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The profile name (as in `[profile NAME]`).
    pub name: String,
    /// The account the profile was wanted for.
    pub account_id: String,
    /// The role the profile was wanted for.
    pub role_name: String,
}

impl fmt::Display for PopulateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PopulateError::BadTemplate { template, problem } => write!(
                f,
                "the name template {template:?} is not valid: {problem} (placeholders: {{account_name}}, \
                 {{account_id}}, {{role_name}}, {{session}}, {{region}})"
            ),
            PopulateError::BadName { account_id, role_name, name, reason } => write!(
                f,
                "the name template gives {name:?} for account {account_id} role {role_name}, which cannot be \
                 a profile name: {reason}; change the template"
            ),
            PopulateError::Conflicts(conflicts) => {
                write!(
                    f,
                    "{} profile name(s) already exist with other values and were not written by populate \
                     (no `{MARKER_KEY}` key), so nothing was written: ",
                    conflicts.len()
                )?;
                for (i, c) in conflicts.iter().take(5).enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}[profile {}] (wanted for {} {})", c.name, c.account_id, c.role_name)?;
                }
                if conflicts.len() > 5 {
                    write!(f, " and {} more", conflicts.len() - 5)?;
                }
                f.write_str("; rename or remove them, or choose another template")
            }
            PopulateError::NameTaken(c) => write!(
                f,
                "a profile named {:?} already exists with other values, so it was not written for {} {}; \
                 choose another name template, or rename that profile",
                c.name, c.account_id, c.role_name
            ),
        }
    }
}

impl std::error::Error for PopulateError {}

/// One profile's values, in the order they are written.
pub type ProfileValues = Vec<(&'static str, String)>;

/// What the plan does to one profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A new profile.
    Add {
        /// The profile name (as in `[profile NAME]`).
        name: String,
        /// The keys and values it gets.
        values: ProfileValues,
    },
    /// One of ours with other values (say, a region added): `before` as it is now.
    Update {
        /// The profile name (as in `[profile NAME]`).
        name: String,
        /// The keys and values the profile has now.
        before: ProfileValues,
        /// The keys and values it gets.
        values: ProfileValues,
    },
    /// One of ours whose account or role is gone (only with prune).
    Remove {
        /// The profile name (as in `[profile NAME]`).
        name: String,
        /// The keys and values the profile has now, for the preview.
        values: ProfileValues,
    },
}

impl Change {
    /// The name of the profile the change is about.
    pub fn name(&self) -> &str {
        match self {
            Change::Add { name, .. } | Change::Update { name, .. } | Change::Remove { name, .. } => name,
        }
    }
}

/// The changes populate would make, and what it leaves alone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PopulatePlan {
    /// One entry per profile that is added, updated or removed.
    pub changes: Vec<Change>,
    /// Profiles already as wanted (ours, or a user's own with exactly these values).
    pub unchanged: usize,
}

impl PopulatePlan {
    /// How many profiles the plan adds, updates and removes, in that order.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for change in &self.changes {
            match change {
                Change::Add { .. } => counts.0 += 1,
                Change::Update { .. } => counts.1 += 1,
                Change::Remove { .. } => counts.2 += 1,
            }
        }
        counts
    }

    /// The config file text after the plan, every other byte kept (one pass of the writer).
    pub fn apply(&self, config: &str) -> Result<String, ConfigWriteError> {
        let mut updates = Vec::new();
        let mut removals = Vec::new();
        for change in &self.changes {
            match change {
                Change::Add { name, values } | Change::Update { name, values, .. } => {
                    let values = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    updates.push(SectionUpdate::new(SectionKind::Profile, name, values));
                }
                Change::Remove { name, .. } => removals.push((SectionKind::Profile, name.as_str())),
            }
        }
        apply_section_edits(config, &updates, &removals)
    }

    /// A unified-diff-like summary for `--dry-run`: `+`, `~` and `-` per profile, with values.
    pub fn render_diff(&self) -> String {
        let mut out = String::new();
        for change in &self.changes {
            let (sign, name, values) = match change {
                Change::Add { name, values } => ('+', name, values),
                Change::Update { name, values, .. } => ('~', name, values),
                Change::Remove { name, values } => ('-', name, values),
            };
            out.push_str(&format!(
                "{sign} [{}]\n",
                crate::config::writer::section_header(SectionKind::Profile, name)
            ));
            if let Change::Update { before, .. } = change {
                for (key, value) in before {
                    if !values.contains(&(*key, value.clone())) {
                        out.push_str(&format!("-   {key} = {value}\n"));
                    }
                }
                for (key, value) in values {
                    if !before.contains(&(*key, value.clone())) {
                        out.push_str(&format!("+   {key} = {value}\n"));
                    }
                }
            } else {
                for (key, value) in values {
                    out.push_str(&format!("{sign}   {key} = {value}\n"));
                }
            }
        }
        let (added, updated, removed) = self.counts();
        out.push_str(&format!(
            "{added} to add, {updated} to update, {removed} to remove, {} unchanged\n",
            self.unchanged
        ));
        out
    }
}

/// aws-sso-util's `get_safe_account_name`: `re.sub(r"[\s\[\]]+", "-", name).strip("-")`.
pub fn safe_account_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if c.is_whitespace() || c == '[' || c == ']' {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    out.trim_matches('-').to_string()
}

/// A parsed template: literal text and placeholders.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    Field(&'static str),
}

fn parse_template(template: &str) -> Result<Vec<Piece>, PopulateError> {
    let bad = |problem: String| PopulateError::BadTemplate { template: template.into(), problem };
    let mut pieces = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        match rest.find(['{', '}']) {
            Some(at) if rest[at..].starts_with('}') => return Err(bad("a `}` without its `{`".into())),
            Some(at) => {
                if at > 0 {
                    pieces.push(Piece::Text(rest[..at].to_string()));
                }
                let close = rest[at..].find('}').ok_or_else(|| bad("a `{` without its `}`".into()))? + at;
                let field = &rest[at + 1..close];
                let known = PLACEHOLDERS
                    .iter()
                    .find(|p| **p == field)
                    .ok_or_else(|| bad(format!("unknown placeholder {{{field}}}")))?;
                pieces.push(Piece::Field(known));
                rest = &rest[close + 1..];
            }
            None => {
                pieces.push(Piece::Text(rest.to_string()));
                rest = "";
            }
        }
    }
    if !pieces.iter().any(|p| matches!(p, Piece::Field(_))) {
        return Err(bad("it has no placeholder, so every profile would get the same name".into()));
    }
    Ok(pieces)
}

/// One wanted profile before names are made unique.
struct Wanted<'a> {
    account_id: &'a str,
    role_name: &'a str,
    region: Option<&'a str>,
    name: String,
}

/// Why `name` cannot be a profile name (the writer's rules, said for a template).
fn name_problem(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        return Some("it is empty".into());
    }
    if let Some(c) = name.chars().find(|c| matches!(c, '[' | ']') || c.is_control()) {
        return Some(format!("it contains {:?}", c));
    }
    if name != name.trim() {
        return Some("it starts or ends with whitespace".into());
    }
    None
}

/// The profiles populate wants, by name, in a stable order.
fn wanted_profiles<'a>(
    accounts: &'a [AccountWithRoles],
    options: &'a PopulateOptions<'_>,
) -> Result<BTreeMap<String, Wanted<'a>>, PopulateError> {
    let pieces = parse_template(options.template)?;
    let has_region = pieces.contains(&Piece::Field("region"));
    let regions: Vec<Option<&str>> = if options.regions.is_empty() {
        vec![None]
    } else {
        options.regions.iter().map(|r| Some(r.as_str())).collect()
    };
    let mut wanted = Vec::new();
    for entry in accounts {
        let account_name =
            safe_account_name(entry.account.account_name.as_deref().unwrap_or(&entry.account.account_id));
        for role in &entry.roles {
            for region in &regions {
                let mut name = String::new();
                for piece in &pieces {
                    match piece {
                        Piece::Text(text) => name.push_str(text),
                        Piece::Field("account_name") => name.push_str(&account_name),
                        Piece::Field("account_id") => name.push_str(&entry.account.account_id),
                        Piece::Field("role_name") => name.push_str(&role.role_name),
                        Piece::Field("session") => name.push_str(options.session),
                        Piece::Field(_) => name.push_str(region.unwrap_or("")),
                    }
                }
                if regions.len() > 1 && !has_region {
                    name.push('.');
                    name.push_str(region.unwrap_or(""));
                }
                if let Some(reason) = name_problem(&name) {
                    return Err(PopulateError::BadName {
                        account_id: entry.account.account_id.clone(),
                        role_name: role.role_name.clone(),
                        name,
                        reason,
                    });
                }
                wanted.push(Wanted {
                    account_id: &entry.account.account_id,
                    role_name: &role.role_name,
                    region: *region,
                    name,
                });
            }
        }
    }
    // Collisions: widen every colliding name, step by step, until all differ.
    let suffixes: [&dyn Fn(&Wanted<'_>) -> String; 3] =
        [&|w| w.account_id.to_string(), &|w| w.role_name.to_string(), &|w| {
            w.region.unwrap_or("").to_string()
        }];
    for suffix in suffixes {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for w in &wanted {
            *seen.entry(w.name.clone()).or_default() += 1;
        }
        if seen.values().all(|&n| n == 1) {
            break;
        }
        for w in &mut wanted {
            if seen[&w.name] > 1 {
                w.name = format!("{}.{}", w.name, suffix(w));
            }
        }
    }
    let mut by_name = BTreeMap::new();
    for w in wanted {
        let name = w.name.clone();
        // Identical (account, role, region) triples only come from a portal listing a role twice.
        by_name.entry(name).or_insert(w);
    }
    Ok(by_name)
}

fn profile_values(session: &str, wanted: &Wanted<'_>) -> ProfileValues {
    let mut values = vec![
        ("sso_session", session.to_string()),
        ("sso_account_id", wanted.account_id.to_string()),
        ("sso_role_name", wanted.role_name.to_string()),
    ];
    if let Some(region) = wanted.region {
        values.push(("region", region.to_string()));
    }
    values.push((MARKER_KEY, session.to_string()));
    values
}

/// The current values of the keys populate writes, for comparing and for the diff.
fn current_values(section: &crate::config::Section) -> ProfileValues {
    ["sso_session", "sso_account_id", "sso_role_name", "region", MARKER_KEY]
        .into_iter()
        .filter_map(|k| section.get(k).map(|v| (k, v.to_string())))
        .collect()
}

/// Plans populate for `accounts` (every account and its roles, as listed) against the profiles
/// of the config file as it is now (`existing`: the config file alone, not the credentials file).
pub fn plan(
    accounts: &[AccountWithRoles],
    existing: &ConfigSet,
    options: &PopulateOptions<'_>,
) -> Result<PopulatePlan, PopulateError> {
    let wanted = wanted_profiles(accounts, options)?;
    let mut plan = PopulatePlan::default();
    let mut conflicts = Vec::new();
    for (name, w) in &wanted {
        let values = profile_values(options.session, w);
        match existing.profile(name) {
            None => plan.changes.push(Change::Add { name: name.clone(), values }),
            Some(section) => {
                let before = current_values(section);
                let ours = section.get(MARKER_KEY) == Some(options.session);
                // A user's own profile with exactly our values (marker aside) is left as it is.
                let same_target = values
                    .iter()
                    .filter(|(k, _)| *k != MARKER_KEY)
                    .all(|(k, v)| section.get(k) == Some(v.as_str()));
                if ours && before == values {
                    plan.unchanged += 1;
                } else if ours {
                    plan.changes.push(Change::Update { name: name.clone(), before, values });
                } else if same_target {
                    plan.unchanged += 1;
                } else {
                    conflicts.push(Conflict {
                        name: name.clone(),
                        account_id: w.account_id.to_string(),
                        role_name: w.role_name.to_string(),
                    });
                }
            }
        }
    }
    if !conflicts.is_empty() {
        return Err(PopulateError::Conflicts(conflicts));
    }
    if options.prune {
        let assigned: BTreeSet<(&str, &str)> = accounts
            .iter()
            .flat_map(|a| a.roles.iter().map(move |r| (a.account.account_id.as_str(), r.role_name.as_str())))
            .collect();
        for (name, section) in existing.profiles.iter() {
            if section.get(MARKER_KEY) != Some(options.session) || wanted.contains_key(name.as_str()) {
                continue;
            }
            let target =
                (section.get("sso_account_id").unwrap_or(""), section.get("sso_role_name").unwrap_or(""));
            if !assigned.contains(&target) {
                plan.changes.push(Change::Remove { name: name.clone(), values: current_values(section) });
            }
        }
    }
    Ok(plan)
}

/// One role of the account browser's "Add profile".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleProfileRequest<'a> {
    /// The sso-session the profile signs in with (as in [`PopulateOptions::session`]).
    pub session: &'a str,
    /// The profile name template, the same as populate's.
    pub template: &'a str,
    /// The 12-digit AWS account id.
    pub account_id: &'a str,
    /// As the portal lists it (made safe here, as populate does); `None`: the account id stands in.
    pub account_name: Option<&'a str>,
    /// The permission set's role name, as the portal lists it (`sso_role_name`).
    pub role_name: &'a str,
    /// `region = …` for the profile (and `{region}` in the template), when one is chosen.
    pub region: Option<&'a str>,
}

/// What "Add profile" would write for one role, and whether that is already there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleProfile {
    /// The profile name the template gives (as in `[profile NAME]`).
    pub name: String,
    /// The keys in the order the helper's `writeProfile` writes them.
    pub values: ProfileValues,
    /// The section exactly as the config writer adds it to a file, for the preview.
    pub section: String,
    /// A profile of that name already has these values (a user's own, or one populate wrote).
    pub exists: bool,
}

/// "Add profile": one role's profile, named by the template exactly as populate names it (same
/// placeholders, safe account names and name checks), but without populate's marker: the user asked
/// for this one profile, so prune must never remove it. A profile of that name with other values is
/// refused (`NameTaken`), never overwritten.
pub fn role_profile(
    existing: &ConfigSet,
    request: &RoleProfileRequest<'_>,
) -> Result<RoleProfile, PopulateError> {
    let listed = [AccountWithRoles {
        account: crate::portal::AccountInfo {
            account_id: request.account_id.to_string(),
            account_name: request.account_name.map(str::to_string),
            email_address: None,
        },
        roles: vec![crate::portal::RoleInfo {
            role_name: request.role_name.to_string(),
            account_id: request.account_id.to_string(),
        }],
    }];
    let regions: Vec<String> = request.region.map(str::to_string).into_iter().collect();
    let options = PopulateOptions {
        session: request.session,
        template: request.template,
        regions: &regions,
        prune: false,
    };
    let wanted = wanted_profiles(&listed, &options)?;
    // One account with one role in one region: exactly one name.
    let Some((name, w)) = wanted.iter().next() else { unreachable!("one role gives one profile") };
    let values: ProfileValues =
        profile_values(request.session, w).into_iter().filter(|(key, _)| *key != MARKER_KEY).collect();
    let exists = match existing.profile(name) {
        None => false,
        Some(section) if values.iter().all(|(k, v)| section.get(k) == Some(v.as_str())) => true,
        Some(_) => {
            return Err(PopulateError::NameTaken(Conflict {
                name: name.clone(),
                account_id: request.account_id.to_string(),
                role_name: request.role_name.to_string(),
            }))
        }
    };
    let pairs = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let section =
        crate::config::writer::update_section("", &SectionUpdate::new(SectionKind::Profile, name, pairs))
            .map_err(|e| PopulateError::BadName {
                account_id: request.account_id.to_string(),
                role_name: request.role_name.to_string(),
                name: name.clone(),
                reason: e.to_string(),
            })?;
    Ok(RoleProfile { name: name.clone(), values, section, exists })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{parse_files, SourceFile};
    use crate::portal::{AccountInfo, RoleInfo};

    fn account(id: &str, name: &str, roles: &[&str]) -> AccountWithRoles {
        AccountWithRoles {
            account: AccountInfo {
                account_id: id.into(),
                account_name: Some(name.into()),
                email_address: None,
            },
            roles: roles.iter().map(|r| RoleInfo { role_name: (*r).into(), account_id: id.into() }).collect(),
        }
    }

    fn parsed(text: &str) -> ConfigSet {
        parse_files(Some(&SourceFile::config("config", text)), None).unwrap()
    }

    fn options<'a>(template: &'a str, regions: &'a [String], prune: bool) -> PopulateOptions<'a> {
        PopulateOptions { session: "corp", template, regions, prune }
    }

    fn names(plan: &PopulatePlan) -> Vec<&str> {
        plan.changes.iter().map(Change::name).collect()
    }

    #[test]
    fn safe_account_names_like_aws_sso_util() {
        assert_eq!(safe_account_name("My  Account [prod]"), "My-Account-prod");
        assert_eq!(safe_account_name(" lead\ttrail "), "lead-trail");
        assert_eq!(safe_account_name("[]"), "");
        assert_eq!(safe_account_name("a-b"), "a-b");
    }

    #[test]
    fn templates_are_checked() {
        for (template, problem) in [
            ("{account}", "unknown placeholder {account}"),
            ("{role_name", "a `{` without its `}`"),
            ("x}", "a `}` without its `{`"),
            ("fixed", "it has no placeholder"),
        ] {
            let err = plan(&[], &parsed(""), &options(template, &[], false)).unwrap_err();
            assert!(err.to_string().contains(problem), "{template}: {err}");
        }
        let accounts = [account("111111111111", "[ ]", &["Admin"])];
        let err = plan(&accounts, &parsed(""), &options("{account_name}", &[], false)).unwrap_err();
        assert!(matches!(err, PopulateError::BadName { ref reason, .. } if reason == "it is empty"), "{err}");
        let err = plan(&accounts, &parsed(""), &options("{role_name}]", &[], false)).unwrap_err();
        assert!(err.to_string().contains("cannot be a profile name"), "{err}");
    }

    #[test]
    fn names_values_and_deterministic_collisions() {
        let accounts = [
            account("222222222222", "Shared Name", &["Admin", "ReadOnly"]),
            account("111111111111", "Shared Name", &["Admin"]),
            account("333333333333", "Solo", &["Admin"]),
        ];
        let p = plan(&accounts, &parsed(""), &options(DEFAULT_TEMPLATE, &[], false)).unwrap();
        assert_eq!(
            names(&p),
            [
                "Shared-Name.Admin.111111111111",
                "Shared-Name.Admin.222222222222",
                "Shared-Name.ReadOnly",
                "Solo.Admin"
            ]
        );
        // The listing order does not matter.
        let reversed: Vec<_> = accounts.iter().rev().cloned().collect();
        assert_eq!(plan(&reversed, &parsed(""), &options(DEFAULT_TEMPLATE, &[], false)).unwrap(), p);
        assert_eq!(
            p.changes[3],
            Change::Add {
                name: "Solo.Admin".into(),
                values: vec![
                    ("sso_session", "corp".into()),
                    ("sso_account_id", "333333333333".into()),
                    ("sso_role_name", "Admin".into()),
                    (MARKER_KEY, "corp".into()),
                ]
            }
        );
        // A template without the role: the role is appended to tell them apart.
        let p = plan(&accounts[..1], &parsed(""), &options("{session}-{account_id}", &[], false)).unwrap();
        assert_eq!(
            names(&p),
            ["corp-222222222222.222222222222.Admin", "corp-222222222222.222222222222.ReadOnly"]
        );
        // Several regions: one profile per region, the region appended.
        let regions = ["eu-west-1".to_string(), "us-east-1".to_string()];
        let p = plan(&accounts[2..], &parsed(""), &options(DEFAULT_TEMPLATE, &regions, false)).unwrap();
        assert_eq!(names(&p), ["Solo.Admin.eu-west-1", "Solo.Admin.us-east-1"]);
    }

    fn role_request<'a>(
        template: &'a str,
        account_name: Option<&'a str>,
        region: Option<&'a str>,
    ) -> RoleProfileRequest<'a> {
        RoleProfileRequest {
            session: "corp",
            template,
            account_id: "111122223333",
            account_name,
            role_name: "ReadOnly",
            region,
        }
    }

    #[test]
    fn one_role_profile_is_named_like_populate_without_the_marker() {
        let empty = parsed("");
        let got = role_profile(
            &empty,
            &role_request(DEFAULT_TEMPLATE, Some("My [Prod] Account"), Some("eu-west-1")),
        )
        .unwrap();
        assert_eq!(got.name, "My-Prod-Account.ReadOnly");
        assert!(!got.exists);
        assert_eq!(
            got.section,
            "[profile My-Prod-Account.ReadOnly]\nsso_session = corp\nsso_account_id = 111122223333\n\
             sso_role_name = ReadOnly\nregion = eu-west-1\n"
        );
        // The same name populate would give that role in that region.
        let accounts = [account("111122223333", "My [Prod] Account", &["ReadOnly"])];
        let regions = ["eu-west-1".to_string()];
        let planned = plan(&accounts, &empty, &options(DEFAULT_TEMPLATE, &regions, false)).unwrap();
        assert_eq!(names(&planned), [got.name.as_str()]);
        assert!(
            !got.values.iter().any(|(k, _)| *k == MARKER_KEY),
            "no populate marker: prune never removes it"
        );

        // No account name: the id stands in; no region: no region key.
        let bare =
            role_profile(&empty, &role_request("{account_name}-{role_name}-{session}", None, None)).unwrap();
        assert_eq!(bare.name, "111122223333-ReadOnly-corp");
        assert!(!bare.section.contains("region"));
    }

    #[test]
    fn one_role_profile_refuses_a_taken_name_and_knows_an_identical_one() {
        let same = parsed(
            "[profile Prod.ReadOnly]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\noutput = json\n",
        );
        let got = role_profile(&same, &role_request(DEFAULT_TEMPLATE, Some("Prod"), None)).unwrap();
        assert!(got.exists, "same values (other keys aside): already there");

        let other = parsed("[profile Prod.ReadOnly]\nsso_session = corp\nsso_account_id = 999988887777\nsso_role_name = ReadOnly\n");
        let error = role_profile(&other, &role_request(DEFAULT_TEMPLATE, Some("Prod"), None)).unwrap_err();
        assert!(matches!(&error, PopulateError::NameTaken(c) if c.name == "Prod.ReadOnly"));
        assert!(error.to_string().contains("already exists with other values"), "{error}");

        // A region we would write but the existing one lacks is another value too.
        let error = role_profile(&same, &role_request(DEFAULT_TEMPLATE, Some("Prod"), Some("us-east-1")))
            .unwrap_err();
        assert!(matches!(error, PopulateError::NameTaken(_)));
    }

    #[test]
    fn one_role_profile_checks_the_template_and_the_name() {
        let empty = parsed("");
        assert!(matches!(
            role_profile(&empty, &role_request("{account}", Some("Prod"), None)),
            Err(PopulateError::BadTemplate { .. })
        ));
        assert!(matches!(
            role_profile(&empty, &role_request("{account_name}", Some("   "), None)),
            Err(PopulateError::BadName { .. })
        ));
    }

    #[test]
    fn ours_are_updated_theirs_refused_or_left_alone() {
        let accounts = [account("111111111111", "Dev", &["Admin", "ReadOnly"])];
        let config = "[profile Dev.Admin]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\n\
                      sso_bridge_populate = corp\n[profile Dev.ReadOnly]\nsso_session = corp\nsso_account_id = 111111111111\n\
                      sso_role_name = ReadOnly\n";
        let p = plan(&accounts, &parsed(config), &options(DEFAULT_TEMPLATE, &[], false)).unwrap();
        assert!(p.changes.is_empty(), "{p:?}");
        assert_eq!(p.unchanged, 2);
        // A region now: ours is updated, the user's own (same target, no region) is refused.
        let regions = ["eu-west-1".to_string()];
        let err = plan(&accounts, &parsed(config), &options(DEFAULT_TEMPLATE, &regions, false)).unwrap_err();
        assert_eq!(
            err,
            PopulateError::Conflicts(vec![Conflict {
                name: "Dev.ReadOnly".into(),
                account_id: "111111111111".into(),
                role_name: "ReadOnly".into()
            }])
        );
        let theirs =
            "[profile Dev.Admin]\nsso_session = corp\nsso_account_id = 999999999999\nsso_role_name = Admin\n";
        let err = plan(&accounts, &parsed(theirs), &options(DEFAULT_TEMPLATE, &[], false)).unwrap_err();
        assert!(err.to_string().contains("[profile Dev.Admin] (wanted for 111111111111 Admin)"), "{err}");
        let p = plan(
            &accounts[..],
            &parsed(&config.replace("Dev.ReadOnly", "Other")),
            &options(DEFAULT_TEMPLATE, &regions, false),
        )
        .unwrap();
        assert_eq!(p.counts(), (1, 1, 0));
        let applied = p.apply(config).unwrap();
        assert!(
            applied.contains("sso_role_name = Admin\nsso_bridge_populate = corp\nregion = eu-west-1\n"),
            "{applied}"
        );
    }

    #[test]
    fn prune_removes_only_our_profiles_of_gone_accounts_or_roles() {
        let config = "# mine\n[profile hand-made]\nsso_session = corp\nsso_account_id = 999999999999\nsso_role_name = Admin\n\
                      [profile Gone.Admin]\nsso_session = corp\nsso_account_id = 999999999999\nsso_role_name = Admin\n\
                      sso_bridge_populate = corp\n[profile Other.Admin]\nsso_session = other\nsso_account_id = 999999999999\n\
                      sso_role_name = Admin\nsso_bridge_populate = other\n[profile Renamed]\nsso_session = corp\n\
                      sso_account_id = 111111111111\nsso_role_name = Admin\nsso_bridge_populate = corp\n";
        let accounts = [account("111111111111", "Dev", &["Admin"])];
        let p = plan(&accounts, &parsed(config), &options(DEFAULT_TEMPLATE, &[], true)).unwrap();
        assert_eq!(names(&p), ["Dev.Admin", "Gone.Admin"]);
        let applied = p.apply(config).unwrap();
        assert!(!applied.contains("[profile Gone.Admin]"));
        for kept in ["# mine\n[profile hand-made]", "[profile Other.Admin]", "[profile Renamed]"] {
            assert!(applied.contains(kept), "{kept}: {applied}");
        }
        let diff = p.render_diff();
        assert!(diff.starts_with("+ [profile Dev.Admin]\n+   sso_session = corp\n"), "{diff}");
        assert!(diff.contains("- [profile Gone.Admin]\n-   sso_session = corp\n"), "{diff}");
        assert!(diff.ends_with("1 to add, 0 to update, 1 to remove, 0 unchanged\n"), "{diff}");
        // Without prune nothing is removed.
        let p = plan(&accounts, &parsed(config), &options(DEFAULT_TEMPLATE, &[], false)).unwrap();
        assert_eq!(names(&p), ["Dev.Admin"]);
    }
}
