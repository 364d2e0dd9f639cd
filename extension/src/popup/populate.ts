// The "Add all…" view: a form (template, regions, prune), then the worker's populate job as it runs
// (listing progress, the preview, the result). A view only: the worker owns the job, so this view can
// be closed and reopened at any time and shows where the job is; it redraws its job panel on each
// `changed` event while it is on screen.

import { call, isChangedEvent, RequestError, type UserError } from '../messages.js';
import {
  DEFAULT_POPULATE_TEMPLATE,
  POPULATE_PLACEHOLDERS,
  type PopulateJob,
  type PopulateOptions,
} from '../populate-messages.js';

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | boolean | ((event: Event) => void)>;

/** What the popup lends this view, so both draw the same elements, errors and announcements. */
export interface PopulateKit {
  h(tag: string, attrs?: Attrs, ...children: Child[]): HTMLElement;
  errorBox(error: UserError, options?: { retry?: () => void; dismiss?: () => void }): HTMLElement;
  backButton(): HTMLElement;
  announce(text: string, lingerMs?: number): void;
}

const number = (n: number): string => n.toLocaleString('en');

function userError(error: unknown): UserError {
  if (error instanceof RequestError) return error.userError;
  return { code: 'unexpected', message: String(error), action: 'Close and reopen the popup.' };
}

/** The names the helper takes for regions: split on commas and spaces. */
function regionList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

export async function populateView(sessionKey: string, title: string, kit: PopulateKit): Promise<HTMLElement> {
  const { h } = kit;
  let job = await call('populateStatus', {});
  const mine = job?.sessionKey === sessionKey ? job : null;

  const template = h('input', {
    id: 'populate-template',
    type: 'text',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'populate-template-hint',
  }) as HTMLInputElement;
  template.value = mine?.options.template ?? DEFAULT_POPULATE_TEMPLATE;
  const regions = h('input', {
    id: 'populate-regions',
    type: 'text',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'e.g. us-east-1, eu-west-1',
    'aria-describedby': 'populate-regions-hint',
  }) as HTMLInputElement;
  regions.value = mine?.options.regions.join(', ') ?? '';
  const prune = h('input', { id: 'populate-prune', type: 'checkbox' }) as HTMLInputElement;
  prune.checked = mine?.options.prune ?? false;
  const panel = h('div', { 'data-populate-panel': '' });
  const preview = h('button', { type: 'submit', class: 'primary', 'data-action': 'populate-preview' }, 'Preview');

  const options = (): PopulateOptions => ({ template: template.value, regions: regionList(regions.value), prune: prune.checked });
  /** A request the worker refused before a job started (signed out, unreadable config): shown until the next one. */
  let refused: UserError | undefined;
  /** Preview and Apply clicks the worker has answered (in `data-populate-answered`, for tests and tools). */
  let answered = 0;
  const start = async (apply: boolean, chosen: PopulateOptions): Promise<void> => {
    kit.announce(apply ? 'Writing the profiles…' : 'Listing the accounts and roles…');
    refused = undefined;
    try {
      job = await call('startPopulate', { sessionKey, options: chosen, apply });
    } catch (error) {
      kit.announce('');
      refused = userError(error);
    }
    answered += 1;
    draw();
  };
  const form = h(
    'form',
    {
      'data-populate-form': '',
      onsubmit: (event: Event) => {
        event.preventDefault();
        if (preview.getAttribute('aria-disabled') === 'true') return;
        void start(false, options());
      },
    },
    h('label', { for: 'populate-template' }, 'Profile name template'),
    template,
    h('p', { class: 'hint', id: 'populate-template-hint' }, `Placeholders: ${POPULATE_PLACEHOLDERS.join(' ')}. Spaces and brackets in account names become “-”.`),
    h('label', { for: 'populate-regions' }, 'Regions (optional)'),
    regions,
    h('p', { class: 'hint', id: 'populate-regions-hint' }, 'One profile per role and region, separated by commas; empty writes profiles without a region.'),
    h('label', { class: 'check' }, prune, 'Remove profiles of accounts or roles that are gone'),
    h('div', { class: 'row actions' }, preview),
  );

  /** The job panel: progress, preview, result or error. */
  const draw = (): void => {
    panel.dataset['populateAnswered'] = String(answered);
    const current = job?.sessionKey === sessionKey ? job : null;
    // aria-disabled, not disabled: a disabled button drops the focus it has to <body>.
    const busy = current !== null && (current.phase === 'listing' || current.phase === 'planning' || current.phase === 'writing');
    preview.setAttribute('aria-disabled', String(busy));
    const focusWasInPanel = panel.contains(document.activeElement);
    if (refused) {
      panel.dataset['populatePhase'] = 'refused';
      panel.replaceChildren(kit.errorBox(refused));
    } else {
      panel.dataset['populatePhase'] = current?.phase ?? 'none';
      panel.replaceChildren(...(current ? jobPanel(current) : []).filter((c): c is Node | string => !!c));
    }
    // The control that had focus was redrawn: focus its successor (Cancel, Write, the result), never <body>.
    if (focusWasInPanel && !panel.contains(document.activeElement)) {
      const next = panel.querySelector<HTMLElement>('button:not([disabled]), [data-populate-result], [data-error-code]');
      if (next && next.tagName !== 'BUTTON') next.setAttribute('tabindex', '-1');
      (next ?? preview).focus();
    }
  };

  const jobPanel = (current: PopulateJob): Child[] => {
    const cancel = h('button', { type: 'button', 'data-action': 'populate-cancel', onclick: () => void call('cancelPopulate', {}).catch(() => {}) }, 'Cancel');
    switch (current.phase) {
      case 'listing': {
        const { accountsListed, accountsTotal, rolesFound } = current.progress;
        const label =
          accountsTotal === undefined
            ? 'Listing the accounts…'
            : `Listing roles: ${number(accountsListed)} of ${number(accountsTotal)} accounts, ${number(rolesFound)} roles found`;
        const bar = h('progress', { id: 'populate-progress', 'aria-labelledby': 'populate-progress-label', 'data-populate-progress': '' }) as HTMLProgressElement;
        if (accountsTotal !== undefined) {
          bar.max = Math.max(accountsTotal, 1);
          bar.value = accountsListed;
        }
        return [h('p', { id: 'populate-progress-label' }, label), bar, h('div', { class: 'row' }, cancel)];
      }
      case 'planning':
      case 'writing':
        return [
          h('p', { id: 'populate-progress-label' }, current.phase === 'planning' ? 'Working out the changes…' : 'Writing the config file…'),
          h('progress', { id: 'populate-progress', 'aria-labelledby': 'populate-progress-label', 'data-populate-progress': '' }),
        ];
      case 'planned':
      case 'done': {
        const plan = current.plan;
        if (!plan) return [];
        const total = plan.added + plan.updated + plan.removed;
        const counts = h(
          'p',
          { 'data-populate-counts': '' },
          `${number(plan.added)} to add, ${number(plan.updated)} to update, ${number(plan.removed)} to remove, ${number(plan.unchanged)} unchanged`,
          ` (${number(current.progress.accountsTotal ?? current.progress.accountsListed)} accounts, ${number(current.progress.rolesFound)} roles).`,
        );
        const list = plan.changes.length
          ? h(
              'ul',
              { class: 'plain changes', 'data-populate-changes': '', 'aria-label': 'Changes' },
              ...plan.changes.map((c) => h('li', { 'data-change': c.action }, h('span', { class: `tag ${c.action}` }, c.action), ' ', h('code', {}, c.name))),
              plan.moreChanges ? h('li', { class: 'hint' }, `and ${number(plan.moreChanges)} more`) : null,
            )
          : null;
        if (current.phase === 'done') {
          const result = current.result;
          return [
            h(
              'div',
              { class: 'done', 'data-populate-result': '', role: 'status', tabindex: '-1' },
              h('p', {}, result?.changed ? `Written: ${number(plan.added)} added, ${number(plan.updated)} updated, ${number(plan.removed)} removed.` : 'Nothing to change: every profile is already as it should be.'),
              result?.path ? h('p', { class: 'hint' }, 'File: ', h('code', { 'data-populate-path': '' }, result.path)) : null,
              result?.backup ? h('p', { class: 'hint' }, 'Previous version kept as ', h('code', { 'data-populate-backup': '' }, result.backup)) : null,
            ),
            list,
          ];
        }
        const apply = h(
          'button',
          {
            type: 'button',
            class: 'primary',
            'data-action': 'populate-apply',
            // Exactly what was previewed, whatever the form says now.
            onclick: () => void start(true, current.options),
          },
          total ? `Write ${number(total)} ${total === 1 ? 'change' : 'changes'}` : 'Nothing to write',
        );
        if (!total) apply.setAttribute('disabled', '');
        return [
          h('h3', {}, 'Preview'),
          h('p', { class: 'hint' }, 'Template ', h('code', {}, current.options.template), current.options.regions.length ? `, regions ${current.options.regions.join(', ')}` : '', current.options.prune ? ', removing profiles that are gone.' : '.'),
          counts,
          h('div', { class: 'row actions' }, apply),
          list,
        ];
      }
      case 'failed':
        return current.error ? [kit.errorBox(current.error)] : [];
      case 'cancelled':
        return [h('p', { 'data-populate-cancelled': '' }, 'Cancelled; nothing was written.')];
    }
  };

  let lastPhase = mine?.phase;
  const onChanged = (message: unknown): void => {
    if (!isChangedEvent(message)) return;
    if (!root.isConnected) {
      chrome.runtime.onMessage.removeListener(onChanged);
      return;
    }
    void call('populateStatus', {}).then((fresh) => {
      job = fresh;
      const phase = fresh?.sessionKey === sessionKey ? fresh.phase : undefined;
      // Screen readers hear the steps, not every tick of the progress bar.
      if (phase !== lastPhase) {
        lastPhase = phase;
        const said: Partial<Record<NonNullable<typeof phase>, string>> = {
          planned: 'Preview ready.',
          done: 'Profiles written.',
          failed: 'Add all failed; nothing was written.',
          cancelled: 'Cancelled.',
        };
        if (phase && said[phase]) kit.announce(said[phase], 4000);
      }
      draw();
    });
  };
  chrome.runtime.onMessage.addListener(onChanged);

  const root = h(
    'div',
    { 'data-populate': sessionKey },
    h('div', { class: 'spread' }, h('h2', {}, `Add all: ${title}`), kit.backButton()),
    h('p', { class: 'hint' }, 'A profile for every account and role of this session, in your AWS config file. Profiles you wrote yourself are never changed; a backup of the file is kept.'),
    form,
    panel,
  );
  draw();
  return root;
}
