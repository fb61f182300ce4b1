// docs/clients.md must show the examples exactly as the tests run them.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { E2E_DIR } from "./helpers.mjs";

const doc = readFileSync(join(E2E_DIR, "..", "docs", "clients.md"), "utf8");

for (const name of readdirSync(join(E2E_DIR, "examples")).sort()) {
  test(`docs/clients.md shows examples/${name} verbatim`, () => {
    const code = readFileSync(join(E2E_DIR, "examples", name), "utf8").trimEnd();
    assert.ok(doc.includes(code), `docs/clients.md does not contain examples/${name} as it is; paste it again`);
  });
}
