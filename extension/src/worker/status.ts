// Token status for display and the toolbar badge. (When to refresh is the core's `planRefresh`.)

import type { TokenStatus } from '../messages.js';

/** A token with less than this left is shown as "expiring" (botocore's refresh window is 15 min). */
export const EXPIRING_WINDOW_MS = 15 * 60 * 1000;

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
