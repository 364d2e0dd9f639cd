//! The helper's `populate` request (`host/PROTOCOL.md`): the extension lists the accounts and roles
//! (it holds the token and talks to AWS), the helper plans the profiles with the core's `populate`
//! against the config file and, when asked, writes them in one atomic replace with a backup, exactly
//! as `sso-bridge populate` does.

use crate::aws_files::Target;
use crate::cli::sso_session::read_config;
use crate::error_codes::{ErrorCode, HostError};
use crate::native_host::Context;
use crate::protocol::Fields;
use serde_json::{json, Map, Value};
use sso_bridge::config::sso::resolve_sso_session;
use sso_bridge::flows::listing::AccountWithRoles;
use sso_bridge::populate::{plan, Change, PopulateOptions, DEFAULT_TEMPLATE};
use sso_bridge::portal::{AccountInfo, RoleInfo};

/// More accounts than any directory we know of; keeps one request's work bounded.
pub const MAX_ACCOUNTS: usize = 20_000;

fn accounts(fields: &Fields<'_>) -> Result<Vec<AccountWithRoles>, HostError> {
    let Some(value) = fields.raw("accounts") else {
        return Err(HostError::new(
            ErrorCode::MissingField,
            "`accounts` is required: [{accountId, accountName, roles}]",
        ));
    };
    let list = value
        .as_array()
        .ok_or_else(|| HostError::new(ErrorCode::WrongFieldType, "`accounts` must be an array"))?;
    if list.len() > MAX_ACCOUNTS {
        return Err(fields.invalid("accounts", &format!("more than {MAX_ACCOUNTS} accounts")));
    }
    list.iter()
        .enumerate()
        .map(|(i, item)| {
            let object = item.as_object().ok_or_else(|| {
                HostError::new(ErrorCode::WrongFieldType, format!("`accounts[{i}]` must be an object"))
            })?;
            let entry = Fields::new(object);
            let account_id = entry.str("accountId")?.to_string();
            if account_id.len() != 12 || !account_id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(HostError::new(
                    ErrorCode::InvalidValue,
                    format!("`accounts[{i}].accountId` must be a 12-digit AWS account id"),
                ));
            }
            let account_name = entry.opt_str("accountName")?.map(str::to_string);
            let roles = entry
                .opt_str_list("roles")?
                .ok_or_else(|| {
                    HostError::new(ErrorCode::MissingField, format!("`accounts[{i}].roles` is required"))
                })?
                .into_iter()
                .map(|role| RoleInfo { role_name: role.to_string(), account_id: account_id.clone() })
                .collect();
            Ok(AccountWithRoles {
                account: AccountInfo { account_id, account_name, email_address: None },
                roles,
            })
        })
        .collect()
}

/// `populate`: plan (default) or, with `apply: true`, write.
pub fn handle(ctx: &Context, fields: &Fields<'_>) -> Result<Map<String, Value>, HostError> {
    let session = fields.name("sessionName")?;
    let template = fields.opt_str("template")?.unwrap_or(DEFAULT_TEMPLATE);
    let regions: Vec<String> =
        fields.opt_str_list("regions")?.unwrap_or_default().into_iter().map(str::to_string).collect();
    let prune = fields.opt_bool("prune")?.unwrap_or(false);
    let apply = fields.opt_bool("apply")?.unwrap_or(false);
    let listed = accounts(fields)?;

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
    let changes: Vec<Value> = the_plan
        .changes
        .iter()
        .map(|change| {
            let action = match change {
                Change::Add { .. } => "add",
                Change::Update { .. } => "update",
                Change::Remove { .. } => "remove",
            };
            json!({ "action": action, "name": change.name() })
        })
        .collect();
    let mut reply = Map::new();
    reply.insert("changes".into(), Value::Array(changes));
    reply.insert("added".into(), json!(added));
    reply.insert("updated".into(), json!(updated));
    reply.insert("removed".into(), json!(removed));
    reply.insert("unchanged".into(), json!(the_plan.unchanged));
    if !apply {
        return Ok(reply);
    }
    let path = ctx.files.config_file().to_path_buf();
    let mut backup = Value::Null;
    if !the_plan.changes.is_empty() {
        let old = before.clone().unwrap_or_default();
        let new = the_plan.apply(&old).map_err(|e| HostError::new(ErrorCode::InvalidValue, e.to_string()))?;
        if before.is_some() {
            backup = json!(ctx.files.write(&Target::ConfigBackup, old.as_bytes())?.display().to_string());
        }
        ctx.files.write(&Target::Config, new.as_bytes())?;
    }
    reply.insert("path".into(), json!(path.display().to_string()));
    reply.insert("backup".into(), backup);
    reply.insert("changed".into(), json!(!the_plan.changes.is_empty()));
    Ok(reply)
}
