// Test helpers: one browser per test file, a page per test, and the playground's common moves.
import { launch, newPage, BASE, DEMO_KEY, ADMIN_KEY, taskApiAvailable } from '../lib.js';

export { BASE, DEMO_KEY, ADMIN_KEY, launch, newPage, taskApiAvailable };

/** Errors a page reported, minus the network failures the tests provoke on purpose. */
export function scriptErrors(page) {
  return page.errors.filter((e) => !e.startsWith('console: Failed to load resource'));
}

/** Opens the playground with the key typed into the key dialog, as a user does. */
export async function openWithKey(context, { key = DEMO_KEY, viewport } = {}) {
  const page = await newPage(context, viewport);
  await page.goto(`${BASE}/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.click('#key-pill');
  await page.fill('#key-input', key);
  await page.click('#key-save');
  await page.waitForSelector('#key-pill[data-state="ok"]');
  await page.waitForSelector('#key-dialog', { state: 'hidden' });
  return page;
}

/** Fills the settings and presses Generate; returns the new run's element handle id. */
export async function generate(page, { prompt, ratio = '16:9', n = 1, model } = {}) {
  if (model) await page.selectOption('#model', model);
  await page.fill('#prompt', prompt);
  if (await page.inputValue('#prompt') !== prompt) throw new Error('the prompt did not take the text');
  await page.getByRole('radio', { name: ratio === 'auto' ? 'Auto aspect ratio' : `Aspect ratio ${ratio}` }).check();
  await page.getByRole('radio', { name: `${n} image${n > 1 ? 's' : ''}`, exact: true }).check();
  const before = await page.locator('.run').count();
  await page.click('#generate');
  await page.waitForFunction((c) => document.querySelectorAll('.run').length > c, before);
  // Runs are re-rendered as they progress: address this one by its id, not by an element handle.
  const id = await page.locator('.run').first().getAttribute('id');
  return page.locator(`[id="${id}"]`);
}

/** Waits until the run has a final status (the server's, or not submitted / unknown to the server). */
export async function waitFinished(run, timeout = 30000) {
  await run.locator('[data-testid="run-status"]').waitFor();
  const id = await run.getAttribute('id');
  await run.page().waitForFunction((i) => ['succeeded', 'partially_succeeded', 'failed', 'canceled', 'not_submitted', 'lost'].includes(document.getElementById(i)?.dataset.status),
    id, { timeout });
  return run.getAttribute('data-status');
}

/** A real PNG (1×1, red), as bytes. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==', 'base64');
