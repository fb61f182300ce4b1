// The admin console's per-key controls and usage views, in Chromium against the real server: a key's expiry, rate
// limit and spending cap set through the console, shown on the key, enforced by the API, a bad expiry refused with
// the server's reason, and its last use shown; real traffic in the usage chart, the table per account and model, the
// table over time and the CSV download, each equal to what /admin/v1/usage answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, newPage, BASE, ADMIN_KEY, scriptErrors } from './helpers.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const shot = (name) => (process.env.SHOTS ? `${process.env.SHOTS}/${name}` : `/tmp/${name}`);

const admin = (path, init = {}) => fetch(`${BASE}/admin/v1${path}`, {
  ...init, headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json', ...(init.headers || {}) },
});

const withKey = (key, path, body) => fetch(`${BASE}${path}`, body === undefined
  ? { headers: { Authorization: `Bearer ${key}` } }
  : { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

async function openConsole() {
  const page = await newPage(browser.context);
  await page.goto(`${BASE}/ui/favicon.svg`);
  await page.evaluate((k) => localStorage.setItem('nanogate.adminKey', JSON.stringify(k)), ADMIN_KEY);
  await page.goto(`${BASE}/admin`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.locator('#console:not([hidden])').waitFor();
  return page;
}

async function openAccount(page, id, name) {
  await page.fill('#account-search', id);
  await page.locator('#accounts-count', { hasText: '1 account found' }).waitFor();
  await page.locator(`#accounts-table tr[data-id="${id}"] button`).click();
  await page.locator('#detail-title', { hasText: name }).waitFor();
}

/** Answers the console's window.prompt() questions in order; returns the questions asked. */
function answerPrompts(page, answers) {
  const queue = [...answers];
  const asked = [];
  const handler = async (dialog) => {
    asked.push(dialog.message());
    const answer = queue.shift();
    if (answer === undefined) await dialog.dismiss(); else await dialog.accept(answer);
  };
  page.on('dialog', handler);
  return { asked, done: () => page.off('dialog', handler) };
}

async function poll(what, check, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('a key\'s expiry, rate limit and spending cap are set in the console, shown, enforced, and its last use appears', async () => {
  const name = `keys ${Date.now().toString(36)}`;
  const account = await (await admin('/accounts', { method: 'POST', body: JSON.stringify({ name, credits: 1000 }) })).json();
  const created = await (await admin(`/accounts/${account.id}/keys`, { method: 'POST', body: JSON.stringify({ name: 'limited' }) })).json();
  const page = await openConsole();
  await openAccount(page, account.id, name);
  const row = page.locator(`.key-row[data-key-id="${created.id}"]`);
  assert.match(await row.textContent(), /never used/);

  // Used once: last_used_at is written in the background, within moments.
  assert.equal((await withKey(created.key, '/v1/account')).status, 200);
  await poll('last_used_at', async () => (await (await admin(`/accounts/${account.id}/keys`)).json()).data.find((k) => k.id === created.id)?.last_used_at);

  // Limits: expiry in a year, 2 requests a minute, no image limit, 50 credits a day, no monthly cap.
  const expires = new Date(Date.now() + 365 * 86_400_000);
  expires.setUTCSeconds(0, 0);
  let prompts = answerPrompts(page, [expires.toISOString(), '2', '', '50', '']);
  await row.getByRole('button', { name: /^Limits of key/ }).click();
  await row.locator('.key-controls').waitFor();
  prompts.done();
  assert.equal(prompts.asked.length, 5);
  assert.match(prompts.asked[0], /Expires at/);
  const line = await row.locator('.key-controls').textContent();
  assert.equal(line, `expires ${expires.toISOString().slice(0, 16).replace('T', ' ')} UTC · 2 req/min · cap 50/day`);
  assert.match(await row.textContent(), /last used just now/);
  const stored = (await (await admin(`/accounts/${account.id}/keys`)).json()).data.find((k) => k.id === created.id);
  assert.equal(Date.parse(stored.expires_at), expires.getTime());
  assert.equal(stored.rate_limit.requests_per_minute, 2);
  assert.equal(stored.rate_limit.images_per_minute ?? null, null);
  assert.equal(stored.spend_cap.daily, 50);
  assert.equal(stored.spend_cap.monthly ?? null, null);
  // (For the picture only: the sticky bars and the toast would cover the key list.)
  // (Through the CSSOM: the console's Content-Security-Policy refuses inline style sheets.)
  const still = (on) => page.evaluate((set) => {
    for (const el of document.querySelectorAll('.topbar, .card-head')) if (set) el.style.setProperty('position', 'static', 'important'); else el.style.removeProperty('position');
    for (const el of document.querySelectorAll('.toasts')) if (set) el.style.setProperty('display', 'none', 'important'); else el.style.removeProperty('display');
  }, on);
  await still(true);
  await page.locator('#detail').screenshot({ path: shot('admin-console-keys.png') });
  await still(false);

  // Enforced by the API: one Lite image (45) fits the cap of 50, a second does not (402 naming the cap); a third
  // request in the minute is over the rate limit (429 with Retry-After).
  const lite = { model: 'nano-banana-2-lite', prompt: 'a capped lighthouse' };
  assert.equal((await withKey(created.key, '/v1/images/generations', lite)).status, 202);
  const capped = await withKey(created.key, '/v1/images/generations', lite);
  assert.equal(capped.status, 402);
  assert.match((await capped.json()).error.message, /daily spending cap is 50 credits/);
  const limited = await withKey(created.key, '/v1/account');
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get('retry-after')) > 0);

  // A past expiry is refused by the server, and the console shows its reason; nothing changes.
  prompts = answerPrompts(page, ['2020-01-01T00:00:00Z', '2', '', '50', '']);
  await row.getByRole('button', { name: /^Limits of key/ }).click();
  await page.locator('.toast.error', { hasText: 'expires_at must be in the future' }).waitFor();
  prompts.done();
  assert.equal(await row.locator('.key-controls').textContent(), line);

  // An expiry a few seconds ahead: once it passes, the key answers 401 saying it expired.
  const soon = new Date(Date.now() + 4000).toISOString();
  prompts = answerPrompts(page, [soon, '', '', '', '']);
  await row.getByRole('button', { name: /^Limits of key/ }).click();
  await row.locator('.key-controls', { hasText: /^expires [^·]+ UTC$/ }).waitFor();
  prompts.done();
  const expired = await poll('the key to expire', async () => {
    const r = await withKey(created.key, '/v1/account');
    return r.status === 401 ? r.json() : null;
  });
  assert.match(expired.error.message, /This API key expired at/);
  assert.deepEqual(scriptErrors(page), []);
  await page.close();
});

test('real usage shows in the chart, the table per account and model, the table over time and the CSV, as the API counts it', async () => {
  const name = `usage ${Date.now().toString(36)}`;
  const account = await (await admin('/accounts', { method: 'POST', body: JSON.stringify({ name, credits: 5000 }) })).json();
  const { key } = await (await admin(`/accounts/${account.id}/keys`, { method: 'POST', body: '{}' })).json();

  // A task of two images (90), a Gemini call (45) and a failing Gemini call (nothing charged, nothing refunded).
  const task = await (await withKey(key, '/v1/images/generations', { model: 'nano-banana-2-lite', prompt: 'two usage owls', n: 2 })).json();
  await poll('the task to end', async () => (await (await withKey(key, `/v1/tasks/${task.task_id}`)).json()).status === 'succeeded');
  const gemini = { contents: [{ parts: [{ text: 'a usage fox' }] }], generationConfig: { responseModalities: ['IMAGE'] } };
  assert.equal((await withKey(key, '/v1beta/models/nano-banana-2-lite:generateContent', gemini)).status, 200);
  const failing = { contents: [{ parts: [{ text: `fail ${Date.now()} [sim:500]` }] }], generationConfig: { responseModalities: ['IMAGE'] } };
  assert.notEqual((await withKey(key, '/v1beta/models/nano-banana-2-lite:generateContent', failing)).status, 200);

  const mine = (await (await admin('/usage?bucket=day&days=30&group_by=account')).json()).data.filter((r) => r.account_id === account.id);
  const sum = (rows, f) => rows.reduce((s, r) => s + r[f], 0);
  assert.deepEqual([sum(mine, 'requests'), sum(mine, 'images'), sum(mine, 'credits_charged'), sum(mine, 'credits_refunded')], [3, 3, 135, 0]);
  assert.deepEqual([...new Set(mine.map((r) => r.account_name))], [name]);
  const allDays = await (await admin('/usage?bucket=day&days=30')).json();

  const page = await openConsole();
  // The table per account and model: this account's row, by its name (the API names every row's account, even
  // one past the console's first page of accounts), with its requests, images and charge.
  const labels = [name];
  const accountRow = page.locator('#usage-body tbody tr', { hasText: name });
  await accountRow.waitFor();
  const cells = await accountRow.locator('td').allTextContents();
  assert.deepEqual(cells.slice(2), ['3', '3', '135', '0']);

  // The chart: grouped by account, a dataset for this account whose bars add up to its charge.
  await page.waitForFunction(() => document.querySelector('#usage-chart')?.dataset.shape === 'buckets');
  const dataset = await page.evaluate((ls) => window.Chart.getChart('usage-chart').data.datasets.find((d) => ls.includes(d.label))?.data, labels);
  assert.ok(dataset, 'the chart has a dataset for the account');
  assert.equal(dataset.reduce((s, v) => s + v, 0), 135);
  const dayLabels = await page.evaluate(() => window.Chart.getChart('usage-chart').data.labels);
  assert.ok(dayLabels.every((l) => /^[A-Z][a-z]{2} \d{1,2}$/.test(l)), `day buckets are labelled by date: ${dayLabels}`);

  // The table over time: its totals row equals the API's totals for the same window.
  const total = await page.locator('#usage-time-body tfoot th').allTextContents();
  const fmt = (n) => n.toLocaleString('en-US');
  assert.deepEqual(total.slice(1), [allDays.totals.requests, allDays.totals.images, allDays.totals.credits_charged, allDays.totals.credits_refunded].map(fmt));
  await page.locator('#usage-card').screenshot({ path: shot('admin-console-usage.png') });

  // Per hour: still this account's 135.
  const daily = await page.evaluate(() => window.Chart.getChart('usage-chart').id);
  await page.selectOption('#usage-bucket', 'hour');
  await page.waitForFunction((id) => window.Chart.getChart('usage-chart') && window.Chart.getChart('usage-chart').id !== id, daily);
  const hourly = await page.evaluate((ls) => window.Chart.getChart('usage-chart').data.datasets.find((d) => ls.includes(d.label)).data, labels);
  assert.equal(hourly.reduce((s, v) => s + v, 0), 135);

  // The CSV download: a real file, with a header and this account's rows adding up to its charge.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#usage-csv')]);
  assert.match(download.suggestedFilename(), /^nanogate-usage-day-.*\.csv$/);
  const csv = (await readFile(await download.path(), 'utf8')).trim().split('\r\n');
  assert.equal(csv[0], 'bucket_start,account_id,key_id,model,channel,requests,images,credits_charged,credits_refunded,account_name');
  const rows = csv.slice(1).map((l) => l.split(',')).filter((r) => r[1] === account.id);
  assert.ok(rows.length > 0 && rows.every((r) => r[9] === name), `the account's CSV rows end with its name: ${JSON.stringify(rows)}`);
  assert.equal(rows.reduce((s, r) => s + Number(r[7]), 0), 135);
  assert.equal(rows.reduce((s, r) => s + Number(r[5]), 0), 3);
  assert.deepEqual(scriptErrors(page), []);
  await page.close();
});
