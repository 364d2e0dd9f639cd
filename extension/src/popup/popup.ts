// The popup: a view of the worker's state. It keeps no state of its own beyond what is on screen and
// talks to the worker only through the typed `call` of messages.ts.

import {
  call,
  isChangedEvent,
  RequestError,
  type AccessKeysView,
  type AccountView,
  type LoginView,
  type Overview,
  type ProfileView,
  type RoleRef,
  type RoleView,
  type SessionDraft,
  type SessionView,
  type UserError,
  type WizardState,
} from '../messages.js';
import { accountBrowser, roleRowSelector } from './account-browser.js';
import { addProfileView } from './add-profile.js';
import { h, type Attrs, type Child } from './dom.js';
import { populateView } from './populate.js';
import { consoleControl, type ConsoleUi } from './console.js';

const view = document.getElementById('view') as HTMLElement;
const statusLine = document.getElementById('status') as HTMLElement;

/** Which screen is showing; re-rendered on every `changed` event from the worker. */
type Screen =
  | { kind: 'home' }
  | { kind: 'accounts'; sessionKey: string; title: string }
  | { kind: 'populate'; sessionKey: string; title: string }
  | { kind: 'keys'; profile: string }
  /** The account browser's role actions; `title` names the session for the way back. */
  | { kind: 'role-keys'; role: RoleRef; title: string }
  | { kind: 'add-profile'; role: RoleRef; title: string }
  | { kind: 'configure' }
  | { kind: 'settings' };

let screen: Screen = { kind: 'home' };
let wizard: Wizard | undefined;
/** An error from the last action on the home screen, kept in its card until the next attempt or dismissed. */
const actionErrors = new Map<string, { error: UserError; retry?: () => void }>();
/** Where focus goes after the next render (a CSS selector), so it is never lost to `<body>`. */
let focusAfterRender: string | undefined;

let announceTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Progress and confirmations ("Saved", "Copied bash/zsh") in the status line: announced to screen
 * readers (aria-live) without moving the page (the line overlays the header), and gone after a while.
 */
function announce(text: string, lingerMs = 0): void {
  statusLine.textContent = text;
  if (announceTimer) clearTimeout(announceTimer);
  announceTimer = lingerMs ? setTimeout(() => (statusLine.textContent = ''), lingerMs) : undefined;
}

/** "1 account", "2,000 accounts". */
function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

function toUserError(error: unknown): UserError {
  if (error instanceof RequestError) return error.userError;
  return { code: 'popup', message: String(error), action: 'Close and reopen the popup.' };
}

/**
 * The core's messages read "Operation: what happened (technical detail). What to do." The box shows
 * "What happened." and "What to do." as plain sentences and keeps the whole message behind "Details".
 */
function plainSentence(message: string): { sentence: string; advice: string | undefined; detail: string | undefined } {
  const end = message.indexOf('). ');
  const head = end >= 0 ? message.slice(0, end + 1) : message.replace(/\.$/, '');
  const match = /^(?:[A-Z][A-Za-z]+: )?([^(]+?)\s*\((.+)\)$/s.exec(head);
  if (!match?.[1]) return { sentence: message, advice: undefined, detail: undefined };
  const text = match[1].trim();
  const advice = end >= 0 ? message.slice(end + 3).trim() : '';
  return {
    sentence: `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`,
    advice: advice || undefined,
    detail: message,
  };
}

/** Errors a second attempt can fix (the network, throttling, a service hiccup). */
function isRetryable(error: UserError): boolean {
  return /network|timeout|throttl|toomany|internal|unreachable|no-reply|unexpected|service/i.test(error.code);
}

/** Text whose `backticked` parts (names of commands, files, settings) are shown as code, not as Markdown. */
function withCode(text: string): Child[] {
  return text.split('`').map((part, i) => (i % 2 ? h('code', {}, part) : part));
}

/** A command that wraps only between its words (never inside `--extension-id` or the ID). */
function commandWords(command: string): Child[] {
  return command.split(' ').flatMap((word, i) => [i ? ' ' : null, h('span', { class: 'word' }, word)]);
}

interface ErrorOptions {
  retry?: (() => void) | undefined;
  /** Offer "Try again" whatever the error (the helper installed, the file fixed: then it helps). */
  retryAlways?: boolean;
  dismiss?: (() => void) | undefined;
  /**
   * The endpoint override of the session the error belongs to (`session.endpointOverride`), named
   * when the error is about reaching the service: overrides are per session, so there is no global one.
   */
  endpointOverride?: string | undefined;
}

function errorBox(error: UserError, options: ErrorOptions = {}): HTMLElement {
  const { sentence, advice, detail } = plainSentence(error.message);
  const reachability = /network|timeout|unreachable/i.test(error.code) || /could not reach|did not answer/i.test(error.message);
  return h(
    'div',
    { class: 'error', role: 'alert', 'data-error-code': error.code },
    h('p', { class: 'error-title' }, ...withCode(sentence)),
    advice ? h('p', {}, ...withCode(advice)) : null,
    error.action ? h('p', {}, ...withCode(error.action)) : null,
    reachability && options.endpointOverride
      ? h('p', { 'data-error-endpoint': options.endpointOverride }, `The endpoint override ${options.endpointOverride} is in use (Settings).`)
      : null,
    error.command
      ? h('div', { class: 'command' }, h('pre', { 'data-command': '', tabindex: '0', 'aria-label': 'Command' }, ...commandWords(error.command)), copyButton(error.command, 'Copy command'))
      : null,
    detail ? h('details', {}, h('summary', {}, 'Details'), h('p', { class: 'detail' }, detail, ` (${error.code})`)) : null,
    options.retry || options.dismiss
      ? h(
          'div',
          { class: 'row' },
          options.retry && (options.retryAlways || isRetryable(error)) ? h('button', { type: 'button', 'data-retry': '', onclick: options.retry }, 'Try again') : null,
          options.dismiss ? h('button', { type: 'button', 'data-dismiss': '', onclick: options.dismiss }, 'Dismiss') : null,
        )
      : null,
  );
}

/** What the "Open console" control (console.ts) borrows from this view. */
const consoleUi: ConsoleUi = { errorBox, toUserError, announce };

function copyButton(text: string, label = 'Copy', what = 'it'): HTMLElement {
  return h('button', {
    type: 'button',
    'data-copy': '',
    onclick: () => {
      navigator.clipboard.writeText(text).then(
        () => announce(`Copied ${what}.`, 4000),
        () => announce('Could not copy: select the text and copy it by hand.', 8000),
      );
    },
  }, label);
}

function formatExpiry(expiresAt: string | number | undefined): string {
  if (expiresAt === undefined) return '';
  const date = new Date(expiresAt);
  if (Number.isNaN(date.getTime())) return String(expiresAt);
  const left = date.getTime() - Date.now();
  const minutes = Math.round(left / 60000);
  const rel = left <= 0 ? 'expired' : minutes < 60 ? `in ${minutes} min` : `in ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return `${date.toLocaleString()} (${rel})`;
}

const STATUS_LABEL: Record<SessionView['status'], string> = {
  valid: 'signed in',
  expiring: 'expiring',
  expired: 'expired',
  never: 'signed out',
};

function setScreen(next: Screen, focusSelector?: string): void {
  screen = next;
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-nav]')) {
    const current = button.dataset['nav'] === next.kind;
    if (current) button.setAttribute('aria-current', 'page');
    else button.removeAttribute('aria-current');
  }
  // A new view: its heading (screen readers hear where they are), or on Sessions its first action.
  focusAfterRender = focusSelector ?? (next.kind === 'home' ? '[data-session] button, main button' : 'main h2');
  void render();
}

/** Renders are async; only the latest one may replace the view (a slow one must not win). */
let renderSeq = 0;

async function render(): Promise<void> {
  const seq = ++renderSeq;
  let content: HTMLElement;
  try {
    switch (screen.kind) {
      case 'home': {
        // Each session's endpoint override comes with it (`session.endpointOverride`): no settings read here.
        content = homeView(await call('getOverview', {}));
        break;
      }
      case 'accounts':
        content = await accountsView(screen.sessionKey, screen.title);
        break;
      case 'keys': {
        const profile = screen.profile;
        content = await keysView(profile, () => call('getAccessKeys', { profile }));
        break;
      }
      case 'role-keys': {
        const role = screen.role;
        content = await keysView(`${role.roleName} in ${role.accountName}`, () => call('getRoleAccessKeys', role));
        break;
      }
      case 'add-profile':
        content = await addProfileView(screen.role, {
          errorBox: (error) => errorBox(error),
          back: backButton,
          written: (plan) => {
            announce(`Added profile ${plan.name}${plan.configPath ? ` to ${plan.configPath}` : ''}.`, 6000);
            setScreen({ kind: 'home' }, `[data-profile="${CSS.escape(plan.name)}"] button`);
          },
        });
        break;
      case 'populate':
        content = await populateView(screen.sessionKey, screen.title, { h, errorBox, backButton, announce });
        break;
      case 'configure':
        wizard ??= new Wizard();
        content = await wizard.render();
        break;
      case 'settings':
        content = await settingsView();
        break;
    }
  } catch (error) {
    content = h(
      'div',
      {},
      errorBox(toUserError(error), { retry: () => setScreen(screen) }),
      screen.kind === 'home' ? null : h('button', { type: 'button', 'data-back': '', onclick: () => setScreen({ kind: 'home' }) }, 'Back'),
    );
  }
  if (seq !== renderSeq) return;
  const hadFocus = document.activeElement && document.activeElement !== document.body && view.contains(document.activeElement);
  const keep = hadFocus ? focusKey(document.activeElement as HTMLElement) : undefined;
  view.replaceChildren(content);
  document.body.dataset['screen'] = screen.kind;
  placeFocus(keep);
}

/** A selector that finds "the same control" again after a re-render (by its data attributes and name). */
function focusKey(el: HTMLElement): string | undefined {
  const card = el.closest<HTMLElement>('[data-session]');
  const scope = card ? `[data-session="${CSS.escape(card.dataset['session'] ?? '')}"] ` : '';
  if (el.id) return `#${CSS.escape(el.id)}`;
  const data = Array.from(el.attributes).find((a) => a.name.startsWith('data-'));
  if (data) return `${scope}[${data.name}="${CSS.escape(data.value)}"]`;
  const action = el.dataset['action'];
  return action ? `${scope}[data-action="${CSS.escape(action)}"]` : undefined;
}

/** After a render: the control an action asked for, else the one that had focus, else the first sensible one. */
function placeFocus(keep: string | undefined): void {
  const wanted = focusAfterRender;
  focusAfterRender = undefined;
  for (const selector of [wanted, keep]) {
    if (!selector) continue;
    const target = view.querySelector<HTMLElement>(selector);
    if (target) {
      if (target.tagName === 'H2' || target.tagName === 'H1') target.setAttribute('tabindex', '-1');
      target.focus();
      return;
    }
  }
  if (wanted || document.activeElement === document.body) {
    const first = view.querySelector<HTMLElement>('button, input, select, a[href], summary, [tabindex="0"]');
    (first ?? view).focus();
  }
}

/**
 * Runs a worker request from a button on a session card: progress in the status line, any error kept
 * in that card (with "Try again"), focus afterwards on `focusSelector` in the re-rendered card.
 * With `recorded`, the worker records a failure on the session itself (`session.lastError`, a
 * sign-in): the re-rendered card shows that one, and the popup keeps its own copy only when no card
 * shows it, so one attempt never shows two errors.
 */
async function act(
  label: string,
  work: () => Promise<unknown>,
  where: { sessionKey?: string; focus?: string; retry?: () => void; done?: string; recorded?: boolean } = {},
): Promise<void> {
  announce(`${label}…`);
  const errorKey = where.sessionKey ?? '';
  actionErrors.delete(errorKey);
  let failed = false;
  try {
    await work();
    announce(where.done ?? '', where.done ? 4000 : 0);
  } catch (error) {
    announce('');
    const user = toUserError(error);
    let shown = false;
    if (where.recorded && where.sessionKey !== undefined) {
      await render();
      shown = sessionCardElement(where.sessionKey)?.querySelector('[data-error-code]') != null;
    }
    if (!shown) actionErrors.set(errorKey, { error: user, ...(where.retry ? { retry: where.retry } : {}) });
    failed = true;
  }
  const scope = where.sessionKey ? `[data-session="${CSS.escape(where.sessionKey)}"] ` : '';
  // After a failure: the error's own "Try again" or "Dismiss" (the first in the card), else the card's sign-in.
  focusAfterRender = failed
    ? `${scope}[data-retry], ${scope}[data-dismiss], ${scope}[data-action="sign-in"]`
    : where.focus
      ? `${scope}${where.focus}`
      : undefined;
  await render();
}

function actionError(key: string, endpointOverride?: string): HTMLElement | null {
  const found = actionErrors.get(key);
  if (!found) return null;
  return errorBox(found.error, {
    endpointOverride,
    retry: found.retry,
    dismiss: () => {
      actionErrors.delete(key);
      focusAfterRender = key ? `[data-session="${CSS.escape(key)}"] button` : 'main button';
      void render();
    },
  });
}

/** The rendered card of a session, if the home view shows it. */
function sessionCardElement(sessionKey: string): HTMLElement | undefined {
  return [...view.querySelectorAll<HTMLElement>('[data-session]')].find((el) => el.dataset['session'] === sessionKey);
}

function loginBox(login: LoginView, sessionKey: string): HTMLElement {
  const cancel = h(
    'button',
    { type: 'button', 'data-action': 'cancel', onclick: () => void act('Cancelling', () => call('cancelSignIn', { sessionKey }), { sessionKey, focus: '[data-action="sign-in"]' }) },
    'Cancel',
  );
  if (login.method === 'pkce') {
    return h('div', { class: 'login', 'data-login': 'pkce' }, h('p', {}, 'Waiting for you to allow access in the browser tab that opened…'), h('div', { class: 'row' }, cancel));
  }
  const link = login.verificationUriComplete ?? login.verificationUri;
  return h(
    'div',
    { class: 'login', 'data-login': 'device' },
    h('p', {}, 'Check that the sign-in page shows this code, then allow access:'),
    h('div', { class: 'user-code code', 'data-user-code': '' }, login.userCode),
    h('div', { class: 'row' }, copyButton(login.userCode, 'Copy code', 'the code'), h('a', { href: link, target: '_blank', rel: 'noreferrer' }, 'Open the sign-in page'), cancel),
    h('p', { class: 'hint' }, `The code expires ${formatExpiry(login.expiresAt)}.`),
  );
}

function sessionCard(session: SessionView, overview: Overview): HTMLElement {
  const label = session.name ?? session.startUrl;
  const signedIn = session.status === 'valid' || session.status === 'expiring';
  const signIn = (method: 'pkce' | 'device') => (): void =>
    void act('Starting the sign-in', () => call('signIn', { sessionKey: session.key, method }), {
      sessionKey: session.key,
      focus: '[data-action="cancel"]',
      retry: signIn(method),
      recorded: true,
    });
  // One primary action per card: sign in when signed out, the accounts when signed in.
  const buttons = h(
    'div',
    { class: 'row' },
    signedIn
      ? h('button', { type: 'button', class: 'primary', 'data-action': 'accounts', onclick: () => setScreen({ kind: 'accounts', sessionKey: session.key, title: label }) }, 'Accounts')
      : null,
    signedIn && session.name ? h('button', { type: 'button', 'data-action': 'populate', onclick: () => setScreen({ kind: 'populate', sessionKey: session.key, title: label }) }, 'Add all…') : null,
    session.name
      ? h('button', { type: 'button', class: signedIn ? '' : 'primary', 'data-action': 'sign-in', onclick: signIn('pkce') }, signedIn ? 'Sign in again' : 'Sign in')
      : null,
    h('button', { type: 'button', class: session.name || signedIn ? '' : 'primary', 'data-action': session.name ? 'sign-in-code' : 'sign-in', onclick: signIn('device') }, 'Sign in with a code'),
    session.status !== 'never'
      ? h('button', { type: 'button', 'data-action': 'sign-out', onclick: () => void act('Signing out', () => call('signOut', { sessionKey: session.key }), { sessionKey: session.key, focus: '[data-action="sign-in"]' }) }, 'Sign out')
      : null,
  );
  const profiles = overview.profiles.filter((p) => p.sessionKey === session.key);
  const headingId = `session-${session.key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return h(
    'section',
    { class: 'card', 'data-session': session.key, 'aria-labelledby': headingId },
    h('div', { class: 'spread' }, h('h2', { id: headingId }, label), h('span', { class: `badge ${session.status}`, 'data-status': session.status }, STATUS_LABEL[session.status])),
    h('p', { class: 'hint' }, session.startUrl ? `${session.startUrl} · ${session.region}` : '', session.expiresAt ? ` · until ${formatExpiry(session.expiresAt)}` : ''),
    session.endpointOverride
      ? h('p', { class: 'hint', 'data-endpoint-override': session.endpointOverride }, `Endpoint override: ${session.endpointOverride}`)
      : null,
    actionError(session.key, session.endpointOverride),
    !actionErrors.has(session.key) && session.lastError
      ? errorBox(session.lastError, { retry: signIn(session.name ? 'pkce' : 'device'), endpointOverride: session.endpointOverride })
      : null,
    session.login ? loginBox(session.login, session.key) : buttons,
    profiles.length ? profileList(profiles, signedIn, label) : null,
  );
}

/** Profiles drawn at most this many at a time; more are reached by typing in the search. */
const PROFILES_SHOWN = 50;
/** Up to this many profiles a session's list starts open; more start collapsed. */
const PROFILES_OPEN = 10;

/**
 * A session's profiles: open when there are a few, collapsed (and drawn only when opened) when there
 * are many, searchable, never more than `PROFILES_SHOWN` rows at once.
 */
function profileList(profiles: ProfileView[], signedIn: boolean, sessionLabel: string): HTMLElement {
  const list = h('ul', { class: 'plain profiles' });
  const summaryLine = h('p', { class: 'hint', 'aria-live': 'polite' });
  const search = h('input', { type: 'search', placeholder: 'Type to find a profile', 'aria-label': `Search the profiles of ${sessionLabel}`, 'data-profile-search': '' }) as HTMLInputElement;
  const fill = (): void => {
    const q = search.value.trim().toLowerCase();
    const shown = q ? profiles.filter((p) => `${p.name} ${p.accountId ?? ''} ${p.roleName ?? ''}`.toLowerCase().includes(q)) : profiles;
    list.replaceChildren(...shown.slice(0, PROFILES_SHOWN).map((p) => profileItem(p, signedIn)));
    summaryLine.textContent =
      shown.length > PROFILES_SHOWN
        ? `${PROFILES_SHOWN} of ${shown.length.toLocaleString('en-US')} shown — type to narrow.`
        : !shown.length
          ? 'No profile matches.'
          : '';
  };
  search.addEventListener('input', fill);
  const body = h('div', {}, profiles.length > PROFILES_SHOWN ? search : null, summaryLine, list);
  const details = h('details', { class: 'profiles', open: profiles.length <= PROFILES_OPEN }, h('summary', {}, plural(profiles.length, 'profile')), body) as HTMLDetailsElement;
  let drawn = false;
  const draw = (): void => {
    if (drawn || !details.open) return;
    drawn = true;
    fill();
  };
  details.addEventListener('toggle', draw);
  draw();
  return details;
}

function profileItem(profile: ProfileView, signedIn: boolean): HTMLElement {
  const detail = [profile.accountId, profile.roleName].filter(Boolean).join(' / ');
  return h(
    'li',
    { class: 'spread', 'data-profile': profile.name },
    h('span', { class: 'profile-name' }, h('code', {}, profile.name), detail ? h('span', { class: 'muted' }, ` ${detail}`) : null),
    signedIn && profile.accountId && profile.roleName
      ? h('span', { class: 'row' }, h('button', { type: 'button', 'aria-label': `Access keys for ${profile.name}`, onclick: () => setScreen({ kind: 'keys', profile: profile.name }) }, 'Access keys'),
          consoleControl({ sessionKey: profile.sessionKey, accountId: profile.accountId, roleName: profile.roleName }, consoleUi))
      : null,
  );
}

/**
 * Firefox grants host permissions only when the user agrees: say which hosts and why, and ask from
 * the click (permissions.request needs a user gesture, so it is the handler's first call). One
 * primary action; the answer is announced in the status line, and focus moves on to the sessions.
 */
function hostPermissionsCard(origins: string[]): HTMLElement {
  const hosts = origins.map((origin) => origin.replace(/\/\*$/, '').replace(/^https?:\/\//, ''));
  return h(
    'section',
    { class: 'card', 'data-missing-hosts': origins.join(' '), 'aria-labelledby': 'hosts-heading' },
    h('h2', { id: 'hosts-heading' }, 'Allow access to the sign-in service'),
    h(
      'p',
      { id: 'hosts-why' },
      `Your sessions sign in at ${hosts.join(', ')}. sso-bridge talks only to these hosts (IAM Identity Center's sign-in and portal APIs), only to sign you in and fetch your role credentials.`,
    ),
    h(
      'div',
      { class: 'row' },
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          id: 'grant-hosts',
          'aria-describedby': 'hosts-why',
          onclick: () => {
            void chrome.permissions.request({ origins }).then(
              (granted) => {
                if (granted) {
                  announce('Access granted.', 4000);
                  focusAfterRender = '[data-session] button, main button';
                  void render();
                } else {
                  announce('Access was not granted; signing in is not possible until it is.', 8000);
                }
              },
              (error: unknown) => announce(`Could not ask for access: ${String(error)}`, 8000),
            );
          },
        },
        'Allow access',
      ),
    ),
  );
}

function homeView(overview: Overview): HTMLElement {
  const root = h('div', {}, h('h2', { class: 'visually-hidden' }, 'Sessions'));
  if (!overview.helper.ok) {
    root.append(helperMissing(overview.helper.error, overview));
    return root;
  }
  if (overview.configError) {
    // Nothing may be written into a file that does not parse: no "Configure a session" here.
    root.append(errorBox(overview.configError, { retry: () => setScreen({ kind: 'home' }), retryAlways: true }));
    return root;
  }
  root.append(actionError('') ?? '');
  if (overview.diagnostics.length) {
    root.append(h('details', {}, h('summary', {}, `${plural(overview.diagnostics.length, 'note')} about your config file`), h('ul', {}, ...overview.diagnostics.map((d) => h('li', {}, d)))));
  }
  if (!overview.sessions.length) {
    root.append(
      h('p', {}, 'No SSO sessions in your AWS config file yet.'),
      h('button', { type: 'button', class: 'primary', onclick: () => setScreen({ kind: 'configure' }) }, 'Configure a session'),
    );
  }
  if (overview.missingHostPermissions?.length) root.append(hostPermissionsCard(overview.missingHostPermissions));
  for (const session of overview.sessions) root.append(sessionCard(session, overview));
  if (overview.sessions.some((s) => s.status !== 'never')) {
    root.append(h('div', { class: 'row' }, h('button', { type: 'button', 'data-action': 'sign-out-all', onclick: () => void act('Signing out of all sessions', () => call('signOutAll', {}), { focus: '[data-action="sign-in"]' }) }, 'Sign out of all')));
  }
  const info = overview.helper.info;
  if (info.configPath) root.append(h('p', { class: 'hint path' }, `Config: ${info.configPath}`));
  return root;
}

/** The helper is not installed (or not answering): what to run, whole and copyable. */
function helperMissing(error: UserError, overview: Overview): HTMLElement {
  return h(
    'div',
    {},
    errorBox(error, { retry: () => setScreen({ kind: 'home' }), retryAlways: true }),
    h('p', { class: 'hint' }, `This extension's ID: ${overview.extensionId}`),
  );
}

/** Accounts drawn at most this many at a time; more are reached by typing in the search. */
const ACCOUNTS_SHOWN = 200;

/**
 * A searchable list of accounts; picking one shows its roles right under it and marks it with
 * `aria-current`. `onRole` is the wizard's hook.
 */
async function accountPicker(
  sessionKey: string,
  draft: SessionDraft | undefined,
  onRole: ((account: AccountView, role: RoleView) => void) | undefined,
): Promise<HTMLElement> {
  const accounts = await call('listAccounts', { sessionKey, ...(draft ? { draft } : {}) });
  const list = h('ul', { class: 'plain pick', 'aria-label': 'Accounts' });
  const count = h('p', { class: 'hint', 'data-account-count': '', 'aria-live': 'polite' });
  const search = h('input', { type: 'search', placeholder: 'Search by name, ID or email', 'aria-label': 'Search accounts' }) as HTMLInputElement;
  let chosen: string | undefined;
  let rolesPanel: HTMLElement | undefined;
  let rolesSeq = 0;
  const fill = (): void => {
    const q = search.value.trim().toLowerCase();
    const shown = accounts.filter((a) => !q || `${a.accountName} ${a.accountId} ${a.emailAddress}`.toLowerCase().includes(q));
    const drawn = shown.slice(0, ACCOUNTS_SHOWN);
    // The roles panel belongs to the chosen account: it goes when that account leaves the list.
    if (!drawn.some((a) => a.accountId === chosen)) {
      chosen = undefined;
      rolesPanel = undefined;
    }
    list.replaceChildren(...drawn.map((account) => accountItem(account)));
    count.textContent =
      shown.length > ACCOUNTS_SHOWN
        ? `${ACCOUNTS_SHOWN} of ${shown.length.toLocaleString('en-US')} accounts shown — type to narrow.`
        : q
          ? `${plural(shown.length, 'account')} of ${accounts.length.toLocaleString('en-US')} match.`
          : plural(accounts.length, 'account');
    if (!shown.length) list.replaceChildren(h('li', { class: 'muted' }, 'No account matches.'));
  };
  const accountItem = (account: AccountView): HTMLElement => {
    const current = account.accountId === chosen;
    const item: HTMLElement = h('li', {});
    const button = h(
      'button',
      { type: 'button', 'data-account': account.accountId, 'aria-expanded': String(current), ...(current ? { 'aria-current': 'true' } : {}), onclick: () => void showRoles(account, item) },
      h('span', { class: 'account-name' }, account.accountName),
      h('span', { class: 'muted' }, `${account.accountId} · ${account.emailAddress}`),
    );
    item.append(button);
    if (current && rolesPanel) item.append(rolesPanel);
    return item;
  };
  const showRoles = async (account: AccountView, item: HTMLElement): Promise<void> => {
    const seq = ++rolesSeq;
    chosen = account.accountId;
    for (const other of list.querySelectorAll('[data-account]')) {
      other.removeAttribute('aria-current');
      other.setAttribute('aria-expanded', 'false');
    }
    list.querySelector('[data-roles]')?.remove();
    const button = item.querySelector('button') as HTMLElement;
    button.setAttribute('aria-current', 'true');
    button.setAttribute('aria-expanded', 'true');
    const roles = h('div', { class: 'roles', 'data-roles': account.accountId, 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading roles…'));
    rolesPanel = roles;
    item.append(roles);
    try {
      const found = await call('listRoles', { sessionKey, accountId: account.accountId, ...(draft ? { draft } : {}) });
      if (seq !== rolesSeq) return;
      roles.replaceChildren(
        h('h3', {}, `Roles in ${account.accountName}`),
        h('ul', { class: 'plain pick' }, ...found.map((role) =>
          h('li', {}, onRole
            ? h('button', { type: 'button', 'data-role': role.roleName, onclick: () => onRole(account, role) }, role.roleName)
            : h('code', { 'data-role': role.roleName }, role.roleName)),
        )),
      );
      (roles.querySelector('button') as HTMLElement | null)?.focus();
    } catch (error) {
      if (seq !== rolesSeq) return;
      roles.replaceChildren(errorBox(toUserError(error), { retry: () => void showRoles(account, item) }));
    }
  };
  search.addEventListener('input', () => {
    if (!search.value) chosen = undefined; // clearing the search starts over, roles panel included
    fill();
  });
  fill();
  return h('div', { class: 'picker' }, search, count, list);
}

function backButton(): HTMLElement {
  return h('button', { type: 'button', 'data-back': '', onclick: () => goBack() }, 'Back');
}

async function accountsView(sessionKey: string, title: string): Promise<HTMLElement> {
  return h(
    'div',
    {},
    h('div', { class: 'spread' }, h('h2', {}, `Accounts: ${title}`), backButton()),
    await accountBrowser(sessionKey, {
      errorBox: (error, options) => errorBox(error, options),
      toUserError,
      announce,
      openKeys: (role) => setScreen({ kind: 'role-keys', role, title }),
      addProfile: (role) => setScreen({ kind: 'add-profile', role, title }),
      roleActions: (role) => [consoleControl(role, consoleUi)],
    }),
  );
}

/** Access keys of a profile, or of any role from the account browser (`profile` is then "Role in Account"). */
async function keysView(profile: string, load: () => Promise<AccessKeysView>): Promise<HTMLElement> {
  const keys: AccessKeysView = await load();
  const panel = h('div', { role: 'tabpanel', id: 'keys-panel' });
  const tabs = h('div', { role: 'tablist', 'aria-label': 'Formats' });
  let revealed = false;
  let current = 0;
  const reveal = h('button', { type: 'button', 'data-reveal': '', 'aria-pressed': 'false', onclick: () => { revealed = !revealed; select(current); } }, 'Show secrets');
  // The secret key and session token stay masked on screen until asked for; Copy copies the real text.
  const masked = (text: string): string =>
    text.replace(/((?:SECRET_ACCESS_KEY|SESSION_TOKEN|secret_access_key|session_token)\S*?\s*[=:]\s*['"]?|SecretAccessKey ['"]?|SessionToken ['"]?)([A-Za-z0-9/+=]{8,})/g, (_m, prefix: string, secret: string) => `${prefix}${'•'.repeat(Math.min(secret.length, 12))}`);
  const select = (index: number): void => {
    const format = keys.formats[index];
    if (!format) return;
    current = index;
    for (const [i, tab] of Array.from(tabs.children).entries()) {
      tab.setAttribute('aria-selected', String(i === index));
      tab.setAttribute('tabindex', i === index ? '0' : '-1');
    }
    reveal.textContent = revealed ? 'Hide secrets' : 'Show secrets';
    reveal.setAttribute('aria-pressed', String(revealed));
    panel.setAttribute('aria-labelledby', `tab-${format.id}`);
    panel.replaceChildren(
      h('pre', { 'data-format': format.id, 'data-revealed': String(revealed), tabindex: '0', 'aria-label': `${format.label} commands for ${profile}` }, revealed ? format.text : masked(format.text)),
      h('div', { class: 'row' }, copyButton(format.text, `Copy ${format.label}`, format.label), reveal),
    );
  };
  keys.formats.forEach((format, index) => {
    tabs.append(h('button', {
      type: 'button',
      role: 'tab',
      id: `tab-${format.id}`,
      'aria-controls': 'keys-panel',
      'data-tab': format.id,
      onclick: () => select(index),
      onkeydown: (event: Event) => {
        const key = (event as KeyboardEvent).key;
        const last = keys.formats.length - 1;
        const next = key === 'ArrowRight' ? (index + 1) % (last + 1) : key === 'ArrowLeft' ? (index + last) % (last + 1) : key === 'Home' ? 0 : key === 'End' ? last : -1;
        if (next >= 0) {
          event.preventDefault();
          select(next);
          (tabs.children[next] as HTMLElement).focus();
        }
      },
    }, format.label));
  });
  select(0);
  return h(
    'div',
    { 'data-keys': profile },
    h('div', { class: 'spread' }, h('h2', {}, `Access keys: ${profile}`), backButton()),
    h('p', { class: 'hint' }, `${keys.roleName} in ${keys.accountId}.`, keys.expiration ? ` Expires ${formatExpiry(keys.expiration)}.` : ''),
    tabs,
    panel,
  );
}

/** The Settings key of a session: its name, or a legacy profile's start URL. */
function overrideKey(sessionField: string): string {
  const value = sessionField.trim();
  return /^https?:\/\//.test(value) ? `legacy:${value}` : `session:${value}`;
}

function overrideLabel(key: string): string {
  return key.replace(/^(session|legacy):/, '');
}

/** Escape and "Back": from a sub-view to the one it came from (keys and accounts → Sessions). */
function goBack(): void {
  if (screen.kind === 'keys') {
    const profile = screen.profile;
    setScreen({ kind: 'home' }, `[data-profile="${CSS.escape(profile)}"] button`);
  } else if (screen.kind === 'role-keys' || screen.kind === 'add-profile') {
    const action = screen.kind === 'role-keys' ? 'keys' : 'add-profile';
    const row = roleRowSelector(screen.role);
    setScreen({ kind: 'accounts', sessionKey: screen.role.sessionKey, title: screen.title }, `${row} [data-action="${action}"]`);
  } else if (screen.kind === 'accounts' || screen.kind === 'populate') {
    setScreen({ kind: 'home' }, `[data-session="${CSS.escape(screen.sessionKey)}"] [data-action="${screen.kind}"]`);
  } else if (screen.kind === 'configure' && wizard) {
    wizard.back();
  } else if (screen.kind !== 'home') {
    setScreen({ kind: 'home' });
  }
}

async function settingsView(): Promise<HTMLElement> {
  const settings = await call('getSettings', {});
  const sessionField = h('input', {
    id: 'endpoint-session',
    type: 'text',
    placeholder: 'session name, or a legacy start URL',
    autocomplete: 'off',
    'aria-describedby': 'endpoint-hint',
  }) as HTMLInputElement;
  const endpoint = h('input', { id: 'endpoint', type: 'url', placeholder: 'e.g. http://127.0.0.1:4566; empty removes it', 'aria-describedby': 'endpoint-hint' }) as HTMLInputElement;
  const device = h('input', { id: 'prefer-device', type: 'checkbox' }) as HTMLInputElement;
  device.checked = settings.preferDeviceCode;
  // Firefox only (the API comes with the Firefox build's permission): one container per account.
  const containers = h('input', { id: 'console-containers', type: 'checkbox' }) as HTMLInputElement;
  containers.checked = settings.consoleContainers === true;
  const overrides = Object.entries(settings.endpointOverrides);
  const save = (endpointOverrides: Record<string, string>, focus: string, done: string): Promise<void> =>
    act('Saving', () => call('saveSettings', { endpointOverrides, preferDeviceCode: device.checked, consoleContainers: containers.checked }), { focus, done });
  const remove = (key: string, index: number): void => {
    const next = { ...settings.endpointOverrides };
    delete next[key];
    // Focus: the Remove button that takes this one's place in the list, else the previous one, else the session field.
    const rest = overrides.filter(([other]) => other !== key);
    const neighbour = rest[Math.min(index, rest.length - 1)];
    const focus = neighbour ? `[data-override="${CSS.escape(neighbour[0])}"] button` : '#endpoint-session';
    void save(next, focus, `Removed the override for ${overrideLabel(key)}.`);
  };
  const form = h(
    'form',
    {
      onsubmit: (event: Event) => {
        event.preventDefault();
        const next = { ...settings.endpointOverrides };
        if (sessionField.value.trim()) {
          const key = overrideKey(sessionField.value);
          if (endpoint.value.trim()) next[key] = endpoint.value.trim();
          else delete next[key];
        }
        void save(next, 'button[type=submit]', 'Saved.');
      },
    },
    h('h2', {}, 'Settings'),
    actionError(''),
    h('h3', { id: 'overrides-heading' }, 'Endpoint overrides'),
    h(
      'p',
      { class: 'hint', id: 'endpoint-hint' },
      "Send one session's sign-in and portal calls to another endpoint, such as the local emulator (cargo xtask demo). " +
        "Only that session's tokens go there; https only, or http on 127.0.0.1. Other sessions keep the real AWS endpoints.",
    ),
    overrides.length
      ? h(
          'ul',
          { class: 'plain overrides', 'aria-labelledby': 'overrides-heading' },
          ...overrides.map(([key, url], index) =>
            h(
              'li',
              { class: 'spread', 'data-override': key },
              h('span', { class: 'override' }, h('strong', {}, overrideLabel(key)), ' → ', h('code', {}, url)),
              h('button', { type: 'button', 'aria-label': `Remove override for ${overrideLabel(key)}`, onclick: () => remove(key, index) }, 'Remove'),
            ),
          ),
        )
      : h('p', { class: 'hint', 'data-no-overrides': '' }, 'No overrides: every session uses the real AWS endpoints.'),
    h('label', { for: 'endpoint-session' }, 'Session'),
    sessionField,
    h('label', { for: 'endpoint' }, 'Endpoint (OIDC and portal)'),
    endpoint,
    h('label', { for: 'prefer-device', class: 'check' }, device, ' Use the device code in the configure wizard'),
    'contextualIdentities' in chrome ? h('label', { for: 'console-containers', class: 'check' }, containers, ' Open each account\'s console in its own container') : null,
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Save')),
  );
  return form;
}

/** `aws configure sso`, as a sequence of small steps. */
class Wizard {
  private state: WizardState = {
    step: 'session',
    draft: { name: '', startUrl: '', region: 'us-east-1', scopes: ['sso:account:access'] },
    method: 'pkce',
  };
  private error: UserError | undefined;
  private loaded = false;

  private get step(): WizardState['step'] {
    return this.state.step;
  }

  private get draft(): SessionDraft {
    return this.state.draft;
  }

  isWaiting(): boolean {
    return this.state.step === 'signin';
  }

  /** Saves progress in the worker, so reopening the popup after the sign-in tab continues here. */
  private save(): void {
    call('setWizard', { state: this.state.step === 'done' ? null : this.state }).catch(() => {
      // Progress is only a convenience; the wizard still works without it.
    });
  }

  private get sessionKey(): string {
    return `session:${this.draft.name}`;
  }

  private fail(error: unknown): void {
    this.error = toUserError(error);
    focusAfterRender = '[data-wizard-step] .error button, [data-wizard-step] button.primary';
    void render();
  }

  private go(step: WizardState['step']): void {
    this.state = { ...this.state, step };
    this.error = undefined;
    this.save();
    focusAfterRender = '[data-wizard-step] input, [data-wizard-step] [data-account], [data-wizard-step] button.primary, [data-wizard-step] button';
    void render();
  }

  /** "Back" and Escape: one step back (a sign-in in progress is cancelled); from the first step, home. */
  back(): void {
    const previous: Partial<Record<WizardState['step'], WizardState['step']>> = { signin: 'session', account: 'session', details: 'account' };
    const to = previous[this.step];
    if (!to) {
      setScreen({ kind: 'home' });
      return;
    }
    if (this.step === 'signin') void call('cancelSignIn', { sessionKey: this.sessionKey }).catch(() => undefined);
    this.go(to);
  }

  async render(): Promise<HTMLElement> {
    if (!this.loaded) {
      this.loaded = true;
      const saved = await call('getWizard', {});
      if (saved) this.state = saved;
      else if ((await call('getSettings', {})).preferDeviceCode) this.state = { ...this.state, method: 'device' };
    }
    const body = await this.body();
    const startOver =
      this.step === 'session' || this.step === 'done'
        ? null
        : h('button', {
            type: 'button',
            onclick: () => {
              void call('cancelSignIn', { sessionKey: this.sessionKey }).catch(() => undefined);
              wizard = undefined;
              void call('setWizard', { state: null }).finally(() => setScreen({ kind: 'configure' }));
            },
          }, 'Start over');
    const steps = ['session', 'signin', 'account', 'details'] as const;
    const index = steps.indexOf(this.step as (typeof steps)[number]);
    const names = ['Session', 'Sign in', 'Account and role', 'Profile'];
    return h(
      'div',
      { 'data-wizard-step': this.step },
      h('h2', {}, 'Configure an SSO session and profile'),
      index >= 0
        ? h('p', { class: 'steps', 'data-step-indicator': '' }, `Step ${index + 1} of ${steps.length}: ${names[index] ?? ''}`)
        : null,
      this.error ? errorBox(this.error, { dismiss: () => { this.error = undefined; void render(); } }) : null,
      body,
      h('div', { class: 'row wizard-nav' }, index > 0 ? h('button', { type: 'button', 'data-back': '', onclick: () => this.back() }, 'Back') : null, startOver),
    );
  }

  private async body(): Promise<HTMLElement> {
    switch (this.step) {
      case 'session':
        return this.sessionForm();
      case 'signin':
        return this.signInStep();
      case 'account':
        return h('div', {}, h('p', {}, 'Pick the account, then the role:'), await accountPicker(this.sessionKey, this.draft, (account, role) => {
          this.state = { ...this.state, account, role };
          this.go('details');
        }));
      case 'details':
        return this.detailsForm();
      case 'done':
        return h('div', {}, h('p', { 'data-done': '' }, `Saved to ${this.state.configPath ?? 'your AWS config file'}.`), h('button', { type: 'button', class: 'primary', onclick: () => { wizard = undefined; setScreen({ kind: 'home' }); } }, 'Done'),
          h('button', { type: 'button', onclick: () => { wizard = undefined; void call('setWizard', { state: null }).finally(() => setScreen({ kind: 'configure' })); } }, 'Configure another'));
    }
  }

  private field(id: string, label: string, value: string, hint: string, attrs: Attrs = {}): [HTMLElement, HTMLInputElement] {
    const input = h('input', { id, name: id, value, required: true, ...attrs }) as HTMLInputElement;
    return [h('div', {}, h('label', { for: id }, label), input, h('div', { class: 'hint' }, hint)), input];
  }

  private sessionForm(): HTMLElement {
    const [nameRow, name] = this.field('session-name', 'SSO session name', this.draft.name, 'A name for this sign-in, e.g. my-company.', { pattern: '[A-Za-z0-9_.-]+' });
    const [urlRow, url] = this.field('start-url', 'SSO start URL', this.draft.startUrl, 'e.g. https://my-company.awsapps.com/start', { type: 'url' });
    const [regionRow, region] = this.field('sso-region', 'SSO region', this.draft.region, 'Where IAM Identity Center runs, e.g. us-east-1.', { pattern: '[a-z]{2}(-[a-z]+)+-[0-9]+' });
    const [scopesRow, scopes] = this.field('scopes', 'SSO registration scopes', this.draft.scopes.join(','), 'Comma-separated; sso:account:access is what the CLI uses.');
    const method = h('select', { id: 'method' }, h('option', { value: 'pkce' }, 'In this browser (recommended)'), h('option', { value: 'device' }, 'With a device code')) as HTMLSelectElement;
    method.value = this.state.method;
    return h(
      'form',
      {
        onsubmit: (event: Event) => {
          event.preventDefault();
          this.state = {
            ...this.state,
            draft: {
              name: name.value.trim(),
              startUrl: url.value.trim(),
              region: region.value.trim(),
              scopes: scopes.value.split(',').map((s) => s.trim()).filter(Boolean),
            },
            method: method.value === 'device' ? 'device' : 'pkce',
          };
          this.save();
          call('signIn', { sessionKey: this.sessionKey, method: this.state.method, draft: this.draft }).then(
            () => this.go('signin'),
            (error: unknown) => this.fail(error),
          );
        },
      },
      nameRow, urlRow, regionRow, scopesRow,
      h('label', { for: 'method' }, 'Sign in'), method,
      h('div', { class: 'row actions' }, h('button', { type: 'submit', class: 'primary' }, 'Sign in and continue')),
    );
  }

  private async signInStep(): Promise<HTMLElement> {
    const status = await call('loginStatus', { sessionKey: this.sessionKey, draft: this.draft });
    if (status.lastError) {
      this.error = status.lastError;
      this.state = { ...this.state, step: 'session' };
      this.save();
      return this.sessionForm();
    }
    if (!status.login && status.expiresAt) {
      this.state = { ...this.state, step: 'account' };
      this.save();
      return this.body();
    }
    return h('div', {}, status.login ? loginBox(status.login, this.sessionKey) : h('p', {}, 'Waiting for the sign-in…'));
  }

  private detailsForm(): HTMLElement {
    const { account, role } = this.state;
    if (!account || !role) {
      this.state = { ...this.state, step: 'account' };
      return h('p', {}, 'Pick an account and role first.');
    }
    const [regionRow, region] = this.field('default-region', 'Default client region', this.draft.region, 'The region your commands use (region = …).');
    const [outputRow, output] = this.field('output', 'CLI default output format', 'json', 'json, yaml, text or table.');
    const [nameRow, name] = this.field('profile-name', 'Profile name', `${role.roleName}-${account.accountId}`, 'Use it with --profile or AWS_PROFILE.', { pattern: '[A-Za-z0-9_.@-]+' });
    return h(
      'form',
      {
        onsubmit: (event: Event) => {
          event.preventDefault();
          const profile = {
            name: name.value.trim(),
            sessionName: this.draft.name,
            accountId: account.accountId,
            roleName: role.roleName,
            ...(region.value.trim() ? { region: region.value.trim() } : {}),
            ...(output.value.trim() ? { output: output.value.trim() } : {}),
          };
          call('writeConfig', { session: this.draft, profile }).then(
            (reply) => {
              this.state = { ...this.state, ...(reply.configPath ? { configPath: reply.configPath } : {}) };
              announce('Saved.', 4000);
              this.go('done');
            },
            (error: unknown) => this.fail(error),
          );
        },
      },
      h('p', {}, `${role.roleName} in ${account.accountName} (${account.accountId})`),
      regionRow, outputRow, nameRow,
      h('div', { class: 'row actions' }, h('button', { type: 'submit', class: 'primary' }, 'Write profile')),
    );
  }
}

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-nav]')) {
  button.addEventListener('click', () => {
    const target = button.dataset['nav'];
    if (target === 'home' || target === 'configure' || target === 'settings') setScreen({ kind: target });
  });
}

// The worker pushes `changed` after any state change; only views showing live state re-render.
chrome.runtime.onMessage.addListener((message: unknown) => {
  if (!isChangedEvent(message)) return;
  if (screen.kind === 'home' || (screen.kind === 'configure' && wizard?.isWaiting())) void render();
});

// Escape backs out of a sub-view (a search field with text clears itself first, as browsers do).
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || event.defaultPrevented) return;
  const target = event.target as HTMLElement | null;
  if (target instanceof HTMLInputElement && target.type === 'search' && target.value) return;
  if (target?.closest('details[open]') && target.tagName === 'SUMMARY') return;
  if (screen.kind === 'home') return;
  event.preventDefault();
  goBack();
});

setScreen({ kind: 'home' });
