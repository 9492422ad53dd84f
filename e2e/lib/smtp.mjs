// A real SMTP server for the browser tests: scripts/smtp_server.py (Python's aiosmtpd) on a free
// loopback port, keeping what it accepts in a Maildir; `settings` points refdesk at it.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const script = resolve(dirname(fileURLToPath(import.meta.url)), "../../scripts/smtp_server.py");

const freePort = () =>
  new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });

export async function startSmtp() {
  const dir = mkdtempSync(join(tmpdir(), "refdesk-smtp-"));
  const maildir = join(dir, "maildir");
  const port = await freePort();
  const child = spawn("python3", [script, maildir, String(port)], { stdio: ["pipe", "pipe", "pipe"] });
  let log = "";
  child.stderr.on("data", (d) => (log += d));
  await new Promise((res, rej) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (l) => (l.trim() === "ready" ? res() : rej(new Error(`SMTP server: ${l}\n${log}`))));
    child.once("exit", (code) => rej(new Error(`the SMTP server exited (${code}); is aiosmtpd installed?\n${log}`)));
  });
  return {
    port,
    /** refdesk's settings to send through it. */
    settings: {
      REFDESK_SMTP_HOST: "127.0.0.1",
      REFDESK_SMTP_PORT: String(port),
      REFDESK_SMTP_TLS: "none",
      REFDESK_MAIL_FROM: "Ask a Librarian <ask@riverside.example>",
    },
    /** Every message received so far, as raw text. */
    messages() {
      const fresh = join(maildir, "new");
      if (!existsSync(fresh)) return [];
      return readdirSync(fresh).map((f) => readFileSync(join(fresh, f), "utf8"));
    },
    async stop() {
      child.stdin.end();
      if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
