// Seed 003 (CometAPI, Gemini native through Google's Gen AI SDK): the CometAPI model code, the 14
// aspect ratios, 1K / 1024px, the 65,536-token input limit and thinking, replayed through the SDK
// of this run (newest or previous major) with only the base URL and the key changed.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError, GoogleGenAI } from "./sdk.mjs";
import { BASE_URL, newKey, pngSize } from "./helpers.mjs";
import { balance } from "./seed-helpers.mjs";

const MODEL = "gemini-3-1-flash-lite-image"; // CometAPI model code
const finalImage = (response) => response.candidates[0].content.parts.filter((p) => p.inlineData && !p.thought).at(-1).inlineData;
const LITE_14 = {
  "1:1": "1024x1024", "3:2": "1264x848", "2:3": "848x1264", "3:4": "896x1200", "4:3": "1200x896", "4:5": "928x1152", "5:4": "1152x928",
  "9:16": "768x1376", "16:9": "1376x768", "21:9": "1584x672", "1:4": "512x2048", "4:1": "2048x512", "1:8": "384x3072", "8:1": "3072x384",
};

const { key } = await newKey(5000, "seed-003");
const ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: BASE_URL } });

test("seed 003: the 14 aspect ratios at 1K, with exact pixel sizes", async () => {
  const answers = await Promise.all(Object.keys(LITE_14).map((aspectRatio) =>
    ai.models.generateContent({ model: MODEL, contents: `thumbnail ${aspectRatio}`, config: { responseModalities: ["IMAGE"], imageConfig: { aspectRatio, imageSize: "1K" } } })));
  for (const [i, ratio] of Object.keys(LITE_14).entries()) {
    assert.equal(pngSize(Buffer.from(finalImage(answers[i]).data, "base64")), LITE_14[ratio], ratio);
  }
});

test("seed 003: imageSize 1K and the supported 1024px value are the same tier", async () => {
  for (const imageSize of ["1K", "1024px"]) {
    const response = await ai.models.generateContent({ model: MODEL, contents: "a sticker", config: { responseModalities: ["IMAGE"], imageConfig: { aspectRatio: "4:5", imageSize } } });
    assert.equal(pngSize(Buffer.from(finalImage(response).data, "base64")), "928x1152", imageSize);
  }
  const raw = await fetch(`${BASE_URL}/v1beta/models/${MODEL}:generateContent`, {
    method: "POST",
    headers: { "x-goog-api-key": key, "Content-Type": "application/json" },
    body: JSON.stringify({ contents: [{ parts: [{ text: "x" }] }], generationConfig: { responseModalities: ["IMAGE"], imageConfig: { imageSize: "1024px" } } }),
  });
  assert.equal(raw.status, 200);
  assert.equal(raw.headers.get("x-nanogate-adjustments"), "imageSize 1024px->1K (Google's spelling)");
  // Read the answer whole: it streams through and is settled as it ends, so the next test's balance is final.
  await raw.arrayBuffer();
});

test("seed 003: past the 65,536-token input limit is a 400 before any upstream call, nothing charged", async () => {
  const before = await balance(key);
  await assert.rejects(
    ai.models.generateContent({ model: MODEL, contents: "a ".repeat(140_000), config: { responseModalities: ["IMAGE"] } }),
    (e) => e instanceof ApiError && e.status === 400 && /65,536/.test(e.message),
  );
  assert.equal(await balance(key), before);
});

test("seed 003: thinking high with thoughts: skip thought parts, the last non-thought image is the final one", async () => {
  const response = await ai.models.generateContent({
    model: MODEL,
    contents: "make the jacket red",
    config: { responseModalities: ["TEXT", "IMAGE"], imageConfig: { aspectRatio: "1:1" }, thinkingConfig: { thinkingLevel: "HIGH", includeThoughts: true } },
  });
  const parts = response.candidates[0].content.parts;
  assert.ok(parts.some((p) => p.thought && p.inlineData), "an interim thought image came first");
  assert.equal(pngSize(Buffer.from(finalImage(response).data, "base64")), "1024x1024");
  assert.ok(response.usageMetadata.thoughtsTokenCount > 0);
});

test("seed 003: the model is listed under the stable id with its limits", async () => {
  const model = await ai.models.get({ model: MODEL });
  assert.equal(model.name, "models/gemini-3.1-flash-lite-image");
  assert.equal(model.inputTokenLimit, 65536);
  assert.equal(model.outputTokenLimit, 4096);
});

test("seed 003: the public catalog says which document each of Lite's ratios and limits comes from", async () => {
  const catalog = await (await fetch(`${BASE_URL}/v1/models`)).json();
  const lite = catalog.data.find((m) => m.id === "gemini-3.1-flash-lite-image");
  assert.deepEqual(lite.aspect_ratios, ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9", "1:4", "4:1", "1:8", "8:1"]);
  assert.deepEqual(lite.aspect_ratio_sources["1:8"], ["seed-003"]);
  assert.ok(lite.aspect_ratio_sources["16:9"].includes("google"));
  assert.equal(lite.pixel_sizes["1K"]["1:8"], "384x3072");
  assert.deepEqual(lite.value_sources.input_token_limit, ["seed-003"]);
  assert.match(catalog.sources["seed-003"], /CometAPI/);
});
