// Launches Debian's Chromium through playwright-core (no browser download), with a screenshot
// folder per run.

import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** Fails (never skips) when Chromium is missing, saying how to install it. */
export async function launch() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium was not found at ${CHROMIUM}. The browser tests need it: ` +
        "apt-get update && apt-get install -y chromium (or set CHROMIUM=/path/to/chromium).",
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/** A fresh context (its own cookies and storage) and page with sane timeouts. */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, ...options });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  const page = await context.newPage();
  return page;
}

/** Numbered screenshots in e2e/screenshots/<run>/<test>/NN-step.png. */
export function screenshots(test) {
  const run = process.env.REFDESK_E2E_RUN ?? new Date().toISOString().replace(/[:.]/g, "-");
  process.env.REFDESK_E2E_RUN = run;
  const dir = join(here, "..", "screenshots", run, test);
  mkdirSync(dir, { recursive: true });
  console.log(`screenshots: ${dir}`);
  let n = 0;
  return {
    dir,
    async shot(page, step) {
      n += 1;
      await page.screenshot({ path: join(dir, `${String(n).padStart(2, "0")}-${step}.png`), fullPage: false });
    },
  };
}
