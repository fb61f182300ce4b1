// Shared by the seed conformance tests (seed-000 … seed-004): each replays one seed platform's
// documented requests against Nanogate, changing only the base URL and the key.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { BASE_URL } from "./helpers.mjs";

/** Credits of one image, from GET /v1/models (the catalog is the source of prices). */
export async function pricePerImage(model, size = "1K") {
  const catalog = await (await fetch(`${BASE_URL}/v1/models`)).json();
  const entry = catalog.data.find((m) => m.id === model || m.aliases.includes(model));
  return entry.pricing.credits_per_image[size];
}

/** The account's available credits. */
export async function balance(key) {
  const account = await (await fetch(`${BASE_URL}/v1/account`, { headers: { Authorization: `Bearer ${key}` } })).json();
  return account.credits.available;
}

/** Polls a task until it ends, as the seeds tell their users to. */
export async function waitForEnd(key, taskId, seconds = 60) {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const task = await (await fetch(`${BASE_URL}/v1/tasks/${taskId}`, { headers: { Authorization: `Bearer ${key}` } })).json();
    if (!["pending", "running"].includes(task.status)) return task;
    if (Date.now() > until) throw new Error(`task ${taskId} still ${task.status} after ${seconds} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** POST a JSON body with a Bearer key. */
export async function post(path, key, body, extraHeaders = {}) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json", ...extraHeaders },
    body: JSON.stringify(body),
  });
  return { response, json: await response.json() };
}

/** Sets a key's settings through the admin API (images_api, callback_format, image_delivery). */
export async function setKey(keyId, settings) {
  const response = await fetch(`${BASE_URL}/admin/v1/keys/${keyId}`, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${process.env.NANOGATE_ADMIN_KEY ?? "sk-e2e-admin"}`, "Content-Type": "application/json" },
    body: JSON.stringify(settings),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

/** A loopback HTTP server: serves `files` (path → bytes) and records POSTs (webhooks). */
export async function loopback(files = {}) {
  const deliveries = [];
  let notify = () => {};
  const server = createServer((req, res) => {
    if (req.method === "GET" && files[req.url]) {
      res.writeHead(200, { "Content-Type": "application/octet-stream" }).end(files[req.url]);
      return;
    }
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
