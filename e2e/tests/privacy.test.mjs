// Patron privacy in a browser (issue 13, item 5): Riverside's admin sets how long patrons'
// details and transcripts are kept and that addresses are stored whole; the chat box links to
// the privacy notice, which says so; the librarian sees the patron's address; once the chat
// ends the patron saves the conversation as a file and then deletes it, after which the
// admin's transcript search no longer finds it. The chat box asks nothing of any other site.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { assertAccessible } from "../lib/a11y.mjs";
import { launch, newPage, problems, screenshots } from "../lib/browser.mjs";
import { startServer } from "../lib/server.mjs";
import { askQuestion, chatRow, openChatBox, signIn } from "../lib/steps.mjs";

describe("patron privacy in a browser", () => {
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

  test("the notice says what is kept; the patron saves their chat, then deletes it", async () => {
    const { url } = server;
    const { shot } = screenshots("17-privacy");
    const rita = await newPage(browser);
    await signIn(rita, url, "rita@riverside.example");
    await rita.getByRole("button", { name: "Library settings" }).click();
    const form = rita.getByRole("main");
    await form.getByRole("heading", { name: "Library settings" }).waitFor();
    await form.getByLabel(/Keep patrons' names, emails and addresses for/).fill("30");
    await form.getByLabel(/Keep transcripts for/).fill("365");
    await form.getByRole("group", { name: "Patrons' IP addresses" }).getByRole("radio", { name: "Stored", exact: true }).check();
    await form.getByRole("button", { name: "Save settings" }).click();
    await form.getByRole("status").filter({ hasText: "Settings saved." }).waitFor();
    await assertAccessible(rita, "library settings with retention periods");

    const alice = await newPage(browser);
    await signIn(alice, url, "alice@riverside.example");
    const patron = await newPage(browser);
    const elsewhere = [];
    patron.on("request", (r) => {
      if (new URL(r.url()).origin !== new URL(url).origin && !r.url().startsWith("blob:") && !r.url().startsWith("data:")) {
        elsewhere.push(r.url());
      }
    });
    await patron.goto(`${url}/demo/riverside`);
    const box = await openChatBox(patron);

    // The notice, from the chat box's link, says what Rita just set.
    const link = box.getByRole("link", { name: "Privacy notice" });
    assert.equal(await link.getAttribute("href"), "/privacy/riverside");
    const [notice] = await Promise.all([patron.context().waitForEvent("page"), link.click()]);
    await notice.getByRole("heading", { name: "Privacy notice for chat", level: 1 }).waitFor();
    const said = await notice.getByRole("main").textContent();
    assert.match(said, /removed 30 days after the chat ends/);
    assert.match(said, /deleted 365 days after the chat ends/);
    assert.match(said, /Your internet \(IP\) address\./);
    await assertAccessible(notice, "the privacy notice");
    await shot(notice, "notice");
    await notice.close();

    await askQuestion(box, { name: "Zoe", question: "Call me at 555-123-4567 about the maps" });
    await chatRow(alice, "Zoe").click();
    const pane = alice.getByRole("main");
    await pane.getByRole("button", { name: "Claim" }).click();
    await pane.getByRole("tab", { name: "Details" }).click();
    const details = pane.locator("dl.details");
    await details.getByText("Address").waitFor();
    assert.match(await details.textContent(), /Address127\.0\.0\.1/, "stored whole, as set");
    const reply = alice.getByRole("textbox", { name: "Message to Zoe" });
    await reply.fill("The map room opens at nine.");
    await reply.press("Enter");
    await box.getByRole("log").getByText("The map room opens at nine.").waitFor();
    await pane.getByRole("button", { name: "Close chat" }).click();

    // Saved as a file, as the patron saw it.
    const save = box.getByRole("link", { name: "Save the conversation" });
    await save.waitFor();
    await assertAccessible(patron, "the ended chat with save and delete");
    const [download] = await Promise.all([patron.waitForEvent("download"), save.click()]);
    const text = readFileSync(await download.path(), "utf8");
    assert.match(text, /You: Call me at 555-123-4567 about the maps/);
    assert.match(text, /: The map room opens at nine\./);

    // Deleted, after asking once more.
    await box.getByRole("button", { name: "Delete this chat" }).click();
    await box.getByText("This cannot be undone.").waitFor();
    await box.getByRole("button", { name: "Yes, delete it" }).click();
    await box.getByRole("status").filter({ hasText: "Your chat has been deleted" }).waitFor();
    assert.equal(await box.getByRole("log").locator(".msg").count(), 0);
    await shot(patron, "deleted");

    // Riverside's transcript search no longer finds it.
    await rita.getByRole("button", { name: "Back to chats" }).click();
    await rita.getByRole("button", { name: "Transcripts" }).click();
    const screen = rita.getByRole("main");
    await screen.getByRole("heading", { name: "Transcripts", level: 2 }).waitFor();
    await screen.getByRole("searchbox", { name: "Words" }).fill("maps");
    await screen.getByRole("button", { name: "Search" }).click();
    await screen.getByRole("heading", { name: "No chat matches" }).waitFor();

    assert.deepEqual(elsewhere, [], "the chat box and its page ask nothing of other sites");
    assert.deepEqual(problems, []);
  });
});
