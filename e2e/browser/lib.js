// Shared by the tests and the screenshot script: Debian's Chromium through playwright-core.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BASE = process.env.NANOGATE_URL || 'http://127.0.0.1:5077';
export const DEMO_KEY = process.env.NANOGATE_DEMO_KEY || 'sk-browser-demo';
export const ADMIN_KEY = process.env.NANOGATE_ADMIN_KEY || 'sk-browser-admin';
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** A fresh browser with its own profile directory; close() removes it. */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'nanogate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
    viewport: { width: 1280, height: 800 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A page that fails the test on uncaught script errors (collected in page.errors). */
export async function newPage(context, viewport) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(`console: ${m.text()}`); });
  return page;
}

/** Puts the key into localStorage the way the key dialog does, before the page's scripts run. */
export async function withKey(page, key = DEMO_KEY) {
  await page.goto(`${BASE}/ui/favicon.svg`);
  await page.evaluate((k) => localStorage.setItem('nanogate.apiKey', JSON.stringify(k)), key);
}

export async function taskApiAvailable() {
  const res = await fetch(`${BASE}/v1/images/generations`, {
    method: 'POST', headers: { Authorization: `Bearer ${DEMO_KEY}`, 'Content-Type': 'application/json' }, body: '{}',
  });
  return res.status !== 404 || (await res.text()).includes('param');
}
