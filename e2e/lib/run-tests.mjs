// `npm test`: runs every tests/*.test.mjs with node's test runner, one file at a time, and puts
// the screenshots of this run in one folder, whose path it prints.

import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const run = new Date().toISOString().replace(/[:.]/g, "-");
const dir = join(root, "screenshots", run);
console.log(`screenshots of this run: ${dir}`);

const child = spawn(
  process.execPath,
  ["--test", "--test-concurrency=1", "--test-timeout=240000", ...process.argv.slice(2), "tests/"],
  { cwd: root, stdio: "inherit", env: { ...process.env, E2E_SCREENSHOT_RUN: run } },
);
child.on("exit", (code, signal) => {
  console.log(`screenshots of this run: ${dir}`);
  process.exit(code ?? (signal ? 1 : 0));
});
