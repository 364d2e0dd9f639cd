//! The helper's `roleProfile` request (`host/PROTOCOL.md`): the popup's "Add profile" for one role
//! of the account browser. The name comes from populate's template and naming rules (the core's
//! `populate::role_profile`), the section from the config writer; the plan is shown as a preview,
//! and with `apply` the same plan is made again and written under the lock in the one read-modify-write
//! `writeProfile` uses, so a profile that appeared meanwhile is refused, never overwritten.

use crate::cli::sso_session::read_config;
use crate::error_codes::{ErrorCode, HostError};
use crate::handlers::edit_config;
use crate::messages::{RoleProfileReply, RoleProfileRequest as RoleProfileMessage};
use crate::native_host::Context;
use sso_bridge::config::sso::resolve_sso_session;
use sso_bridge::config::{parse_files, SourceFile};
use sso_bridge::populate::{role_profile, RoleProfile, RoleProfileRequest, DEFAULT_TEMPLATE};

fn plan(text: &str, request: &RoleProfileRequest<'_>) -> Result<RoleProfile, HostError> {
    let set = parse_files(Some(&SourceFile::config("config", text)), None).map_err(|e| {
        HostError::new(
            ErrorCode::ConfigInvalid,
            format!("cannot read the config file: {e}; fix that line first (nothing was written)"),
        )
    })?;
    if resolve_sso_session(&set, request.session).is_none() {
        return Err(HostError::new(
            ErrorCode::ProfileNotFound,
            format!("there is no [sso-session {}] in the config file", request.session),
        ));
    }
    role_profile(&set, request).map_err(|e| HostError::new(ErrorCode::InvalidValue, e.to_string()))
}

/// `roleProfile`: the plan (default) or, with `apply: true`, the write.
pub fn handle(ctx: &Context, message: RoleProfileMessage<'_>) -> Result<RoleProfileReply, HostError> {
    let request = RoleProfileRequest {
        session: message.session_name.0,
        template: message.template.unwrap_or(DEFAULT_TEMPLATE),
        account_id: message.account_id.0,
        account_name: message.account_name,
        role_name: message.role_name,
        region: message.region.map(|region| region.0),
    };
    let apply = message.apply.unwrap_or(false);
    if apply {
        let mut planned = None;
        let written = edit_config(ctx, |text| {
            let found = plan(text, &request)?;
            let out = if found.exists {
                text.to_string()
            } else {
                let values = found.values.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let update = sso_bridge::config::writer::SectionUpdate::new(
                    sso_bridge::config::writer::SectionKind::Profile,
                    &found.name,
                    values,
                );
                sso_bridge::config::writer::update_section(text, &update)
                    .map_err(|e| HostError::new(ErrorCode::InvalidValue, e.to_string()))?
            };
            planned = Some(found);
            Ok(out)
        })?;
        let planned =
            planned.ok_or_else(|| HostError::new(ErrorCode::Internal, "the config edit did not run"))?;
        return Ok(reply_of(&planned).applied(written));
    }
    let (text, _) = read_config(&ctx.files)?;
    Ok(reply_of(&plan(text.as_deref().unwrap_or(""), &request)?))
}

fn reply_of(found: &RoleProfile) -> RoleProfileReply {
    RoleProfileReply {
        name: found.name.clone(),
        section: found.section.clone(),
        exists: found.exists,
        path: None,
        backup: None,
        changed: None,
    }
}
