// OpenAI Images dialect: response_format "url" answers signed media links (valid 24 h).
import OpenAI from "openai";

const client = new OpenAI({
  apiKey: process.env.NANOGATE_API_KEY,
  baseURL: `${process.env.NANOGATE_URL ?? "http://localhost:8080"}/openai/v1`,
});

const result = await client.images.generate({
  model: "nano-banana-2-lite",
  prompt: "A snowy mountain village at night",
  size: "1024x1536",
  response_format: "url",
});

console.log(result.data[0].url);
