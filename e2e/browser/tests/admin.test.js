import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, BASE, ADMIN_KEY, scriptErrors } from './helpers.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openConsole() {
  const page = await newPage(browser.context);
  await page.goto(`${BASE}/admin`);
  await page.waitForSelector('body[data-ready="true"]');
  if (await page.getAttribute('#admin-pill', 'data-state') !== 'ok') {
    await page.getByRole('button', { name: 'Enter admin key' }).click();
    await page.fill('#admin-input', ADMIN_KEY);
    await page.click('#admin-save');
    await page.waitForSelector('#admin-pill[data-state="ok"]');
  }
  await page.locator('#console:not([hidden])').waitFor();
  return page;
}

test('a wrong admin key is refused with a readable message', async () => {
  const page = await newPage(browser.context);
  await page.goto(`${BASE}/admin`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.getByRole('button', { name: 'Enter admin key' }).click();
  await page.fill('#admin-input', 'sk-wrong');
  await page.click('#admin-save');
  await page.locator('#admin-error').waitFor({ state: 'visible' });
  assert.match(await page.textContent('#admin-error'), /not the admin key/);
  assert.equal(await page.isHidden('#console'), true);
  await page.close();
});

test('creates an account and a key (shown once) that works, tops up credits, revokes the key', async () => {
  const page = await openConsole();
  const name = `acme-${Date.now()}`;
  await page.fill('#account-name', name);
  await page.click('#account-form button[type=submit]');
  await page.locator('#detail-title', { hasText: name }).waitFor();

  // A key: shown once, and it really authenticates.
  await page.fill('#new-key-name', 'production');
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.locator('#new-key').textContent()).trim();
  assert.match(key, /^sk-/);
  const me = await fetch(`${BASE}/v1/account`, { headers: { Authorization: `Bearer ${key}` } });
  assert.equal(me.status, 200);
  assert.equal((await me.json()).credits.available, 0);

  // Top-up with credits, then with a package: the balance follows.
  await page.fill('#topup-amount', '5000');
  await page.getByRole('button', { name: 'Add credits' }).click();
  await page.locator('[data-testid="available"]', { hasText: '5,000' }).waitFor();
  await page.selectOption('#topup-mode', 'entry');
  await page.fill('#topup-amount', '2');
  await page.getByRole('button', { name: 'Add credits' }).click();
  await page.locator('[data-testid="available"]', { hasText: '7,000' }).waitFor();
  const balance = await (await fetch(`${BASE}/v1/account`, { headers: { Authorization: `Bearer ${key}` } })).json();
  assert.equal(balance.credits.available, 7000);
  assert.match(await page.textContent('#accounts-table'), new RegExp(name));

  // Reloading does not show the key again.
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await page.locator('#accounts-table button', { hasText: name }).click();
  await page.locator('#detail-title', { hasText: name }).waitFor();
  assert.equal(await page.locator('#new-key').count(), 0);

  // Revoke: the key stops working.
  page.once('dialog', (d) => d.accept());
  await page.locator('.key-row button', { hasText: 'Revoke' }).first().click();
  await page.locator('.key-row .badge.revoked').first().waitFor();
  const after = await fetch(`${BASE}/v1/account`, { headers: { Authorization: `Bearer ${key}` } });
  assert.equal(after.status, 401);
  assert.deepEqual(scriptErrors(page), []);
  await page.close();
});

test('a top-up below a package minimum shows the server\'s reason', async () => {
  const page = await openConsole();
  await page.selectOption('#topup-mode', 'pro');
  await page.fill('#topup-amount', '5');
  await page.getByRole('button', { name: 'Add credits' }).click();
  await page.locator('#topup-preview.error-text').waitFor();
  assert.match(await page.textContent('#topup-preview'), /starts at \$200/);
  await page.close();
});

test('channels show health and can be disabled and enabled again', async () => {
  const page = await openConsole();
  const row = page.locator('#channels-body tr[data-channel]').first();
  await row.waitFor();
  assert.match(await row.textContent(), /healthy/);
  const name = await row.getAttribute('data-channel');
  await row.getByRole('switch').uncheck();
  await page.locator(`#channels-body tr[data-channel="${name}"] .badge.disabled`).waitFor();
  await page.locator(`#channels-body tr[data-channel="${name}"]`).getByRole('switch').check();
  await page.locator(`#channels-body tr[data-channel="${name}"] .badge.healthy`).waitFor();
  await page.close();
});

test('recent tasks and usage are listed (or say they are not available yet)', async () => {
  const page = await openConsole();
  for (const id of ['#tasks-body', '#usage-body']) {
    await page.locator(`${id} table, ${id} .empty-state`).first().waitFor();
    const text = await page.textContent(id);
    assert.ok(text.length > 0);
  }
  const res = await fetch(`${BASE}/admin/v1/tasks?limit=5`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
  if (res.status === 200 && (await res.json()).data.length) {
    assert.equal(await page.locator('#tasks-body table tbody tr').count() > 0, true);
    assert.equal(await page.locator('#usage-body table tbody tr').count() > 0, true);
    // Each usage row names its account and model (the console asks for group_by=account,model).
    const [account, model] = await page.locator('#usage-body table tbody tr').first().locator('td').allTextContents();
    assert.ok(account.trim() && account.trim() !== 'null', `usage row account: "${account}"`);
    assert.ok(model.trim() && model.trim() !== 'null', `usage row model: "${model}"`);
  }
  await page.close();
});
