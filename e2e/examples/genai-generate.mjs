// Gemini dialect with Google's SDK: one 16:9 image from Nano Banana 2 Lite, saved as PNG.
import { writeFileSync } from "node:fs";
import { GoogleGenAI } from "@google/genai";

const ai = new GoogleGenAI({
  apiKey: process.env.NANOGATE_API_KEY, // sk-… from Nanogate
  httpOptions: { baseUrl: process.env.NANOGATE_URL ?? "http://localhost:8080" },
});

const response = await ai.models.generateContent({
  model: "nano-banana-2-lite",
  contents: "A lighthouse at dusk, watercolor",
  config: { responseModalities: ["IMAGE"], imageConfig: { aspectRatio: "16:9" } },
});

const image = response.candidates[0].content.parts.find((part) => part.inlineData);
writeFileSync("lighthouse.png", Buffer.from(image.inlineData.data, "base64"));
console.log("saved lighthouse.png", image.inlineData.mimeType);
