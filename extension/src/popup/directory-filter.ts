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
 * search by role name shows the roles it found). `accounts` counts the matching accounts.
 */
export function matchRows(index: IndexedAccount[], query: string, expanded: ReadonlySet<string>): { rows: Row[]; accounts: number } {
  const q = query.trim().toLowerCase();
  const rows: Row[] = [];
  let accounts = 0;
  for (const entry of index) {
    const open = expanded.has(entry.account.accountId);
    if (!q || entry.text.includes(q)) {
      accounts++;
      rows.push({ kind: 'account', entry, expanded: open });
      if (open && entry.roles) for (const roleName of entry.roles) rows.push({ kind: 'role', entry, roleName });
      continue;
    }
    const lower = entry.rolesLower;
    if (!lower?.some((role) => role.includes(q))) continue;
    accounts++;
    rows.push({ kind: 'account', entry, expanded: true });
    lower.forEach((role, i) => {
      const roleName = entry.roles?.[i];
      if (roleName !== undefined && (open || role.includes(q))) rows.push({ kind: 'role', entry, roleName });
    });
  }
  return { rows, accounts };
}
