// Starts the real refdesk binary as `refdesk demo` on a free port with a fresh data folder, and
// waits for its first line `refdesk listening on http://…` (no sleeping).

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

export function binaryPath() {
  return process.env.REFDESK_BIN ? resolve(process.env.REFDESK_BIN) : resolve(here, "../../target/debug/refdesk");
}

/**
 * `dataDir` and `listen` let a test restart the server on the same data and port; `env` adds
 * `REFDESK_*` settings (e.g. an SMTP relay).
 * @returns {Promise<{url: string, dataDir: string, stop: (opts?: {keepData?: boolean}) => Promise<void>, output: () => string}>}
 */
export async function startServer({ dataDir, listen = "127.0.0.1:0", env = {} } = {}) {
  const bin = binaryPath();
  if (!existsSync(bin)) {
    throw new Error(
      `refdesk binary not found at ${bin}. Build it first with \`cargo build -p refdesk\` ` +
        "(or set REFDESK_BIN), or run e2e/run.sh, which does both.",
    );
  }
  dataDir ??= mkdtempSync(join(tmpdir(), "refdesk-e2e-"));
  const child = spawn(bin, ["demo", "--listen", listen, "--data-dir", dataDir], {
    stdio: ["ignore", "pipe", "pipe"],
    // The server reads REFDESK_* settings from its environment: give it none of the caller's
    // (a developer's REFDESK_DATABASE_URL must not point the test at their database).
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("REFDESK_"))),
      RUST_LOG: process.env.RUST_LOG ?? "warn",
      // Every browser of the tests is 127.0.0.1: room for all their chats and sign-ins.
      REFDESK_CHAT_STARTS_PER_ADDRESS_PER_MINUTE: "10000",
      REFDESK_LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE: "10000",
      ...env,
    },
  });
  let log = "";
  child.stderr.on("data", (d) => (log += d));
  const exited = new Promise((res) => child.once("exit", (code, signal) => res({ code, signal })));

  const url = await new Promise((res, rej) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => rej(new Error(`refdesk did not start within 60 s:\n${log}`)), 60_000);
    lines.on("line", (line) => {
      log += line + "\n";
      const m = /^refdesk listening on (http:\/\/\S+)$/.exec(line.trim());
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      rej(new Error(`refdesk exited before listening (code ${code}, signal ${signal}):\n${log}`));
    });
  });

  return {
    url,
    dataDir,
    output: () => log,
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(killer);
      }
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
