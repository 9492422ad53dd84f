// FAQs in a browser (issue 11, item 1). A Hillcrest librarian monitoring the co-op answers a
// Riverside patron: in the chat pane's 24/7 Staffing FAQs tab she reads Riverside's most recent
// internal FAQs, searches them, switches to Public FAQs, inserts a link to one into her reply,
// and pops the search out into its own window. The patron, while waiting, was offered matching
// public FAQs by the chat box. Riverside's admin writes, edits, imports and deletes FAQs on the
// FAQs screen; the public FAQ page shows them, and an answer's script never runs.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertAccessible } from "../lib/a11y.mjs";
import { launch, newPage, problems, screenshots } from "../lib/browser.mjs";
import { startServer } from "../lib/server.mjs";
import { askQuestion, chatRow, inLog, openChatBox, signIn, until } from "../lib/steps.mjs";

describe("FAQs in a browser", () => {
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

  test("a co-op librarian searches the patron's home library's FAQs and inserts one", async () => {
    const { url } = server;
    const { shot } = screenshots("12-faqs");
    const carol = await newPage(browser);
    const patron = await newPage(browser);
    await signIn(carol, url, "carol@hillcrest.example");
    const coopSwitch = carol.getByRole("switch", { name: "Co-op monitoring: Three Rivers Library Co-op" });
    await coopSwitch.click();
    await until(async () => (await coopSwitch.getAttribute("aria-checked")) === "true", "co-op monitoring on");

    // Nobody at Riverside is monitoring: the chat goes to the co-op; while it waits, the chat
    // box suggests Riverside's public FAQs that match the question.
    await patron.goto(`${url}/demo/riverside`);
    const box = await openChatBox(patron);
    await askQuestion(box, { name: "Quinn", question: "How can I renew the books I borrowed?" });
    const suggestions = box.getByRole("complementary", { name: "While you wait, these answers may help" });
    const link = suggestions.getByRole("link", { name: "How do I renew a book?" });
    await link.waitFor();
    assert.match(await link.getAttribute("href"), /^\/faq\/riverside#faq-/);
    await shot(patron, "chat-box-suggestions");

    await chatRow(carol, "Quinn").click();
    const pane = carol.getByRole("main");
    await pane.getByRole("button", { name: "Claim" }).click();
    await pane.getByRole("textbox", { name: "Message to Quinn" }).waitFor();
    await pane.getByRole("tab", { name: "24/7 Staffing FAQs" }).click();
    const faqs = pane.getByRole("tabpanel", { name: "24/7 Staffing FAQs" });
    // Before any search: Riverside's most recently updated internal FAQs.
    await faqs.getByRole("heading", { name: "24/7 Internal FAQs (Most Recent)" }).waitFor();
    await faqs.getByText("FAQs of Riverside Public Library").waitFor();
    await faqs.getByRole("button", { name: "Renewals beyond the limit at Riverside Public Library" }).waitFor();

    // Internal search, by keyboard: words, Enter; a stem finds the FAQ ("renewing" → renewals).
    await faqs.getByRole("searchbox", { name: "Search terms" }).fill("renewing limit");
    await carol.keyboard.press("Enter");
    await faqs.getByRole("heading", { name: /internal FAQs? for “renewing limit”/ }).waitFor();
    const hit = faqs.getByRole("button", { name: "Renewals beyond the limit at Riverside Public Library" });
    await hit.click();
    const detail = faqs.getByRole("article", { name: "Renewals beyond the limit at Riverside Public Library" });
    await detail.getByText("Co-op staff cannot override the renewal limit.").waitFor();
    // Keyboard users land on the opened FAQ, and back on its button when it closes.
    const focused = () => carol.evaluate(() => document.activeElement?.textContent?.trim());
    await until(async () => (await focused()) === "Renewals beyond the limit at Riverside Public Library", "focus on the FAQ");
    await assertAccessible(carol, "the 24/7 Staffing FAQs tab with an FAQ open");
    await shot(carol, "staffing-faqs");
    await detail.getByRole("button", { name: "Close" }).click();
    await until(
      async () => (await carol.evaluate(() => document.activeElement?.id ?? "")).startsWith("faq-open-"),
      "focus back on the FAQ's button",
    );

    // Public FAQs: insert a link to the renewal FAQ into the reply, and send it.
    await faqs.getByRole("radio", { name: "Public FAQs" }).check();
    await faqs.getByRole("searchbox", { name: "Search terms" }).fill("how do I renew a book");
    await faqs.getByRole("button", { name: "Search FAQs" }).click();
    await faqs.getByRole("heading", { name: /public FAQs? for “how do I renew a book”/ }).waitFor();
    await faqs.getByRole("button", { name: "How do I renew a book?" }).first().click();
    const open = faqs.getByRole("article", { name: "How do I renew a book?" });
    await open.getByRole("button", { name: "Insert link" }).click();
    const reply = pane.getByRole("textbox", { name: "Message to Quinn" });
    assert.match(await reply.inputValue(), /^How do I renew a book\? http:\/\/127\.0\.0\.1:\d+\/faq\/riverside#faq-/);
    await carol.keyboard.press("Enter");
    await inLog(box, "How do I renew a book? http").waitFor();
    // Insert answer puts the plain text in the box.
    await open.getByRole("button", { name: "Insert answer" }).click();
    assert.match(await reply.inputValue(), /You can renew most items up to two times/);

    // Pop out: the same search in its own window.
    const [popup] = await Promise.all([
      carol.context().waitForEvent("page"),
      faqs.getByRole("button", { name: "Pop out" }).click(),
    ]);
    await popup.getByRole("heading", { name: "24/7 Staffing FAQs", level: 1 }).waitFor();
    await popup.getByRole("button", { name: "Renewals beyond the limit at Riverside Public Library" }).waitFor();
    await assertAccessible(popup, "the popped-out 24/7 Staffing FAQs");
    await popup.close();
    assert.deepEqual(problems, []);
  });

  test("a library admin writes, imports and deletes FAQs; the public page shows them safely", async () => {
    const { url } = server;
    const { shot } = screenshots("12-faqs");
    const rita = await newPage(browser);
    await signIn(rita, url, "rita@riverside.example");
    await rita.getByRole("button", { name: "FAQs" }).click();
    const screen = rita.getByRole("main");
    await screen.getByRole("heading", { name: "FAQs of Riverside Public Library" }).waitFor();
    await screen.getByRole("button", { name: "New FAQ" }).click();
    const form = screen.getByRole("form", { name: "New FAQ" });
    await form.getByLabel("Kind").selectOption("public");
    await form.getByLabel("Group").fill("Events");
    await form.getByLabel("Question").fill("Do you host book clubs?");
    await form
      .getByLabel(/^Answer/)
      .fill('Yes, **monthly**. <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>');
    await form.getByLabel(/^Topics/).fill("Events, Book clubs");
    await form.getByRole("button", { name: "Save FAQ" }).click();
    await screen.getByRole("heading", { name: "Do you host book clubs?" }).waitFor();
    await screen.getByText("FAQ saved.").waitFor();
    await assertAccessible(rita, "the FAQs screen");
    await shot(rita, "faq-screen");

    // Import a JSON file (as exported) with one new FAQ.
    await screen.getByLabel("Import FAQs (CSV or JSON, as exported)").setInputFiles({
      name: "faqs.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify([{ visibility: "public", group: "Events", question: "Can I bring my dog?", answer: "Only assistance dogs." }])),
    });
    await screen.getByRole("button", { name: "Import", exact: true }).click();
    await screen.getByText("Imported: 1 new, 0 updated.").waitFor();
    await screen.getByRole("heading", { name: "Can I bring my dog?" }).waitFor();

    // The public page lists both under Events; the answer's markup is cleaned and nothing runs.
    const visitor = await newPage(browser);
    await visitor.goto(`${url}/faq/riverside`);
    const events = visitor.getByRole("region", { name: "Events" });
    await events.getByText("Do you host book clubs?").click();
    await events.getByText("monthly").waitFor();
    await events.getByText("Can I bring my dog?").waitFor();
    assert.equal(await visitor.evaluate(() => window.__pwned), undefined);
    await visitor.getByRole("searchbox", { name: "Search the FAQs" }).fill("clubs");
    await visitor.getByRole("button", { name: "Search" }).click();
    await visitor.getByRole("heading", { name: /1 answer for “clubs”/ }).waitFor();
    await assertAccessible(visitor, "the public FAQ page");
    await shot(visitor, "public-faq-page");

    // Edit, then delete.
    await screen.getByRole("button", { name: "Edit Do you host book clubs?" }).click();
    const edit = screen.getByRole("form", { name: "Edit Do you host book clubs?" });
    await edit.getByLabel("Question").fill("Do you run book clubs?");
    await edit.getByRole("button", { name: "Save FAQ" }).click();
    await screen.getByRole("heading", { name: "Do you run book clubs?" }).waitFor();
    await screen.getByRole("button", { name: "Delete Do you run book clubs?" }).click();
    await until(async () => (await screen.getByRole("heading", { name: "Do you run book clubs?" }).count()) === 0, "the FAQ to go");
    await visitor.goto(`${url}/faq/riverside`);
    assert.equal(await visitor.getByText("Do you run book clubs?").count(), 0);
    assert.deepEqual(problems, []);
  });
});
