// Screenshots for docs/screenshots: node shoot.mjs <outdir>
// Needs a running server (NANOGATE_URL, NANOGATE_DEMO_KEY, NANOGATE_ADMIN_KEY); a fresh data
// directory gives the cleanest pictures. It generates a few images and creates an account first.
import { launch, newPage, BASE, DEMO_KEY, ADMIN_KEY } from './lib.js';

const out = process.argv[2] || '/tmp/shots';
const setup = !process.argv.includes('--no-setup');
const desktop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };
const { context, close } = await launch();

async function open(path, viewport) {
  const page = await newPage(context, viewport);
  await page.goto(`${BASE}${path}`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

async function run(page, prompt, ratio, n) {
  await page.fill('#prompt', prompt);
  await page.getByRole('radio', { name: `Aspect ratio ${ratio}` }).check();
  await page.getByRole('radio', { name: `${n} image${n > 1 ? 's' : ''}`, exact: true }).check();
  await page.click('#generate');
  await page.waitForFunction(() => !document.querySelector('.run[data-status="running"], .run[data-status="pending"], .run[data-status="submitting"]'), null, { timeout: 60000 });
}

try {
  await (await newPage(context)).goto(`${BASE}/ui/favicon.svg`);
  const first = context.pages().at(-1);
  await first.evaluate(([k, a]) => {
    localStorage.setItem('nanogate.apiKey', JSON.stringify(k));
    localStorage.setItem('nanogate.adminKey', JSON.stringify(a));
  }, [DEMO_KEY, ADMIN_KEY]);

  if (setup) {
    const page = await open('/', desktop);
    await run(page, 'Isometric illustration of a tiny coffee shop on a street corner, pastel colors, soft shadows', '1:1', 1);
    await run(page, 'A lighthouse on a rocky coast at dusk, cinematic light, long exposure sea', '16:9', 2);
    await page.close();

    const h = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
    for (const [name, usd, pkg] of [['acme-studio', 250, 'pro'], ['pixel-forge', 60, 'plus']]) {
      const acct = await (await fetch(`${BASE}/admin/v1/accounts`, { method: 'POST', headers: h, body: JSON.stringify({ name }) })).json();
      await fetch(`${BASE}/admin/v1/accounts/${acct.id}/credits`, { method: 'POST', headers: h, body: JSON.stringify({ package: pkg, usd }) });
      const key = await (await fetch(`${BASE}/admin/v1/accounts/${acct.id}/keys`, { method: 'POST', headers: h, body: JSON.stringify({ name: 'production' }) })).json();
      for (const [prompt, size, n] of [['Product shot of a ceramic mug on linen', '4:3', 2], ['Sticker of a happy banana, die-cut', '1:1', 1]]) {
        await fetch(`${BASE}/v1/images/generations`, { method: 'POST', headers: { Authorization: `Bearer ${key.key}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ model: 'nano-banana-2-lite', prompt, size, n }) });
      }
    }
    await new Promise((r) => setTimeout(r, 3000));
  }

  // Playground: a prompt ready to go, the history below it.
  for (const [name, viewport] of [['desktop', desktop], ['phone', phone]]) {
    const page = await open('/', viewport);
    await page.fill('#prompt', 'A paper boat floating on a rain puddle, macro photo, reflections');
    await page.getByRole('radio', { name: 'Aspect ratio 16:9' }).check();
    await page.waitForTimeout(600);
    await page.screenshot({ path: `${out}/playground-${name}.png` });
    if (name === 'phone') {
      await page.locator('#main').scrollIntoViewIfNeeded();
      await page.evaluate(() => document.querySelector('#main').scrollIntoView());
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${out}/playground-phone-history.png` });
    }
    await page.close();
  }

  {
    // Dark mode follows prefers-color-scheme.
    const page = await newPage(context, desktop);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${BASE}/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.fill('#prompt', 'A paper boat floating on a rain puddle, macro photo, reflections');
    await page.waitForTimeout(600);
    await page.screenshot({ path: `${out}/playground-desktop-dark.png` });
    await page.goto(`${BASE}/admin`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${out}/admin-desktop-dark.png` });
    await page.close();
  }

  for (const [name, viewport] of [['desktop', desktop], ['phone', phone]]) {
    const page = await open('/admin', viewport);
    await page.waitForSelector('#tasks-body table, #tasks-body .empty-state');
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${out}/admin-${name}.png`, fullPage: name === 'phone' });
    await page.close();
  }

  for (const [name, viewport] of [['desktop', desktop], ['phone', phone]]) {
    const page = await open('/docs', viewport);
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/reference-${name}.png` });
    await page.close();
  }
} finally {
  await close();
}
console.log(`screenshots in ${out}`);
