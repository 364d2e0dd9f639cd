//! The helper's `populate` request (`host/PROTOCOL.md`): the extension lists the accounts and roles
//! (it holds the token and talks to AWS), the helper plans the profiles with the core's `populate`
//! against the config file and, when asked, writes them in one atomic replace with a backup, exactly
//! as `sso-bridge populate` does.

use crate::aws_files::Target;
use crate::cli::sso_session::read_config;
use crate::error_codes::{ErrorCode, HostError};
use crate::handlers::path_string;
use crate::messages::{ChangeAction, ListedAccount, PlannedChange, PopulateReply, PopulateRequest};
use crate::native_host::Context;
use sso_bridge::config::sso::resolve_sso_session;
use sso_bridge::flows::listing::AccountWithRoles;
use sso_bridge::populate::{plan, Change, PopulateOptions, DEFAULT_TEMPLATE};
use sso_bridge::portal::{AccountInfo, RoleInfo};

/// More accounts than any directory we know of; keeps one request's work bounded.
pub const MAX_ACCOUNTS: usize = 20_000;

fn accounts(listed: Vec<ListedAccount<'_>>) -> Vec<AccountWithRoles> {
    listed
        .into_iter()
        .map(|entry| {
            let account_id = entry.account_id.0.to_string();
            let roles = entry
                .roles
                .into_iter()
                .map(|role| RoleInfo { role_name: role.to_string(), account_id: account_id.clone() })
                .collect();
            AccountWithRoles {
                account: AccountInfo {
                    account_id,
                    account_name: entry.account_name.map(str::to_string),
                    email_address: None,
                },
                roles,
            }
        })
        .collect()
}

/// `populate`: plan (default) or, with `apply: true`, write.
pub fn handle(ctx: &Context, request: PopulateRequest<'_>) -> Result<PopulateReply, HostError> {
    let session = request.session_name.0;
    let template = request.template.unwrap_or(DEFAULT_TEMPLATE);
    let regions: Vec<String> = request.regions.unwrap_or_default().into_iter().map(str::to_string).collect();
    let prune = request.prune.unwrap_or(false);
    let apply = request.apply.unwrap_or(false);
    if request.accounts.len() > MAX_ACCOUNTS {
        return Err(HostError::new(
            ErrorCode::InvalidValue,
            format!("`accounts` has more than {MAX_ACCOUNTS} accounts"),
        ));
    }
    let listed = accounts(request.accounts);

    let _lock = if apply { Some(ctx.files.lock()?) } else { None };
    let (before, set) = read_config(&ctx.files)?;
    if resolve_sso_session(&set, session).is_none() {
        return Err(HostError::new(
            ErrorCode::ProfileNotFound,
            format!("there is no [sso-session {session}] in the config file"),
        ));
    }
    let options = PopulateOptions { session, template, regions: &regions, prune };
    let the_plan =
        plan(&listed, &set, &options).map_err(|e| HostError::new(ErrorCode::InvalidValue, e.to_string()))?;
    let (added, updated, removed) = the_plan.counts();
    let changes = the_plan
        .changes
        .iter()
        .map(|change| PlannedChange {
            action: match change {
                Change::Add { .. } => ChangeAction::Add,
                Change::Update { .. } => ChangeAction::Update,
                Change::Remove { .. } => ChangeAction::Remove,
            },
            name: change.name().to_string(),
        })
        .collect();
    let mut reply = PopulateReply {
        changes,
        added,
        updated,
        removed,
        unchanged: the_plan.unchanged,
        path: None,
        backup: None,
        changed: None,
    };
    if !apply {
        return Ok(reply);
    }
    let path = ctx.files.config_file().to_path_buf();
    let mut backup = None;
    if !the_plan.changes.is_empty() {
        let old = before.clone().unwrap_or_default();
        let new = the_plan.apply(&old).map_err(|e| HostError::new(ErrorCode::InvalidValue, e.to_string()))?;
        if before.is_some() {
            backup = Some(path_string(&ctx.files.write(&Target::ConfigBackup, old.as_bytes())?));
        }
        ctx.files.write(&Target::Config, new.as_bytes())?;
    }
    reply.path = Some(path_string(&path));
    reply.backup = Some(backup);
    reply.changed = Some(!the_plan.changes.is_empty());
    Ok(reply)
}
