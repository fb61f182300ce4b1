// Seed 002 (Anyfast, Gemini native generateContent with ?key=): its two curl examples and parameter
// table, replayed against Nanogate with only the base URL and the key changed.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BASE_URL, makePng, newKey, pngSize } from "./helpers.mjs";
import { balance } from "./seed-helpers.mjs";

const URL_OF = (key) => `${BASE_URL}/v1beta/models/gemini-3.1-flash-lite-image:generateContent?key=${key}`;
const generate = async (key, body) => {
  const response = await fetch(URL_OF(key), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return { response, json: await response.json() };
};
const finalImage = (json) => json.candidates[0].content.parts.filter((p) => p.inlineData && !p.thought).at(-1).inlineData;

test("seed 002: the text-to-image example (16:9, 1K, TEXT+IMAGE) answers a 1376x768 image and text; billed from usage", async () => {
  const { key } = await newKey(1000, "seed-002");
  const { response, json } = await generate(key, {
    contents: [{ role: "user", parts: [{ text: "Generate an image of a sunset over mountains" }] }],
    generationConfig: { responseModalities: ["TEXT", "IMAGE"], imageConfig: { aspectRatio: "16:9", imageSize: "1K" } },
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("x-nanogate-adjustments"), null, "nothing was changed");
  assert.equal(pngSize(Buffer.from(finalImage(json).data, "base64")), "1376x768");
  assert.ok(json.candidates[0].content.parts.some((p) => typeof p.text === "string"));
  assert.equal(json.usageMetadata.candidatesTokensDetails.find((d) => d.modality === "IMAGE").tokenCount, 1120);
  // A streamed image answer is settled when its usage (at its end) has arrived, before its last byte: the charge is
  // in the balance (and in an HTTP/2 trailer), not in a header sent before the body.
  assert.equal(response.headers.get("x-nanogate-credits-charged"), null);
  const charged = 1000 - (await balance(key));
  assert.ok(charged >= 45 && charged <= 46, `a 1K image (1120 tokens) costs 45 credits, charged ${charged}`);
});

test("seed 002: the image-editing example (snake_case inline_data beside the text) edits at 1:1", async () => {
  const { key } = await newKey(1000, "seed-002-edit");
  const photo = (await makePng(60, 80)).toString("base64");
  const { response, json } = await generate(key, {
    contents: [{ role: "user", parts: [{ text: "Hi, this is a picture of me. Can you add a llama next to me?" }, { inline_data: { mime_type: "image/png", data: photo } }] }],
    generationConfig: { responseModalities: ["TEXT", "IMAGE"], imageConfig: { aspectRatio: "1:1", imageSize: "1K" } },
  });
  assert.equal(response.status, 200, JSON.stringify(json));
  assert.equal(pngSize(Buffer.from(finalImage(json).data, "base64")), "1024x1024");
  assert.ok(json.usageMetadata.promptTokenCount > 258, "the reference image counts as input");
});

test("seed 002: the ten documented ratios, IMAGE only", async () => {
  const { key } = await newKey(2000, "seed-002-ratios");
  const expected = { "1:1": "1024x1024", "3:2": "1264x848", "2:3": "848x1264", "3:4": "896x1200", "4:3": "1200x896", "4:5": "928x1152", "5:4": "1152x928", "9:16": "768x1376", "16:9": "1376x768", "21:9": "1584x672" };
  const answers = await Promise.all(Object.keys(expected).map((aspectRatio) =>
    generate(key, { contents: [{ role: "user", parts: [{ text: `ratio ${aspectRatio}` }] }], generationConfig: { responseModalities: ["IMAGE"], imageConfig: { aspectRatio, imageSize: "1K" } } })));
  for (const [i, ratio] of Object.keys(expected).entries()) {
    assert.equal(answers[i].response.status, 200, ratio);
    assert.equal(pngSize(Buffer.from(finalImage(answers[i].json).data, "base64")), expected[ratio], ratio);
  }
});

test("seed 002: 2K/4K are not supported; Nanogate renders 1K and says so in x-nanogate-adjustments", async () => {
  const { key } = await newKey(1000, "seed-002-2k");
  const { response, json } = await generate(key, {
    contents: [{ role: "user", parts: [{ text: "big" }] }],
    generationConfig: { responseModalities: ["IMAGE"], imageConfig: { aspectRatio: "1:1", imageSize: "2K" } },
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("x-nanogate-adjustments"), /imageSize 2K->1K/);
  assert.equal(pngSize(Buffer.from(finalImage(json).data, "base64")), "1024x1024");
});
