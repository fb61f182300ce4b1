import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newPage, BASE, DEMO_KEY, taskApiAvailable, openWithKey, generate, waitFinished, scriptErrors, PNG_1X1,
} from './helpers.js';

let browser;
let tasks = true;
const needsTasks = (t) => {
  if (!tasks) {
    t.skip('POST /v1/images/generations answers 404: the task API is not in this build');
    return true;
  }
  return false;
};

before(async () => {
  tasks = await taskApiAvailable();
  if (!tasks) console.log('# skipping the generate flows: POST /v1/images/generations answers 404 (task API not in this build)');
  browser = await launch();
});
after(async () => { await browser?.close(); });

test('an invalid key shows a readable error and is not saved', async () => {
  const page = await newPage(browser.context);
  await page.goto(`${BASE}/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.click('#key-pill');
  await page.fill('#key-input', 'sk-not-a-real-key');
  await page.click('#key-save');
  const error = page.locator('#key-error');
  await error.waitFor({ state: 'visible' });
  const text = await error.textContent();
  assert.match(text, /not accepted/i);
  assert.match(text, /401/);
  assert.equal(await page.evaluate(() => localStorage.getItem('nanogate.apiKey')), null);
  assert.deepEqual(scriptErrors(page), []);
  await page.close();
});

test('the key is entered once, kept in the browser, and the header shows the balance', async () => {
  const page = await openWithKey(browser.context);
  const account = await (await fetch(`${BASE}/v1/account`, { headers: { Authorization: `Bearer ${DEMO_KEY}` } })).json();
  assert.match(await page.textContent('#key-pill'), /credits/);
  await page.reload();
  await page.waitForSelector('#key-pill[data-state="ok"]');
  assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('nanogate.apiKey'))), DEMO_KEY);
  assert.ok(account.credits.available > 0);
  await page.close();
});

test('the estimate matches the catalog (credits and the USD range across packages)', async () => {
  const catalog = await (await fetch(`${BASE}/v1/models`)).json();
  const page = await openWithKey(browser.context);
  const rates = catalog.packages.map((p) => p.credits_per_usd);
  const usd = (x) => `$${Math.round(x * 10000) / 10000}`;
  for (const m of catalog.data) {
    await page.selectOption('#model', m.id);
    const sizes = await page.locator('input[name=size]').evaluateAll((els) => els.map((e) => e.value));
    assert.deepEqual(sizes, m.sizes, `resolution choices of ${m.id}`);
    const ratios = await page.locator('input[name=ratio]').evaluateAll((els) => els.map((e) => e.value));
    assert.deepEqual(ratios, ['auto', ...m.aspect_ratios], `ratio choices of ${m.id}`);
    for (const size of m.sizes) {
      await page.locator(`input[name=size][value="${size}"]`).check();
      for (const n of [1, 3]) {
        await page.getByRole('radio', { name: `${n} image${n > 1 ? 's' : ''}`, exact: true }).check();
        const credits = m.pricing.credits_per_image[size] * n;
        const shown = (await page.textContent('#est-credits')).replace(/,/g, '');
        assert.ok(shown.startsWith(`${credits} `), `${m.id} ${size} ×${n}: ${shown} should start with ${credits}`);
        const range = `${usd(credits / Math.max(...rates))}–${usd(credits / Math.min(...rates))}`;
        assert.equal(await page.textContent('#est-usd'), range);
        if (n === 1) {
          assert.equal(range, `${usd(m.pricing.usd_per_image[size].min)}–${usd(m.pricing.usd_per_image[size].max)}`);
        }
      }
    }
  }
  // The seed's example: one Lite image is $0.0225–$0.045.
  await page.selectOption('#model', 'gemini-3.1-flash-lite-image');
  await page.getByRole('radio', { name: '1 image', exact: true }).check();
  assert.equal(await page.textContent('#est-usd'), '$0.0225–$0.045');
  assert.match(await page.textContent('#est-note'), /highest recharge package uses \$1 = 2,000 credits; entry package uses \$1 = 1,000 credits/);
  await page.close();
});

test('generates a 16:9 Lite image and renders it at 1376 × 768', async (t) => {
  if (needsTasks(t)) return;
  const page = await openWithKey(browser.context);
  const run = await generate(page, { prompt: 'A lighthouse on a rocky coast at dusk', ratio: '16:9', n: 1, model: 'gemini-3.1-flash-lite-image' });
  assert.equal(await waitFinished(run), 'succeeded');
  assert.match(await run.getAttribute('data-task-id'), /^task_/);
  const img = run.locator('.tile img').first();
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
  const size = await img.evaluate((el) => [el.naturalWidth, el.naturalHeight]);
  assert.deepEqual(size, [1376, 768]);
  // Each finished image can be downloaded and reused as a reference.
  assert.ok(await run.locator('a[download]').count() >= 1);
  await run.getByRole('button', { name: 'Use image 1 as reference' }).click();
  await page.locator('#refs [data-testid="ref"]').first().waitFor();
  assert.equal(await page.isChecked('#use-refs'), true);
  assert.deepEqual(scriptErrors(page), []);
  await page.close();
});

test('a pasted reference image is previewed and sent with the task', async (t) => {
  if (needsTasks(t)) return;
  const page = await openWithKey(browser.context);
  await page.evaluate(() => { localStorage.removeItem('nanogate.settings'); });
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  const sent = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/v1/images/generations')) sent.push(JSON.parse(r.postData())); });
  await page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
    document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, PNG_1X1.toString('base64'));
  await page.locator('#refs [data-testid="ref"]').first().waitFor();
  assert.equal(await page.isChecked('#use-refs'), true, 'pasting turns the toggle on');
  const run = await generate(page, { prompt: 'Make this pixel a sunset', ratio: '1:1', n: 1, model: 'gemini-3.1-flash-lite-image' });
  assert.equal(sent.length, 1);
  assert.equal(sent[0].image_urls.length, 1);
  assert.equal(sent[0].image_urls[0], `data:image/png;base64,${PNG_1X1.toString('base64')}`);
  assert.equal(await waitFinished(run), 'succeeded');
  assert.match(await run.textContent('.run-meta'), /1 reference/);
  await page.close();
});

test('uploads show previews; wrong formats and the per-model limit are shown inline', async () => {
  const page = await openWithKey(browser.context);
  await page.selectOption('#model', 'gemini-2.5-flash-image');
  const limit = (await (await fetch(`${BASE}/v1/models/gemini-2.5-flash-image`)).json()).max_reference_images;
  await page.check('#use-refs');
  await page.locator('#refs [data-testid="ref"] button').evaluateAll((bs) => bs.forEach((b) => b.click()));
  await page.setInputFiles('#ref-file', [
    { name: 'cat.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'binary') },
    { name: 'huge.png', mimeType: 'image/png', buffer: Buffer.concat([PNG_1X1, Buffer.alloc(10 * 1024 * 1024)]) },
    ...Array.from({ length: limit + 1 }, (_, i) => ({ name: `ref-${i}.png`, mimeType: 'image/png', buffer: PNG_1X1 })),
  ]);
  await page.locator('#ref-errors p').first().waitFor();
  const errors = await page.locator('#ref-errors p').allTextContents();
  assert.ok(errors.some((e) => /cat\.gif: GIF is not supported/.test(e)), errors.join(' | '));
  assert.ok(errors.some((e) => /huge\.png is 10\.0 MB: over the 10 MB limit/.test(e)), errors.join(' | '));
  assert.ok(errors.some((e) => new RegExp(`up to ${limit} reference`).test(e)), errors.join(' | '));
  assert.equal(await page.locator('#refs [data-testid="ref"]').count(), limit);
  await page.close();
});

test('history survives a reload, with the task id and the image link', async (t) => {
  if (needsTasks(t)) return;
  const page = await openWithKey(browser.context);
  const run = await generate(page, { prompt: 'A paper boat on a puddle, macro photo', ratio: '4:3', n: 2, model: 'gemini-3.1-flash-lite-image' });
  assert.equal(await waitFinished(run), 'succeeded');
  const taskId = await run.getAttribute('data-task-id');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  const restored = page.locator(`.run[data-task-id="${taskId}"]`);
  await restored.waitFor();
  assert.equal(await restored.getAttribute('data-status'), 'succeeded');
  assert.match(await restored.textContent('.run-prompt'), /paper boat/);
  const imgs = restored.locator('.tile img');
  assert.equal(await imgs.count(), 2);
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await imgs.first().elementHandle());
  assert.deepEqual(await imgs.first().evaluate((el) => [el.naturalWidth, el.naturalHeight]), [1200, 896]);
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('nanogate.history')));
  const entry = saved.find((e) => e.task_id === taskId);
  assert.equal(entry.settings.ratio, '4:3');
  assert.ok(entry.images[0].expires_at && entry.images[0].url);
  assert.match(entry.images[0].thumb || '', /^data:image\/jpeg/, 'a thumbnail is kept');
  await page.close();
});

test('expired links are marked in the history', async () => {
  const page = await openWithKey(browser.context);
  await page.evaluate(() => {
    const history = JSON.parse(localStorage.getItem('nanogate.history') || '[]');
    history.unshift({
      id: 'expired-test', task_id: 'task_expired_test', status: 'succeeded', created_at: '2026-01-01T10:00:00Z', completed_at: '2026-01-01T10:00:02Z',
      prompt: 'An old run', settings: { model: 'gemini-3.1-flash-lite-image', ratio: '1:1', size: '1K', n: 1, refs: 0 },
      images: [{ index: 0, status: 'succeeded', url: '/v1/media/med_gone?exp=1&sig=x', expires_at: '2026-01-02T10:00:00Z', width: 1024, height: 1024 }],
      credits: { reserved: 45, charged: 45, refunded: 0 }, warnings: [], error: null, via: 'tasks',
    });
    localStorage.setItem('nanogate.history', JSON.stringify(history));
  });
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  const tile = page.locator('#run-expired-test .tile');
  assert.equal(await tile.getAttribute('data-status'), 'expired');
  assert.match(await tile.textContent(), /expired/i);
  assert.equal(await tile.locator('a[download]').count(), 0);
  await page.click('#run-expired-test button[aria-label="Remove from history"]');
  await page.close();
});

test('the counters change while a slow task runs', async (t) => {
  if (needsTasks(t)) return;
  const page = await openWithKey(browser.context);
  await page.locator('#counters[data-completed-count]').waitFor({ state: 'attached' });
  const completedBefore = Number(await page.getAttribute('#counters', 'data-completed-count'));
  const run = await generate(page, { prompt: 'A slow sunrise [sim:slow:3000]', ratio: '1:1', n: 1, model: 'gemini-3.1-flash-lite-image' });
  await page.waitForFunction(() => document.querySelector('#counters').dataset.runningCount === '1');
  assert.match(await page.textContent('#counter-text'), new RegExp(`^1 running · ${completedBefore} completed$`));
  assert.ok(await run.locator('[role=progressbar]').count() === 1, 'a running task shows progress');
  assert.equal(await waitFinished(run, 20000), 'succeeded');
  await page.waitForFunction(() => document.querySelector('#counters').dataset.runningCount === '0');
  assert.equal(await page.textContent('#counter-text'), `0 running · ${completedBefore + 1} completed`);
  await page.close();
});

test('a failing image shows its error and the refund', async (t) => {
  if (needsTasks(t)) return;
  const page = await openWithKey(browser.context);
  const run = await generate(page, { prompt: 'Blocked on purpose [sim:blocked]', ratio: '1:1', n: 1, model: 'gemini-3.1-flash-lite-image' });
  assert.equal(await waitFinished(run), 'failed');
  const text = await run.textContent();
  assert.match(text, /failed/i);
  assert.match(text, /refunded|0 credits charged/);
  await page.close();
});

test('every control has a label, and Tab reaches the Generate button', async () => {
  const page = await openWithKey(browser.context);
  const unlabeled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
    .filter((el) => el.type !== 'hidden' && !el.closest('dialog:not([open])'))
    .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el.tagName === 'BUTTON' && el.textContent.trim())))
    .map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(unlabeled, []);
  await page.focus('#prompt');
  let reached = false;
  for (let i = 0; i < 60 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.id === 'generate');
  }
  assert.ok(reached, 'Generate is reachable with Tab');
  await page.close();
});

test('pages fit a phone screen without sideways scrolling', async () => {
  for (const path of ['/', '/docs', '/admin']) {
    const page = await newPage(browser.context, { width: 390, height: 844 });
    await page.goto(`${BASE}${path}`);
    await page.waitForSelector('body[data-ready="true"]');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `${path} is ${width}px wide at 390px`);
    await page.close();
  }
});

test('dropping an image file onto the settings adds it as a reference', async () => {
  const page = await openWithKey(browser.context);
  await page.evaluate(() => { document.querySelectorAll('#refs [data-testid="ref"] button').forEach((b) => b.click()); });
  await page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
    const zone = document.querySelector('#gen-form');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, PNG_1X1.toString('base64'));
  await page.locator('#refs [data-testid="ref"] img[alt*="dropped.png"]').waitFor();
  assert.equal(await page.isChecked('#use-refs'), true);
  await page.close();
});

test('a key without enough credits: Generate is disabled and says why, and a 402 from the server reads well', async (t) => {
  if (needsTasks(t)) return;
  const admin = { Authorization: `Bearer ${process.env.NANOGATE_ADMIN_KEY || 'sk-browser-admin'}`, 'Content-Type': 'application/json' };
  const account = await (await fetch(`${BASE}/admin/v1/accounts`, { method: 'POST', headers: admin, body: JSON.stringify({ name: `broke-${Date.now()}` }) })).json();
  const { key } = await (await fetch(`${BASE}/admin/v1/accounts/${account.id}/keys`, { method: 'POST', headers: admin, body: '{}' })).json();
  const page = await openWithKey(browser.context, { key });
  assert.equal(await page.textContent('#key-pill .balance'), '0 credits');
  // The page knows the balance: Generate is disabled and says why, before any request.
  await page.locator('#generate[disabled]').waitFor();
  const note = await page.textContent('#generate-note');
  assert.match(note, /needs 45 credits; the key's account has 0 available/);
  assert.match(note, /ask the operator to top the account up/);
  assert.equal(await page.isVisible('#generate-note'), true);
  // The balance can still run out between the page's read and the submit (another client spent it): the server's
  // 402 must then read well. The page is told of a balance it no longer has.
  await page.route('**/v1/account', async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    body.credits.available = 1_000_000;
    await route.fulfill({ response: res, json: body });
  });
  await page.reload();
  await page.locator('#generate:not([disabled])').waitFor();
  assert.equal(await page.isVisible('#generate-note'), false);
  // The counters are drawn from the run history after the reload, not necessarily before Generate is enabled.
  await page.locator('#counters[data-completed-count]').waitFor({ state: 'attached' });
  const completedBefore = await page.getAttribute('#counters', 'data-completed-count');
  const run = await generate(page, { prompt: 'Anything at all', ratio: '1:1', n: 1, model: 'gemini-3.1-flash-lite-image' });
  // Refused before acceptance: not submitted, nothing charged, and not counted as a completed run.
  assert.equal(await waitFinished(run), 'not_submitted');
  const alert = await run.locator('[role=alert]').first().textContent();
  assert.match(alert, /Not submitted/);
  assert.match(alert, /Not enough credits/i);
  assert.match(alert, /Nothing was charged/);
  assert.doesNotMatch(alert, /\.\./, 'one full stop between the server message and the note');
  assert.equal(await page.getAttribute('#counters', 'data-completed-count'), completedBefore);
  await page.close();
});

test('without the task API the playground falls back to the Gemini dialect', async () => {
  const page = await openWithKey(browser.context);
  // Pretend this server has no task API: the submit answers a bare 404.
  await page.route('**/v1/images/generations', (route) => route.fulfill({ status: 404, body: '' }));
  const run = await generate(page, { prompt: 'A red kite over green hills', ratio: '16:9', n: 1, model: 'gemini-3.1-flash-lite-image' });
  assert.equal(await waitFinished(run), 'succeeded');
  assert.match(await run.textContent('.run-foot'), /via the Gemini dialect/);
  const img = run.locator('.tile img').first();
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
  assert.deepEqual(await img.evaluate((el) => [el.naturalWidth, el.naturalHeight]), [1376, 768]);
  await page.close();
});

test('advanced options follow the model and are sent (thinking level, search grounding)', async (t) => {
  if (needsTasks(t)) return;
  const page = await openWithKey(browser.context);
  await page.selectOption('#model', 'gemini-3.1-flash-lite-image');
  await page.click('#advanced > summary');
  assert.equal(await page.isVisible('#search'), false, 'Lite has no search');
  await page.selectOption('#model', 'gemini-3.1-flash-image');
  assert.equal(await page.isVisible('#search'), true);
  await page.getByRole('radio', { name: 'Thinking high' }).check();
  await page.check('#search');
  const sent = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/v1/images/generations')) sent.push(JSON.parse(r.postData())); });
  const run = await generate(page, { prompt: 'Today\'s weather in Paris as a poster', ratio: '1:1', n: 1 });
  assert.equal(sent[0].thinking_level, 'high');
  assert.equal(sent[0].google_search, true);
  assert.equal(await waitFinished(run), 'succeeded');
  assert.match(await run.textContent('.run-meta'), /thinking high/);
  // Leave the defaults for the other tests.
  await page.getByRole('radio', { name: 'Thinking default' }).check();
  await page.uncheck('#search');
  await page.selectOption('#model', 'gemini-3.1-flash-lite-image');
  await page.close();
});
