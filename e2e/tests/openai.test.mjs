// OpenAI Images dialect through OpenAI's own SDK (openai), against the real server + simulator.
import assert from "node:assert/strict";
import { test } from "node:test";
import { OpenAI, SDK_RUN, toFile } from "./sdk.mjs";
import { BASE_URL, makePng, newKey, pngSize, runExample } from "./helpers.mjs";

// The docs examples import the packages by name (the newest majors): run them once, in the main run.
const onceOnly = { skip: SDK_RUN === "previous" && "docs examples run once, with the newest SDKs" };

const { key } = await newKey(5000, "e2e-openai");
const client = new OpenAI({ apiKey: key, baseURL: `${BASE_URL}/openai/v1`, maxRetries: 0 });

test("images.generate with b64_json returns PNGs at the size's ratio", async () => {
  const result = await client.images.generate({ model: "nano-banana-2-lite", prompt: "a reading nook", size: "1536x1024", n: 2, response_format: "b64_json" });
  assert.equal(result.data.length, 2);
  for (const image of result.data) {
    assert.equal(pngSize(Buffer.from(image.b64_json, "base64")), "1264x848");
    assert.ok(image.revised_prompt.length > 0);
  }
  assert.ok(result.created > 0);
  assert.equal(result.usage.total_tokens, result.usage.input_tokens + result.usage.output_tokens);
});

test("images.generate with url returns a link that downloads", async () => {
  const result = await client.images.generate({ model: "nano-banana-2-lite", prompt: "a village", size: "1024x1536", response_format: "url" });
  const download = await fetch(result.data[0].url);
  assert.equal(download.status, 200);
  assert.equal(download.headers.get("content-type"), "image/png");
  assert.equal(pngSize(await download.arrayBuffer()), "848x1264");
});

test("images.edit with a PNG file renders at the input's ratio", async () => {
  const png = await makePng(64, 48);
  const result = await client.images.edit({
    model: "nano-banana-2-lite",
    image: await toFile(png, "input.png", { type: "image/png" }),
    prompt: "make it night",
  });
  assert.equal(pngSize(Buffer.from(result.data[0].b64_json, "base64")), "1200x896");
});

test("images.edit with several files", async () => {
  const files = [await toFile(await makePng(8, 8), "a.png", { type: "image/png" }), await toFile(await makePng(8, 8), "b.png", { type: "image/png" })];
  const result = await client.images.edit({ model: "nano-banana-2-lite", image: files, prompt: "combine them", size: "1024x1024" });
  assert.equal(pngSize(Buffer.from(result.data[0].b64_json, "base64")), "1024x1024");
});

test("models.list and models.retrieve", async () => {
  const ids = [];
  for await (const model of client.models.list()) ids.push(model.id);
  assert.ok(ids.includes("gemini-3.1-flash-lite-image"));
  const lite = await client.models.retrieve("nano-banana-2-lite");
  assert.equal(lite.owned_by, "google");
});

test("a bad key is an AuthenticationError (401)", async () => {
  const bad = new OpenAI({ apiKey: "sk-nope", baseURL: `${BASE_URL}/openai/v1`, maxRetries: 0 });
  await assert.rejects(bad.images.generate({ model: "nano-banana-2-lite", prompt: "x" }), (e) => e instanceof OpenAI.AuthenticationError && e.status === 401 && e.code === "invalid_api_key");
});

test("bad parameters are a BadRequestError (400) naming the param", async () => {
  await assert.rejects(client.images.generate({ model: "nano-banana-2-lite", prompt: "x", size: "huge" }), (e) => e instanceof OpenAI.BadRequestError && e.param === "size");
  await assert.rejects(client.images.generate({ model: "nano-banana-2-lite", prompt: "x", n: 9 }), (e) => e instanceof OpenAI.BadRequestError && e.param === "n");
});

test("a not-an-image upload is a BadRequestError", async () => {
  await assert.rejects(
    client.images.edit({ model: "nano-banana-2-lite", image: await toFile(Buffer.from("plain text"), "fake.png", { type: "image/png" }), prompt: "x" }),
    (e) => e instanceof OpenAI.BadRequestError && /not a JPEG, PNG or WebP/.test(e.message),
  );
});

test("a blocked prompt is a BadRequestError with content_policy_violation", async () => {
  await assert.rejects(client.images.generate({ model: "nano-banana-2-lite", prompt: "x [sim:blocked]" }), (e) => e instanceof OpenAI.BadRequestError && e.code === "content_policy_violation");
});

test("an unknown model is a NotFoundError (404)", async () => {
  await assert.rejects(client.images.generate({ model: "dall-e-3", prompt: "x" }), (e) => e instanceof OpenAI.NotFoundError && e.code === "model_not_found");
});

test("an empty balance is a RateLimitError with insufficient_quota, not retried", async () => {
  const poor = await newKey(10, "e2e-openai-poor");
  const c = new OpenAI({ apiKey: poor.key, baseURL: `${BASE_URL}/openai/v1` }); // default retries: x-should-retry stops them
  const started = Date.now();
  await assert.rejects(c.images.generate({ model: "nano-banana-2-lite", prompt: "x" }), (e) => e instanceof OpenAI.RateLimitError && e.code === "insufficient_quota");
  assert.ok(Date.now() - started < 2000, "the SDK did not back off and retry");
});

test("docs example: openai-generate.mjs saves two PNGs", onceOnly, async () => {
  const run = await runExample("openai-generate.mjs", key);
  assert.match(run.stdout, /saved 2 images/);
  assert.equal(pngSize(run.read("nook-1.png")), "1264x848");
});

test("docs example: openai-url.mjs prints a link that downloads", onceOnly, async () => {
  const run = await runExample("openai-url.mjs", key);
  const download = await fetch(run.stdout.trim());
  assert.equal(pngSize(await download.arrayBuffer()), "848x1264");
});

test("docs example: openai-edit.mjs edits input.png", onceOnly, async () => {
  const run = await runExample("openai-edit.mjs", key, { files: { "input.png": await makePng(30, 40) } });
  assert.match(run.stdout, /saved edited.png/);
  assert.equal(pngSize(run.read("edited.png")), "896x1200");
});
