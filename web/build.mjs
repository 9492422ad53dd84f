// Builds refdesk's web assets into web/dist (embedded into the binary by rust-embed):
//   dist/widget.js                    the loader script libraries paste into their pages
//   dist/chat.html, dist/chat/*       the chat page inside the widget's iframe
//   dist/dashboard/*                  the staff dashboard (charts.js: uPlot, loaded on demand)
//   dist/demo/*                       the demo library website template of `refdesk demo`
//   dist/sizes.json                   gzipped sizes, checked against the budgets below
// Usage: node build.mjs [--watch]. Run by crates/refdesk-server/build.rs on `cargo build`.

import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = dirname(fileURLToPath(import.meta.url));
const watch = process.argv.includes("--watch");
const final = join(root, "dist");
// A full build goes to a scratch folder first and replaces dist/ at the end, so a running debug
// server (which reads dist/ from disk) never sees it half-written. (node_modules is gitignored.)
const dist = watch ? final : join(root, "node_modules", `.refdesk-dist-${process.pid}`);

/** Gzipped-size budgets in bytes (STYLE.md "Front end"). */
const BUDGETS = {
  "widget.js": 2 * 1024,
  "chat page (chat.js + chat.css)": 10 * 1024,
};

const common = {
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "none",
  charset: "utf8",
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
};

const builds = [
  { entryPoints: { widget: "src/widget/widget.ts" }, outdir: dist },
  { entryPoints: { chat: "src/chat/main.ts" }, outdir: join(dist, "chat") },
  {
    entryPoints: { app: "src/dashboard/main.tsx" },
    outdir: join(dist, "dashboard"),
    jsx: "automatic",
    jsxImportSource: "preact",
  },
  // uPlot for the Reports screen, loaded by the dashboard only when that screen opens.
  { entryPoints: { charts: "src/dashboard/charts.ts" }, outdir: join(dist, "dashboard") },
];

const statics = [
  ["src/chat/chat.html", "chat.html"],
  ["src/dashboard/index.html", "dashboard/index.html"],
  ["src/demo/library.html", "demo/library.html"],
  ["src/demo/library.css", "demo/library.css"],
];

function copyStatics() {
  for (const [from, to] of statics) {
    mkdirSync(dirname(join(dist, to)), { recursive: true });
    copyFileSync(join(root, from), join(dist, to));
  }
}

const gz = (...files) => files.reduce((n, f) => n + gzipSync(readFileSync(join(dist, f)), { level: 9 }).length, 0);
const raw = (...files) => files.reduce((n, f) => n + readFileSync(join(dist, f)).length, 0);

function measure() {
  const entries = {
    "widget.js": ["widget.js"],
    "chat page (chat.js + chat.css)": ["chat/chat.js", "chat/chat.css"],
    "dashboard (app.js + app.css)": ["dashboard/app.js", "dashboard/app.css"],
    "report charts (charts.js + .css)": ["dashboard/charts.js", "dashboard/charts.css"],
  };
  const sizes = {};
  let over = false;
  console.log("refdesk web assets (gzip -9):");
  for (const [name, files] of Object.entries(entries)) {
    const budget = BUDGETS[name] ?? null;
    const size = { files, bytes: raw(...files), gzip_bytes: gz(...files), gzip_budget: budget };
    sizes[name] = size;
    const ok = budget === null || size.gzip_bytes <= budget;
    over ||= !ok;
    console.log(
      `  ${name.padEnd(34)} ${String(size.bytes).padStart(7)} B  ${String(size.gzip_bytes).padStart(6)} B gz` +
        (budget === null ? "" : `  (budget ${budget} B${ok ? "" : ", OVER BUDGET"})`),
    );
  }
  writeFileSync(join(dist, "sizes.json"), JSON.stringify(sizes, null, 2) + "\n");
  return !over;
}

if (watch) {
  mkdirSync(dist, { recursive: true });
  copyStatics();
  for (const b of builds) {
    const ctx = await esbuild.context({ ...common, ...b, minify: false, sourcemap: "inline" });
    await ctx.watch();
  }
  console.log("watching web/src (HTML files are copied once; restart to pick up their changes)");
} else {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  try {
    await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b })));
    copyStatics();
    if (!measure()) {
      console.error("refdesk web build: a bundle is over its gzipped size budget (see above)");
      process.exitCode = 1;
    } else {
      rmSync(final, { recursive: true, force: true });
      renameSync(dist, final);
    }
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
}
