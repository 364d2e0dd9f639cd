// User settings kept in `chrome.storage.local` (nothing secret).

import type { Settings } from '../messages.js';

const DEFAULTS: Settings = { endpointOverride: '', preferDeviceCode: false };

export async function loadSettings(): Promise<Settings> {
  const stored = await chrome.storage.local.get('settings');
  const value = stored['settings'] as Partial<Settings> | undefined;
  return { ...DEFAULTS, ...(value ?? {}) };
}

export async function saveSettings(settings: Settings): Promise<Settings> {
  const endpointOverride = settings.endpointOverride.trim().replace(/\/+$/, '');
  const clean: Settings = { endpointOverride, preferDeviceCode: settings.preferDeviceCode === true };
  await chrome.storage.local.set({ settings: clean });
  return clean;
}
