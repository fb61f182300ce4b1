// OpenAI Images dialect with OpenAI's SDK: base64 images (b64_json).
import { writeFileSync } from "node:fs";
import OpenAI from "openai";

const client = new OpenAI({
  apiKey: process.env.NANOGATE_API_KEY,
  baseURL: `${process.env.NANOGATE_URL ?? "http://localhost:8080"}/openai/v1`,
});

const result = await client.images.generate({
  model: "nano-banana-2-lite",
  prompt: "A cozy reading nook, isometric",
  size: "1536x1024", // mapped to the nearest ratio the model has: 3:2
  n: 2, // made concurrently, billed per image made
  response_format: "b64_json",
});

result.data.forEach((image, i) => writeFileSync(`nook-${i}.png`, Buffer.from(image.b64_json, "base64")));
console.log(`saved ${result.data.length} images`, result.usage);
