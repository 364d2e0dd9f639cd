// "Add all…": a profile for every account × role of a signed-in session. The worker owns the job
// (the popup may close and reopen while it runs): it lists the accounts and their roles with the
// core (a few role listings at a time, each with the core's 429 backoff and Retry-After), keeps the
// progress in `chrome.storage.session` and tells open popups, then hands the listing to the helper's
// `populate` (host/PROTOCOL.md), which plans (preview) or writes (one atomic write with a backup).
// The token stays in the worker; the job and the listing hold account ids, names and role names only.

import type { ListedAccount, PopulateReply, PopulateRequest } from '../helper-protocol.js';
import type { UserError } from '../messages.js';
import {
  POPULATE_CHANGES_SHOWN,
  type PopulateChange,
  type PopulateJob,
  type PopulateOptions,
  type PopulatePlanView,
} from '../populate-messages.js';
import * as core from './core.js';
import { fail, toUserError } from './errors.js';
import { HELPER_ERROR, helper, isHelperError } from './native.js';

const JOB_KEY = 'populateJob';
/** The accounts and roles of the last listing, so Apply writes exactly what the preview showed. */
const LISTING_KEY = 'populateListing';
/** Role listings in flight at once: the core's default for listAccountsAndRoles. */
const CONCURRENCY = 4;
/** Progress is stored and pushed to the popup at most this often. */
const PROGRESS_EVERY_MS = 200;
/**
 * The helper refuses a message over 1 MiB (host/PROTOCOL.md, `RequestTooLarge`, and it exits).
 * A listed account costs about 40 bytes plus its name and role names: 1,000 accounts × 3 roles are
 * about 125 KB (the limit is reached near 8,000 such accounts).
 */
export const HELPER_REQUEST_LIMIT = 1024 * 1024;
/** Room left under the limit for the envelope fields (`type`, `id`) and the options. */
const REQUEST_HEADROOM = 16 * 1024;

interface Listing {
  sessionKey: string;
  accounts: ListedAccount[];
}

/** The job this worker instance runs (a job in storage without one was cut off by a worker restart). */
// The job this worker runs: the same object `run` updates, so Cancel and progress never save two
// versions of it over each other.
let running: { id: string; abort: AbortController; job: PopulateJob } | undefined;

/** Dependencies from service.ts, passed in so this file does not import it (no cycle). */
export interface PopulateDeps {
  accessTokenFor(sessionKey: string): Promise<{ session: core.SessionDef; token: core.TokenFile }>;
  /** The config file changed: drop kept state and tell open popups. */
  changed(): void;
}

function notifyPopups(): void {
  chrome.runtime.sendMessage({ channel: 'sso-bridge-event', kind: 'changed' }).catch(() => {
    // No popup is open.
  });
}

async function storedJob(): Promise<PopulateJob | undefined> {
  const found = await chrome.storage.session.get(JOB_KEY);
  return found[JOB_KEY] as PopulateJob | undefined;
}

async function saveJob(job: PopulateJob): Promise<void> {
  job.updatedAt = Date.now();
  await chrome.storage.session.set({ [JOB_KEY]: job });
  notifyPopups();
}

function isActive(job: PopulateJob): boolean {
  return job.phase === 'listing' || job.phase === 'planning' || job.phase === 'writing';
}

/** The job as it stands; one left running by a worker that has since been stopped is reported as such. */
export async function populateStatus(): Promise<PopulateJob | null> {
  const job = await storedJob();
  if (!job) return null;
  if (isActive(job) && running?.id !== job.id) {
    job.phase = 'failed';
    job.error = {
      code: 'populate-interrupted',
      message: 'The browser stopped the extension while it was adding the profiles; nothing was written.',
      action: 'Click Preview again.',
    };
    await saveJob(job);
  }
  return job;
}

export async function cancelPopulate(): Promise<null> {
  const active = running;
  active?.abort.abort();
  const job = active?.job ?? (await storedJob());
  if (job && isActive(job) && job.phase !== 'writing') {
    job.phase = 'cancelled';
    await saveJob(job);
  }
  return null;
}

/**
 * Starts listing (unless Apply follows a preview of the same session: then its listing is reused,
 * so what is written is what was previewed) and returns the job at once; progress follows in
 * `populateStatus` and `changed` events.
 */
export async function startPopulate(
  deps: PopulateDeps,
  request: { sessionKey: string; options: PopulateOptions; apply: boolean },
): Promise<PopulateJob> {
  const current = await storedJob();
  if (current && isActive(current) && running?.id === current.id) {
    fail('populate-busy', 'Profiles are already being added for this browser.', 'Wait for it to finish, or cancel it.');
  }
  const options = normalise(request.options);
  // Checked before anything is listed: a signed-out or expired session fails at once.
  const { session, token } = await deps.accessTokenFor(request.sessionKey);
  if (!session.name) {
    fail(
      'populate-needs-session',
      'Add all writes profiles that use an [sso-session] section, and this is a legacy profile\'s start URL.',
      'Add an sso-session for this start URL with Configure, then use Add all on it.',
    );
  }
  const kept = request.apply && current?.phase === 'planned' && current.sessionKey === request.sessionKey ? await storedListing(request.sessionKey) : undefined;
  const job: PopulateJob = {
    id: crypto.randomUUID(),
    sessionKey: request.sessionKey,
    sessionName: session.name,
    options,
    apply: request.apply,
    phase: kept ? 'writing' : 'listing',
    progress: kept
      ? { accountsListed: kept.accounts.length, accountsTotal: kept.accounts.length, rolesFound: countRoles(kept.accounts) }
      : { accountsListed: 0, rolesFound: 0 },
    startedAt: Date.now(),
    updatedAt: Date.now(),
  };
  const abort = new AbortController();
  running = { id: job.id, abort, job };
  await saveJob(job);
  void run(deps, job, session, token, kept, abort.signal).finally(() => {
    if (running?.id === job.id) running = undefined;
  });
  return job;
}

function normalise(options: PopulateOptions): PopulateOptions {
  const template = options.template.trim();
  if (!template) {
    fail('populate-template-empty', 'The name template is empty.', 'Enter a template such as {account_name}.{role_name}.');
  }
  const regions = [...new Set(options.regions.map((r) => r.trim()).filter(Boolean))];
  for (const region of regions) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
      fail('populate-bad-region', `"${region}" is not an AWS region.`, 'Enter regions such as us-east-1, eu-west-2, separated by commas.');
    }
  }
  return { template, regions, prune: options.prune };
}

function countRoles(accounts: ListedAccount[]): number {
  return accounts.reduce((sum, a) => sum + a.roles.length, 0);
}

async function storedListing(sessionKey: string): Promise<Listing | undefined> {
  const found = (await chrome.storage.session.get(LISTING_KEY))[LISTING_KEY] as Listing | undefined;
  return found?.sessionKey === sessionKey ? found : undefined;
}

async function run(
  deps: PopulateDeps,
  job: PopulateJob,
  session: core.SessionDef,
  token: core.TokenFile,
  kept: Listing | undefined,
  signal: AbortSignal,
): Promise<void> {
  try {
    let accounts = kept?.accounts;
    if (!accounts) {
      accounts = await listEverything(job, session, token, signal);
      // Listings already on their way when Cancel came may still have finished.
      if (signal.aborted) throw new Error('cancelled');
      await chrome.storage.session.set({ [LISTING_KEY]: { sessionKey: job.sessionKey, accounts } satisfies Listing });
      job.phase = job.apply ? 'writing' : 'planning';
      await saveJob(job);
    }
    const reply = await askHelper(job, accounts);
    // Cancelled while the helper planned: a preview nobody waits for any more. (A write is not
    // cancelled: Cancel is not offered then, and the helper's write is one atomic step anyway.)
    if (signal.aborted && !job.apply) throw new Error('cancelled');
    job.plan = planView(reply);
    if (job.apply) {
      job.result = {
        ...(typeof reply['path'] === 'string' ? { path: reply['path'] } : {}),
        backup: typeof reply['backup'] === 'string' ? reply['backup'] : null,
        changed: reply['changed'] === true,
      };
      job.phase = 'done';
      deps.changed();
    } else {
      job.phase = 'planned';
    }
  } catch (error) {
    if (signal.aborted) {
      job.phase = 'cancelled';
    } else {
      job.phase = 'failed';
      job.error = explain(error, job, session);
    }
  }
  await saveJob(job);
}

/** Every account, then each account's roles, `CONCURRENCY` at a time, progress as it goes. */
async function listEverything(
  job: PopulateJob,
  session: core.SessionDef,
  token: core.TokenFile,
  signal: AbortSignal,
): Promise<ListedAccount[]> {
  const accounts = await core.listAccounts(session, token, { signal });
  job.progress = { accountsListed: 0, accountsTotal: accounts.length, rolesFound: 0 };
  await saveJob(job);
  const listed: (ListedAccount | undefined)[] = new Array(accounts.length);
  let lastSaved = Date.now();
  let next = 0;
  // The first failure ends the listing: the listings still in flight stop at once.
  const stop = new AbortController();
  signal.addEventListener('abort', () => stop.abort());
  const worker = async (): Promise<void> => {
    while (next < accounts.length && !stop.signal.aborted) {
      const index = next++;
      const account = accounts[index];
      if (!account) continue;
      let roles: string[];
      try {
        roles = (await core.listAccountRoles(session, token, account.accountId, { signal: stop.signal })).map((r) => r.roleName);
      } catch (error) {
        // Closed or unassigned since the account list was read: it is gone, like an account not listed.
        if (codeOf(error) !== 'resource_not_found') throw error;
        roles = [];
      }
      listed[index] = {
        accountId: account.accountId,
        ...(account.accountName && account.accountName !== account.accountId ? { accountName: account.accountName } : {}),
        roles,
      };
      job.progress.accountsListed += 1;
      job.progress.rolesFound += roles.length;
      if (!stop.signal.aborted && Date.now() - lastSaved >= PROGRESS_EVERY_MS) {
        lastSaved = Date.now();
        await saveJob(job);
      }
    }
  };
  const workers = Array.from({ length: Math.min(CONCURRENCY, accounts.length) }, () =>
    worker().catch((error: unknown) => {
      stop.abort();
      throw error;
    }),
  );
  await Promise.all(workers);
  return listed.filter((a): a is ListedAccount => a !== undefined && a.roles.length > 0);
}

/** The helper's `populate`: a plan, or with `apply` the write. Refused here when over the helper's limit. */
async function askHelper(job: PopulateJob, accounts: ListedAccount[]): Promise<PopulateReply> {
  const fields: PopulateRequest = {
    sessionName: job.sessionName,
    accounts,
    template: job.options.template,
    regions: job.options.regions,
    prune: job.options.prune,
    apply: job.apply,
  };
  const size = new TextEncoder().encode(JSON.stringify(fields)).length;
  if (size > HELPER_REQUEST_LIMIT - REQUEST_HEADROOM) {
    const mib = (size / HELPER_REQUEST_LIMIT).toFixed(1);
    fail(
      'populate-too-large',
      `This directory (${accounts.length.toLocaleString('en')} accounts, ${countRoles(accounts).toLocaleString('en')} roles) is ${mib} MiB to send to the helper, over its 1 MiB message limit; nothing was written.`,
      'Run this command in a terminal instead: it lists and writes the same profiles without that limit.',
      populateCommand(job),
    );
  }
  return helper.request('populate', fields);
}

/** The `sso-bridge populate` line that does the same from a terminal. */
export function populateCommand(job: Pick<PopulateJob, 'sessionName' | 'options'>): string {
  // Braces are quoted too: a shell may expand `{a,b}`.
  const quote = (s: string): string => (/^[A-Za-z0-9_.:/@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const parts = ['sso-bridge', 'populate', '--session', quote(job.sessionName), '--template', quote(job.options.template)];
  for (const region of job.options.regions) parts.push('--region', quote(region));
  if (job.options.prune) parts.push('--prune');
  return parts.join(' ');
}

function planView(reply: PopulateReply): PopulatePlanView {
  const all: PopulateChange[] = reply.changes;
  return {
    added: reply.added,
    updated: reply.updated,
    removed: reply.removed,
    unchanged: reply.unchanged,
    changes: all.slice(0, POPULATE_CHANGES_SHOWN).map((c) => ({ action: c.action, name: c.name })),
    moreChanges: Math.max(0, all.length - POPULATE_CHANGES_SHOWN),
  };
}

function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** Every failure as what happened, that nothing was written, and what to do. */
function explain(error: unknown, job: PopulateJob, session: core.SessionDef): UserError {
  const label = session.name ?? session.startUrl;
  const listed = job.progress.accountsTotal === undefined ? '' : ` (${job.progress.accountsListed} of ${job.progress.accountsTotal} accounts listed)`;
  const code = codeOf(error);
  if (code === 'unauthorized' || code === 'expired_token') {
    return {
      code: 'populate-session-expired',
      message: `The sign-in for "${label}" ended while its accounts were being listed${listed}; nothing was written.`,
      action: 'Sign in again, then click Add all again.',
    };
  }
  if (code === 'too_many_requests') {
    return {
      code: 'populate-throttled',
      message: `AWS kept refusing the account listing as too many requests${listed}, even after backing off; nothing was written.`,
      action: 'Wait a few minutes (other tools may be using the same sign-in), then click Preview again.',
    };
  }
  if (isHelperError(error, 24) || isHelperError(error, 27)) {
    // The helper's sentence already says what to change (the template, or the profiles in the way).
    const said = toUserError(error).message.replace(/\.$/, '');
    return { code: 'populate-refused', message: `${said.charAt(0).toUpperCase()}${said.slice(1)}.`, action: 'Nothing was written; click Preview again after the change.' };
  }
  if (isHelperError(error, HELPER_ERROR.configInvalid) || isHelperError(error, HELPER_ERROR.fileUnreadable)) {
    const user = toUserError(error);
    return { ...user, message: `${user.message.replace(/\.$/, '')}. Nothing was written.`, action: 'Fix the config file where the message says (the AWS CLI cannot read it either), then click Preview again.' };
  }
  return toUserError(error);
}
