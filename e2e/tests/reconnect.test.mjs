// The server goes away mid-chat and comes back (same data, same port): both sides show that they
// are reconnecting, messages written meanwhile wait in an outbox, and after the reconnect every
// message arrives exactly once on the other side.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launch, newPage, problems, screenshots } from "../lib/browser.mjs";
import { startServer } from "../lib/server.mjs";
import { askQuestion, chatRow, inLog, openChatBox, signIn } from "../lib/steps.mjs";

describe("refdesk across a server restart", () => {
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

  test("messages written while the server is down are delivered once it is back", async () => {
    const { url, dataDir } = server;
    const { shot } = screenshots("05-server-restart");
    const patron = await newPage(browser);
    const alice = await newPage(browser);
    await signIn(alice, url, "alice@riverside.example");
    await patron.goto(`${url}/demo/riverside`);
    const box = await openChatBox(patron);
    await askQuestion(box, { name: "Taylor", question: "Where can I print documents?" });
    await chatRow(alice, "Taylor").click();
    const pane = alice.getByRole("main");
    await pane.getByRole("button", { name: "Claim" }).click();
    await box.getByRole("status").filter({ hasText: "You are chatting with Alice" }).waitFor();

    // The server stops: both sides say they are reconnecting.
    await server.stop({ keepData: true });
    await alice.getByRole("status").filter({ hasText: "Reconnecting…" }).waitFor();
    await box.getByRole("status").filter({ hasText: "Reconnecting…" }).waitFor();

    // Both write while it is down: the messages wait, marked as not yet sent.
    await box.getByRole("textbox", { name: "Message" }).fill("Are you still there?");
    await box.getByRole("textbox", { name: "Message" }).press("Enter");
    await inLog(box, "Sending…").waitFor();
    const reply = alice.getByRole("textbox", { name: "Message to Taylor" });
    await reply.fill("The printers are on the first floor.");
    await reply.press("Enter");
    await inLog(pane, "Sending…").waitFor();
    await shot(alice, "librarian-reconnecting");
    await shot(patron, "patron-reconnecting");

    // It comes back on the same port with the same data: everything is delivered, once.
    server = await startServer({ dataDir, listen: new URL(url).host });
    await alice.getByRole("status").filter({ hasText: "Connected" }).waitFor();
    await inLog(pane, "Are you still there?").waitFor();
    await inLog(box, "The printers are on the first floor.").waitFor();
    await box.getByRole("status").filter({ hasText: "Reconnecting…" }).waitFor({ state: "detached" });
    await inLog(box, "Sending…").waitFor({ state: "detached" });
    await inLog(pane, "Sending…").waitFor({ state: "detached" });
    await shot(alice, "librarian-reconnected");
    await shot(patron, "patron-reconnected");
    for (const [scope, text] of [
      [pane, "Are you still there?"],
      [box, "Are you still there?"],
      [pane, "The printers are on the first floor."],
      [box, "The printers are on the first floor."],
    ])
      assert.equal(await inLog(scope, text).count(), 1, `"${text}" once`);
    assert.deepEqual(problems, []);
  });
});
