// Firefox ESR (Debian `firefox-esr`) with the Firefox build of the extension, driven over WebDriver
// BiDi, which Firefox speaks natively (`--remote-debugging-port`): no geckodriver, no downloaded browser.
// The unsigned add-on is side-loaded into a fresh profile (ESR honours xpinstall.signatures.required),
// with a fixed internal UUID so the popup's moz-extension:// URL is known.

import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO } from './system.mjs';

export const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
export const GECKO_ID = 'sso-bridge@sso-bridge.dev';
const UUID = '5b6a3f2e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
export const POPUP_URL = `moz-extension://${UUID}/popup/popup.html`;

/** The Firefox development zip (dist/sso-bridge-firefox-dev-<version>.zip: loopback host permission). */
function firefoxZip() {
  const { version } = JSON.parse(readFileSync(join(REPO, 'manifest.json'), 'utf8'));
  return join(REPO, 'dist', `sso-bridge-firefox-dev-${version}.zip`);
}

/** A small WebDriver BiDi client: `send(method, params)` and event subscription. */
class Bidi {
  constructor(ws) {
    this.ws = ws;
    this.nextId = 0;
    this.pending = new Map();
    this.listeners = [];
    ws.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.id !== undefined && this.pending.has(message.id)) {
        const { resolve, reject } = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.type === 'error') reject(new Error(`${message.error}: ${message.message}`));
        else resolve(message.result);
      } else if (message.method) {
        for (const listener of this.listeners) listener(message);
      }
    };
  }

  send(method, params = {}) {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Clicks the element matching `selector` with real pointer input (a user gesture, unlike el.click()). */
  async click(context, selector) {
    const { nodes } = await this.send('browsingContext.locateNodes', { context, locator: { type: 'css', value: selector } });
    if (!nodes.length) throw new Error(`no element matches ${selector}`);
    const origin = { type: 'element', element: { sharedId: nodes[0].sharedId } };
    await this.send('input.performActions', {
      context,
      actions: [
        {
          type: 'pointer',
          id: 'mouse',
          actions: [
            { type: 'pointerMove', x: 0, y: 0, origin },
            { type: 'pointerDown', button: 0 },
            { type: 'pointerUp', button: 0 },
          ],
        },
      ],
    });
  }

  /** Evaluates `expression` (awaiting promises) in a browsing context; returns the JSON value. */
  async evaluate(context, expression) {
    const result = await this.send('script.evaluate', {
      expression: `(async () => JSON.stringify(await (${expression})))()`,
      target: { context },
      awaitPromise: true,
    });
    if (result.type !== 'success') throw new Error(`script error: ${JSON.stringify(result.exceptionDetails?.text ?? result)}`);
    return result.result.value === undefined ? undefined : JSON.parse(result.result.value);
  }
}

/** Starts Firefox ESR headless with the add-on side-loaded into `profileDir`; HOME from `env`. */
export async function launchFirefox({ profileDir, env }) {
  if (!existsSync(FIREFOX)) throw new Error(`${FIREFOX} is missing: install Debian's firefox-esr (.ci/run does).`);
  mkdirSync(join(profileDir, 'extensions'), { recursive: true });
  copyFileSync(firefoxZip(), join(profileDir, 'extensions', `${GECKO_ID}.xpi`));
  writeFileSync(
    join(profileDir, 'user.js'),
    [
      ['xpinstall.signatures.required', false],
      ['extensions.autoDisableScopes', 0],
      ['extensions.enabledScopes', 15],
      ['extensions.webextensions.uuids', JSON.stringify({ [GECKO_ID]: UUID })],
      ['browser.shell.checkDefaultBrowser', false],
      ['datareporting.policy.dataSubmissionEnabled', false],
      ['app.update.disabledForTesting', true],
      // permissions.request() grants without showing its doorhanger (headless has no one to click it);
      // the extension must still call it from a real user gesture, which the test sends as input.
      ['extensions.webextOptionalPermissionPrompts', false],
    ]
      .map(([key, value]) => `user_pref(${JSON.stringify(key)}, ${JSON.stringify(value)});`)
      .join('\n'),
  );
  const child = spawn(
    FIREFOX,
    ['--headless', '--no-remote', '--profile', profileDir, '--remote-debugging-port', '0', '--remote-allow-system-access', 'about:blank'],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const lines = createInterface({ input: child.stderr });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Firefox did not start WebDriver BiDi within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`Firefox exited with ${code}`)));
    lines.on('line', (line) => {
      const match = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  const ws = new WebSocket(`${url}/session`);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  const bidi = new Bidi(ws);
  await bidi.send('session.new', { capabilities: {} });
  await bidi.send('session.subscribe', { events: ['browsingContext.contextCreated'] });
  const tree = await bidi.send('browsingContext.getTree', {});
  return {
    bidi,
    context: tree.contexts[0].context,
    async close() {
      ws.close();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
