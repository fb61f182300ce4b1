// Seed 000 (apiany.ai, Nano Banana 2 Lite, async tasks): its documented request, size options and
// callback_url, replayed against Nanogate with only the base URL and the key changed.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Webhook } from "standardwebhooks";
import { BASE_URL, newKey, pngSize } from "./helpers.mjs";
import { balance, loopback, post, pricePerImage, setKey, waitForEnd } from "./seed-helpers.mjs";

const LITE = await pricePerImage("nano-banana-2-lite");

test("seed 000: the documented request example answers the documented response, then an image", async () => {
  const { key } = await newKey(1000, "seed-000");
  // Exactly the seed's curl body.
  const { response, json } = await post("/v1/images/generations", key, {
    model: "nano-banana-2-lite",
    prompt: "A refined product photo of a compact AI API router device on a white desk",
    size: "auto",
  });
  assert.equal(response.status, 202);
  assert.match(json.task_id, /^task_/);
  assert.equal(json.status, "pending");
  assert.equal(json.poll_url, `/v1/tasks/${json.task_id}`);
  assert.match(json.request_id, /\S/);
  assert.equal(json.credits.reserved, 45, "a Lite image is 45 credits (seed 000: $0.0225-$0.045)");
  assert.equal(LITE, 45);
  assert.equal(await balance(key), 1000 - 45, "reserved at submit");

  const task = await waitForEnd(key, json.task_id);
  assert.equal(task.status, "succeeded");
  assert.deepEqual(task.credits, { reserved: 45, charged: 45, refunded: 0 });
  assert.equal(await balance(key), 955);
  const image = await fetch(task.images[0].url);
  assert.equal(image.status, 200);
  assert.equal(pngSize(await image.arrayBuffer()), "1024x1024");
});

// Seed 000's size options (auto is above) at Lite's exact 1K pixels.
const SIZES = { "1:1": "1024x1024", "2:3": "848x1264", "3:2": "1264x848", "4:3": "1200x896", "3:4": "896x1200", "16:9": "1376x768", "9:16": "768x1376" };

test("seed 000: every documented size option renders at its ratio, without warnings", async () => {
  const { key } = await newKey(1000, "seed-000-sizes");
  const submitted = await Promise.all(Object.keys(SIZES).map((size) => post("/v1/images/generations", key, { model: "nano-banana-2-lite", prompt: `a desk at ${size}`, size })));
  for (const { response, json } of submitted) {
    assert.equal(response.status, 202);
    assert.deepEqual(json.warnings, []);
  }
  const tasks = await Promise.all(submitted.map(({ json }) => waitForEnd(key, json.task_id)));
  for (const [i, size] of Object.keys(SIZES).entries()) {
    assert.equal(tasks[i].status, "succeeded", size);
    assert.equal(`${tasks[i].images[0].width}x${tasks[i].images[0].height}`, SIZES[size]);
    assert.equal(pngSize(await (await fetch(tasks[i].images[0].url)).arrayBuffer()), SIZES[size]);
  }
  assert.equal(await balance(key), 1000 - 7 * 45);
});

test("seed 000: custom WxH pixel sizes are accepted; an off-table size is mapped and reported", async () => {
  const { key } = await newKey(1000, "seed-000-pixels");
  const exact = await post("/v1/images/generations", key, { model: "nano-banana-2-lite", prompt: "pixels", size: "1376x768" });
  assert.equal(exact.response.status, 202);
  assert.deepEqual(exact.json.warnings, []);
  const mapped = await post("/v1/images/generations", key, { model: "nano-banana-2-lite", prompt: "pixels", size: "1000x600" });
  assert.equal(mapped.response.status, 202);
  assert.equal(mapped.json.warnings.length, 1);
  assert.equal(mapped.json.warnings[0], "size 1000x600 mapped to 16:9 (1376x768)");
  assert.equal(mapped.response.headers.get("x-nanogate-adjustments"), mapped.json.warnings[0]);
  const task = await waitForEnd(key, mapped.json.task_id);
  assert.equal(`${task.images[0].width}x${task.images[0].height}`, "1376x768");
});

test("seed 000: callback_url is called when the task finishes, signed; callback_format task sends the bare task", async () => {
  const { key } = await newKey(1000, "seed-000-callback");
  const hooks = await loopback();
  try {
    const secret = (await (await fetch(`${BASE_URL}/v1/webhook-secret`, { headers: { Authorization: `Bearer ${key}` } })).json()).secret;
    // Default: the Standard Webhooks envelope.
    const first = await post("/v1/images/generations", key, { model: "nano-banana-2-lite", prompt: "callback", size: "auto", callback_url: `${hooks.url}/done` });
    const envelope = await hooks.next();
    const verified = new Webhook(secret).verify(envelope.body, envelope.headers);
    assert.equal(verified.type, "task.succeeded");
    assert.equal(verified.data.task_id, first.json.task_id);

    // A seed client that reads the task itself.
    const second = await post("/v1/images/generations", key, { model: "nano-banana-2-lite", prompt: "callback", callback_url: `${hooks.url}/done`, callback_format: "task" });
    const bare = await hooks.next();
    const task = new Webhook(secret).verify(bare.body, bare.headers);
    assert.equal(task.task_id, second.json.task_id);
    assert.equal(task.status, "succeeded");
    assert.equal(task.type, undefined);
    assert.equal(task.credits.charged, 45);
  } finally {
    hooks.close();
  }
});

test("seed 000: a key set to callback_format task gets bare task bodies without changing its requests", async () => {
  const { key, keyId } = await newKey(1000, "seed-000-key-callback");
  assert.equal((await setKey(keyId, { callback_format: "task" })).callback_format, "task");
  const hooks = await loopback();
  try {
    const secret = (await (await fetch(`${BASE_URL}/v1/webhook-secret`, { headers: { Authorization: `Bearer ${key}` } })).json()).secret;
    const { json } = await post("/v1/images/generations", key, { model: "nano-banana-2-lite", prompt: "key callback", size: "16:9", callback_url: `${hooks.url}/cb` });
    const delivery = await hooks.next();
    const task = new Webhook(secret).verify(delivery.body, delivery.headers);
    assert.equal(task.task_id, json.task_id);
    assert.equal(task.images[0].width, 1376);
    // The request's own choice wins over the key's.
    await post("/v1/images/generations", key, { model: "nano-banana-2-lite", prompt: "key callback", callback_url: `${hooks.url}/cb`, callback_format: "envelope" });
    const second = await hooks.next();
    const envelope = new Webhook(secret).verify(second.body, second.headers);
    assert.equal(envelope.type, "task.succeeded");
  } finally {
    hooks.close();
  }
});
