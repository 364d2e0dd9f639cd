// User settings kept in `chrome.storage.local` (nothing secret).

import type { Settings } from '../messages.js';

export async function loadSettings(): Promise<Settings> {
  const stored = await chrome.storage.local.get('settings');
  const value = stored['settings'] as Partial<Settings> | undefined;
  // An older global `endpointOverride` is dropped, not spread over every session.
  return {
    endpointOverrides: cleanOverrides(value?.endpointOverrides),
    preferDeviceCode: value?.preferDeviceCode === true,
    consoleContainers: value?.consoleContainers === true,
  };
}

export async function saveSettings(settings: Settings): Promise<Settings> {
  const clean: Settings = {
    endpointOverrides: cleanOverrides(settings.endpointOverrides),
    preferDeviceCode: settings.preferDeviceCode === true,
    consoleContainers: settings.consoleContainers === true,
  };
  await chrome.storage.local.set({ settings: clean });
  return clean;
}

/** Session key → base URL, trimmed, without trailing slashes; empty entries removed. */
function cleanOverrides(value: unknown): Record<string, string> {
  const clean: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return clean;
  for (const [key, url] of Object.entries(value)) {
    if (typeof url !== 'string' || !/^(session|legacy):./.test(key)) continue;
    const trimmed = url.trim().replace(/\/+$/, '');
    if (trimmed) clean[key] = trimmed;
  }
  return clean;
}
