// Playground truth: a run in flight during a page reload, or while the server restarts, shows what the server did
// (its final status and the credits it charged), never a failure or refund made up by the page. This file starts
// its own server (slow simulator, its own data directory) so it can stop and restart it on the same data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, newPage, generate, waitFinished, scriptErrors } from './helpers.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DLL = join(ROOT, 'src/Nanogate/bin/Release/net10.0/Nanogate.dll');
const KEY = 'sk-truth-demo';
const data = mkdtempSync(join(tmpdir(), 'nanogate-truth-'));
let port;
let base;
let server;
let browser;

const freePort = () => new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});

async function startServer() {
  server = spawn('dotnet', [DLL, `--urls=${base}`, `--Storage:DataDirectory=${data}`, '--Simulator:LatencyMs=4000', '--Tasks:ShutdownGraceSeconds=0',
    `--Bootstrap:DemoKey=${KEY}`, '--Admin:ApiKey=sk-truth-admin'], { cwd: data, stdio: 'ignore' });
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the server did not become ready');
}

async function stopServer() {
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  await exited;
}

const serverTask = async (id) => (await fetch(`${base}/v1/tasks/${id}`, { headers: { Authorization: `Bearer ${KEY}` } })).json();

async function openPlayground() {
  const page = await newPage(browser.context);
  await page.goto(`${base}/ui/favicon.svg`);
  await page.evaluate((k) => localStorage.setItem('nanogate.apiKey', JSON.stringify(k)), KEY);
  await page.goto(`${base}/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector('#key-pill[data-state="ok"]');
  return page;
}

/** Starts a run and waits until the server has accepted it (the run shows its task id). */
async function startRun(page, prompt) {
  const run = await generate(page, { prompt, ratio: '1:1', n: 1, model: 'gemini-3.1-flash-lite-image' });
  const id = await run.getAttribute('id');
  await page.waitForFunction((i) => document.getElementById(i)?.dataset.taskId, id);
  return { id, taskId: await run.getAttribute('data-task-id') };
}

before(async () => {
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) await stopServer();
  rmSync(data, { recursive: true, force: true });
});

test('a run in flight during a reload shows the server\'s final state and charge after it', async () => {
  const page = await openPlayground();
  const { id, taskId } = await startRun(page, 'A lighthouse in a storm, reloaded mid-run');
  assert.ok(['pending', 'running'].includes((await serverTask(taskId)).status), 'the reload happens while the task runs');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  const run = page.locator(`[id="${id}"]`);
  assert.equal(await waitFinished(run, 60000), 'succeeded');
  const task = await serverTask(taskId);
  assert.equal(task.status, 'succeeded');
  assert.equal(await run.getAttribute('data-task-id'), taskId);
  assert.match(await run.textContent('.run-foot'), new RegExp(`${task.credits.charged} credits charged`));
  assert.doesNotMatch(await run.textContent(), /refunded/);
  await page.locator(`[id="${id}"] .tile img`).first().waitFor();
  assert.deepEqual(scriptErrors(page), []);
  await page.close();
});

test('a run in flight while the server restarts is shown offline, then with the server\'s final state', async () => {
  const page = await openPlayground();
  const { id, taskId } = await startRun(page, 'A paper crane, across a server restart');
  const run = page.locator(`[id="${id}"]`);
  await stopServer();

  // Unreachable: an offline indicator, and the run is still waiting, not failed or refunded.
  await page.locator('#offline').waitFor({ state: 'visible', timeout: 30000 });
  await run.locator('[data-testid="run-offline"]').waitFor({ timeout: 30000 });
  assert.ok(['pending', 'running'].includes(await run.getAttribute('data-status')));
  assert.doesNotMatch(await run.textContent(), /refunded|Failed/);
  await page.screenshot({ path: process.env.SHOTS ? `${process.env.SHOTS}/playground-offline.png` : '/tmp/playground-offline.png' });

  // The page is reloaded while the server is down too: it still does not decide the run's fate.
  await page.goto(`${base}/`).catch(() => {});
  await startServer();
  // Chromium's error page for that failed load reloads itself once the server answers again, interrupting any
  // navigation of ours (it failed CI so, even after leaving for about:blank): the server's answer is read in a
  // new tab of the same browser profile (same localStorage: the page's runs), and the error tab is closed.
  await page.close();
  const back = await newPage(browser.context);
  await back.goto(`${base}/`);
  await back.waitForSelector('body[data-ready="true"]');
  const final = await waitFinished(back.locator(`[id="${id}"]`), 90000);
  const task = await serverTask(taskId);
  assert.equal(final, task.status);
  assert.equal(task.status, 'succeeded');
  assert.match(await back.locator(`[id="${id}"]`).textContent(), new RegExp(`${task.credits.charged} credits charged`));
  await back.locator('#offline').waitFor({ state: 'hidden' });
  await back.close();
});
