// Gemini dialect through Google's own SDK (@google/genai), against the real server + simulator.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError, GoogleGenAI, SDK_RUN } from "./sdk.mjs";
import { BASE_URL, newKey, pngSize, runExample } from "./helpers.mjs";

// The docs examples import the packages by name (the newest majors): run them once, in the main run.
const onceOnly = { skip: SDK_RUN === "previous" && "docs examples run once, with the newest SDKs" };

// Output pixels of Lite at 1K for each of its ratios (Google's image-generation guide; docs/catalog.md).
const LITE_1K = {
  "1:1": "1024x1024", "2:3": "848x1264", "3:2": "1264x848", "3:4": "896x1200", "4:3": "1200x896",
  "4:5": "928x1152", "5:4": "1152x928", "9:16": "768x1376", "16:9": "1376x768", "21:9": "1584x672",
};

const { key } = await newKey(5000, "e2e-gemini");
const ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: BASE_URL } });
const finalImage = (response) => response.candidates[0].content.parts.filter((p) => p.inlineData && !p.thought).at(-1).inlineData;

for (const [ratio, pixels] of Object.entries(LITE_1K)) {
  test(`generateContent IMAGE at ${ratio} returns a ${pixels} PNG`, async () => {
    const response = await ai.models.generateContent({
      model: "nano-banana-2-lite",
      contents: `a lighthouse at ${ratio}`,
      config: { responseModalities: ["IMAGE"], imageConfig: { aspectRatio: ratio } },
    });
    const image = finalImage(response);
    assert.equal(image.mimeType, "image/png");
    assert.equal(pngSize(Buffer.from(image.data, "base64")), pixels);
    assert.ok(response.usageMetadata.totalTokenCount > 0);
  });
}

test("generateContentStream yields the image", async () => {
  const stream = await ai.models.generateContentStream({
    model: "gemini-3.1-flash-lite-image",
    contents: "a paper boat",
    config: { responseModalities: ["TEXT", "IMAGE"], imageConfig: { aspectRatio: "16:9" } },
  });
  const images = [];
  for await (const chunk of stream) {
    for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
      if (part.inlineData) images.push(Buffer.from(part.inlineData.data, "base64"));
    }
  }
  assert.ok(images.length >= 1, "the stream carried an image");
  assert.equal(pngSize(images.at(-1)), "1376x768");
});

test("models.list and models.get work", async () => {
  const names = [];
  for await (const model of await ai.models.list()) names.push(model.name);
  assert.ok(names.includes("models/gemini-3.1-flash-lite-image"), `listed: ${names.join(", ")}`);
  const lite = await ai.models.get({ model: "nano-banana-2-lite" });
  assert.equal(lite.name, "models/gemini-3.1-flash-lite-image");
  assert.ok(lite.supportedActions?.includes("generateContent") ?? true);
});

test("models.list pages with pageSize through every model", async () => {
  const pager = await ai.models.list({ config: { pageSize: 3 } });
  assert.equal(pager.page.length, 3, "the first page holds pageSize models");
  const names = [];
  for await (const model of pager) names.push(model.name);
  assert.deepEqual(names, ["models/gemini-3.1-flash-lite-image", "models/gemini-3.1-flash-image", "models/gemini-3-pro-image", "models/gemini-2.5-flash-image"]);
});

test("GET /v1/models: Google's shape for a Gemini-flavoured request, the catalog for any other", async () => {
  const gemini = await (await fetch(`${BASE_URL}/v1/models?pageSize=2`, { headers: { "x-goog-api-key": key } })).json();
  assert.equal(gemini.models.length, 2);
  assert.equal(gemini.nextPageToken, "2");
  const byClientHeader = await (await fetch(`${BASE_URL}/v1/models/nano-banana-2-lite?key=${key}`)).json();
  assert.equal(byClientHeader.name, "models/gemini-3.1-flash-lite-image");
  assert.equal(byClientHeader.inputTokenLimit, 65536);
  const catalog = await (await fetch(`${BASE_URL}/v1/models`)).json();
  assert.equal(catalog.object, "list");
  assert.equal(catalog.data[0].id, "gemini-3.1-flash-lite-image");
  const noKey = await fetch(`${BASE_URL}/v1/models`, { headers: { "x-goog-api-client": "google-genai-sdk/3.3.0 gl-node/20" } });
  assert.equal(noKey.status, 401, "a Gemini client without a key is told so in Google's shape");
  assert.equal((await noKey.json()).error.status, "UNAUTHENTICATED");
});

test("a bad key surfaces as the SDK's ApiError with status 401", async () => {
  const bad = new GoogleGenAI({ apiKey: "sk-not-a-real-key", httpOptions: { baseUrl: BASE_URL } });
  await assert.rejects(
    bad.models.generateContent({ model: "nano-banana-2-lite", contents: "x", config: { responseModalities: ["IMAGE"] } }),
    (e) => e instanceof ApiError && e.status === 401 && /API key/.test(e.message),
  );
});

test("an invalid aspect ratio surfaces as 400 with Nanogate's message", async () => {
  await assert.rejects(
    ai.models.generateContent({ model: "nano-banana-2-lite", contents: "x", config: { responseModalities: ["IMAGE"], imageConfig: { aspectRatio: "7:3" } } }),
    (e) => e instanceof ApiError && e.status === 400 && e.message.includes("7:3") && e.message.includes("16:9"),
  );
});

test("an unknown model surfaces as 404", async () => {
  await assert.rejects(
    ai.models.generateContent({ model: "imagen-9", contents: "x" }),
    (e) => e instanceof ApiError && e.status === 404,
  );
});

test("docs example: genai-generate.mjs saves a 16:9 PNG", onceOnly, async () => {
  const run = await runExample("genai-generate.mjs", key);
  assert.match(run.stdout, /saved lighthouse.png image\/png/);
  assert.equal(pngSize(run.read("lighthouse.png")), "1376x768");
});

test("docs example: genai-stream.mjs saves the streamed PNG", onceOnly, async () => {
  const run = await runExample("genai-stream.mjs", key);
  assert.equal(pngSize(run.read("boat.png")), "1024x1024");
});

test("docs example: genai-url-delivery.mjs prints a fileData link that downloads", onceOnly, async () => {
  const run = await runExample("genai-url-delivery.mjs", key);
  const [mime, uri] = run.stdout.trim().split(" ");
  assert.equal(mime, "image/png");
  const download = await fetch(uri);
  assert.equal(download.status, 200);
  assert.equal(pngSize(await download.arrayBuffer()), "896x1200");
});
