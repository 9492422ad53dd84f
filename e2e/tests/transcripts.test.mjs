// Transcript search in a browser (issue 12): Alice answers a chat, adds a note to staff and
// closes it; Riverside's admin opens Transcripts, finds it by a word the patron typed (the word
// highlighted, the patron's markup shown as text), opens it (the note marked as one), exports it
// as a file (which holds the note, marked), and reads each of these accesses in the audit log.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { assertAccessible } from "../lib/a11y.mjs";
import { launch, newPage, problems, screenshots } from "../lib/browser.mjs";
import { startServer } from "../lib/server.mjs";
import { askQuestion, chatRow, openChatBox, signIn } from "../lib/steps.mjs";

describe("transcript search in a browser", () => {
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

  test("an admin finds a past chat by its words, reads it with its notes, exports it, and sees it all audited", async () => {
    const { url } = server;
    const { shot } = screenshots("16-transcripts");
    const alice = await newPage(browser);
    const patron = await newPage(browser);
    await signIn(alice, url, "alice@riverside.example");

    await patron.goto(`${url}/demo/riverside`);
    const box = await openChatBox(patron);
    await askQuestion(box, { name: "Quinn", question: "Can I borrow the <i>zoetrope</i> collection?" });
    await chatRow(alice, "Quinn").click();
    const pane = alice.getByRole("main");
    await pane.getByRole("button", { name: "Claim" }).click();
    const reply = alice.getByRole("textbox", { name: "Message to Quinn" });
    await reply.fill("Yes, for two weeks at a time.");
    await reply.press("Enter");
    await pane.getByRole("checkbox", { name: "Note to staff" }).check();
    await alice.getByRole("textbox", { name: "Note to staff about Quinn (the patron does not see it)" }).fill("Quinn restores optical toys.");
    await pane.getByRole("button", { name: "Add note" }).click();
    await pane.locator(".msg.internal_note").filter({ hasText: "optical toys" }).waitFor();
    await pane.getByRole("button", { name: "Close chat" }).click();

    const rita = await newPage(browser);
    await signIn(rita, url, "rita@riverside.example");
    await rita.getByRole("button", { name: "Transcripts" }).click();
    const screen = rita.getByRole("main");
    await screen.getByRole("heading", { name: "Transcripts", level: 2 }).waitFor();
    await screen.getByRole("searchbox", { name: "Words" }).fill("zoetrope");
    await screen.getByRole("button", { name: "Search" }).click();
    await screen.getByRole("heading", { name: "Chats 1–1 of 1" }).waitFor();
    const hit = screen.locator(".transcript-results li");
    assert.equal(await hit.locator(".snippet mark").first().textContent(), "zoetrope");
    assert.match(await hit.locator(".snippet").textContent(), /<i>zoetrope<\/i>/, "the patron's markup is text");
    assert.equal(await hit.locator(".snippet i").count(), 0, "and never markup");
    assert.match(await hit.textContent(), /answered by Alice Archer/);
    await shot(rita, "results");

    // A word nobody wrote finds nothing.
    await screen.getByRole("searchbox", { name: "Words" }).fill("hovercraft");
    await screen.getByRole("button", { name: "Search" }).click();
    await screen.getByRole("heading", { name: "No chat matches" }).waitFor();
    await screen.getByRole("searchbox", { name: "Words" }).fill("optical");
    await screen.getByRole("button", { name: "Search" }).click();
    await screen.getByRole("heading", { name: "Chats 1–1 of 1" }).waitFor();

    await hit.getByRole("button", { name: /Open transcript/ }).click();
    const transcript = screen.getByRole("region", { name: /Transcript of/ });
    await transcript.waitFor();
    const note = transcript.locator(".msg.internal_note");
    assert.match(await note.textContent(), /internal note/);
    assert.match(await note.textContent(), /Quinn restores optical toys\./);
    await transcript.getByText("Yes, for two weeks at a time.").waitFor();
    await assertAccessible(rita, "the transcripts screen with a transcript open");
    await shot(rita, "transcript");

    const [download] = await Promise.all([rita.waitForEvent("download"), transcript.getByRole("link", { name: "Export as text" }).click()]);
    const text = readFileSync(await download.path(), "utf8");
    assert.match(text, /Alice Archer \[internal note\]: Quinn restores optical toys\./);
    assert.match(text, /Quinn: Can I borrow the <i>zoetrope<\/i> collection\?/);

    // The audit log: the export, the view and both searches, by Rita, newest first.
    await transcript.getByRole("button", { name: "Close transcript" }).click();
    await screen.getByRole("button", { name: "Search" }).click();
    const log = screen.getByRole("table", { name: /Who searched, opened and exported/ });
    const rows = log.locator("tbody tr");
    // Read again after that search: its own entry comes first (until then the export does).
    await rows.first().filter({ hasText: "Searched transcripts" }).waitFor();
    const whats = await rows.locator("td:nth-child(3)").allTextContents();
    assert.deepEqual(whats.slice(0, 4), ["Searched transcripts", "Exported a transcript", "Opened a transcript", "Searched transcripts"]);
    assert.ok((await rows.first().textContent()).includes("Rita Rivers"));
    await rows.filter({ hasText: 'words "hovercraft"' }).waitFor();
    await assertAccessible(rita, "the transcripts screen and its audit log");
    await shot(rita, "audit-log");
    assert.deepEqual(problems, []);
  });
});
