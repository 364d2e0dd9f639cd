// The account browser's search: which accounts and roles match what was typed. Plain data in, plain
// rows out (no DOM), so one keystroke over 2,000 accounts costs a pass over precomputed strings.

import type { AccountView, DirectoryView } from '../messages.js';

export interface IndexedAccount {
  account: AccountView;
  /** Name, id and e-mail, lower-cased once. */
  text: string;
  /** Its role names, once listed. */
  roles: string[] | undefined;
  rolesLower: string[] | undefined;
}

export type Row =
  | { kind: 'account'; entry: IndexedAccount; expanded: boolean }
  | { kind: 'role'; entry: IndexedAccount; roleName: string };

export function indexDirectory(directory: DirectoryView): IndexedAccount[] {
  return directory.accounts.map((account) => {
    const roles = directory.roles[account.accountId];
    return {
      account,
      text: `${account.accountName}\n${account.accountId}\n${account.emailAddress}`.toLowerCase(),
      roles,
      rolesLower: roles?.map((role) => role.toLowerCase()),
    };
  });
}

/**
 * The rows for `query`: every account whose name, id or e-mail contains it (its roles under it when
 * it is expanded), and every account with a role whose name contains it (with those roles, so a
 * search by role name shows the roles it found). Only the first `limit` rows are made (a keystroke
 * allocates no more than it draws); `total` counts them all and `accounts` the matching accounts.
 */
export function matchRows(
  index: IndexedAccount[],
  query: string,
  expanded: ReadonlySet<string>,
  limit: number,
): { rows: Row[]; total: number; accounts: number } {
  const q = query.trim().toLowerCase();
  const rows: Row[] = [];
  let total = 0;
  let accounts = 0;
  const add = (row: () => Row): void => {
    if (total++ < limit) rows.push(row());
  };
  for (const entry of index) {
    const open = expanded.has(entry.account.accountId);
    if (!q || entry.text.includes(q)) {
      accounts++;
      add(() => ({ kind: 'account', entry, expanded: open }));
      if (open && entry.roles) for (const roleName of entry.roles) add(() => ({ kind: 'role', entry, roleName }));
      continue;
    }
    const lower = entry.rolesLower;
    if (!lower?.some((role) => role.includes(q))) continue;
    accounts++;
    add(() => ({ kind: 'account', entry, expanded: true }));
    lower.forEach((role, i) => {
      const roleName = entry.roles?.[i];
      if (roleName !== undefined && (open || role.includes(q))) add(() => ({ kind: 'role', entry, roleName }));
    });
  }
  return { rows, total, accounts };
}
