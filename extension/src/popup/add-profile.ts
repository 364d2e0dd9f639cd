// "Add profile" for a role of the account browser: a name from a template (populate's placeholders
// and safe names, applied by the helper with the core's rules), the exact section as a preview, then
// the write. A name taken by a profile with other values is refused before anything is written.

import { call, RequestError, type RoleProfilePlan, type RoleRef, type UserError } from '../messages.js';
import { h } from './dom.js';

export const DEFAULT_TEMPLATE = '{account_name}.{role_name}';

/** The template last used while the popup is open (the next role starts from it). */
let lastTemplate = DEFAULT_TEMPLATE;

export interface AddProfileHooks {
  errorBox(error: UserError): HTMLElement;
  back(): HTMLElement;
  written(plan: RoleProfilePlan): void;
}

function userError(error: unknown): UserError {
  return error instanceof RequestError ? error.userError : { code: 'popup', message: String(error), action: 'Close and reopen the popup.' };
}

export async function addProfileView(role: RoleRef, hooks: AddProfileHooks): Promise<HTMLElement> {
  const overview = await call('getOverview', {});
  const sessionRegion = overview.sessions.find((s) => s.key === role.sessionKey)?.region ?? '';
  const template = h('input', { id: 'profile-template', value: lastTemplate, required: true, autocomplete: 'off', 'aria-describedby': 'template-hint' }) as HTMLInputElement;
  const region = h('input', { id: 'profile-region', value: sessionRegion, autocomplete: 'off', 'aria-describedby': 'region-hint' }) as HTMLInputElement;
  const preview = h('div', { 'data-preview': '', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Working out the name…'));
  const write = h('button', { type: 'submit', class: 'primary', 'data-action': 'write-profile', disabled: true }, 'Write profile') as HTMLButtonElement;
  let plan: RoleProfilePlan | undefined;
  let seq = 0;

  const request = () => ({ ...role, template: template.value, ...(region.value.trim() ? { region: region.value.trim() } : {}) });

  const show = (found: RoleProfilePlan | undefined, error?: unknown): void => {
    plan = found;
    write.disabled = !found || found.exists;
    if (error !== undefined) {
      preview.replaceChildren(hooks.errorBox(userError(error)));
    } else if (found?.exists) {
      preview.replaceChildren(h('p', { 'data-profile-exists': found.name }, `A profile named ${found.name} with these values already exists: nothing to write.`));
    } else if (found) {
      preview.replaceChildren(
        h('p', {}, 'This section is added to your config file:'),
        h('pre', { 'data-profile-preview': found.name, tabindex: '0', 'aria-label': `The section for profile ${found.name}` }, found.section),
      );
    }
  };

  const replan = async (): Promise<void> => {
    const mine = ++seq;
    write.disabled = true;
    try {
      const found = await call('planRoleProfile', request());
      if (mine === seq) show(found);
    } catch (error) {
      if (mine === seq) show(undefined, error);
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const soon = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void replan(), 200);
  };
  template.addEventListener('input', soon);
  region.addEventListener('input', soon);

  const form = h(
    'form',
    {
      onsubmit: (event: Event) => {
        event.preventDefault();
        if (!plan || plan.exists) return;
        write.disabled = true;
        lastTemplate = template.value;
        call('addRoleProfile', request()).then(
          (written) => (written.exists ? show(written) : hooks.written(written)),
          (error: unknown) => {
            show(undefined, error);
            (preview.querySelector<HTMLElement>('button') ?? template).focus();
          },
        );
      },
    },
    h('label', { for: 'profile-template' }, 'Name template'),
    template,
    h('p', { class: 'hint', id: 'template-hint' }, 'Placeholders: {account_name}, {account_id}, {role_name}, {session}, {region}. Spaces and brackets in account names become -.'),
    h('label', { for: 'profile-region' }, 'Region'),
    region,
    h('p', { class: 'hint', id: 'region-hint' }, "The profile's region (region = …); empty leaves it out."),
    h('h3', {}, 'Preview'),
    preview,
    h('div', { class: 'row actions' }, write),
  );
  const root = h(
    'div',
    { 'data-add-profile': `${role.accountId}/${role.roleName}` },
    h('div', { class: 'spread' }, h('h2', {}, 'Add profile'), hooks.back()),
    h('p', { class: 'hint' }, `${role.roleName} in ${role.accountName} (${role.accountId}), session ${role.sessionKey.replace(/^session:/, '')}.`),
    form,
  );
  await replan();
  return root;
}
