// The popup's "Add all…" (populate) as the worker reports it: kept in `chrome.storage.session` by the
// worker, which owns the job (the popup may close and reopen while it runs). Account ids, names and
// role names only: nothing secret.

import type { UserError } from './messages.js';

/** What the user chose in the "Add all…" form. */
export interface PopulateOptions {
  /** Profile name template; placeholders in `POPULATE_PLACEHOLDERS`. */
  template: string;
  /** One profile per region (none: profiles without `region`). */
  regions: string[];
  /** Remove the profiles populate wrote for this session whose account or role is gone. */
  prune: boolean;
}

/** The template placeholders the helper knows (host/PROTOCOL.md § populate). */
export const POPULATE_PLACEHOLDERS = ['{account_name}', '{account_id}', '{role_name}', '{session}', '{region}'] as const;
export const DEFAULT_POPULATE_TEMPLATE = '{account_name}.{role_name}';

/**
 * `listing`: accounts and roles are being listed; `planning`/`writing`: the helper plans or writes;
 * `planned`: a preview is ready; `done`: written; `failed`/`cancelled`: nothing was written.
 */
export type PopulatePhase = 'listing' | 'planning' | 'planned' | 'writing' | 'done' | 'failed' | 'cancelled';

export interface PopulateChange {
  action: 'add' | 'update' | 'remove';
  name: string;
}

export interface PopulatePlanView {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  /** The first changes (at most `POPULATE_CHANGES_SHOWN`), in the helper's order. */
  changes: PopulateChange[];
  /** How many changes are not in `changes`. */
  moreChanges: number;
}

export const POPULATE_CHANGES_SHOWN = 20;

export interface PopulateJob {
  id: string;
  sessionKey: string;
  sessionName: string;
  options: PopulateOptions;
  /** True when the job writes (Apply), false for a preview. */
  apply: boolean;
  phase: PopulatePhase;
  progress: {
    /** Accounts whose roles have been listed. */
    accountsListed: number;
    /** Accounts in the directory, once the account list is complete. */
    accountsTotal?: number;
    rolesFound: number;
  };
  plan?: PopulatePlanView;
  /** What Apply wrote. */
  result?: { path?: string; backup: string | null; changed: boolean };
  error?: UserError;
  startedAt: number;
  updatedAt: number;
}
