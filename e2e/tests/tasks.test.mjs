// Task API (Dialect 1) driven with plain fetch, as the seeds' curl examples do, and its webhooks
// verified with the standardwebhooks library. Skipped, with the reason printed, while this build
// has no task API (POST /v1/images/generations answers 404) or no webhooks (GET /v1/webhook-secret 404).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { join } from "node:path";
import { test } from "node:test";
import { Webhook } from "standardwebhooks";
import { BASE_URL, E2E_DIR, newKey, pngSize, runExample, shellToolsMissing } from "./helpers.mjs";

const { key } = await newKey(5000, "e2e-tasks");
const headers = { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };

const probe = await fetch(`${BASE_URL}/v1/images/generations`, { method: "POST", headers, body: "{}" });
const skip = probe.status === 404 ? "the task API is not in this build (POST /v1/images/generations answers 404)" : false;
if (skip) console.log(`# task API tests skipped: ${skip}`);
const secretProbe = skip ? null : await fetch(`${BASE_URL}/v1/webhook-secret`, { headers });
const webhookSkip = skip || (secretProbe.status === 404 ? "webhooks are not in this build (GET /v1/webhook-secret answers 404)" : false);
if (webhookSkip && !skip) console.log(`# webhook tests skipped: ${webhookSkip}`);

async function submit(body, extra = {}) {
  const response = await fetch(`${BASE_URL}/v1/images/generations`, { method: "POST", headers: { ...headers, ...extra }, body: JSON.stringify(body) });
  return { response, json: await response.json() };
}

async function waitForEnd(taskId, seconds = 60) {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const task = await (await fetch(`${BASE_URL}/v1/tasks/${taskId}`, { headers })).json();
    if (!["pending", "running"].includes(task.status)) return task;
    if (Date.now() > until) throw new Error(`task ${taskId} still ${task.status} after ${seconds} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A loopback receiver that records webhook deliveries (raw body and headers). */
async function receiver() {
  const deliveries = [];
  let notify = () => {};
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      deliveries.push({ path: req.url, headers: req.headers, body });
      res.writeHead(204).end();
      notify();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}`;
  const next = (seconds = 30) =>
    deliveries.length
      ? Promise.resolve(deliveries.shift())
      : new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no webhook within ${seconds} s`)), seconds * 1000);
          notify = () => {
            clearTimeout(timer);
            resolve(deliveries.shift());
          };
        });
  return { url, next, close: () => server.close() };
}

test("the seed's request: 202 with a task, then succeeded with a downloadable image", { skip }, async () => {
  const { response, json } = await submit({ model: "nano-banana-2-lite", prompt: "A refined product photo of a compact AI API router device on a white desk", size: "auto" });
  assert.equal(response.status, 202);
  assert.match(json.task_id, /^task_/);
  assert.equal(json.status, "pending");
  assert.equal(json.poll_url, `/v1/tasks/${json.task_id}`);
  assert.equal(response.headers.get("location"), `/v1/tasks/${json.task_id}`);
  assert.ok(json.credits.reserved > 0);

  const task = await waitForEnd(json.task_id);
  assert.equal(task.status, "succeeded");
  assert.equal(task.credits.charged, json.credits.reserved);
  const image = await fetch(task.images[0].url);
  assert.equal(image.status, 200);
  assert.equal(pngSize(await image.arrayBuffer()), "1024x1024");
});

test("aspect_ratio and n: two 16:9 images, charged per image", { skip }, async () => {
  const { response, json } = await submit({ model: "gemini-3.1-flash-lite-image", prompt: "two kites", aspect_ratio: "16:9", resolution: "1K", n: 2 });
  assert.equal(response.status, 202);
  const task = await waitForEnd(json.task_id);
  assert.equal(task.status, "succeeded");
  assert.equal(task.images.length, 2);
  for (const image of task.images) assert.equal(pngSize(await (await fetch(image.url)).arrayBuffer()), "1376x768");
});

test("n as a JSON string is a 400", { skip }, async () => {
  const { response } = await submit({ model: "nano-banana-2-lite", prompt: "x", n: "2" });
  assert.equal(response.status, 400);
});

test("callback_url gets a Standard Webhooks delivery that verifies with the account's secret", { skip: webhookSkip }, async () => {
  const hook = await receiver();
  try {
    const secretBody = await (await fetch(`${BASE_URL}/v1/webhook-secret`, { headers })).json();
    const secret = secretBody.secret ?? secretBody.webhook_secret;
    assert.match(secret, /^whsec_/);

    const { json } = await submit({ model: "nano-banana-2-lite", prompt: "a postcard", callback_url: `${hook.url}/hooks/nanogate` });
    const delivery = await hook.next();
    assert.equal(delivery.path, "/hooks/nanogate");
    const payload = new Webhook(secret).verify(delivery.body, {
      "webhook-id": delivery.headers["webhook-id"],
      "webhook-timestamp": delivery.headers["webhook-timestamp"],
      "webhook-signature": delivery.headers["webhook-signature"],
    });
    assert.equal(payload.type, "task.succeeded");
    assert.equal(payload.data.task_id, json.task_id);
    assert.throws(() => new Webhook(secret).verify(delivery.body + " ", {
      "webhook-id": delivery.headers["webhook-id"],
      "webhook-timestamp": delivery.headers["webhook-timestamp"],
      "webhook-signature": delivery.headers["webhook-signature"],
    }), "a tampered body fails verification");
  } finally {
    hook.close();
  }
});

test("webhook (a base URL) is notified at {webhook}/callback", { skip: webhookSkip }, async () => {
  const hook = await receiver();
  try {
    const { json } = await submit({ model: "nano-banana-2-lite", prompt: "a blocked one [sim:blocked]", webhook: hook.url });
    const delivery = await hook.next();
    assert.equal(delivery.path, "/callback");
    const payload = JSON.parse(delivery.body);
    assert.equal(payload.type, "task.failed");
    assert.equal(payload.data.task_id, json.task_id);
  } finally {
    hook.close();
  }
});

test("docs example: curl-tasks.sh submits and polls to succeeded", { skip: skip || shellToolsMissing() }, async () => {
  const run = await runExample("curl-tasks.sh", key);
  const [status, url] = run.stdout.trim().split("\n");
  assert.equal(status, "succeeded");
  assert.equal(pngSize(await (await fetch(url)).arrayBuffer()), "1024x1024");
});

test("docs example: tasks-fetch.mjs waits for two 4:3 images and saves them", { skip }, async () => {
  const run = await runExample("tasks-fetch.mjs", key);
  assert.match(run.stdout, /^succeeded /);
  assert.equal(pngSize(run.read("router-0.png")), "1200x896");
  assert.equal(pngSize(run.read("router-1.png")), "1200x896");
});

test("docs example: webhook-receiver.mjs verifies the delivery of a task", { skip: webhookSkip }, async () => {
  const child = spawn(process.execPath, [join(E2E_DIR, "examples", "webhook-receiver.mjs")], {
    env: { ...process.env, NANOGATE_URL: BASE_URL, NANOGATE_API_KEY: key, PORT: "0" },
  });
  try {
    let output = "";
    const seen = (pattern, seconds) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (match) resolve(match);
        };
        const timer = setTimeout(() => reject(new Error(`receiver printed no ${pattern} within ${seconds} s:\n${output}`)), seconds * 1000);
        child.stdout.on("data", (d) => {
          output += d;
          check();
        });
        child.stderr.on("data", (d) => (output += d));
        check();
        timer.unref();
      });
    const [, port] = await seen(/listening on (\d+)/, 15);
    const { json } = await submit({ model: "nano-banana-2-lite", prompt: "a webhook postcard", callback_url: `http://127.0.0.1:${port}/` });
    const [, taskId, url] = await seen(/task\.succeeded (\S+) (\S+)/, 30);
    assert.equal(taskId, json.task_id);
    assert.equal(pngSize(await (await fetch(url)).arrayBuffer()), "1024x1024");
  } finally {
    child.kill();
  }
});
