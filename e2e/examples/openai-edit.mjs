// OpenAI Images dialect: edit an image (multipart upload of input.png).
import { createReadStream, writeFileSync } from "node:fs";
import OpenAI, { toFile } from "openai";

const client = new OpenAI({
  apiKey: process.env.NANOGATE_API_KEY,
  baseURL: `${process.env.NANOGATE_URL ?? "http://localhost:8080"}/openai/v1`,
});

const result = await client.images.edit({
  model: "nano-banana-2-lite",
  image: await toFile(createReadStream("input.png"), "input.png", { type: "image/png" }),
  prompt: "Add a small llama in the corner",
  response_format: "b64_json",
});

writeFileSync("edited.png", Buffer.from(result.data[0].b64_json, "base64"));
console.log("saved edited.png");
