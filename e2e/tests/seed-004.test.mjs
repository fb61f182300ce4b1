// Seed 004 (AI/ML API, Nano Banana 2, a synchronous POST /v1/images/generations): its schema and both
// quick examples, replayed with only the base URL changed to {nanogate}/sync/v1 (or, for the same
// base URL as the task API, a key whose images_api is "sync"). Driven with plain fetch and with the
// OpenAI SDK of this run, as AI/ML API's users do.
import assert from "node:assert/strict";
import { test } from "node:test";
import { OpenAI } from "./sdk.mjs";
import { BASE_URL, makePng, newKey, pngSize } from "./helpers.mjs";
import { balance, loopback, post, pricePerImage, setKey } from "./seed-helpers.mjs";

const SYNC = "/sync/v1/images/generations";
const FLASH_1K = await pricePerImage("google/nano-banana-2", "1K");
const FLASH_2K = await pricePerImage("google/nano-banana-2", "2K");

test("seed 004: quick example #1 (prompt only) answers the image synchronously: a 1376x768 link at 16:9", async () => {
  const { key } = await newKey(1000, "seed-004");
  const { response, json } = await post(SYNC, key, {
    model: "google/nano-banana-2",
    prompt: "A T-Rex relaxing on a beach, lying on a sun lounger and wearing sunglasses.",
    aspect_ratio: "16:9",
  });
  assert.equal(response.status, 200, JSON.stringify(json));
  assert.equal(json.data.length, 1);
  assert.deepEqual(json.warnings, []);
  assert.equal(json.data[0].width, 1376);
  const image = await fetch(json.data[0].url);
  assert.equal(image.status, 200);
  assert.equal(pngSize(await image.arrayBuffer()), "1376x768");
  assert.equal(Number(response.headers.get("x-nanogate-credits-charged")), FLASH_1K);
  assert.equal(await balance(key), 1000 - FLASH_1K);
});

test("seed 004: defaults are 1:1 and 1K", async () => {
  const { key } = await newKey(1000, "seed-004-defaults");
  const { json } = await post(SYNC, key, { model: "google/gemini-3-1-flash-image-preview", prompt: "defaults" });
  assert.equal(pngSize(await (await fetch(json.data[0].url)).arrayBuffer()), "1024x1024");
});

test("seed 004: quick example #2: two reference images (a URL and raw base64) at 16:9 and 2K", async () => {
  const { key } = await newKey(1000, "seed-004-refs");
  const trex = await makePng(80, 60);
  const mug = await makePng(40, 40);
  const site = await loopback({ "/t-rex.png": trex });
  try {
    const { response, json } = await post(SYNC, key, {
      model: "google/nano-banana-2",
      prompt: "Combine the images so the T-Rex is wearing a business suit, sitting in a cozy small café, drinking from the mug. Blur the background slightly to create a bokeh effect.",
      image_urls: [`${site.url}/t-rex.png`, mug.toString("base64")],
      aspect_ratio: "16:9",
      resolution: "2K",
    });
    assert.equal(response.status, 200, JSON.stringify(json));
    assert.equal(pngSize(await (await fetch(json.data[0].url)).arrayBuffer()), "2752x1536");
    assert.equal(await balance(key), 1000 - FLASH_2K);
  } finally {
    site.close();
  }
});

test("seed 004: enable_web_search is honoured on Nano Banana 2 and dropped with a warning where the model has none", async () => {
  const { key } = await newKey(1000, "seed-004-search");
  const flash = await post(SYNC, key, { model: "google/nano-banana-2", prompt: "today's weather", enable_web_search: true });
  assert.equal(flash.response.status, 200);
  assert.deepEqual(flash.json.warnings, []);
  const lite = await post(SYNC, key, { model: "nano-banana-2-lite", prompt: "today's weather", enable_web_search: true, resolution: "2K" });
  assert.equal(lite.response.status, 200);
  assert.deepEqual(lite.json.warnings, [
    "resolution 2K is not available for gemini-3.1-flash-lite-image; using 1K",
    "enable_web_search is ignored: gemini-3.1-flash-lite-image does not support search grounding",
  ]);
  assert.equal(lite.response.headers.get("x-nanogate-adjustments"), lite.json.warnings.join("; "));
  assert.equal(await balance(key), 1000 - FLASH_1K - 45);
});

test("seed 004: the same base URL as before works for a key set to images_api sync; other keys still get tasks", async () => {
  const syncKey = await newKey(1000, "seed-004-key");
  const settings = await setKey(syncKey.keyId, { images_api: "sync" });
  assert.equal(settings.images_api, "sync");
  const sync = await post("/v1/images/generations", syncKey.key, { model: "google/nano-banana-2", prompt: "same url", aspect_ratio: "9:16" });
  assert.equal(sync.response.status, 200);
  assert.equal(pngSize(await (await fetch(sync.json.data[0].url)).arrayBuffer()), "768x1376");

  const tasksKey = await newKey(1000, "seed-004-tasks");
  const task = await post("/v1/images/generations", tasksKey.key, { model: "google/nano-banana-2", prompt: "same url" });
  assert.equal(task.response.status, 202);
  assert.match(task.json.task_id, /^task_/);
});

test("seed 004: through the OpenAI SDK with baseURL {nanogate}/sync/v1, seed fields pass through", async () => {
  const { key } = await newKey(1000, "seed-004-sdk");
  const client = new OpenAI({ apiKey: key, baseURL: `${BASE_URL}/sync/v1`, maxRetries: 0 });
  const result = await client.images.generate({ model: "google/nano-banana-2", prompt: "A T-Rex relaxing on a beach", aspect_ratio: "21:9", resolution: "512" });
  assert.equal(pngSize(await (await fetch(result.data[0].url)).arrayBuffer()), "792x336");
  await assert.rejects(client.images.generate({ model: "google/nano-banana-2", prompt: "x", image_urls: ["not an image"] }), (e) => e.status === 400 && e.param === "image_urls[0]");
});
