// "Open console" for one role: a button, and a small disclosure to pick the region and the console
// page (prefilled with the role's last choice, which the worker remembers). The worker signs in and
// opens the tab; the popup never sees the sign-in URL. Used in the accounts view's role rows and in
// the configured profiles' rows.

import { call, type UserError } from '../messages.js';
import { h } from './dom.js';

/** What the popup lends this module: its error box and status line (popup.ts owns both). */
export interface ConsoleUi {
  errorBox: (error: UserError, options: { retry?: () => void; dismiss?: () => void }) => HTMLElement;
  toUserError: (error: unknown) => UserError;
  announce: (text: string, lingerMs?: number) => void;
}

export interface ConsoleRole {
  sessionKey: string;
  accountId: string;
  /** Shown in labels and names the Firefox container; the account id when unknown. */
  accountName?: string;
  roleName: string;
}

let formCount = 0;

/**
 * The "Open console" control for a role: the button (`data-action="console"`), a "Region and page"
 * disclosure, and the place its errors show. Each click asks the worker anew, so an expired session
 * says so at once.
 */
export function consoleControl(role: ConsoleRole, ui: ConsoleUi): HTMLElement {
  const id = `console-${++formCount}`;
  const where = role.accountName && role.accountName !== role.accountId ? `${role.accountName} (${role.accountId})` : role.accountId;
  const root = h('span', { class: 'console', 'data-console': `${role.accountId}/${role.roleName}` });
  const feedback = h('div', { class: 'console-feedback' });
  const region = h('input', { id: `${id}-region`, type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. eu-west-1', 'data-console-region': '' });
  const destination = h('input', { id: `${id}-destination`, type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'console home, or /ec2/home', 'data-console-destination': '' });
  const details = h(
    'details',
    { class: 'console-options' },
    h('summary', { 'aria-label': `Region and page for the console of ${role.roleName} in ${where}` }, 'Region and page'),
    h('label', { for: region.id }, 'Region'),
    region,
    h('label', { for: destination.id }, 'Console page'),
    destination,
    h('p', { class: 'hint' }, 'A path such as /ec2/home or a console URL; empty opens the console home. The last choice is kept for this role.'),
  );
  // The remembered choice is fetched when the disclosure first opens (one request per row would
  // slow a list of hundreds of roles); until then the worker uses it anyway.
  let filled = false;
  details.addEventListener('toggle', () => {
    if (!details.open || filled) return;
    filled = true;
    call('consoleChoice', { sessionKey: role.sessionKey, accountId: role.accountId, roleName: role.roleName }).then(
      (choice) => {
        if (!region.value) region.value = choice.region;
        if (!destination.value) destination.value = choice.destination;
      },
      (error: unknown) => show(ui.toUserError(error)),
    );
  });
  const button = h('button', { type: 'button', 'data-action': 'console', 'aria-label': `Open console for ${role.roleName} in ${where}` }, 'Open console');
  const show = (error: UserError): void => {
    feedback.replaceChildren(ui.errorBox(error, { retry: open, dismiss: () => { feedback.replaceChildren(); button.focus(); } }));
    (feedback.querySelector('[data-retry], [data-dismiss]') as HTMLElement | null)?.focus();
  };
  const open = (): void => {
    feedback.replaceChildren();
    ui.announce('Opening the console…');
    // Only what the user chose in the form; the rest is the worker's remembered or default choice.
    const chosen = filled ? { region: region.value.trim(), destination: destination.value.trim() } : {};
    call('openConsole', { ...role, ...chosen }).then(
      (reply) => {
        if (reply.opened) {
          ui.announce(`Opened the console of ${role.roleName} in ${where} (${reply.region}).`, 6000);
          return;
        }
        ui.announce('');
        feedback.replaceChildren(grantPrompt(reply.needsOrigins, open, ui));
        (feedback.querySelector('button') as HTMLElement | null)?.focus();
      },
      (error: unknown) => {
        ui.announce('');
        show(ui.toUserError(error));
      },
    );
  };
  button.addEventListener('click', open);
  root.append(button, details, feedback);
  return root;
}

/**
 * The browser does not grant AWS sign-in's hosts (Firefox lets the user withhold or revoke them):
 * ask from this click (`permissions.request` needs a user gesture), then open the console.
 */
function grantPrompt(origins: string[], retry: () => void, ui: ConsoleUi): HTMLElement {
  const hosts = origins.map((origin) => origin.replace(/^https:\/\//, '').replace(/\/\*$/, ''));
  const button = h('button', { type: 'button', class: 'primary', 'data-grant-signin': '' }, 'Allow and open');
  button.addEventListener('click', () => {
    chrome.permissions.request({ origins }).then(
      (granted) => (granted ? retry() : ui.announce('Access was not granted; the console cannot be opened until it is.', 8000)),
      (error: unknown) => ui.announce(`Could not ask for access: ${String(error)}`, 8000),
    );
  });
  return h('div', { class: 'login', role: 'alert' }, h('p', {}, `Opening the console signs in at ${hosts.join(', ')}; sso-bridge needs your permission to reach it.`), h('div', { class: 'row' }, button));
}
