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

/** Uncaught exceptions and Content-Security-Policy refusals seen on any page. */
export const problems = [];

/** A fresh context (its own cookies and storage) and page with sane timeouts. */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, ...options });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  return watched(await context.newPage());
}

/** Another page (a second window) of the same browser context: same cookies and storage. */
export async function samePersonPage(page) {
  return watched(await page.context().newPage());
}

function watched(page) {
  page.on("pageerror", (e) => problems.push(`${page.url()}: uncaught ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) problems.push(`${page.url()}: ${m.text()}`);
  });
  return page;
}

/**
 * Replaces the page's desktop notifications (as if the operator allowed them) and counts the
 * tones it plays, in `window.__alerts`.
 */
export async function recordAlerts(page) {
  await page.context().addInitScript(() => {
    const alerts = { notifications: [], tones: 0 };
    window.__alerts = alerts;
    window.Notification = class {
      static permission = "granted";
      static requestPermission = async () => "granted";
      constructor(title, options) {
        alerts.notifications.push({ title, body: options?.body ?? "" });
      }
      close() {}
    };
    const create = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function () {
      alerts.tones += 1;
      return create.call(this);
    };
  });
}

/** Numbered screenshots in e2e/screenshots/<run>/<test>/NN-step.png. */
export function screenshots(test) {
  // The same folder for every test of a run (set by lib/run-tests.mjs, or made here).
  const run = (process.env.E2E_SCREENSHOT_RUN ??= new Date().toISOString().replace(/[:.]/g, "-"));
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
