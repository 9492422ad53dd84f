// Fails plainly, before anything else, when what the browser tests need is missing: they must
// never pass by skipping.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { CHROMIUM } from "../lib/browser.mjs";
import { binaryPath } from "../lib/server.mjs";

test("Chromium is installed", () => {
  assert.ok(
    existsSync(CHROMIUM),
    `Chromium was not found at ${CHROMIUM}. Install it with: apt-get update && apt-get install -y chromium ` +
      "(or set CHROMIUM=/path/to/chromium).",
  );
});

test("the refdesk binary is built", () => {
  assert.ok(
    existsSync(binaryPath()),
    `refdesk was not found at ${binaryPath()}. Build it with \`cargo build -p refdesk\` (or set REFDESK_BIN), ` +
      "or run e2e/run.sh, which does both.",
  );
});
