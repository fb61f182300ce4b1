// Seed 001 (a task platform's Gemini-3.1-Flash-Lite-Image page): model name, ratios, the silent 1K
// downgrade, n with per-image billing, image_urls (URL or data URI, up to 14), webhook + /callback,
// ignored search flags and official_fallback, refused mask_url: replayed with only base URL and key changed.
import assert from "node:assert/strict";
import { test } from "node:test";
import { makePng, newKey } from "./helpers.mjs";
import { balance, loopback, post, waitForEnd } from "./seed-helpers.mjs";

const MODEL = "gemini-3.1-flash-lite-image"; // "Always use this model name"
const RATIOS = { "1:1": "1024x1024", "3:2": "1264x848", "2:3": "848x1264", "4:3": "1200x896", "3:4": "896x1200", "16:9": "1376x768", "9:16": "768x1376", "5:4": "1152x928", "4:5": "928x1152", "21:9": "1584x672" };

test("seed 001: auto and the ten documented ratios", async () => {
  const { key } = await newKey(1000, "seed-001-ratios");
  const all = ["auto", ...Object.keys(RATIOS)];
  const submitted = await Promise.all(all.map((aspect_ratio) => post("/v1/images/generations", key, { model: MODEL, prompt: "a photo", aspect_ratio, resolution: "1K" })));
  const tasks = await Promise.all(submitted.map(({ response, json }) => {
    assert.equal(response.status, 202);
    assert.deepEqual(json.warnings, []);
    return waitForEnd(key, json.task_id);
  }));
  assert.equal(`${tasks[0].images[0].width}x${tasks[0].images[0].height}`, "1024x1024", "auto without a reference image is 1:1");
  for (const [i, ratio] of Object.keys(RATIOS).entries()) {
    assert.equal(`${tasks[i + 1].images[0].width}x${tasks[i + 1].images[0].height}`, RATIOS[ratio], ratio);
  }
  assert.equal(await balance(key), 1000 - 11 * 45);
});

test("seed 001: 2K, 4K and 0.5K are downgraded to 1K without an error (and said so)", async () => {
  const { key } = await newKey(1000, "seed-001-tiers");
  for (const resolution of ["2K", "4K", "0.5K", "4k"]) {
    const { response, json } = await post("/v1/images/generations", key, { model: MODEL, prompt: "tiers", aspect_ratio: "16:9", resolution });
    assert.equal(response.status, 202, resolution);
    assert.equal(json.credits.reserved, 45, "billed as the 1K image it is");
    assert.match(json.warnings[0], new RegExp(`resolution .* is not available for ${MODEL.replaceAll(".", "\\.")}; using 1K`));
    const task = await waitForEnd(key, json.task_id);
    assert.equal(`${task.images[0].width}x${task.images[0].height}`, "1376x768");
  }
});

test("seed 001: n = 4 fans out and bills per successful image; a quoted n is refused", async () => {
  const { key } = await newKey(1000, "seed-001-n");
  const { response, json } = await post("/v1/images/generations", key, { model: MODEL, prompt: "four", n: 4 });
  assert.equal(response.status, 202);
  assert.equal(json.credits.reserved, 180);
  const task = await waitForEnd(key, json.task_id);
  assert.equal(task.images.length, 4);
  assert.deepEqual(task.credits, { reserved: 180, charged: 180, refunded: 0 });
  const pictures = await Promise.all(task.images.map(async (i) => Buffer.from(await (await fetch(i.url)).arrayBuffer()).toString("base64")));
  assert.equal(new Set(pictures).size, 4, "the four images of one request differ");

  const quoted = await post("/v1/images/generations", key, { model: MODEL, prompt: "x", n: "2" });
  assert.equal(quoted.response.status, 400);
  assert.equal(quoted.json.error.param, "n");
  assert.equal(await balance(key), 1000 - 180);
});

test("seed 001: image_urls as a URL and as a data URI; at most 14", async () => {
  const { key } = await newKey(1000, "seed-001-refs");
  const png = await makePng(64, 48);
  const site = await loopback({ "/image.png": png });
  try {
    const { response, json } = await post("/v1/images/generations", key, {
      model: MODEL,
      prompt: "combine",
      image_urls: [`${site.url}/image.png`, `data:image/png;base64,${png.toString("base64")}`],
    });
    assert.equal(response.status, 202, JSON.stringify(json));
    const task = await waitForEnd(key, json.task_id);
    assert.equal(task.status, "succeeded");
    assert.equal(`${task.images[0].width}x${task.images[0].height}`, "1200x896", "auto follows the first reference (4:3)");

    const tooMany = await post("/v1/images/generations", key, { model: MODEL, prompt: "x", image_urls: Array(15).fill(`data:image/png;base64,${png.toString("base64")}`) });
    assert.equal(tooMany.response.status, 400);
    assert.match(tooMany.json.error.message, /at most 14/);
  } finally {
    site.close();
  }
});

test("seed 001: webhook is called at {webhook}/callback", async () => {
  const { key } = await newKey(1000, "seed-001-webhook");
  const hooks = await loopback();
  try {
    const { json } = await post("/v1/images/generations", key, { model: MODEL, prompt: "hook", webhook: `${hooks.url}/hooks` });
    const delivery = await hooks.next();
    assert.equal(delivery.path, "/hooks/callback");
    assert.equal(JSON.parse(delivery.body).data.task_id, json.task_id);
  } finally {
    hooks.close();
  }
});

test("seed 001: google_search / google_image_search and official_fallback generate as usual, with warnings; mask_url is refused", async () => {
  const { key } = await newKey(1000, "seed-001-flags");
  const { response, json } = await post("/v1/images/generations", key, { model: MODEL, prompt: "flags", google_search: true, google_image_search: true, official_fallback: true });
  assert.equal(response.status, 202);
  assert.deepEqual(json.warnings.sort(), [
    `google_image_search is ignored: ${MODEL} does not support search grounding`,
    `google_search is ignored: ${MODEL} does not support search grounding`,
    "official_fallback is not supported by Nanogate and was ignored",
  ]);
  assert.equal((await waitForEnd(key, json.task_id)).status, "succeeded");

  const mask = await post("/v1/images/generations", key, { model: MODEL, prompt: "x", mask_url: "https://example.com/mask.png" });
  assert.equal(mask.response.status, 400);
  assert.equal(mask.json.error.param, "mask_url");
  const nullMask = await post("/v1/images/generations", key, { model: MODEL, prompt: "x", mask_url: null, image_urls: null, webhook: "" });
  assert.equal(nullMask.response.status, 202, "null and empty optional fields mean absent");
  await waitForEnd(key, nullMask.json.task_id);
  assert.equal(await balance(key), 1000 - 2 * 45);
});
