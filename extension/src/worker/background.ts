// The extension's service worker: owns all state. Every listener is registered synchronously at the
// top level (MV3 only delivers the event that woke a worker to listeners registered in its first
// turn); the wasm loads once per worker start and handlers await it (no top-level await in workers).

import { isRequestEnvelope, type ReplyEnvelope } from '../messages.js';
import * as core from './core.js';
import { toUserError } from './errors.js';
import { CALLBACK_PATH, onLoopbackNavigation, onSignInTabError, onTabClosed, resumeLogins } from './login.js';
import { changed, handle, onAlarm, tick, TICK_ALARM } from './service.js';

const loaded = core.ready();

// A trap inside one of the core's futures (wasm-bindgen-futures polls them from microtasks, so no
// call's caller sees it) reaches the worker's error event: the instance is replaced all the same.
self.addEventListener('error', (event) => {
  if (event.error instanceof WebAssembly.RuntimeError) toUserError(event.error);
});

chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
  // Only our own pages (the popup) may drive the worker; web pages cannot reach onMessage anyway.
  if (sender.id !== chrome.runtime.id || !isRequestEnvelope(message)) return false;
  handle(message.name, message.payload as never)
    .then((value) => sendResponse({ ok: true, value } satisfies ReplyEnvelope))
    .catch((error: unknown) => sendResponse({ ok: false, error: toUserError(error) } satisfies ReplyEnvelope));
  return true;
});

// The redirect to http://127.0.0.1:<port>/oauth/callback: a direct navigation fires
// onBeforeNavigate with that URL, a server redirect (the authorize page's 302) only onCommitted or
// onErrorOccurred (the declarativeNetRequest rule login.ts adds blocks the request, so it never
// reaches the port). Listen to all three; login.ts handles each redirect once, and only from the
// tab it opened.
const callbackFilter = { url: [{ hostEquals: '127.0.0.1', pathEquals: CALLBACK_PATH, schemes: ['http'] }] };
const onCallback = (details: { frameId: number; tabId: number; url: string }) => {
  if (details.frameId !== 0) return;
  void loaded.then(() => onLoopbackNavigation(details.url, details.tabId, changed));
};
chrome.webNavigation.onBeforeNavigate.addListener(onCallback, callbackFilter);
chrome.webNavigation.onCommitted.addListener(onCallback, callbackFilter);
chrome.webNavigation.onErrorOccurred.addListener(onCallback, callbackFilter);
// Any other navigation error in a sign-in tab (the authorize page unreachable) fails that sign-in at once.
chrome.webNavigation.onErrorOccurred.addListener((details) => {
  void loaded.then(() => onSignInTabError(details, changed));
});

// Host access granted or revoked (Firefox asks the user; anyone can revoke it in the add-ons
// manager): the kept overview names the hosts still missing, so it is out of date.
chrome.permissions.onAdded.addListener(() => changed());
chrome.permissions.onRemoved.addListener(() => changed());

chrome.tabs.onRemoved.addListener((tabId) => {
  void onTabClosed(tabId, changed);
});

chrome.alarms.onAlarm.addListener((alarm) => {
  void loaded.then(() => onAlarm(alarm)).catch((error: unknown) => console.error('alarm failed', toUserError(error).message));
});

chrome.runtime.onInstalled.addListener(() => {
  void chrome.alarms.create(TICK_ALARM, { periodInMinutes: 1 });
});

chrome.runtime.onStartup.addListener(() => {
  void chrome.alarms.create(TICK_ALARM, { periodInMinutes: 1 });
});

// Every worker start (first run, browser start, or waking after being killed) resumes pending logins.
void loaded
  .then(() => resumeLogins(changed))
  .then(() => tick())
  .catch((error: unknown) => console.error('resume failed', toUserError(error).message));
