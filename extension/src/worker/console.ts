// "Open console": a role's AWS console in a new tab, signed in through AWS sign-in's federation
// endpoint (the IAM User Guide's custom identity broker). The core fetches the role credentials and
// exchanges them for a single-use sign-in token, so the credentials never reach this file; the
// sign-in URL goes straight to `chrome.tabs.create` and is never logged, stored or sent to the popup.

import type { ConsoleChoice, ConsoleReply, ConsoleRequest } from '../messages.js';
import * as sso from '../wasm/sso_bridge.js';
import type { SessionDef, TokenFile } from './core.js';
import { ready } from './core.js';
import { fail, WorkerError } from './errors.js';
import { loadSettings } from './settings.js';

/** `chrome.storage.local` key: the last region and destination per account and role (no secret). */
const CHOICES_KEY = 'consoleChoices';
/** Roles remembered at most; the least recently used go first. */
const CHOICES_KEPT = 200;

/**
 * AWS sign-in's federation hosts, one per partition with console federation (the manifest's host
 * permissions; `crate/tests/manifest_hosts.rs` derives them from the core). The worker fetches
 * getSigninToken there, which needs the host permission (the endpoint sends no CORS headers).
 */
const SIGNIN_ORIGINS = ['https://signin.aws.amazon.com/*', 'https://signin.amazonaws-us-gov.com/*', 'https://signin.amazonaws.cn/*'];

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

interface Remembered {
  region: string;
  destination: string;
  /** When it was last used (epoch ms), to forget the oldest first. */
  usedAt: number;
}

function roleKey(accountId: string, roleName: string): string {
  return `${accountId}/${roleName}`;
}

async function rememberedChoices(): Promise<Record<string, Remembered>> {
  const stored = await chrome.storage.local.get(CHOICES_KEY);
  const value = stored[CHOICES_KEY];
  return typeof value === 'object' && value !== null ? (value as Record<string, Remembered>) : {};
}

async function remember(accountId: string, roleName: string, region: string, destination: string): Promise<void> {
  const choices = await rememberedChoices();
  choices[roleKey(accountId, roleName)] = { region, destination, usedAt: Date.now() };
  const kept = Object.entries(choices)
    .sort(([, a], [, b]) => b.usedAt - a.usedAt)
    .slice(0, CHOICES_KEPT);
  await chrome.storage.local.set({ [CHOICES_KEY]: Object.fromEntries(kept) });
}

/**
 * What the popup's form starts with: the role's last region and destination, else the region of
 * the role's configured profile, else the session's region, and the console home.
 */
export async function consoleChoice(accountId: string, roleName: string, defaultRegion: string): Promise<ConsoleChoice> {
  const last = (await rememberedChoices())[roleKey(accountId, roleName)];
  return last ? { region: last.region, destination: last.destination } : { region: defaultRegion, destination: '' };
}

/**
 * Signs in to the console as `roleName` in `accountId` and opens it in a new tab. A region or
 * destination left out is the remembered one (see `consoleChoice`); an empty destination is the
 * console home. When the browser does not (or no longer) grant the sign-in hosts, nothing is
 * fetched: the reply names them, for the popup to ask from a click.
 */
export async function openConsole(
  request: ConsoleRequest,
  session: SessionDef,
  token: TokenFile,
  defaultRegion: string,
): Promise<ConsoleReply> {
  const choice = await consoleChoice(request.accountId, request.roleName, defaultRegion);
  // An emptied region field means the default, not "no region".
  const region = request.region?.trim() || choice.region;
  const destination = (request.destination ?? choice.destination).trim();
  if (!REGION.test(region)) {
    fail('bad-region', `"${region}" is not an AWS region.`, 'Enter the region the console should open in, e.g. eu-west-1.');
  }
  // An endpoint override (the local emulator) serves /federation on its own base URL.
  const federationEndpoint = session.endpointOverride;
  if (!federationEndpoint) {
    const missing: string[] = [];
    for (const origin of SIGNIN_ORIGINS) {
      if (!(await chrome.permissions.contains({ origins: [origin] }))) missing.push(origin);
    }
    if (missing.length) return { opened: false, needsOrigins: missing };
  }
  // Before any request: a container Firefox refuses fails without spending a sign-in token.
  const container = await containerFor(request);
  await ready();
  let signin: sso.ConsoleSignin;
  try {
    signin = await new sso.PortalClient(session.endpoints.portal).consoleSigninUrl(token, request.accountId, request.roleName, {
      region,
      ...(destination ? { destination } : {}),
      ...(federationEndpoint ? { federationEndpoint } : {}),
    });
  } catch (error) {
    throw consoleError(error);
  }
  try {
    await chrome.tabs.create({ url: signin.url, ...container });
  } catch {
    // The browser's message could quote the URL, which holds the sign-in token: not passed on.
    fail('tab-not-opened', 'The browser did not open the console tab.', 'Try again; if it keeps failing, reload the extension.');
  }
  await remember(request.accountId, request.roleName, region, destination);
  return { opened: true, region, destination: signin.destination };
}

/** The core's console failures say what happened; add what to do (its portal errors already do). */
function consoleError(error: unknown): unknown {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; variant?: unknown; code?: unknown; message?: unknown; retryable?: unknown };
  if (fields.name !== 'SsoBridgeError' || fields.variant !== 'ConsoleError') return error;
  const code = String(fields.code);
  const action =
    code === 'invalid_destination'
      ? 'Enter a console path such as /ec2/home, or a whole https:// console URL, or leave it empty for the console home.'
      : code === 'unsupported_partition'
        ? 'Open the console of that partition from its own sign-in page.'
        : fields.retryable === true
          ? 'Try again in a moment.'
          : 'Try again; if it keeps failing, sign in again (the role may have been removed from your access).';
  return new WorkerError({ code, message: String(fields.message), action });
}

/**
 * Firefox, with "open each account in its own container" on: the account's container (made once,
 * then found by its name), so two accounts' consoles can be open side by side. Elsewhere nothing:
 * Chromium has no containers (AWS's own multi-session sign-in is the way there, see the README).
 */
async function containerFor(request: ConsoleRequest): Promise<{ cookieStoreId?: string }> {
  if (!(await loadSettings()).consoleContainers) return {};
  const identities = (chrome as unknown as { contextualIdentities?: ContextualIdentities }).contextualIdentities;
  if (!identities) return {};
  const name = request.accountName && request.accountName !== request.accountId ? `AWS ${request.accountName} (${request.accountId})` : `AWS ${request.accountId}`;
  try {
    const found = (await identities.query({ name }))[0];
    if (found) return { cookieStoreId: found.cookieStoreId };
    const colors = ['blue', 'turquoise', 'green', 'yellow', 'orange', 'red', 'pink', 'purple'];
    const color = colors[Number(request.accountId.slice(-4)) % colors.length] ?? 'blue';
    const created = await identities.create({ name, color, icon: 'briefcase' });
    return { cookieStoreId: created.cookieStoreId };
  } catch {
    // Firefox refuses both while container tabs are turned off in its settings.
    fail(
      'containers-unavailable',
      'Firefox did not let sso-bridge use a container for this account (container tabs may be turned off).',
      'Turn on container tabs in Firefox (Settings → Tabs), or turn off "Open each account\'s console in its own container" in sso-bridge\'s Settings.',
    );
  }
}

/** Firefox's `contextualIdentities` (not in Chrome's types), the part used here. */
interface ContextualIdentities {
  query(details: { name: string }): Promise<{ cookieStoreId: string }[]>;
  create(details: { name: string; color: string; icon: string }): Promise<{ cookieStoreId: string }>;
}
