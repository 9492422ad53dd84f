// Reports in a browser (issue 12): a chat answered and rated, and one the patron leaves while it
// waits; Riverside's admin opens Reports: the figures, the charts (drawn by uPlot, loaded only on
// this screen, their data checked against the tables beside them), the tables, and the CSV
// download, which parses and agrees. No patron's name or question anywhere in the report.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { assertAccessible } from "../lib/a11y.mjs";
import { launch, newPage, problems, screenshots } from "../lib/browser.mjs";
import { startServer } from "../lib/server.mjs";
import { askQuestion, chatRow, openChatBox, signIn, until } from "../lib/steps.mjs";

/** A CSV text as rows of cells (quoted cells with commas, quotes and line breaks allowed). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(cell), (cell = "");
    else if (c === "\n") row.push(cell), rows.push(row), (row = []), (cell = "");
    else if (c !== "\r") cell += c;
  }
  if (cell !== "" || row.length > 0) row.push(cell), rows.push(row);
  return rows;
}

describe("reports in a browser", () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("an admin reads the chat report, its charts and tables, and downloads it as CSV", async () => {
    const { url } = server;
    const { shot } = screenshots("15-reports");
    const alice = await newPage(browser);
    const patron = await newPage(browser);
    await signIn(alice, url, "alice@riverside.example");

    // One chat answered, closed and rated; one the patron leaves while it waits.
    await patron.goto(`${url}/demo/riverside`);
    let box = await openChatBox(patron);
    await askQuestion(box, { name: "Quinn", question: "Do you lend 1890 ledgers?" });
    await chatRow(alice, "Quinn").click();
    const pane = alice.getByRole("main");
    await pane.getByRole("button", { name: "Claim" }).click();
    await pane.getByRole("button", { name: "Close chat" }).click();
    const rating = box.getByRole("group", { name: "How helpful was this chat?" });
    await rating.getByRole("radio", { name: "4" }).check();
    await box.getByRole("button", { name: "Send rating" }).click();
    await box.getByText("Thank you for your rating.").waitFor();
    const second = await newPage(browser);
    await second.goto(`${url}/demo/riverside`);
    box = await openChatBox(second);
    await askQuestion(box, { name: "Sam", question: "Is the quarry map scanned?" });
    await box.getByRole("button", { name: "End chat" }).click();
    await until(async () => !(await chatRow(alice, "Sam").isVisible()), "the left chat to leave the queue");

    const rita = await newPage(browser);
    await signIn(rita, url, "rita@riverside.example");
    await rita.getByRole("button", { name: "Reports" }).click();
    const screen = rita.getByRole("main");
    await screen.getByRole("heading", { name: "Reports" }).waitFor();
    await screen.getByText("2 chats", { exact: false }).waitFor();
    await screen.getByText(/1 answered, 0 unanswered,\s+1 abandoned, 0 open/).waitFor();

    // The hour chart is drawn, and what it drew is what the table says.
    const hourChart = screen.locator('[data-chart="Chats by hour of day"]');
    const drawn = JSON.parse(await until(() => hourChart.getAttribute("data-drawn"), "the hour chart to be drawn"));
    assert.deepEqual(drawn, [{ label: "Chats", total: 2 }]);
    assert.ok(await hourChart.locator("canvas").count(), "uPlot drew on a canvas");
    const hours = screen.getByRole("table", { name: "By hour of day" });
    const cells = await hours.locator("tbody tr td:nth-child(2)").allTextContents(); // Chats
    assert.equal(cells.reduce((n, c) => n + Number(c), 0), drawn[0].total);
    const librarians = screen.getByRole("table", { name: "By librarian" });
    await librarians.getByRole("rowheader", { name: "Alice Archer" }).waitFor();
    const body = await screen.textContent();
    assert.doesNotMatch(body, /Quinn|1890 ledgers|quarry map/);
    await assertAccessible(rita, "the Reports screen");
    await shot(rita, "reports");
    // Only chats that reached the co-op: none did.
    await screen.getByLabel("Co-op").selectOption({ label: "Three Rivers Library Co-op" });
    await screen.getByRole("button", { name: "Show" }).click();
    await screen.getByText("0 chats", { exact: false }).waitFor();
    await screen.getByLabel("Co-op").selectOption({ label: "Any or none" });
    await screen.getByRole("button", { name: "Show" }).click();
    await screen.getByText("2 chats", { exact: false }).waitFor();

    // The CSV: it downloads, parses, and agrees with the screen.
    const [download] = await Promise.all([rita.waitForEvent("download"), screen.getByRole("link", { name: "Download CSV" }).click()]);
    const csv = readFileSync(await download.path(), "utf8");
    assert.doesNotMatch(csv, /Quinn|1890 ledgers|quarry map/);
    const rows = parseCsv(csv);
    assert.deepEqual(rows[0].slice(0, 8), ["section", "key", "label", "chats", "answered", "unanswered", "abandoned", "open"]);
    const total = rows.find((r) => r[0] === "total");
    assert.deepEqual(total.slice(3, 8), ["2", "1", "0", "1", "0"]);
    assert.equal(rows.find((r) => r[0] === "rating" && r[1] === "4")[3], "1");
    assert.equal(rows.find((r) => r[0] === "operator")[2], "Alice Archer");

    // The chat screens do not carry the charts: uPlot came with the Reports screen.
    const scripts = await rita.evaluate(() => [...document.scripts].map((s) => s.src));
    assert.ok(scripts.some((s) => s.endsWith("/dashboard/charts.js")));
    const fresh = await newPage(browser);
    await signIn(fresh, url, "alice@riverside.example");
    const before = await fresh.evaluate(() => [...document.scripts].map((s) => s.src));
    assert.ok(!before.some((s) => s.endsWith("/dashboard/charts.js")), "no charts on the chat screen");
    assert.deepEqual(problems, []);
  });

  test("the live board follows a librarian switching monitoring off", async () => {
    const { url } = server;
    const { shot } = screenshots("15-reports");
    const alice = await newPage(browser);
    await signIn(alice, url, "alice@riverside.example");
    const patron = await newPage(browser);
    await patron.goto(`${url}/demo/riverside`);
    await askQuestion(await openChatBox(patron), { name: "Wren", question: "Are the 1890 ledgers on microfilm?" });

    const rita = await newPage(browser);
    await signIn(rita, url, "rita@riverside.example");
    await rita.getByRole("button", { name: "Live board" }).click();
    const screen = rita.getByRole("main");
    await screen.getByRole("heading", { name: "Live board" }).waitFor();
    const monitors = screen.getByRole("table", { name: "Monitoring now" });
    const aliceRow = monitors.getByRole("row", { name: /Alice Archer/ });
    await until(async () => /Reference/.test(await aliceRow.textContent()), "Alice on the board, monitoring Reference");
    const waiting = screen.getByRole("table", { name: "Chats waiting" });
    await waiting.getByRole("rowheader", { name: "Riverside Public Library" }).first().waitFor();
    assert.doesNotMatch(await screen.textContent(), /Wren|1890 ledgers/);
    await assertAccessible(rita, "the Live board");
    await shot(rita, "live-board");

    // Alice stops monitoring Reference: the board follows, with nobody reloading it.
    const local = alice.getByRole("switch", { name: "Local monitoring: Reference" });
    await local.click();
    await until(async () => (await local.getAttribute("aria-checked")) === "false", "Reference switched off");
    await until(async () => !/Reference/.test(await aliceRow.textContent()), "the board to drop Reference from Alice's row");
    assert.match(await aliceRow.textContent(), /Local History/);
    assert.deepEqual(problems, []);
  });

  test("a co-op admin reads the co-op's accounting", async () => {
    const { url } = server;
    const { shot } = screenshots("15-reports");
    const cora = await newPage(browser);
    await signIn(cora, url, "cora@lakeside.example");
    await cora.getByRole("button", { name: "Reports" }).click();
    const screen = cora.getByRole("main");
    const accounts = screen.getByRole("table", { name: "Accounts by member" });
    await accounts.waitFor();
    for (const library of ["Riverside Public Library", "Hillcrest University Library", "Lakeside County Library"]) {
      await accounts.getByRole("rowheader", { name: library }).waitFor();
    }
    // Not a library admin: no chat report of a library.
    assert.equal(await screen.getByRole("heading", { name: "Your library's chats" }).count(), 0);
    await screen.getByRole("table", { name: "Coverage by weekday (librarian-hours)" }).waitFor();
    const chart = screen.locator('[data-chart^="Coverage of"]');
    const drawn = JSON.parse(await until(() => chart.getAttribute("data-drawn"), "the coverage chart to be drawn"));
    assert.equal(drawn.length, 3, "one series per member");
    const [download] = await Promise.all([cora.waitForEvent("download"), screen.getByRole("link", { name: "Download accounting CSV" }).click()]);
    const rows = parseCsv(readFileSync(await download.path(), "utf8"));
    assert.deepEqual(rows[0], ["institution", "generated", "answered", "balance", "hours_given", "hours_owed", "outside_hours", "unmonitored"]);
    assert.equal(rows.filter((r) => r.length === 8).length, 4, "a header and three members");
    // Other days: the accounting says which it covers.
    const days = screen.getByRole("form", { name: "Days of the Three Rivers Library Co-op accounting" });
    const from = new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10);
    await days.getByLabel("From").fill(from);
    await days.getByRole("button", { name: "Show" }).click();
    await screen.getByText(new RegExp(`^${from} to `)).waitFor();
    await assertAccessible(cora, "the co-op accounting");
    await shot(cora, "coop-accounting");
    assert.deepEqual(problems, []);
  });
});
