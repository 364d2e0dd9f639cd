// Accessibility checks on the popup: axe-core (WCAG 2.x A/AA rules) in light and dark mode, the
// computed font size of every control, and where keyboard focus is.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { screenshot } from './browser.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Impacts that fail the suite (minor ones are reported only). */
const FAILING = new Set(['serious', 'moderate', 'critical']);

/** Smallest computed font size allowed on a control or text (px). */
export const MIN_FONT_PX = 12;

/**
 * Runs axe-core on the page as it is now; returns the violations that fail (serious, moderate,
 * critical), each as "rule: target — summary". Injected through the debugger protocol, so the
 * extension page's content security policy does not apply to it.
 */
export async function axeViolations(page) {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async () =>
    window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    }),
  );
  if (!results.passes.length) throw new Error('axe-core checked nothing: is the page empty?');
  return results.violations
    .filter((v) => FAILING.has(v.impact))
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`));
}

/** Controls and text whose computed font size is below `MIN_FONT_PX` (what Chromium really draws). */
export async function smallText(page) {
  return page.evaluate((min) => {
    const found = [];
    for (const el of document.querySelectorAll('button, input, select, label, a, summary, p, li, pre, code, span, h1, h2, h3, [role]')) {
      if (!el.getClientRects().length) continue;
      const hasText = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
      if (!hasText && !['BUTTON', 'INPUT', 'SELECT'].includes(el.tagName)) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < min) found.push(`${el.tagName.toLowerCase()}${el.className ? `.${el.className}` : ''} "${(el.textContent ?? '').trim().slice(0, 30)}": ${size}px`);
    }
    return found;
  }, MIN_FONT_PX);
}

/**
 * Non-text contrast (WCAG 2.2 1.4.11), which axe-core does not check: control borders against what is
 * behind them (≥ 3:1), and placeholder text against its field (≥ 4.5:1, as text).
 */
export async function lowContrast(page) {
  return page.evaluate(() => {
    const rgb = (color) => (color.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]) => {
      const lin = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const ratio = (a, b) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi + 0.05) / (lo + 0.05);
    };
    const backgroundBehind = (el) => {
      for (let node = el.parentElement; node; node = node.parentElement) {
        const bg = rgb(getComputedStyle(node).backgroundColor);
        if (bg.length >= 3 && (bg[3] === undefined || bg[3] > 0)) return bg;
      }
      return rgb(getComputedStyle(document.documentElement).backgroundColor || 'rgb(255,255,255)');
    };
    const found = [];
    for (const el of document.querySelectorAll('button, input:not([type=checkbox]), select')) {
      if (!el.getClientRects().length) continue;
      const style = getComputedStyle(el);
      if (parseFloat(style.borderTopWidth) === 0) continue;
      const r = ratio(rgb(style.borderTopColor), backgroundBehind(el));
      if (r < 3) found.push(`border of ${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30)}": ${r.toFixed(2)}:1`);
    }
    for (const el of document.querySelectorAll('input[placeholder]')) {
      if (!el.getClientRects().length) continue;
      const r = ratio(rgb(getComputedStyle(el, '::placeholder').color), rgb(getComputedStyle(el).backgroundColor));
      if (r < 4.5) found.push(`placeholder "${el.placeholder.slice(0, 30)}": ${r.toFixed(2)}:1`);
    }
    return found;
  });
}

/** Whether the page scrolls sideways (content wider than the window). */
export async function scrollsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

/** What has keyboard focus: a description, or "body" when focus was lost. */
export async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return 'body';
    const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? '';
    return `${el.tagName.toLowerCase()} "${name}"`;
  });
}

/**
 * Checks the popup in its current state in light and dark mode (axe, font sizes, non-text contrast) and saves a
 * screenshot of each; collects problems into `problems` (state → list) instead of stopping at the first.
 */
export async function checkState(page, state, problems) {
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    const found = [
      ...(await axeViolations(page)),
      ...(await smallText(page)).map((s) => `font below ${MIN_FONT_PX}px: ${s}`),
      ...(await lowContrast(page)),
    ];
    if (found.length) problems[`${state} (${colorScheme})`] = found;
    await screenshot(page, `a11y-${state}-${colorScheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
