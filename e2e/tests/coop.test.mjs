// The co-op at work: a Hillcrest librarian switches co-op monitoring on and answers a patron of
// Riverside, the way LibChat's co-op monitoring works. Riverside's own librarian has switched
// local monitoring off (a break), so the demo's routing plan offers Riverside's chat to the
// co-op at once; she still sees it, with the home icon; Hillcrest's librarian does not get the
// icon. Check status counts who else is on duty, and the Librarians list follows every change
// live.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertAccessible } from "../lib/a11y.mjs";
import { launch, newPage, problems, screenshots } from "../lib/browser.mjs";
import { startServer } from "../lib/server.mjs";
import { askQuestion, chatRow, inLog, openChatBox, signIn, until } from "../lib/steps.mjs";

describe("co-op monitoring in a browser", () => {
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

  test("a Hillcrest librarian monitoring the co-op claims a Riverside patron's chat", async () => {
    const { url } = server;
    const { shot } = screenshots("03-coop");
    const alice = await newPage(browser);
    const carol = await newPage(browser);
    const patron = await newPage(browser);
    await signIn(alice, url, "alice@riverside.example");
    await signIn(carol, url, "carol@hillcrest.example");

    const coopSwitch = (page) => page.getByRole("switch", { name: "Co-op monitoring: Three Rivers Library Co-op" });
    const localSwitch = carol.getByRole("switch", { name: "Local monitoring: Research Help" });
    // Each sign-in starts local on, co-op off.
    assert.equal(await localSwitch.getAttribute("aria-checked"), "true");
    assert.equal(await coopSwitch(carol).getAttribute("aria-checked"), "false");
    await assertAccessible(carol, "the dashboard with the monitoring settings");
    await shot(carol, "monitoring-settings");

    // Riverside's librarian steps away from the desk: nobody at Riverside is monitoring.
    await alice.getByRole("button", { name: "All departments offline" }).click();
    await until(
      async () => (await alice.getByRole("switch", { name: "Local monitoring: Reference" }).getAttribute("aria-checked")) === "false",
      "Alice's local monitoring off",
    );

    // A Riverside patron opens the chat box: nobody is monitoring any step of its routing plan
    // (Riverside, then the co-op), so it says so and offers to take the question by email.
    await patron.goto(`${url}/demo/riverside`);
    const box = await openChatBox(patron);
    await box.getByText("No librarian is available to chat right now.").waitFor();
    assert.equal(await box.locator("#prechat").getByLabel("Question").isVisible(), false);
    await shot(patron, "chat-box-offline");

    // Carol switches co-op monitoring on; the chat box, checked again, offers the form.
    await coopSwitch(carol).click();
    await until(async () => (await coopSwitch(carol).getAttribute("aria-checked")) === "true", "co-op monitoring on");
    await box.getByRole("button", { name: "Check again" }).click();
    const question = "Can I borrow a telescope?";
    await askQuestion(box, { name: "Sam", question });

    // The chat is offered to the co-op at once. Riverside's librarian sees it with the home
    // icon; Carol sees it without.
    const aliceRow = chatRow(alice, "Sam");
    await aliceRow.waitFor();
    assert.equal(await aliceRow.getByRole("img", { name: "From your library" }).count(), 1);
    const carolRow = chatRow(carol, "Sam");
    await carolRow.waitFor();
    assert.equal(await carolRow.getByRole("img", { name: "From your library" }).count(), 0);
    assert.match(await carolRow.textContent(), /Riverside Public Library/);

    // Check status: nobody else yet; then Alice switches on and Carol's count says so.
    await carol.getByRole("button", { name: "Check status of Three Rivers Library Co-op" }).click();
    await carol.getByText("Nobody else is monitoring this co-op right now.").waitFor();
    const carolLibrarians = carol.getByRole("region", { name: "Librarians" });
    await coopSwitch(alice).click();
    await carol.getByText(/1 other monitoring now: Alice Archer \(Riverside Public Library\)/).waitFor();
    // The Librarians list updated live on Carol's screen.
    await carolLibrarians.getByText("Alice Archer").waitFor();
    await shot(carol, "check-status");

    // The preview tells Carol whose patron this is.
    await carolRow.click();
    const pane = carol.getByRole("main");
    await pane.getByRole("heading", { name: "Sam" }).waitFor();
    const details = await pane.locator("dl").textContent();
    assert.match(details, /Riverside Public Library/);
    assert.match(details, /Three Rivers Library Co-op/);
    assert.match(details, /Offered to\s*Three Rivers Library Co-op \(co-op\)/);
    assert.match(details, /Chrome|Chromium/);
    assert.ok(!details.includes("Mozilla/5.0"), `the browser is shown readably: ${details}`);
    await inLog(pane, question).waitFor();
    await inLog(pane, "Nobody was monitoring; the chat was offered to Three Rivers Library Co-op.").waitFor();

    // She claims it like a local chat; the patron hears from Carol, and Alice sees who has it.
    await pane.getByRole("button", { name: "Claim" }).click();
    await pane.getByText("You are chatting with this patron").waitFor();
    await box.getByRole("status").filter({ hasText: "You are chatting with Carol" }).waitFor();
    await until(async () => /with Carol Catalog/.test(await aliceRow.textContent()), "Alice to see Carol has the chat");
    const aliceLibrarians = alice.getByRole("region", { name: "Librarians" });
    await aliceLibrarians.getByText("Carol Catalog").waitFor();
    await until(
      async () => /1 chat\b/.test(await aliceLibrarians.locator("li", { hasText: "Carol Catalog" }).textContent()),
      "Carol's chat count on Alice's Librarians list",
    );
    const reply = carol.getByRole("textbox", { name: "Message to Sam" });
    await reply.fill("Hillcrest here, answering for Riverside: yes, with a library card.");
    await reply.press("Enter");
    await inLog(box, "answering for Riverside").waitFor();
    await shot(carol, "coop-chat-claimed");
    await assertAccessible(alice, "the dashboard with the Librarians list");

    // Co-op monitoring off: what she holds stays; nothing else of the co-op.
    await coopSwitch(carol).click();
    await until(async () => (await coopSwitch(carol).getAttribute("aria-checked")) === "false", "co-op monitoring off");
    assert.equal(await chatRow(carol, "Sam").count(), 1, "her own chat stays");
    assert.deepEqual(problems, []);
  });
});
