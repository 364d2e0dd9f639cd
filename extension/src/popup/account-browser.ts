// The accounts view of a signed-in session: every account and role, searchable by name, id, e-mail
// or role name, with actions on each role (Access keys, Add profile, pin; Open console when present),
// favourites and recently used roles at the top, and the keyboard: type to filter, arrows between
// rows, Enter opens the console, `k` opens Access keys.
//
// Fast for large directories: the worker keeps what it listed for the browser session (the view opens
// from it at once), the search is a pass over precomputed strings (directory-filter.ts), and only
// `PAGE` rows are drawn at a time ("Show more" draws the next page).

import { call, type DirectoryView, type RoleRef, type UserError } from '../messages.js';
import { indexDirectory, matchRows, type IndexedAccount, type Row } from './directory-filter.js';
import { h } from './dom.js';

/** Rows drawn at a time: the popup shows about 15, so three screens; few enough for a 16 ms frame. */
export const PAGE = 50;

export interface BrowserHooks {
  errorBox(error: UserError, options: { retry?: () => void }): HTMLElement;
  toUserError(error: unknown): UserError;
  announce(text: string, lingerMs?: number): void;
  openKeys(role: RoleRef): void;
  addProfile(role: RoleRef): void;
  /**
   * Further actions of a role row, drawn first in its actions (e.g. "Open console" with
   * `data-action="console"`, which Enter on the row activates).
   */
  roleActions?: (role: RoleRef) => HTMLElement[];
}

/** What the view was showing, kept while the popup is open, so coming back (from Access keys) restores it. */
interface Memory {
  query: string;
  expanded: Set<string>;
  pages: number;
}
const memories = new Map<string, Memory>();

function memoryOf(sessionKey: string): Memory {
  let memory = memories.get(sessionKey);
  if (!memory) {
    memory = { query: '', expanded: new Set(), pages: 1 };
    memories.set(sessionKey, memory);
  }
  return memory;
}

/** "just now", "5 min ago", "2 h ago". */
function age(listedAt: number): string {
  const minutes = Math.floor((Date.now() - listedAt) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.floor(minutes / 60)} h ago`;
}

function count(n: number, one: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : `${one}s`}`;
}

/** The selector of a role row (for focus after a re-render). */
export function roleRowSelector(role: RoleRef, section = ''): string {
  return `${section ? `[${section}] ` : ''}[data-role-row="${CSS.escape(role.roleName)}"][data-account-id="${CSS.escape(role.accountId)}"]`;
}

export async function accountBrowser(sessionKey: string, hooks: BrowserHooks): Promise<HTMLElement> {
  let directory: DirectoryView = await call('getDirectory', { sessionKey });
  const pinned = await call('getPinnedRoles', { sessionKey });
  const memory = memoryOf(sessionKey);
  let index = indexDirectory(directory);
  let favourites = pinned.favourites;

  const search = h('input', {
    type: 'search',
    id: 'account-search',
    placeholder: 'Search by name, ID, email or role',
    'aria-label': 'Search accounts and roles',
    'aria-describedby': 'account-keys-hint',
    autocomplete: 'off',
    'data-account-search': '',
  }) as HTMLInputElement;
  search.value = memory.query;
  const countLine = h('span', { 'data-account-count': '', 'aria-live': 'polite' });
  const listedLine = h('span', { 'data-listed': '' });
  const rolesProblem = h('div', {});
  const list = h('ul', { class: 'plain browse', 'aria-label': 'Accounts', 'data-account-list': '' });
  const more = h('div', {});
  const top = h('div', {});

  const isFavourite = (role: RoleRef): boolean =>
    favourites.some((f) => f.accountId === role.accountId && f.roleName === role.roleName);

  const roleRow = (role: RoleRef, showAccount: boolean): HTMLElement => {
    const label = `${role.roleName} in ${role.accountName}`;
    const favourite = isFavourite(role);
    return h(
      'li',
      {
        class: 'role-row',
        tabindex: '-1',
        'data-role-row': role.roleName,
        'data-account-id': role.accountId,
        'aria-label': label,
      },
      h('span', { class: 'role-name' }, h('code', { 'data-role': role.roleName }, role.roleName), showAccount ? h('span', { class: 'muted' }, ` ${role.accountName} · ${role.accountId}`) : null),
      // Per-role actions: further ones (Open console) come first, from the hook.
      h(
        'span',
        { class: 'role-actions', 'data-role-actions': '' },
        ...(hooks.roleActions?.(role) ?? []),
        h('button', { type: 'button', 'data-action': 'keys', 'aria-label': `Access keys for ${label}`, 'aria-keyshortcuts': 'K', onclick: () => hooks.openKeys(role) }, 'Access keys'),
        h('button', { type: 'button', 'data-action': 'add-profile', 'aria-label': `Add profile for ${label}`, onclick: () => hooks.addProfile(role) }, 'Add profile'),
        h(
          'button',
          {
            type: 'button',
            class: 'pin',
            'data-action': 'pin',
            'aria-pressed': String(favourite),
            'aria-label': `Pin ${label}`,
            onclick: () => void togglePin(role, !favourite),
          },
          favourite ? '★' : '☆',
        ),
      ),
    );
  };

  const refOf = (entry: IndexedAccount, roleName: string): RoleRef => ({
    sessionKey,
    accountId: entry.account.accountId,
    accountName: entry.account.accountName,
    roleName,
  });

  /** Roles of one account listed now, when the whole listing has not reached it yet. */
  const loadRoles = async (entry: IndexedAccount): Promise<void> => {
    try {
      const roles = await call('listRoles', { sessionKey, accountId: entry.account.accountId });
      entry.roles = roles.map((r) => r.roleName);
      entry.rolesLower = entry.roles.map((r) => r.toLowerCase());
    } catch (error) {
      rolesProblem.replaceChildren(hooks.errorBox(hooks.toUserError(error), { retry: () => void loadRoles(entry) }));
    }
    draw();
  };

  const accountRow = (row: Extract<Row, { kind: 'account' }>): HTMLElement => {
    const { account } = row.entry;
    return h(
      'li',
      { class: 'account-row' },
      h(
        'button',
        {
          type: 'button',
          'data-account': account.accountId,
          'aria-expanded': String(row.expanded),
          onclick: () => {
            if (memory.expanded.has(account.accountId)) memory.expanded.delete(account.accountId);
            else memory.expanded.add(account.accountId);
            if (!row.entry.roles && memory.expanded.has(account.accountId)) void loadRoles(row.entry);
            draw(`[data-account="${CSS.escape(account.accountId)}"]`);
          },
        },
        h('span', { class: 'account-name' }, account.accountName),
        h('span', { class: 'muted' }, `${account.accountId}${account.emailAddress ? ` · ${account.emailAddress}` : ''}`),
      ),
      row.expanded && !row.entry.roles ? h('p', { class: 'muted roles-loading' }, 'Listing roles…') : null,
    );
  };

  /**
   * Draws the rows for the current search (the first `pages` × PAGE of them); focus moves to the
   * first of `focus` (selectors) found.
   */
  const draw = (...focus: string[]): void => {
    const limit = memory.pages * PAGE;
    const { rows, total: totalRows, accounts } = matchRows(index, memory.query, memory.expanded, limit);
    const items: HTMLElement[] = [];
    let group: HTMLElement | undefined;
    for (const row of rows) {
      if (row.kind === 'account') {
        const item = accountRow(row);
        items.push(item);
        group = row.expanded && row.entry.roles ? h('ul', { class: 'plain roles', 'aria-label': `Roles in ${row.entry.account.accountName}` }) : undefined;
        if (group) item.append(group);
      } else {
        const item = roleRow(refOf(row.entry, row.roleName), false);
        if (group) group.append(item);
        else items.push(item);
      }
    }
    list.replaceChildren(...items);
    if (!rows.length) list.replaceChildren(h('li', { class: 'muted' }, 'No account or role matches.'));
    const total = directory.accounts.length;
    const q = memory.query.trim();
    countLine.textContent = q ? `${count(accounts, 'account')} of ${total.toLocaleString('en-US')} match.` : count(total, 'account');
    more.replaceChildren(
      ...(totalRows > limit
        ? [h(
            'button',
            {
              type: 'button',
              'data-show-more': '',
              onclick: () => {
                memory.pages++;
                const shown = rowTargets(list).length;
                draw();
                // The first row "Show more" added.
                rowTargets(list)[shown]?.focus();
              },
            },
            `Show more (${(totalRows - limit).toLocaleString('en-US')} more rows)`,
          )]
        : []),
    );
    top.replaceChildren(...(q ? [] : pinnedSections()));
    for (const selector of focus) {
      const target = root.querySelector<HTMLElement>(selector);
      if (target) {
        target.focus();
        break;
      }
    }
  };

  const pinnedSections = (): HTMLElement[] => {
    const sections: HTMLElement[] = [];
    if (favourites.length) {
      sections.push(h('section', { 'data-pinned': '', 'aria-labelledby': 'pinned-heading' }, h('h3', { id: 'pinned-heading' }, 'Pinned'), h('ul', { class: 'plain roles-flat' }, ...favourites.map((role) => roleRow(role, true)))));
    }
    const recent = pinned.recent.filter((role) => !isFavourite(role));
    if (recent.length) {
      sections.push(h('section', { 'data-recent': '', 'aria-labelledby': 'recent-heading' }, h('h3', { id: 'recent-heading' }, 'Recently used'), h('ul', { class: 'plain roles-flat' }, ...recent.map((role) => roleRow(role, true)))));
    }
    return sections;
  };

  const togglePin = async (role: RoleRef, pin: boolean): Promise<void> => {
    try {
      await call('setFavourite', { role, pinned: pin });
      favourites = (await call('getPinnedRoles', { sessionKey })).favourites;
      hooks.announce(pin ? `Pinned ${role.roleName} in ${role.accountName}.` : `Unpinned ${role.roleName} in ${role.accountName}.`, 4000);
    } catch (error) {
      rolesProblem.replaceChildren(hooks.errorBox(hooks.toUserError(error), {}));
    }
    // Focus stays on the pin button: in the section it was pressed in, else wherever the row still is.
    const focused = document.activeElement?.closest<HTMLElement>('[data-role-row]');
    const section = focused?.closest('[data-pinned]') ? 'data-pinned' : focused?.closest('[data-recent]') ? 'data-recent' : 'data-account-list';
    draw(`${roleRowSelector(role, section)} [data-action="pin"]`, `${roleRowSelector(role)} [data-action="pin"]`, '#account-search');
  };

  /** Every account's roles, listed by the worker (bounded concurrency, backoff), then searchable. */
  const listRoles = async (): Promise<void> => {
    if (directory.rolesComplete) return;
    listedLine.textContent = ' · listing roles…';
    try {
      directory = await call('listDirectoryRoles', { sessionKey });
      index = indexDirectory(directory);
      rolesProblem.replaceChildren();
      const active = document.activeElement as HTMLElement | null;
      const keep = active && root.contains(active) && active !== search ? focusSelectorOf(active) : undefined;
      draw(...(keep ? [keep] : []));
      showListed();
    } catch (error) {
      listedLine.textContent = '';
      rolesProblem.replaceChildren(hooks.errorBox(hooks.toUserError(error), { retry: () => void listRoles() }));
    }
  };

  const showListed = (): void => {
    listedLine.textContent = ` · listed ${age(directory.listedAt)}${directory.rolesComplete ? '' : ' · listing roles…'}`;
  };

  const refresh = h(
    'button',
    {
      type: 'button',
      'data-action': 'refresh-directory',
      onclick: () => {
        hooks.announce('Listing the accounts again…');
        call('getDirectory', { sessionKey, refresh: true }).then(
          (fresh) => {
            directory = fresh;
            index = indexDirectory(directory);
            hooks.announce('Accounts listed again.', 4000);
            draw();
            showListed();
            void listRoles();
          },
          (error: unknown) => {
            hooks.announce('');
            rolesProblem.replaceChildren(hooks.errorBox(hooks.toUserError(error), {}));
          },
        );
      },
    },
    'Refresh',
  );

  search.addEventListener('input', () => {
    memory.query = search.value;
    memory.pages = 1;
    draw();
  });

  const root = h(
    'div',
    { class: 'browser', 'data-browser': sessionKey },
    h('div', { class: 'spread' }, search, refresh),
    h('p', { class: 'hint', id: 'account-keys-hint' }, 'Type to filter; ↑ ↓ move between rows; Enter opens the console, K the access keys.'),
    h('p', { class: 'hint' }, countLine, listedLine),
    rolesProblem,
    top,
    list,
    more,
  );
  root.addEventListener('keydown', (event) => onKey(event, root, search));
  draw();
  showListed();
  void listRoles();
  return root;
}

/** A selector that finds the same row control after a re-draw. */
function focusSelectorOf(el: HTMLElement): string | undefined {
  const row = el.closest<HTMLElement>('[data-role-row]');
  if (row) {
    const base = `[data-role-row="${CSS.escape(row.dataset['roleRow'] ?? '')}"][data-account-id="${CSS.escape(row.dataset['accountId'] ?? '')}"]`;
    return el === row ? base : el.dataset['action'] ? `${base} [data-action="${CSS.escape(el.dataset['action'])}"]` : base;
  }
  const account = el.dataset['account'];
  return account ? `[data-account="${CSS.escape(account)}"]` : undefined;
}

/** The rows arrows move between: account buttons and role rows, in the order shown. */
function rowTargets(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('[data-account], [data-role-row]')];
}

function onKey(event: KeyboardEvent, root: HTMLElement, search: HTMLInputElement): void {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target as HTMLElement;
  const inSearch = target === search;
  const row = target.closest<HTMLElement>('[data-role-row]');
  const current = row && (target === row || !target.matches('[data-account]')) ? row : target.closest<HTMLElement>('[data-account]');
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    const rows = rowTargets(root);
    const at = current ? rows.indexOf(current) : -1;
    if (!inSearch && at < 0) return;
    event.preventDefault();
    const next = event.key === 'ArrowDown' ? (inSearch ? 0 : at + 1) : at - 1;
    if (next < 0) search.focus();
    else rows[Math.min(next, rows.length - 1)]?.focus();
    return;
  }
  if (inSearch) return;
  if (event.key === 'Enter' && row && target === row) {
    event.preventDefault();
    // The console when the row has it; else the access keys.
    (row.querySelector<HTMLElement>('[data-action="console"]') ?? row.querySelector<HTMLElement>('[data-action="keys"]'))?.click();
    return;
  }
  if ((event.key === 'k' || event.key === 'K') && row) {
    event.preventDefault();
    row.querySelector<HTMLElement>('[data-action="keys"]')?.click();
    return;
  }
  // Any other character typed on a row goes to the search, as a list's type-ahead would.
  if (event.key.length === 1 && event.key !== ' ' && (row || current)) {
    event.preventDefault();
    search.focus();
    search.value += event.key;
    search.dispatchEvent(new Event('input'));
  }
}
