// The admin console's operator views, in Chromium against the real server: account search and paging, rename,
// disable (the key answers 403) and enable, deductions, the task search and detail with a webhook re-send, the
// audit log and the usage chart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, BASE, ADMIN_KEY, DEMO_KEY, scriptErrors } from './helpers.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const admin = (path, init = {}) => fetch(`${BASE}/admin/v1${path}`, {
  ...init, headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json', ...(init.headers || {}) },
});

async function openConsole(viewport) {
  const page = await newPage(browser.context, viewport);
  await page.goto(`${BASE}/ui/favicon.svg`);
  await page.evaluate((k) => localStorage.setItem('nanogate.adminKey', JSON.stringify(k)), ADMIN_KEY);
  await page.goto(`${BASE}/admin`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.locator('#console:not([hidden])').waitFor();
  return page;
}

test('accounts are searched and paged; one is renamed, disabled (its key gets 403), enabled and charged a deduction, all in the audit log', async () => {
  const tag = `zq${Date.now().toString(36)}`;
  const ids = [];
  for (let i = 0; i < 23; i++) {
    const a = await (await admin('/accounts', { method: 'POST', body: JSON.stringify({ name: `${tag} client ${i}`, credits: 1000 }) })).json();
    ids.push(a.id);
  }
  const { key } = await (await admin(`/accounts/${ids[0]}/keys`, { method: 'POST', body: '{}' })).json();
  const page = await openConsole();

  await page.fill('#account-search', tag);
  await page.locator('#accounts-count', { hasText: '23 accounts found' }).waitFor();
  assert.equal(await page.locator('#accounts-table tbody tr').count(), 20);
  await page.click('#accounts-next');
  await page.waitForFunction(() => document.querySelectorAll('#accounts-table tbody tr').length === 3);
  assert.equal(await page.isDisabled('#accounts-next'), true);
  await page.click('#accounts-prev');
  await page.waitForFunction(() => document.querySelectorAll('#accounts-table tbody tr').length === 20);

  // The oldest of them (client 0) by its id.
  await page.fill('#account-search', ids[0]);
  await page.locator('#accounts-count', { hasText: '1 account found' }).waitFor();
  await page.locator(`#accounts-table tr[data-id="${ids[0]}"] button`).click();
  await page.locator('#detail-title', { hasText: `${tag} client 0` }).waitFor();

  await page.fill('#rename-input', `${tag} Renamed Co`);
  await page.getByRole('button', { name: 'Rename' }).click();
  await page.locator('#detail-title', { hasText: `${tag} Renamed Co` }).waitFor();

  page.once('dialog', (d) => d.accept());
  await page.click('#account-toggle');
  await page.locator('#account-toggle', { hasText: 'Enable account' }).waitFor();
  await page.locator(`#accounts-table tr[data-id="${ids[0]}"] [data-testid="disabled"]`).waitFor();
  const refused = await fetch(`${BASE}/v1/account`, { headers: { Authorization: `Bearer ${key}` } });
  assert.equal(refused.status, 403);
  assert.equal((await refused.json()).error.code, 'account_disabled');
  await page.screenshot({ path: process.env.SHOTS ? `${process.env.SHOTS}/admin-console-accounts.png` : '/tmp/console-accounts.png', fullPage: true });

  await page.click('#account-toggle');
  await page.locator('#account-toggle', { hasText: 'Disable account' }).waitFor();
  assert.equal((await fetch(`${BASE}/v1/account`, { headers: { Authorization: `Bearer ${key}` } })).status, 200);

  // A deduction past the balance is refused with the server's reason; one within it lands.
  await page.fill('#deduct-credits', '5000');
  await page.fill('#deduct-reason', 'too much');
  await page.getByRole('button', { name: 'Deduct' }).click();
  await page.locator('#deduct-note', { hasText: '1,000 credits available' }).waitFor();
  await page.fill('#deduct-credits', '250');
  await page.fill('#deduct-reason', 'chargeback 42');
  await page.getByRole('button', { name: 'Deduct' }).click();
  await page.locator('[data-testid="available"]', { hasText: '750' }).waitFor();
  const account = await (await admin(`/accounts/${ids[0]}`)).json();
  assert.equal(account.credits.available, 750);
  assert.equal(account.credits.deducted, 250);

  // The audit log shows the changes, newest first.
  await page.locator('#audit-body tr[data-action="credits.deduct"]').first().waitFor();
  const actions = await page.locator('#audit-body tbody tr').evaluateAll((rows) => rows.slice(0, 4).map((r) => r.dataset.action));
  assert.deepEqual(actions, ['credits.deduct', 'account.enable', 'account.disable', 'account.rename']);
  assert.match(await page.locator('#audit-body tbody tr').first().textContent(), /chargeback 42/);
  assert.deepEqual(scriptErrors(page), []);
  await page.close();
});

test('tasks are found by prompt words, filtered, opened with their image and webhooks, and the webhook is re-sent', async () => {
  const words = `zebra ${Date.now().toString(36)}`;
  const submit = async (prompt) => (await (await fetch(`${BASE}/v1/images/generations`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${DEMO_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'nano-banana-2-lite', prompt, callback_url: 'https://hooks.example.com/nanogate' }),
  })).json()).task_id;
  const taskId = await submit(`a ${words} crossing a road`);
  await submit('something else entirely');
  for (let i = 0; i < 100; i++) {
    const t = await (await fetch(`${BASE}/v1/tasks/${taskId}`, { headers: { Authorization: `Bearer ${DEMO_KEY}` } })).json();
    if (t.status === 'succeeded') break;
    await new Promise((r) => setTimeout(r, 200));
  }

  const page = await openConsole();
  await page.fill('#task-search', words.toUpperCase());
  await page.locator('#tasks-count', { hasText: /^1 task$/ }).waitFor();
  await page.selectOption('#task-status', 'failed');
  await page.locator('#tasks-count', { hasText: /^0 tasks$/ }).waitFor();
  await page.selectOption('#task-status', 'succeeded');
  await page.locator('#tasks-count', { hasText: /^1 task$/ }).waitFor();

  await page.locator(`#tasks-body tr[data-task-id="${taskId}"]`).click();
  await page.waitForSelector('#task-dialog[open]');
  assert.match(await page.textContent('[data-testid="task-prompt"]'), new RegExp(words));
  const img = page.locator('#task-dialog .task-image img').first();
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
  await page.locator('#task-dialog table.webhooks tbody tr').first().waitFor();
  assert.equal(await page.locator('#task-dialog table.webhooks tbody tr').count(), 1);
  await page.screenshot({ path: process.env.SHOTS ? `${process.env.SHOTS}/admin-console-task.png` : '/tmp/console-task.png' });

  await page.click('#webhook-resend');
  await page.waitForFunction(() => document.querySelectorAll('#task-dialog table.webhooks tbody tr').length === 2);
  const detail = await (await admin(`/tasks/${taskId}`)).json();
  assert.equal(detail.webhooks.length, 2);
  assert.notEqual(detail.webhooks[0].id, detail.webhooks[1].id);
  await page.click('#task-dialog-close');
  await page.locator('#audit-body tr[data-action="task.webhook_resend"]').first().waitFor({ timeout: 1 }).catch(async () => {
    await page.click('#refresh');
    await page.locator('#audit-body tr[data-action="task.webhook_resend"]').first().waitFor();
  });

  // A task with nowhere to notify: the button says why it cannot re-send instead of answering 409.
  const quiet = `quiet ${Date.now().toString(36)}`;
  const quietId = (await (await fetch(`${BASE}/v1/images/generations`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${DEMO_KEY}`, 'Content-Type': 'application/json', Prefer: 'wait=30' },
    body: JSON.stringify({ model: 'nano-banana-2-lite', prompt: `a ${quiet} pond` }),
  })).json()).task_id;
  for (let i = 0; i < 100; i++) {
    const t = await (await fetch(`${BASE}/v1/tasks/${quietId}`, { headers: { Authorization: `Bearer ${DEMO_KEY}` } })).json();
    if (t.status === 'succeeded') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await page.selectOption('#task-status', '');
  await page.fill('#task-search', quiet);
  await page.locator(`#tasks-body tr[data-task-id="${quietId}"]`).click();
  await page.waitForSelector('#task-dialog[open]');
  await page.locator('#task-dialog .empty-state', { hasText: /No webhook/ }).waitFor();
  assert.equal(await page.isDisabled('#webhook-resend'), true);
  assert.match(await page.getAttribute('#webhook-resend', 'title'), /no callback_url/);
  await page.click('#task-dialog-close');
  assert.deepEqual(scriptErrors(page), []);
  await page.close();
});

test('usage is drawn as a chart from whichever shape the server answers', async () => {
  const usage = await (await admin('/usage?days=30&bucket=day')).json();
  const page = await openConsole();
  await page.waitForFunction(() => document.querySelector('#usage-chart')?.dataset.shape);
  const shape = await page.getAttribute('#usage-chart', 'data-shape');
  assert.equal(shape, usage.data.some((r) => r.bucket_start) ? 'buckets' : 'totals');
  // The canvas has been painted: some pixels are not transparent.
  const painted = await page.evaluate(() => {
    const c = document.querySelector('#usage-chart');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
  assert.ok(painted > 1000, `the chart painted ${painted} pixels`);
  assert.equal(await page.evaluate(() => typeof window.Chart), 'function', 'the vendored Chart.js loaded');

  // A bucketed answer (the rebuilt /admin/v1/usage) draws a bar per bucket, stacked by account.
  await page.route('**/admin/v1/usage*', (route) => route.fulfill({
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({
      object: 'list',
      data: [
        { bucket_start: '2026-11-28T00:00:00Z', account_id: 'acct_a', account_name: 'alpha', key_id: 'key_1', model: 'm', channel: 'simulator', requests: 3, images: 3, credits_charged: 135, credits_refunded: 0 },
        { bucket_start: '2026-11-29T00:00:00Z', account_id: 'acct_a', account_name: 'alpha', key_id: 'key_1', model: 'm', channel: 'simulator', requests: 1, images: 1, credits_charged: 45, credits_refunded: 0 },
        { bucket_start: '2026-11-29T00:00:00Z', account_id: 'acct_b', account_name: 'beta', key_id: 'key_2', model: 'm', channel: 'simulator', requests: 2, images: 2, credits_charged: 90, credits_refunded: 45 },
      ],
    }),
  }));
  await page.selectOption('#usage-bucket', 'hour');
  // The real answer was drawn as buckets already: wait for the mocked one itself.
  await page.waitForFunction(() => window.Chart.getChart('usage-chart')?.data.datasets.some((d) => d.label === 'alpha'));
  const datasets = await page.evaluate(() => window.Chart.getChart('usage-chart').data.datasets.map((d) => [d.label, d.data]));
  assert.deepEqual(datasets, [['alpha', [135, 45]], ['beta', [0, 90]]]);
  assert.match(await page.textContent('#usage-body'), /beta/);
  assert.deepEqual(scriptErrors(page), []);
  await page.close();
});
