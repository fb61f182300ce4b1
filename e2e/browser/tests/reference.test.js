import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, newPage, BASE, DEMO_KEY, taskApiAvailable } from './helpers.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openReference(settings) {
  const page = await newPage(browser.context);
  await page.goto(`${BASE}/ui/favicon.svg`);
  await page.evaluate(([s, k]) => {
    localStorage.setItem('nanogate.settings', JSON.stringify(s));
    localStorage.setItem('nanogate.apiKey', JSON.stringify(k));
  }, [settings, DEMO_KEY]);
  await page.goto(`${BASE}/docs`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

test('the reference shows curl for the current settings in all three dialects, and the billing rules', async () => {
  const page = await openReference({ model: 'gemini-3.1-flash-image', ratio: '16:9', size: '2K', n: 2, prompt: 'A red bicycle' });
  const submit = await page.textContent('[data-testid="curl-submit"] pre');
  assert.ok(submit.includes(`${BASE}/v1/images/generations`));
  assert.match(submit, /"model": "gemini-3.1-flash-image"/);
  assert.match(submit, /"size": "16:9"/);
  assert.match(submit, /"resolution": "2K"/);
  assert.match(submit, /"n": 2/);
  assert.match(submit, /YOUR_API_KEY/);
  assert.match(await page.textContent('[data-testid="curl-poll"] pre'), /\/v1\/tasks\/\$TASK_ID/);
  const gemini = await page.textContent('[data-testid="curl-gemini"] pre');
  assert.match(gemini, /\/v1beta\/models\/gemini-3.1-flash-image:generateContent/);
  assert.match(gemini, /"aspectRatio": "16:9"/);
  const openai = await page.textContent('[data-testid="curl-openai"] pre');
  assert.match(openai, /\/openai\/v1\/images\/generations/);
  assert.match(openai, /"size": "2752x1536"|"size": "\d+x\d+"/);
  const billing = await page.textContent('#billing');
  assert.match(billing, /refunded/);
  assert.match(billing, /Entry/);
  assert.match(billing, /2,000/);
  assert.match(await page.textContent('#price-table'), /\$0\.0225–\$0\.045/);
  await page.close();
});

test('the copied submit command works as is', async (t) => {
  if (!(await taskApiAvailable())) {
    t.skip('POST /v1/images/generations answers 404: the task API is not in this build');
    return;
  }
  const page = await openReference({ model: 'gemini-3.1-flash-lite-image', ratio: '1:1', size: '1K', n: 1, prompt: "It's a test: quotes ' survive" });
  await page.check('#ref-show-key');
  const command = await page.textContent('[data-testid="curl-submit"] pre');
  assert.ok(command.includes(DEMO_KEY));
  const out = JSON.parse(execFileSync('bash', ['-c', `${command} -s`], { encoding: 'utf8' }));
  assert.match(out.task_id, /^task_/);
  assert.equal(out.credits.reserved, 45);
  await page.close();
});

test('the copied Gemini command works as is', async () => {
  const page = await openReference({ model: 'gemini-3.1-flash-lite-image', ratio: '16:9', size: '1K', n: 1, prompt: 'A tiny robot watering a plant' });
  await page.check('#ref-show-key');
  const gemini = await page.textContent('[data-testid="curl-gemini"] pre');
  const answer = JSON.parse(execFileSync('bash', ['-c', `${gemini} -s`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  const part = answer.candidates[0].content.parts.find((p) => p.inlineData);
  assert.equal(part.inlineData.mimeType, 'image/png');
  const png = Buffer.from(part.inlineData.data, 'base64');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1376, 768]);
  await page.close();
});

test('the copied OpenAI command works as is', async (t) => {
  const page = await openReference({ model: 'gemini-3.1-flash-lite-image', ratio: '16:9', size: '1K', n: 1, prompt: 'A tiny robot watering a plant' });
  await page.check('#ref-show-key');
  const openai = await page.textContent('[data-testid="curl-openai"] pre');
  const status = execFileSync('bash', ['-c', `${openai} -s -o /dev/null -w '%{http_code}'`], { encoding: 'utf8' });
  if (status === '404') {
    await page.close();
    t.skip('POST /openai/v1/images/generations answers 404: the OpenAI dialect is not in this build');
    return;
  }
  const out = JSON.parse(execFileSync('bash', ['-c', `${openai} -s`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  assert.ok(out.data?.[0]?.url, JSON.stringify(out).slice(0, 300));
  await page.close();
});
