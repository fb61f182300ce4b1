// Shared by the conformance tests. run.sh starts Nanogate and exports these variables.
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const BASE_URL = process.env.NANOGATE_URL ?? "http://127.0.0.1:8080";
export const DEMO_KEY = process.env.NANOGATE_API_KEY ?? "sk-e2e-demo";
export const ADMIN_KEY = process.env.NANOGATE_ADMIN_KEY ?? "sk-e2e-admin";
export const E2E_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");

/** A new account with `credits` and a key for it (tests never share balances). */
export async function newKey(credits = 5000, name = "e2e") {
  const admin = { Authorization: `Bearer ${ADMIN_KEY}`, "Content-Type": "application/json" };
  const account = await (await fetch(`${BASE_URL}/admin/v1/accounts`, { method: "POST", headers: admin, body: JSON.stringify({ name, credits }) })).json();
  const key = await (await fetch(`${BASE_URL}/admin/v1/accounts/${account.id}/keys`, { method: "POST", headers: admin, body: JSON.stringify({ name }) })).json();
  return { accountId: account.id, key: key.key, keyId: key.id };
}

/** Width and height from a PNG's IHDR (read independently of the server). */
export function pngSize(bytes) {
  const b = Buffer.from(bytes);
  if (b.length < 24 || b.readUInt32BE(0) !== 0x89504e47 || b.toString("ascii", 12, 16) !== "IHDR") {
    throw new Error(`not a PNG (${b.length} bytes)`);
  }
  return `${b.readUInt32BE(16)}x${b.readUInt32BE(20)}`;
}

/** A small valid PNG made here (zlib-compressed RGB rows). */
export async function makePng(width, height) {
  const { deflateSync, crc32 } = await import("node:zlib").then((z) => ({ deflateSync: z.deflateSync, crc32: z.crc32 }));
  const row = Buffer.alloc(1 + width * 3, 0x80);
  row[0] = 0;
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE((crc32 ?? crc32Fallback)(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function crc32Fallback(buf) {
  let c = 0xffffffff;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Runs one of the documented examples (examples/NAME) exactly as docs/clients.md shows it, in a
 * fresh directory, with the server's URL and a key in the environment. Returns stdout and the dir.
 */
export async function runExample(name, key, { files = {}, env: extraEnv = {} } = {}) {
  const cwd = mkdtempSync(join(tmpdir(), "nanogate-example-"));
  for (const [file, bytes] of Object.entries(files)) writeFileSync(join(cwd, file), bytes);
  const file = join(E2E_DIR, "examples", name);
  const env = { ...process.env, NANOGATE_URL: BASE_URL, NANOGATE_API_KEY: key, ...extraEnv };
  const command = name.endsWith(".sh") ? "bash" : process.execPath;
  const { stdout } = await promisify(execFile)(command, [file], { cwd, env, timeout: 60_000 });
  return { stdout, cwd, read: (f) => readFileSync(join(cwd, f)) };
}

/** Why the shell examples cannot run here (a missing tool), or false. */
export function shellToolsMissing() {
  const missing = ["bash", "curl", "jq", "base64"].filter((tool) => {
    try {
      execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
      return false;
    } catch {
      return true;
    }
  });
  return missing.length ? `needs ${missing.join(", ")} on PATH` : false;
}
