// Which SDK majors this run drives. run.sh runs the suite twice: E2E_SDK=current (the newest published
// majors, the packages' own names) and E2E_SDK=previous (the majors before them, installed under the
// aliases genai-previous and openai-previous). Every test imports the SDKs from here.
import { readFileSync } from "node:fs";

export const SDK_RUN = process.env.E2E_SDK === "previous" ? "previous" : "current";
const genaiName = SDK_RUN === "previous" ? "genai-previous" : "@google/genai";
const openaiName = SDK_RUN === "previous" ? "openai-previous" : "openai";

const genai = await import(genaiName);
const openai = await import(openaiName);
const versionOf = (name) => JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), "utf8")).version;

export const { GoogleGenAI, ApiError } = genai;
export const OpenAI = openai.default;
export const { toFile } = openai;
export const GENAI_VERSION = versionOf(genaiName);
export const OPENAI_VERSION = versionOf(openaiName);
