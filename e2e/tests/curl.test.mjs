// The curl examples of docs/clients.md, run as written (bash + curl + jq).
import assert from "node:assert/strict";
import { test } from "node:test";
import { BASE_URL, makePng, newKey, pngSize, runExample, shellToolsMissing } from "./helpers.mjs";

const skip = shellToolsMissing();
if (skip) console.log(`# curl examples skipped: ${skip}`);

const { key } = await newKey(2000, "e2e-curl");

test("docs example: curl-gemini.sh saves the seed's 16:9 sunset", { skip }, async () => {
  const run = await runExample("curl-gemini.sh", key);
  assert.equal(pngSize(run.read("sunset.png")), "1376x768");
});

test("docs example: curl-openai.sh prints a link that downloads", { skip }, async () => {
  const run = await runExample("curl-openai.sh", key);
  const url = run.stdout.trim();
  assert.ok(url.startsWith(BASE_URL), url);
  assert.equal(pngSize(await (await fetch(url)).arrayBuffer()), "1024x1024");
});

test("docs example: curl-openai-edit.sh edits input.png", { skip }, async () => {
  const run = await runExample("curl-openai-edit.sh", key, { files: { "input.png": await makePng(48, 64) } });
  assert.equal(pngSize(run.read("winter.png")), "896x1200");
});
