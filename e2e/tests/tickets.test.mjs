// Follow-up tickets and mail in a browser (issue 11, items 3 and 4), with a real SMTP server
// (aiosmtpd). The chat box, offline, takes a question by email: a ticket. A Hillcrest librarian
// monitoring the co-op answers a Riverside patron, writes a note to staff and files a follow-up
// ticket in Riverside (the patron's home library). The patron asks for the transcript by email
// and it arrives, without the note. Riverside's librarian finds both tickets in the Tickets
// view and replies by email; the reply arrives. Riverside's admin sees the mails in the outbox.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertAccessible } from "../lib/a11y.mjs";
import { launch, newPage, problems, screenshots } from "../lib/browser.mjs";
import { startServer } from "../lib/server.mjs";
import { startSmtp } from "../lib/smtp.mjs";
import { askQuestion, chatRow, inLog, openChatBox, signIn, until } from "../lib/steps.mjs";

describe("tickets and mail in a browser", () => {
  let smtp;
  let server;
  let browser;

  before(async () => {
    smtp = await startSmtp();
    server = await startServer({ env: smtp.settings });
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await smtp?.stop();
  });

  const arrived = (subject) => until(() => smtp.messages().find((m) => m.includes(`Subject: ${subject}`)), `a mail "${subject}" at the SMTP server`);

  test("the offline chat box takes a question by email", async () => {
    const { url } = server;
    const { shot } = screenshots("13-tickets");
    const patron = await newPage(browser);
    // Nobody is signed in: nobody monitors any step of Riverside's routing plan.
    await patron.goto(`${url}/demo/riverside`);
    const box = await openChatBox(patron);
    const form = box.locator("#offline-form");
    await box.getByRole("heading", { name: "Leave your question; we will answer by email" }).waitFor();
    await form.getByRole("button", { name: "Send question" }).click();
    await box.getByText("Please fill in your name.").waitFor();
    await form.getByLabel("Name").fill("Jo");
    await form.getByLabel("Email").fill("jo@example.org");
    await form.getByLabel("Question").fill("Are you open on Sunday <b>afternoons</b>?");
    await assertAccessible(patron, "the offline chat box with its question form");
    await form.getByRole("button", { name: "Send question" }).click();
    await box.getByText("Thank you. A librarian will answer by email at jo@example.org.").waitFor();
    await shot(patron, "offline-question-sent");
    assert.deepEqual(problems, []);
  });

  test("a co-op librarian files a ticket; the patron gets the transcript; Riverside replies by email", async () => {
    const { url } = server;
    const { shot } = screenshots("13-tickets");
    const carol = await newPage(browser);
    const patron = await newPage(browser);
    await signIn(carol, url, "carol@hillcrest.example");
    const coopSwitch = carol.getByRole("switch", { name: "Co-op monitoring: Three Rivers Library Co-op" });
    await coopSwitch.click();
    await until(async () => (await coopSwitch.getAttribute("aria-checked")) === "true", "co-op monitoring on");

    await patron.goto(`${url}/demo/riverside`);
    const box = await openChatBox(patron);
    await askQuestion(box, { name: "Robin", email: "robin@example.org", question: "Can I get the 1890 county atlas?" });
    await chatRow(carol, "Robin").click();
    const pane = carol.getByRole("main");
    await pane.getByRole("button", { name: "Claim" }).click();
    const reply = pane.getByRole("textbox", { name: "Message to Robin" });
    await reply.fill("I will ask your library to follow up by email.");
    await reply.press("Enter");
    await inLog(box, "I will ask your library to follow up by email.").waitFor();
    await pane.getByRole("checkbox", { name: "Note to staff" }).check();
    const note = pane.getByRole("textbox", { name: /Note to staff about Robin/ });
    await note.fill("CANARY-NOTE seems to be a genealogist");
    await note.press("Enter");
    await inLog(pane, "CANARY-NOTE seems to be a genealogist").waitFor();

    // Ticket: in Riverside, the patron's home library; name and email both required.
    await pane.getByRole("button", { name: "Ticket" }).click();
    const dialog = carol.getByRole("dialog", { name: "Create a follow-up ticket" });
    await dialog.getByText("Riverside Public Library").waitFor();
    assert.equal(await dialog.getByLabel("Patron name (required)").inputValue(), "Robin");
    assert.equal(await dialog.getByLabel("Patron email (required)").inputValue(), "robin@example.org");
    await dialog.getByLabel("Patron email (required)").fill("");
    await dialog.getByRole("button", { name: "Create Ticket" }).click();
    await dialog.getByText("Patron name and patron email are both required.").waitFor();
    await dialog.getByLabel("Patron email (required)").fill("robin@example.org");
    await dialog.getByLabel("Internal note (optional; staff only)").fill("Wants scans of the 1890 atlas; check the vault.");
    await assertAccessible(carol, "the Create a follow-up ticket dialog");
    await shot(carol, "ticket-dialog");
    await dialog.getByRole("button", { name: "Create Ticket" }).click();
    await pane.getByText(/Follow-up ticket created in the .* queue of Riverside Public Library\./).waitFor();

    // The patron ends the chat and asks for the transcript; it arrives, without the note.
    await box.getByRole("button", { name: "End chat" }).click();
    const email = box.getByLabel("Email me the transcript");
    await email.waitFor();
    assert.equal(await email.inputValue(), "robin@example.org", "filled in from the pre-chat form");
    await box.getByRole("button", { name: "Send transcript" }).click();
    await box.getByText("The transcript is on its way to robin@example.org.").waitFor();
    const transcript = await arrived("Your chat with Riverside Public Library");
    assert.match(transcript, /To: robin@example\.org/);
    assert.match(transcript, /Can I get the 1890 county atlas\?/);
    assert.match(transcript, /I will ask your library to follow up by email\./);
    assert.doesNotMatch(transcript, /CANARY-NOTE/);

    // Riverside's librarian finds the tickets in the Tickets view.
    const alice = await newPage(browser);
    await signIn(alice, url, "alice@riverside.example");
    await alice.getByRole("button", { name: "Tickets" }).click();
    const screen = alice.getByRole("main");
    await screen.getByRole("heading", { name: "Tickets" }).waitFor();
    await screen.getByRole("button", { name: /Are you open on Sunday <b>afternoons<\/b>\?/ }).waitFor();
    await assertAccessible(alice, "the Tickets list");
    await shot(alice, "tickets-list");
    await screen.getByRole("button", { name: /Can I get the 1890 county atlas\?/ }).click();
    const detail = screen.getByRole("article", { name: "Can I get the 1890 county atlas?" });
    await detail.getByText("I will ask your library to follow up by email.").waitFor();
    await detail.getByText("Wants scans of the 1890 atlas; check the vault.").waitFor();
    assert.equal(await detail.getByText("CANARY-NOTE").count(), 0, "no chat notes in the ticket's transcript");
    await detail.getByLabel(/Reply to Robin by email/).fill("We can scan pages 10 to 12 for you this week.");
    await detail.getByRole("button", { name: "Send reply by email" }).click();
    await detail.getByText("Reply emailed to robin@example.org.").waitFor();
    assert.equal(await detail.getByLabel("Status").inputValue(), "pending");
    await assertAccessible(alice, "a ticket's detail");
    await shot(alice, "ticket-detail");
    const answer = await arrived("Re: Can I get the 1890 county atlas?");
    assert.match(answer, /We can scan pages 10 to 12 for you this week\./);

    // Riverside's admin sees both mails in the outbox.
    const rita = await newPage(browser);
    await signIn(rita, url, "rita@riverside.example");
    await rita.getByRole("button", { name: "Email" }).click();
    const outbox = rita.getByRole("table");
    await outbox.getByRole("row", { name: /Transcript.*robin@example\.org.*Sent/ }).waitFor();
    await outbox.getByRole("row", { name: /Ticket reply.*robin@example\.org.*Sent/ }).waitFor();
    await assertAccessible(rita, "the Email screen");
    await shot(rita, "email-screen");
    assert.deepEqual(problems, []);
  });
});
