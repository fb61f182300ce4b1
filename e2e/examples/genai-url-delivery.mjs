// Gemini dialect with URL delivery: images come back as fileData links (signed, valid 24 h)
// instead of inline base64. Set per request with a header, or per key by the admin
// (PATCH /admin/v1/keys/{id} {"image_delivery":"url"}).
import { GoogleGenAI } from "@google/genai";

const ai = new GoogleGenAI({
  apiKey: process.env.NANOGATE_API_KEY,
  httpOptions: {
    baseUrl: process.env.NANOGATE_URL ?? "http://localhost:8080",
    headers: { "x-nanogate-image-delivery": "url" },
  },
});

const response = await ai.models.generateContent({
  model: "nano-banana-2-lite",
  contents: "A red bicycle against a yellow wall",
  config: { responseModalities: ["IMAGE"], imageConfig: { aspectRatio: "3:4" } },
});

const file = response.candidates[0].content.parts.find((part) => part.fileData).fileData;
console.log(file.mimeType, file.fileUri);
