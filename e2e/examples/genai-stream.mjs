// Gemini dialect, streaming: the image arrives as one chunk of the stream.
import { writeFileSync } from "node:fs";
import { GoogleGenAI } from "@google/genai";

const ai = new GoogleGenAI({
  apiKey: process.env.NANOGATE_API_KEY,
  httpOptions: { baseUrl: process.env.NANOGATE_URL ?? "http://localhost:8080" },
});

const stream = await ai.models.generateContentStream({
  model: "nano-banana-2-lite",
  contents: "A paper boat on a pond",
  config: { responseModalities: ["TEXT", "IMAGE"], imageConfig: { aspectRatio: "1:1" } },
});

for await (const chunk of stream) {
  for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
    if (part.text) console.log("text:", part.text);
    if (part.inlineData) {
      writeFileSync("boat.png", Buffer.from(part.inlineData.data, "base64"));
      console.log("saved boat.png");
    }
  }
}
