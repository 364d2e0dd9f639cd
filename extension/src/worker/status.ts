// Token status, refresh timing and the toolbar badge. Pure functions, so they are easy to reason about.

import type { TokenStatus } from '../messages.js';

/** A token with less than this left is shown as "expiring" (botocore's refresh window is 15 min). */
export const EXPIRING_WINDOW_MS = 15 * 60 * 1000;

/** The refresh alarm fires this long before expiry at most (botocore starts refreshing at 15 min). */
export const REFRESH_LEAD_MAX_MS = 10 * 60 * 1000;

/** ...and at least this long before, so short test lifetimes still refresh in time. */
export const REFRESH_LEAD_MIN_MS = 5 * 1000;

/** Parses the CLI timestamp (`2026-01-01T00:00:00Z`, also with fractions or `+00:00`). */
export function parseExpiry(expiresAt: string | undefined): number | undefined {
  if (!expiresAt) return undefined;
  const ms = Date.parse(expiresAt.replace(' ', 'T'));
  return Number.isFinite(ms) ? ms : undefined;
}

export function tokenStatus(expiresAt: string | undefined, now: number): TokenStatus {
  const ms = parseExpiry(expiresAt);
  if (ms === undefined) return 'never';
  if (ms <= now) return 'expired';
  if (ms - now < EXPIRING_WINDOW_MS) return 'expiring';
  return 'valid';
}

/**
 * When to refresh a token that expires at `expiry`: a quarter of the remaining lifetime before it,
 * clamped to [5 s, 10 min]. For an 8 h token that is 10 min before expiry (inside botocore's 15 min
 * window, so the CLI and we rarely both refresh); for a 60 s test token it is 15 s before.
 */
export function refreshAt(expiry: number, now: number): number {
  const remaining = Math.max(expiry - now, 0);
  const lead = Math.min(Math.max(remaining / 4, REFRESH_LEAD_MIN_MS), REFRESH_LEAD_MAX_MS);
  return Math.max(expiry - lead, now);
}

/** Short text for the badge: time left until the soonest expiry ("45m", "7h", "!" when expired). */
export function badgeText(soonest: number | undefined, now: number): string {
  if (soonest === undefined) return '';
  const left = soonest - now;
  if (left <= 0) return '!';
  const minutes = Math.floor(left / 60_000);
  if (minutes < 1) return '<1m';
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return hours < 100 ? `${hours}h` : '99h';
}

export function badgeColor(soonest: number | undefined, now: number): string {
  if (soonest === undefined) return '#5f6368';
  const left = soonest - now;
  if (left <= 0) return '#b3261e';
  if (left < EXPIRING_WINDOW_MS) return '#b85c00';
  return '#1e7d32';
}
