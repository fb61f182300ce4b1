// Screenshots for docs/: node shoot.mjs <outdir> [prefix]. Needs a running server (NANOGATE_URL).
import { launch, newPage, withKey, BASE, DEMO_KEY, ADMIN_KEY } from './lib.js';

const out = process.argv[2] || '/tmp/shots';
const only = process.argv[3] || '';
const sizes = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
const { context, close } = await launch();
try {
  for (const [name, viewport] of Object.entries(sizes)) {
    if (!only || only.includes('playground')) {
      const page = await newPage(context, viewport);
      await withKey(page, DEMO_KEY);
      await page.goto(`${BASE}/`);
      await page.waitForSelector('body[data-ready="true"]');
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${out}/playground-${name}.png`, fullPage: name === 'phone' });
      console.log(page.errors.join('\n'));
      await page.close();
    }
    if (!only || only.includes('admin')) {
      const page = await newPage(context, viewport);
      await page.goto(`${BASE}/ui/favicon.svg`);
      await page.evaluate((k) => localStorage.setItem('nanogate.adminKey', JSON.stringify(k)), ADMIN_KEY);
      await page.goto(`${BASE}/admin`);
      await page.waitForSelector('body[data-ready="true"]');
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${out}/admin-${name}.png`, fullPage: name === 'phone' });
      console.log(page.errors.join('\n'));
      await page.close();
    }
    if (!only || only.includes('docs')) {
      const page = await newPage(context, viewport);
      await page.goto(`${BASE}/docs`);
      await page.waitForSelector('body[data-ready="true"]');
      await page.screenshot({ path: `${out}/reference-${name}.png` });
      console.log(page.errors.join('\n'));
      await page.close();
    }
  }
} finally {
  await close();
}
