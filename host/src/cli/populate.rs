//! `sso-bridge populate --session S [--template T] [--region R]… [--prune] [--dry-run]`: a profile
//! for every account and role the session can use (the plan is the core's `populate`), written in
//! one atomic replace of the config file with a backup of the old one next to it.
//!
//! Listing: the accounts first (all pages), then every account's roles on [`WORKERS`] threads that
//! share one adaptive request rate (`flows::pacing`), each call with the 429 backoff and
//! `Retry-After`. Any failure (the session ending, a throttling storm that outlasts the retries)
//! stops the listing, and nothing is written: the config file stays byte-identical.

use super::sso_session::{self, read_config, resolve_target, sso_error, valid_token};
use crate::aws_files::{AwsFiles, Target};
use crate::error_codes::{ErrorCode, HostError};
use crate::platform::{Env, Os};
use sso_bridge::config::endpoint::SsoService;
use sso_bridge::error::SsoError;
use sso_bridge::flows::listing::{list_all_accounts, list_all_roles, AccountWithRoles, ListOptions};
use sso_bridge::flows::pacing::{AdaptivePacer, MillisClock, PacedTransport};
use sso_bridge::flows::Cancellation;
use sso_bridge::http::{Clock, Random, Sleep, Transport};
use sso_bridge::populate::{plan, PopulateOptions, PopulatePlan, DEFAULT_TEMPLATE};
use sso_bridge::portal::PortalClient;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Role listings in flight at once (threads). The pacer, not this, keeps us under the service's
/// rate; this only bounds what a slow answer can hold up.
pub const WORKERS: usize = 8;

/// The arguments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PopulateArgs {
    pub session: String,
    pub template: Option<String>,
    pub regions: Vec<String>,
    pub prune: bool,
    pub dry_run: bool,
}

/// Milliseconds since the listing started (monotonic).
pub struct Elapsed(pub Instant);

impl MillisClock for Elapsed {
    fn now_ms(&self) -> i64 {
        i64::try_from(self.0.elapsed().as_millis()).unwrap_or(i64::MAX)
    }
}

/// How far the listing is (shared with the progress line).
#[derive(Default)]
pub struct Progress {
    pub accounts_total: AtomicUsize,
    pub accounts_listed: AtomicUsize,
    pub roles_found: AtomicUsize,
}

/// Every account of the token and all its roles, in the portal's account order.
#[allow(clippy::too_many_arguments)]
pub fn list_everything<T, S, R>(
    portal_url: &str,
    transport: &T,
    sleep: &S,
    random: &R,
    token: &sso_bridge::secret::Secret,
    pacer: &AdaptivePacer,
    progress: &Progress,
    cancel: &Cancellation,
) -> Result<Vec<AccountWithRoles>, SsoError>
where
    T: Transport + Sync,
    S: Sleep + Sync,
    R: Random + Sync,
{
    let clock = Elapsed(Instant::now());
    let paced = PacedTransport { inner: transport, pacer, clock: &clock, sleep };
    let portal = PortalClient::new(portal_url, &paced)?;
    let options = ListOptions::default();
    let accounts = pollster::block_on(list_all_accounts(&portal, sleep, random, token, &options, cancel))?;
    progress.accounts_total.store(accounts.len(), Ordering::Relaxed);
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Vec<sso_bridge::portal::RoleInfo>>>> =
        accounts.iter().map(|_| Mutex::new(None)).collect();
    let first_error: Mutex<Option<SsoError>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..WORKERS.min(accounts.len()) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(account) = accounts.get(index) else { break };
                if cancel.is_cancelled() {
                    break;
                }
                let listed = pollster::block_on(list_all_roles(
                    &portal,
                    sleep,
                    random,
                    token,
                    &account.account_id,
                    &options,
                    cancel,
                ));
                match listed {
                    Ok(roles) => {
                        progress.roles_found.fetch_add(roles.len(), Ordering::Relaxed);
                        progress.accounts_listed.fetch_add(1, Ordering::Relaxed);
                        *results[index].lock().unwrap_or_else(|p| p.into_inner()) = Some(roles);
                    }
                    Err(error) => {
                        let mut slot = first_error.lock().unwrap_or_else(|p| p.into_inner());
                        // The first real error wins over the `cancelled` ones it causes.
                        if slot.is_none() {
                            *slot = Some(error);
                        }
                        cancel.cancel();
                        break;
                    }
                }
            });
        }
    });
    if let Some(error) = first_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(error);
    }
    Ok(accounts
        .into_iter()
        .zip(results)
        .map(|(account, roles)| AccountWithRoles {
            account,
            roles: roles.into_inner().unwrap_or_else(|p| p.into_inner()).unwrap_or_default(),
        })
        .collect())
}

/// The progress line on a terminal: rewritten in place every 100 ms while `work` runs.
fn with_progress_line<T>(progress: &Progress, show: bool, work: impl FnOnce() -> T + Send) -> T
where
    T: Send,
{
    if !show {
        return work();
    }
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut stderr = std::io::stderr();
            while !done.load(Ordering::Relaxed) {
                let total = progress.accounts_total.load(Ordering::Relaxed);
                let listed = progress.accounts_listed.load(Ordering::Relaxed);
                let roles = progress.roles_found.load(Ordering::Relaxed);
                let _ = write!(stderr, "\rlisting roles: {listed}/{total} accounts, {roles} roles");
                let _ = stderr.flush();
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = writeln!(stderr, "\r\x1b[K");
        });
        let result = work();
        done.store(true, Ordering::Relaxed);
        result
    })
}

/// `sso-bridge populate`.
#[allow(clippy::too_many_arguments)]
pub fn run<T, E>(
    args: &PopulateArgs,
    os: Os,
    env: &impl Env,
    transport: &T,
    effects: &E,
    show_progress: bool,
    out: &mut impl Write,
) -> Result<u8, HostError>
where
    T: Transport + Sync,
    E: Clock + Sleep + Random + Sync,
{
    crate::protocol::check_name("--session", &args.session)?;
    let files = AwsFiles::from_env(os, env)?;
    let (before, set) = read_config(&files)?;
    let target = resolve_target(&set, Some(&args.session), None, env)?;
    let template = args.template.as_deref().unwrap_or(DEFAULT_TEMPLATE);
    let options =
        PopulateOptions { session: &args.session, template, regions: &args.regions, prune: args.prune };
    // A bad template is refused before any call to AWS.
    plan(&[], &set, &options).map_err(|e| HostError::new(ErrorCode::InvalidValue, e.to_string()))?;
    let token = valid_token(&files, &target, effects.now())?;
    let portal_url = sso_session::endpoint(SsoService::Portal, &target, &set, env)?;

    let pacer = AdaptivePacer::new();
    let progress = Progress::default();
    let cancel = Cancellation::new();
    let started = Instant::now();
    let listed = with_progress_line(&progress, show_progress, || {
        list_everything(
            &portal_url,
            transport,
            effects,
            effects,
            &token.access_token,
            &pacer,
            &progress,
            &cancel,
        )
    });
    let accounts = listed.map_err(|e| {
        let listed = progress.accounts_listed.load(Ordering::Relaxed);
        let total = progress.accounts_total.load(Ordering::Relaxed);
        sso_error(
            e,
            &format!(
                "listing the roles of {} stopped after {listed} of {total} accounts, so nothing was written",
                target.description
            ),
        )
    })?;
    let listing_time = started.elapsed();
    let the_plan = plan(&accounts, &set, &options)
        .map_err(|e| HostError::new(ErrorCode::InvalidValue, e.to_string()))?;
    let stats = pacer.stats();
    let roles: usize = accounts.iter().map(|a| a.roles.len()).sum();
    let summary = format!(
        "{} accounts, {roles} roles listed in {:.1} s ({} requests, {} throttled)\n",
        accounts.len(),
        listing_time.as_secs_f64(),
        stats.sent,
        stats.throttled
    );
    if args.dry_run {
        let text = format!("{}{summary}dry run: nothing was written\n", the_plan.render_diff());
        return write_out(out, &text).map(|()| 0);
    }
    let written = apply(&files, before.as_deref(), &the_plan)?;
    let (added, updated, removed) = the_plan.counts();
    let text = format!(
        "{summary}{added} added, {updated} updated, {removed} removed, {} unchanged{}\n",
        the_plan.unchanged,
        match written {
            Some(path) => format!(" in {path}"),
            None => String::new(),
        }
    );
    write_out(out, &text).map(|()| 0)
}

fn write_out(out: &mut impl Write, text: &str) -> Result<(), HostError> {
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| HostError::new(ErrorCode::Internal, format!("cannot write to stdout: {e}")))
}

/// Writes the plan: under the helper's lock, only if the file is still what was planned against,
/// the old file backed up next to it, the new one replacing it atomically. `None`: nothing to do.
fn apply(
    files: &AwsFiles,
    planned_against: Option<&str>,
    the_plan: &PopulatePlan,
) -> Result<Option<String>, HostError> {
    if the_plan.changes.is_empty() {
        return Ok(None);
    }
    let _lock = files.lock()?;
    let path = files.config_file().to_path_buf();
    let now = crate::handlers::read_text(files, &path)?;
    if now.as_deref() != planned_against {
        return Err(HostError::new(
            ErrorCode::Busy,
            format!(
                "{} changed while populate was listing; run it again (nothing was written)",
                path.display()
            ),
        ));
    }
    let old = now.unwrap_or_default();
    let new = the_plan.apply(&old).map_err(|e| HostError::new(ErrorCode::InvalidValue, e.to_string()))?;
    if planned_against.is_some() {
        files.write(&Target::ConfigBackup, old.as_bytes())?;
    }
    files.write(&Target::Config, new.as_bytes())?;
    Ok(Some(path.display().to_string()))
}
