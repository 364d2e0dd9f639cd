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
  type RoleView,
  type SessionDraft,
  type SessionView,
  type UserError,
  type WizardState,
} from '../messages.js';

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | boolean | ((event: Event) => void)>;

/** Creates an element; `on…` attributes become listeners, booleans toggle attributes. */
function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(key, '');
    else if (value !== false) el.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

const view = document.getElementById('view') as HTMLElement;
const statusLine = document.getElementById('status') as HTMLElement;

/** Which screen is showing; re-rendered on every `changed` event from the worker. */
type Screen =
  | { kind: 'home' }
  | { kind: 'accounts'; sessionKey: string; title: string }
  | { kind: 'keys'; profile: string }
  | { kind: 'configure' }
  | { kind: 'settings' };

let screen: Screen = { kind: 'home' };
let wizard: Wizard | undefined;

function announce(text: string): void {
  statusLine.textContent = text;
}

function toUserError(error: unknown): UserError {
  if (error instanceof RequestError) return error.userError;
  return { code: 'popup', message: String(error), action: 'Close and reopen the popup.' };
}

function errorBox(error: UserError): HTMLElement {
  return h(
    'div',
    { class: 'error', role: 'alert', 'data-error-code': error.code },
    h('strong', {}, error.message),
    error.action ? h('div', {}, error.action) : null,
    error.command ? h('div', { class: 'row' }, h('pre', { 'data-command': '' }, error.command), copyButton(error.command, 'Copy command')) : null,
  );
}

function copyButton(text: string, label = 'Copy'): HTMLElement {
  return h('button', {
    type: 'button',
    'aria-label': label,
    onclick: () => {
      navigator.clipboard.writeText(text).then(
        () => announce('Copied to the clipboard.'),
        () => announce('Could not copy: select the text and copy it by hand.'),
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

function setScreen(next: Screen): void {
  screen = next;
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-nav]')) {
    const current = button.dataset['nav'] === next.kind;
    if (current) button.setAttribute('aria-current', 'page');
    else button.removeAttribute('aria-current');
  }
  void render(true);
}

/** Renders are async; only the latest one may replace the view (a slow one must not win). */
let renderSeq = 0;

async function render(focus = false): Promise<void> {
  const seq = ++renderSeq;
  let content: HTMLElement;
  try {
    switch (screen.kind) {
      case 'home':
        content = homeView(await call('getOverview', {}));
        break;
      case 'accounts':
        content = await accountsView(screen.sessionKey, screen.title);
        break;
      case 'keys':
        content = await keysView(screen.profile);
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
    content = h('div', {}, errorBox(toUserError(error)), h('button', { type: 'button', onclick: () => setScreen({ kind: 'home' }) }, 'Back'));
  }
  if (seq !== renderSeq) return;
  view.replaceChildren(content);
  document.body.dataset['screen'] = screen.kind;
  if (focus) view.focus();
}

/**
 * Runs a worker request from a button, showing progress and any error in place. With `sessionKey`,
 * the worker records a failure on that session, so the re-rendered card shows it (one message, the
 * latest); it is shown on top only when no card shows it.
 */
async function act(label: string, work: () => Promise<unknown>, sessionKey?: string): Promise<void> {
  announce(`${label}…`);
  try {
    await work();
    announce('');
  } catch (error) {
    const user = toUserError(error);
    announce('');
    if (sessionKey !== undefined) {
      await render();
      const card = [...view.querySelectorAll<HTMLElement>('[data-session]')].find((el) => el.dataset['session'] === sessionKey);
      if (card?.querySelector('[data-error-code]')) return;
    }
    view.prepend(errorBox(user));
    return;
  }
  await render();
}

function loginBox(login: LoginView, sessionKey: string): HTMLElement {
  const cancel = h('button', { type: 'button', onclick: () => void act('Cancelling', () => call('cancelSignIn', { sessionKey })) }, 'Cancel');
  if (login.method === 'pkce') {
    return h('div', { class: 'card', 'data-login': 'pkce' }, h('div', {}, 'Waiting for you to allow access in the browser tab that opened…'), h('div', { class: 'row' }, cancel));
  }
  const link = login.verificationUriComplete ?? login.verificationUri;
  return h(
    'div',
    { class: 'card', 'data-login': 'device' },
    h('div', {}, 'Check that the sign-in page shows this code, then allow access:'),
    h('div', { class: 'user-code code', 'data-user-code': '' }, login.userCode),
    h('div', { class: 'row' }, copyButton(login.userCode, 'Copy code'), h('a', { href: link, target: '_blank', rel: 'noreferrer' }, 'Open the sign-in page'), cancel),
    h('div', { class: 'hint' }, `The code expires ${formatExpiry(login.expiresAt)}.`),
  );
}

function sessionCard(session: SessionView, overview: Overview): HTMLElement {
  const label = session.name ?? session.startUrl;
  const signedIn = session.status === 'valid' || session.status === 'expiring';
  const signIn = (method: 'pkce' | 'device') => () =>
    void act('Starting the sign-in', () => call('signIn', { sessionKey: session.key, method }), session.key);
  const buttons = h(
    'div',
    { class: 'row' },
    session.name ? h('button', { type: 'button', class: signedIn ? '' : 'primary', onclick: signIn('pkce') }, signedIn ? 'Sign in again' : 'Sign in') : null,
    h('button', { type: 'button', class: session.name || signedIn ? '' : 'primary', onclick: signIn('device') }, 'Sign in with a code'),
    signedIn
      ? h('button', { type: 'button', onclick: () => setScreen({ kind: 'accounts', sessionKey: session.key, title: label }) }, 'Accounts')
      : null,
    session.status !== 'never'
      ? h('button', { type: 'button', onclick: () => void act('Signing out', () => call('signOut', { sessionKey: session.key })) }, 'Sign out')
      : null,
  );
  const profiles = overview.profiles.filter((p) => p.sessionKey === session.key);
  return h(
    'section',
    { class: 'card', 'data-session': session.key, 'aria-label': `Session ${label}` },
    h('div', { class: 'spread' }, h('h3', {}, label), h('span', { class: `badge ${session.status}`, 'data-status': session.status }, STATUS_LABEL[session.status])),
    h('div', { class: 'hint' }, `${session.startUrl} · ${session.region}`, session.expiresAt ? ` · until ${formatExpiry(session.expiresAt)}` : ''),
    session.endpointOverride
      ? h('div', { class: 'hint', 'data-endpoint-override': session.endpointOverride }, `Endpoint override: ${session.endpointOverride}`)
      : null,
    session.lastError ? errorBox(session.lastError) : null,
    session.login ? loginBox(session.login, session.key) : buttons,
    profiles.length ? h('ul', { class: 'plain' }, ...profiles.map((p) => profileItem(p, signedIn))) : null,
  );
}

function profileItem(profile: ProfileView, signedIn: boolean): HTMLElement {
  const detail = [profile.accountId, profile.roleName].filter(Boolean).join(' / ');
  return h(
    'li',
    { class: 'spread', 'data-profile': profile.name },
    h('span', {}, h('code', {}, profile.name), detail ? h('span', { class: 'muted' }, ` ${detail}`) : null),
    signedIn && profile.accountId && profile.roleName
      ? h('button', { type: 'button', onclick: () => setScreen({ kind: 'keys', profile: profile.name }) }, 'Access keys')
      : null,
  );
}

/**
 * Firefox grants host permissions only when the user agrees: say which hosts and why, and ask from
 * the click (permissions.request needs a user gesture, so it is the handler's first call).
 */
function hostPermissionsCard(origins: string[]): HTMLElement {
  const hosts = origins.map((origin) => origin.replace(/\/\*$/, '').replace(/^https?:\/\//, ''));
  return h(
    'section',
    { class: 'card', 'data-missing-hosts': origins.join(' ') },
    h('strong', {}, 'sso-bridge needs your permission to reach the sign-in service'),
    h(
      'p',
      { class: 'hint' },
      `Your sessions sign in at ${hosts.join(', ')}. The extension talks only to these hosts (IAM Identity Center's sign-in and portal APIs), only to sign you in and fetch your role credentials.`,
    ),
    h('div', { class: 'row' }, h('button', {
      type: 'button',
      class: 'primary',
      id: 'grant-hosts',
      onclick: () => {
        void chrome.permissions.request({ origins }).then(
          (granted) => (granted ? render() : announce('Access was not granted; signing in is not possible until it is.')),
          (error: unknown) => announce(`Could not ask for access: ${String(error)}`),
        );
      },
    }, 'Allow access')),
  );
}

function homeView(overview: Overview): HTMLElement {
  const root = h('div', {});
  if (!overview.helper.ok) {
    root.append(errorBox(overview.helper.error));
    root.append(h('p', { class: 'hint' }, `This extension's ID: ${overview.extensionId}`));
    return root;
  }
  if (overview.configError) root.append(errorBox(overview.configError));
  if (overview.diagnostics.length) {
    root.append(h('details', {}, h('summary', {}, `${overview.diagnostics.length} note(s) about your config file`), h('ul', {}, ...overview.diagnostics.map((d) => h('li', {}, d)))));
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
    root.append(h('div', { class: 'row' }, h('button', { type: 'button', onclick: () => void act('Signing out of all sessions', () => call('signOutAll', {})) }, 'Sign out of all')));
  }
  const info = overview.helper.info;
  if (info.configPath) root.append(h('p', { class: 'hint' }, `Config: ${info.configPath}`));
  return root;
}

/** A searchable list of accounts; picking one shows its roles. `onRole` is the wizard's hook. */
async function accountPicker(
  sessionKey: string,
  draft: SessionDraft | undefined,
  onRole: ((account: AccountView, role: RoleView) => void) | undefined,
): Promise<HTMLElement> {
  const accounts = await call('listAccounts', { sessionKey, ...(draft ? { draft } : {}) });
  const list = h('ul', { class: 'plain pick', 'aria-label': 'Accounts' });
  const roles = h('div', { 'aria-live': 'polite' });
  const search = h('input', { type: 'search', placeholder: 'Search accounts by name, ID or email', 'aria-label': 'Search accounts' }) as HTMLInputElement;
  const fill = () => {
    const q = search.value.trim().toLowerCase();
    const shown = accounts.filter((a) => !q || `${a.accountName} ${a.accountId} ${a.emailAddress}`.toLowerCase().includes(q));
    list.replaceChildren(
      ...shown.slice(0, 200).map((account) =>
        h('li', {}, h('button', { type: 'button', 'data-account': account.accountId, onclick: () => void showRoles(account) }, `${account.accountName} `, h('span', { class: 'muted' }, `${account.accountId} · ${account.emailAddress}`))),
      ),
    );
    if (!shown.length) list.replaceChildren(h('li', { class: 'muted' }, 'No account matches.'));
  };
  const showRoles = async (account: AccountView) => {
    roles.replaceChildren(h('p', { class: 'muted' }, 'Loading roles…'));
    try {
      const found = await call('listRoles', { sessionKey, accountId: account.accountId, ...(draft ? { draft } : {}) });
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
      roles.replaceChildren(errorBox(toUserError(error)));
    }
  };
  search.addEventListener('input', fill);
  fill();
  return h('div', {}, h('p', { class: 'hint' }, `${accounts.length} account(s)`), search, list, roles);
}

async function accountsView(sessionKey: string, title: string): Promise<HTMLElement> {
  return h(
    'div',
    {},
    h('div', { class: 'spread' }, h('h2', {}, `Accounts: ${title}`), h('button', { type: 'button', onclick: () => setScreen({ kind: 'home' }) }, 'Back')),
    await accountPicker(sessionKey, undefined, undefined),
  );
}

async function keysView(profile: string): Promise<HTMLElement> {
  const keys: AccessKeysView = await call('getAccessKeys', { profile });
  const panel = h('div', { role: 'tabpanel' });
  const tabs = h('div', { role: 'tablist', 'aria-label': 'Formats' });
  const select = (index: number) => {
    const format = keys.formats[index];
    if (!format) return;
    for (const [i, tab] of Array.from(tabs.children).entries()) {
      tab.setAttribute('aria-selected', String(i === index));
      tab.setAttribute('tabindex', i === index ? '0' : '-1');
    }
    panel.replaceChildren(h('pre', { 'data-format': format.id }, format.text), copyButton(format.text, `Copy ${format.label}`));
  };
  keys.formats.forEach((format, index) => {
    tabs.append(h('button', {
      type: 'button',
      role: 'tab',
      'data-tab': format.id,
      onclick: () => select(index),
      onkeydown: (event: Event) => {
        const key = (event as KeyboardEvent).key;
        const next = key === 'ArrowRight' ? index + 1 : key === 'ArrowLeft' ? index - 1 : -1;
        if (next >= 0 && next < keys.formats.length) {
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
    h('div', { class: 'spread' }, h('h2', {}, `Access keys: ${profile}`), h('button', { type: 'button', onclick: () => setScreen({ kind: 'home' }) }, 'Back')),
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

async function settingsView(): Promise<HTMLElement> {
  const settings = await call('getSettings', {});
  const sessionField = h('input', { id: 'endpoint-session', type: 'text', placeholder: 'session name, or a legacy start URL', autocomplete: 'off' }) as HTMLInputElement;
  const endpoint = h('input', { id: 'endpoint', type: 'url', placeholder: 'e.g. http://127.0.0.1:4566; empty removes it' }) as HTMLInputElement;
  const device = h('input', { id: 'prefer-device', type: 'checkbox', style: 'width:auto' }) as HTMLInputElement;
  device.checked = settings.preferDeviceCode;
  const save = (endpointOverrides: Record<string, string>) =>
    act('Saving', () => call('saveSettings', { endpointOverrides, preferDeviceCode: device.checked }));
  const overrides = Object.entries(settings.endpointOverrides);
  const form = h(
    'form',
    {
      onsubmit: (event: Event) => {
        event.preventDefault();
        const next = { ...settings.endpointOverrides };
        if (sessionField.value.trim()) {
          const key = overrideKey(sessionField.value);
          if (endpoint.value.trim()) next[key] = endpoint.value;
          else delete next[key];
        }
        void save(next);
      },
    },
    h('h2', {}, 'Settings'),
    h('h3', {}, 'Endpoint overrides'),
    h(
      'p',
      { class: 'hint' },
      'Send one session\'s sign-in and portal calls to another endpoint, such as the local emulator (cargo xtask demo). ' +
        'Only that session\'s tokens go there; https only, or http on 127.0.0.1.',
    ),
    overrides.length
      ? h(
          'ul',
          { class: 'plain' },
          ...overrides.map(([key, url]) =>
            h(
              'li',
              { class: 'row', 'data-override': key },
              h('span', {}, `${overrideLabel(key)} → ${url}`),
              h('button', {
                type: 'button',
                onclick: () => {
                  const next = { ...settings.endpointOverrides };
                  delete next[key];
                  void save(next);
                },
              }, 'Remove'),
            ),
          ),
        )
      : null,
    h('label', { for: 'endpoint-session' }, 'Session'),
    sessionField,
    h('label', { for: 'endpoint' }, 'Endpoint (OIDC and portal)'),
    endpoint,
    h('label', { for: 'prefer-device' }, device, ' Use the device code in the configure wizard'),
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
    void render();
  }

  private go(step: WizardState['step']): void {
    this.state = { ...this.state, step };
    this.error = undefined;
    this.save();
    void render(true);
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
        : h('div', { class: 'row', style: 'margin-top:10px' }, h('button', {
            type: 'button',
            onclick: () => {
              void call('cancelSignIn', { sessionKey: this.sessionKey }).catch(() => undefined);
              wizard = undefined;
              void call('setWizard', { state: null }).finally(() => setScreen({ kind: 'configure' }));
            },
          }, 'Start over'));
    return h(
      'div',
      { 'data-wizard-step': this.step },
      h('h2', {}, 'Configure an SSO session and profile'),
      this.error ? errorBox(this.error) : null,
      body,
      startOver,
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
      h('div', { class: 'row', style: 'margin-top:8px' }, h('button', { type: 'submit', class: 'primary' }, 'Sign in and continue')),
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
              this.go('done');
            },
            (error: unknown) => this.fail(error),
          );
        },
      },
      h('p', {}, `${role.roleName} in ${account.accountName} (${account.accountId})`),
      regionRow, outputRow, nameRow,
      h('div', { class: 'row', style: 'margin-top:8px' }, h('button', { type: 'submit', class: 'primary' }, 'Write profile')),
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

setScreen({ kind: 'home' });
