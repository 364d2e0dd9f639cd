// Moving through the popup with the keyboard only: Tab / Shift+Tab until a control has focus.

/** Presses Tab (or Shift+Tab) until the focused element matches `selector`; fails after `max` presses. */
export async function tabTo(page, selector, { max = 40, backwards = false } = {}) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120));
  throw new Error(`${max} presses of Tab did not reach ${selector} (focus is on ${at})`);
}

/** Tabs to `selector` and presses Enter on it. */
export async function activate(page, selector, options) {
  await tabTo(page, selector, options);
  await page.keyboard.press('Enter');
}
