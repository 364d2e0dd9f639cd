// The popup's account browser: a session's accounts and roles (listed once, kept for the browser
// session), access keys and "Add profile" for any role, favourites and recently used roles.
//
// What is kept holds ids and names only, never a token or a credential: the directory in
// `chrome.storage.session` (gone when the browser closes, as the portal's own listing would be
// stale by then), favourites and recent roles in `chrome.storage.local`.

import type { AccessKeysView, DirectoryView, RequestOf, ReplyOf, RoleProfilePlan, RoleProfileRequest, RoleRef } from '../messages.js';
import * as core from './core.js';
import { fail, WorkerError } from './errors.js';
import { HELPER_ERROR, helper, isHelperError } from './native.js';
import { accessTokenFor, changed } from './service.js';

/** `directory:<session key>` → `DirectoryView` in `chrome.storage.session`. */
const DIRECTORY = 'directory:';
const FAVOURITES = 'favouriteRoles';
const RECENT = 'recentRoles';
/** How many recently used roles are kept (across sessions). */
const RECENT_KEPT = 10;
/**
 * Role listings in flight at once. The portal throttles per user; the core backs off on 429 (and
 * honours Retry-After), so a few at a time lists 2,000 accounts in seconds without tripping it.
 */
const ROLE_LISTING_CONCURRENCY = 6;

async function keptDirectory(sessionKey: string): Promise<DirectoryView | undefined> {
  const key = DIRECTORY + sessionKey;
  return (await chrome.storage.session.get(key))[key] as DirectoryView | undefined;
}

async function keepDirectory(sessionKey: string, directory: DirectoryView): Promise<void> {
  await chrome.storage.session.set({ [DIRECTORY + sessionKey]: directory });
}

/** Forgets what was listed for a session (signed out: the next sign-in may see other accounts). */
export async function forgetDirectory(sessionKey?: string): Promise<void> {
  if (sessionKey) {
    await chrome.storage.session.remove(DIRECTORY + sessionKey);
    return;
  }
  const all = await chrome.storage.session.get(null);
  await chrome.storage.session.remove(Object.keys(all).filter((key) => key.startsWith(DIRECTORY)));
}

/** Role listings under way, by session: a second popup (or a reopen) waits for the same one. */
const listings = new Map<string, Promise<DirectoryView>>();

async function getDirectory(sessionKey: string, refresh: boolean): Promise<DirectoryView> {
  if (!refresh) {
    const kept = await keptDirectory(sessionKey);
    if (kept) return kept;
  }
  listings.delete(sessionKey);
  const { session, token } = await accessTokenFor(sessionKey);
  const accounts = await core.listAccounts(session, token);
  const directory: DirectoryView = { accounts, roles: {}, rolesComplete: false, listedAt: Date.now() };
  await keepDirectory(sessionKey, directory);
  return directory;
}

function listDirectoryRoles(sessionKey: string): Promise<DirectoryView> {
  let listing = listings.get(sessionKey);
  if (!listing) {
    listing = listAllRoles(sessionKey).finally(() => listings.delete(sessionKey));
    listings.set(sessionKey, listing);
  }
  return listing;
}

async function listAllRoles(sessionKey: string): Promise<DirectoryView> {
  const kept = await keptDirectory(sessionKey);
  if (kept?.rolesComplete) return kept;
  const { session, token } = await accessTokenFor(sessionKey);
  const listed = await core.listAccountsAndRoles(session, token, ROLE_LISTING_CONCURRENCY);
  const directory: DirectoryView = {
    accounts: listed.map((entry) => entry.account),
    roles: Object.fromEntries(listed.map((entry) => [entry.account.accountId, entry.roles])),
    rolesComplete: true,
    listedAt: Date.now(),
  };
  await keepDirectory(sessionKey, directory);
  return directory;
}

/** A RoleRef from the popup with only its four strings (nothing else is ever stored). */
function cleanRole(role: RoleRef): RoleRef {
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const clean = { sessionKey: text(role.sessionKey), accountId: text(role.accountId), accountName: text(role.accountName), roleName: text(role.roleName) };
  if (!clean.sessionKey || !/^\d{12}$/.test(clean.accountId) || !clean.roleName) {
    fail('bad-role', 'The role asked for is incomplete.', 'Reopen the popup and pick the role again.');
  }
  return clean;
}

const sameRole = (a: RoleRef, b: RoleRef): boolean =>
  a.sessionKey === b.sessionKey && a.accountId === b.accountId && a.roleName === b.roleName;

async function storedRoles(key: string): Promise<RoleRef[]> {
  const value = (await chrome.storage.local.get(key))[key];
  return Array.isArray(value) ? (value as RoleRef[]) : [];
}

/** Puts a role first in the recently used list (Access keys here; the console's action too). */
export async function recordRecentRole(role: RoleRef): Promise<void> {
  const clean = cleanRole(role);
  const recent = (await storedRoles(RECENT)).filter((other) => !sameRole(other, clean));
  await chrome.storage.local.set({ [RECENT]: [clean, ...recent].slice(0, RECENT_KEPT) });
}

async function setFavourite(role: RoleRef, pinned: boolean): Promise<void> {
  const clean = cleanRole(role);
  const rest = (await storedRoles(FAVOURITES)).filter((other) => !sameRole(other, clean));
  await chrome.storage.local.set({ [FAVOURITES]: pinned ? [...rest, clean] : rest });
}

async function roleAccessKeys(role: RoleRef): Promise<AccessKeysView> {
  const clean = cleanRole(role);
  const { session, token } = await accessTokenFor(clean.sessionKey);
  const credentials = await core.getRoleCredentials(session, token, clean.accountId, clean.roleName);
  await recordRecentRole(clean);
  // The credentials-file format needs a section name: the configure wizard's default profile name.
  const section = `${clean.roleName}-${clean.accountId}`;
  return {
    profile: section,
    accountId: clean.accountId,
    roleName: clean.roleName,
    accessKeyId: credentials.accessKeyId,
    ...(credentials.expiration ? { expiration: credentials.expiration } : {}),
    formats: core.exportFormats(credentials, section),
  };
}

/**
 * "Add profile": the helper names the profile with populate's template rules and refuses a name
 * taken by other values (the core's `populate::role_profile`); `apply` writes it under its lock.
 */
async function roleProfile(request: RoleProfileRequest, apply: boolean): Promise<RoleProfilePlan> {
  const role = cleanRole(request);
  if (!role.sessionKey.startsWith('session:')) {
    fail(
      'legacy-session',
      'Add profile writes profiles that use an [sso-session], and this start URL has none.',
      'Configure an SSO session for it (Configure), then add the profile from that session.',
    );
  }
  await core.ready();
  const reply = await helper.request('roleProfile', {
    sessionName: role.sessionKey.slice('session:'.length),
    accountId: role.accountId,
    accountName: role.accountName,
    roleName: role.roleName,
    template: typeof request.template === 'string' && request.template.trim() ? request.template.trim() : '{account_name}.{role_name}',
    ...(typeof request.region === 'string' && request.region.trim() ? { region: request.region.trim() } : {}),
    ...(apply ? { apply: true } : {}),
  }).catch((error: unknown) => {
    throw refusal(error);
  });
  const plan: RoleProfilePlan = {
    name: reply.name,
    section: reply.section,
    exists: reply.exists,
    ...core.configPathFromReply(reply),
  };
  if (apply && reply.changed === true) changed();
  return plan;
}

/**
 * The helper refuses a taken name or a bad template with the core's sentence, which already says
 * what to change; it is shown as that (capitalised), without the helper's generic advice.
 */
function refusal(error: unknown): unknown {
  if (!isHelperError(error, HELPER_ERROR.invalidValue)) return error;
  const message = (error as WorkerError).userError.message;
  const code = /already exists with other values/.test(message) ? 'profile-name-taken' : /template/.test(message) ? 'bad-template' : 'bad-profile-name';
  const sentence = `${message.charAt(0).toUpperCase()}${message.slice(1)}${/[.!?]$/.test(message) ? '' : '.'}`;
  return new WorkerError({ code, message: sentence, action: 'Nothing was written.' });
}

type AccountHandlers = {
  [N in 'getDirectory' | 'listDirectoryRoles' | 'getRoleAccessKeys' | 'planRoleProfile' | 'addRoleProfile' | 'getPinnedRoles' | 'setFavourite']: (
    payload: RequestOf<N>,
  ) => Promise<ReplyOf<N>>;
};

export const accountHandlers: AccountHandlers = {
  getDirectory: ({ sessionKey, refresh }) => getDirectory(sessionKey, refresh === true),
  listDirectoryRoles: ({ sessionKey }) => listDirectoryRoles(sessionKey),
  getRoleAccessKeys: (role) => roleAccessKeys(role),
  planRoleProfile: (request) => roleProfile(request, false),
  addRoleProfile: (request) => roleProfile(request, true),
  getPinnedRoles: async ({ sessionKey }) => {
    const mine = (roles: RoleRef[]): RoleRef[] => roles.filter((role) => role.sessionKey === sessionKey);
    return { favourites: mine(await storedRoles(FAVOURITES)), recent: mine(await storedRoles(RECENT)) };
  },
  setFavourite: async ({ role, pinned }) => {
    await setFavourite(role, pinned === true);
    return null;
  },
};
