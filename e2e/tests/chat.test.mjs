// The whole chat, as people do it: a patron on a library website opens the chat box and asks a
// question; a librarian signs in to the dashboard, sees it arrive, previews it, claims it; they
// talk; the patron reloads and navigates without losing the conversation; the librarian closes
// the chat. And two librarians racing for the same chat: exactly one wins.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertAccessible } from "../lib/a11y.mjs";
import { launch, newPage, problems, recordAlerts, samePersonPage, screenshots } from "../lib/browser.mjs";
import { startServer } from "../lib/server.mjs";
import { askQuestion, chatBox, chatRow, inLog, openChatBox, signIn, until } from "../lib/steps.mjs";

describe("refdesk in a browser", () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launch();
  });

  after(async () => {
    // Always close the browser (or node --test waits for it forever), then the server.
    await browser?.close();
    await server?.stop();
  });

  test("a patron asks, a librarian previews, claims, answers and closes", async () => {
    const { url } = server;
    const { shot } = screenshots("01-patron-and-librarian");
    const patron = await newPage(browser);
    const alice = await newPage(browser);
    await recordAlerts(alice);

    // The librarian signs in and waits for chats.
    await alice.goto(`${url}/dashboard/`);
    await alice.getByRole("heading", { name: "Sign in to refdesk" }).waitFor();
    await shot(alice, "dashboard-sign-in");
    await assertAccessible(alice, "the dashboard's sign-in page");
    await signIn(alice, url, "alice@riverside.example");
    await shot(alice, "dashboard-signed-in");

    // The patron opens the chat box on the library's home page and asks a question.
    await patron.goto(`${url}/demo/riverside`);
    await patron.getByRole("heading", { name: "Home" }).waitFor();
    await shot(patron, "library-home");
    const box = await openChatBox(patron);
    await box.locator("#prechat").getByLabel("Question").waitFor();
    await box.getByRole("heading", { name: "Riverside Public Library" }).waitFor();
    await shot(patron, "chat-box-open");
    const question = "Do you have books about beekeeping for beginners?";
    await askQuestion(box, { name: "Pat", question });
    await box.getByRole("status").filter({ hasText: /in line|shortly/ }).waitFor();
    await shot(patron, "patron-waiting");

    // The chat arrives live in the dashboard, with the tab badge.
    const row = chatRow(alice, "Pat");
    await row.waitFor();
    assert.match(await row.textContent(), /beekeeping/);
    assert.match(await row.textContent(), /waiting/);
    await until(async () => (await alice.title()) === "(1) refdesk", "the tab title badge");
    const alerts = await until(async () => {
      const a = await alice.evaluate(() => window.__alerts);
      return a.tones > 0 && a.notifications.length > 0 && a;
    }, "a tone and a desktop notification");
    assert.match(alerts.notifications[0].title, /Pat/);
    assert.equal(alerts.notifications[0].body, question);
    await alice.getByText("Desktop notifications on").waitFor();
    await shot(alice, "chat-arrived");

    // Preview without claiming: the question, where the patron was, the browser.
    await row.click();
    const pane = alice.getByRole("main");
    await pane.getByRole("heading", { name: "Pat" }).waitFor();
    await pane.getByText(`${url}/demo/riverside`).waitFor();
    await pane.getByText("Riverside Public Library").first().waitFor();
    await inLog(pane, question).waitFor();
    assert.match(await pane.textContent(), /Referring page/);
    assert.match(await pane.textContent(), /Browser/);
    assert.match(await pane.textContent(), /not claimed yet/);
    await shot(alice, "preview");
    await assertAccessible(alice, "the dashboard with a chat in the list");

    // Claim: the patron learns who answers.
    await pane.getByRole("button", { name: "Claim" }).click();
    await pane.getByText("You are chatting with this patron").waitFor();
    await until(async () => (await alice.evaluate(() => document.activeElement?.id)) === "reply", "focus on the reply box");
    await box.getByRole("status").filter({ hasText: "You are chatting with Alice" }).waitFor();
    await until(async () => (await alice.title()) === "refdesk", "the badge to clear");
    await shot(alice, "claimed");
    await shot(patron, "patron-sees-claim");

    // They talk, both ways, with typing indicators.
    const reply = alice.getByRole("textbox", { name: "Message to Pat" });
    await reply.fill("Hello Pat! Yes, we have several. Are you after a practical guide?");
    await reply.press("Enter");
    await inLog(box, "Are you after a practical guide?").waitFor();
    await box.getByRole("textbox", { name: "Message" }).pressSequentially("Yes", { delay: 20 });
    await pane.getByText("Pat is typing…").waitFor();
    await box.getByRole("textbox", { name: "Message" }).fill("Yes please, something practical.");
    await box.getByRole("button", { name: "Send" }).click();
    await inLog(pane, "something practical").waitFor();
    await shot(patron, "patron-conversation");
    await shot(alice, "librarian-conversation");

    // A note to staff, from the same composer, visibly a note; the patron never sees it.
    const marker = "NOTE-ONLY-FOR-STAFF-7f3a";
    await pane.getByRole("checkbox", { name: "Note to staff" }).check();
    const noteBox = alice.getByRole("textbox", { name: "Note to staff about Pat (the patron does not see it)" });
    await noteBox.fill(`Suggested the 1911 directory. ${marker}`);
    await pane.getByRole("button", { name: "Add note" }).click();
    await pane.locator(".msg.internal_note").filter({ hasText: marker }).waitFor();
    assert.match(await pane.locator(".msg.internal_note").filter({ hasText: marker }).textContent(), /internal note/);
    await assertAccessible(alice, "the chat pane writing a note to staff");
    await pane.getByRole("checkbox", { name: "Note to staff" }).uncheck();
    await reply.fill("Here is one more title for you.");
    await reply.press("Enter");
    await inLog(box, "one more title").waitFor();
    assert.ok(!(await box.locator("body").textContent()).includes(marker), "the patron never sees a note");

    // Tags, at any time, with type-ahead; the patron never sees them.
    const tags = pane.getByRole("region", { name: "Tags" });
    await tags.getByLabel("Add a tag").fill("Practical Guides");
    await tags.getByRole("button", { name: "Add tag" }).click();
    await tags.getByRole("listitem").filter({ hasText: "practical guides" }).waitFor();
    await tags.getByLabel("Add a tag").fill("Local History");
    await tags.getByRole("button", { name: "Add tag" }).click();
    await tags.getByRole("button", { name: "Remove tag local history" }).click();
    await until(async () => (await tags.getByRole("listitem").count()) === 1, "one tag left");
    await assertAccessible(alice, "the chat pane with tags");
    assert.ok(!(await box.locator("body").textContent()).includes("practical guides"), "the patron never sees tags");
    await pane.getByRole("button", { name: "Today's chats with this patron" }).click();
    await pane.getByText("No other chats with this patron today.").waitFor();

    // The patron reloads: the box reopens by itself with the whole conversation.
    await patron.reload();
    const again = chatBox(patron);
    await inLog(again, "Are you after a practical guide?").waitFor();
    await inLog(again, "something practical").waitFor();
    await inLog(again, question).waitFor();
    assert.equal(
      await patron.getByRole("button", { name: "Chat with a librarian" }).getAttribute("aria-expanded"),
      "true",
    );
    await shot(patron, "after-reload");

    // And navigates to another page of the library's site, where the chat goes on.
    await patron.getByRole("link", { name: "Hours" }).click();
    await patron.getByRole("heading", { name: "Hours" }).waitFor();
    const onHours = chatBox(patron);
    await inLog(onHours, "something practical").waitFor();

    // A note among staff (sent on the librarian's own signed-in session) never reaches the
    // patron, not even as a gap: the chat box's numbers count only what it was shown, and it
    // knows the librarian by first name only.
    const frame = () => patron.frames().find((f) => f.url().includes("/chat/"));
    const saved = async () => JSON.parse(Object.values(await frame().evaluate(() => ({ ...localStorage })))[0]);
    const chatId = (await saved()).chat;
    const noteAck = await alice.evaluate(async (chat) => {
      const ws = new WebSocket(`${location.origin.replace(/^http/, "ws")}/ws`);
      const answer = new Promise((resolve) => {
        ws.onmessage = (e) => {
          const f = JSON.parse(e.data);
          if (f.type === "welcome") {
            ws.send(JSON.stringify({ type: "send", chat_id: chat, client_msg_id: "note-1", kind: "internal_note", body: "STAFF-NOTE regular patron" }));
          }
          if (f.type === "ack" || f.type === "error") resolve(f);
        };
      });
      ws.onopen = () => ws.send(JSON.stringify({ type: "hello" }));
      const f = await answer;
      ws.close();
      return f;
    }, chatId);
    assert.equal(noteAck.type, "ack", JSON.stringify(noteAck));
    await reply.fill("Try 'The Beekeeper's Handbook', shelf 638.1.");
    await alice.getByRole("button", { name: "Send" }).click();
    await inLog(onHours, "shelf 638.1").waitFor();
    await onHours.getByRole("textbox", { name: "Message" }).fill("Thank you!");
    await onHours.getByRole("textbox", { name: "Message" }).press("Enter");
    await inLog(pane, "Thank you!").waitFor();
    await shot(patron, "after-navigation");
    const seen = await saved();
    assert.deepEqual(
      seen.messages.map((m) => m.seq),
      seen.messages.map((_, i) => i + 1),
      "the patron's numbers have no gap where the note is",
    );
    assert.equal(seen.seq, seen.messages.length);
    const patronText = await onHours.locator("body").textContent();
    assert.ok(!patronText.includes("STAFF-NOTE") && !JSON.stringify(seen).includes("STAFF-NOTE"));
    assert.ok(!patronText.includes("Archer"), "the patron sees the librarian's first name only");
    await inLog(pane, "STAFF-NOTE").waitFor();

    // Each message appears once on both sides (resends after reconnects are de-duplicated).
    assert.equal(await inLog(onHours, "Thank you!").count(), 1);
    assert.equal(await inLog(pane, "something practical").count(), 1);

    // The librarian closes the chat; the patron sees it ended and may start again.
    await pane.getByRole("button", { name: "Close chat" }).click();
    await pane.getByText("This chat has ended").waitFor();
    await pane.getByText("Alice Archer answered it").waitFor();
    await onHours.getByText("This chat has ended").waitFor();
    await onHours.getByRole("button", { name: "Start a new chat" }).waitFor();
    assert.equal(await onHours.getByRole("button", { name: "Send", exact: true }).count(), 0);
    await shot(patron, "patron-chat-ended");
    await shot(alice, "librarian-chat-closed");

    // Esc closes the box and gives focus back to the launcher.
    await onHours.getByRole("button", { name: "Start a new chat" }).focus();
    await patron.keyboard.press("Escape");
    const launcher = patron.getByRole("button", { name: "Chat with a librarian" });
    await until(async () => (await launcher.getAttribute("aria-expanded")) === "false", "Esc to close the box");
    assert.equal(await patron.evaluate(() => document.activeElement?.id), "refdesk-launcher");

    // Nothing of the ended chat stays on this (shared) computer: the chat box's storage holds
    // no transcript and no guest token, and the next person to open it gets a fresh form.
    const stored = await frame().evaluate(() => JSON.stringify({ ...localStorage }));
    for (const trace of ["shelf 638.1", "Thank you!", question, "token"]) {
      assert.ok(!stored.includes(trace), `${trace} is still stored: ${stored}`);
    }
    await patron.reload();
    const next = await openChatBox(patron);
    await next.locator("#prechat").getByLabel("Question").waitFor();
    assert.equal(await inLog(next, "shelf 638.1").count(), 0);
    assert.deepEqual(problems, []);
  });

  test("the chat box page on its own passes axe", async () => {
    const { url } = server;
    const { shot } = screenshots("02-chat-page-a11y");
    const host = await newPage(browser);
    await host.goto(`${url}/demo/riverside`);
    await openChatBox(host);
    await assertAccessible(host, "the library page with the chat box open");
    const src = await host.locator('iframe[title="Chat with a librarian"]').getAttribute("src");
    const widgetPath = new URL(src).pathname;
    assert.match(widgetPath, /^\/chat\/[0-9a-f-]{36}$/);

    // Opened directly, as a full page.
    const page = await newPage(browser);
    await page.goto(`${url}${widgetPath}`);
    await page.locator("#prechat").getByLabel("Question").waitFor();
    await shot(page, "chat-page-form");
    await assertAccessible(page, "the chat page (pre-chat form)");
    await askQuestion(page, { name: "Robin", question: "Is the library open on holidays?" });
    await page.getByRole("status").filter({ hasText: /in line|shortly/ }).waitFor();
    await shot(page, "chat-page-waiting");
    await assertAccessible(page, "the chat page (waiting)");
    await page.getByRole("button", { name: "End chat" }).click();
    await page.getByText("This chat has ended").waitFor();
    await shot(page, "chat-page-ended");

    // The same guest starts again: a fresh conversation with only the new question.
    await page.getByRole("button", { name: "Start a new chat" }).click();
    await askQuestion(page, { question: "And do you lend e-readers?" });
    await page.getByRole("status").filter({ hasText: /in line|shortly/ }).waitFor();
    assert.equal(await inLog(page, "open on holidays").count(), 0);
    await shot(page, "chat-page-second-chat");
    assert.deepEqual(problems, []);
  });

  test("two librarians claim the same chat at once: exactly one wins", async () => {
    const { url } = server;
    const { shot } = screenshots("03-claim-race");
    const patron = await newPage(browser);
    const alice = await newPage(browser);
    const bob = await newPage(browser);
    await signIn(alice, url, "alice@riverside.example");
    await signIn(bob, url, "bob@riverside.example");
    // Without the permission yet, the dashboard offers to ask for it.
    await bob.getByRole("button", { name: "Enable desktop notifications" }).waitFor();

    await patron.goto(`${url}/demo/riverside`);
    const box = await openChatBox(patron);
    await askQuestion(box, { name: "Sam", question: "Can I book a study room?" });

    for (const page of [alice, bob]) {
      await chatRow(page, "Sam").click();
      await page.getByRole("main").getByRole("button", { name: "Claim" }).waitFor();
    }
    await shot(alice, "alice-before-claim");
    await shot(bob, "bob-before-claim");

    // Both click Claim at the same moment. A click may find the button already gone when the
    // other claim's update arrives first; that too is a loss, shown on the page.
    const claim = (page) =>
      page
        .getByRole("main")
        .getByRole("button", { name: "Claim" })
        .click({ timeout: 3_000 })
        .catch(() => undefined);
    await Promise.all([claim(alice), claim(bob)]);

    const outcome = async (page) => {
      const main = page.getByRole("main");
      if (await main.getByText("You are chatting with this patron").isVisible()) return "won";
      if (await main.getByText(/Claimed by (someone else|Alice|Bob)/).first().isVisible()) return "lost";
      return null;
    };
    const results = await until(async () => {
      const r = [await outcome(alice), await outcome(bob)];
      return r.every(Boolean) && r;
    }, "both dashboards to show the outcome of the claim");
    await shot(alice, "alice-after-claim");
    await shot(bob, "bob-after-claim");
    assert.deepEqual([...results].sort(), ["lost", "won"], `outcomes (alice, bob): ${results}`);

    const winner = results[0] === "won" ? "Alice" : "Bob";
    const loser = results[0] === "won" ? bob : alice;
    await loser.getByRole("main").getByText(`Claimed by ${winner}`).waitFor();
    assert.equal(await loser.getByRole("main").getByRole("button", { name: "Claim" }).count(), 0);
    assert.equal(await loser.getByRole("textbox", { name: /Message to/ }).count(), 0);
    await box.getByRole("status").filter({ hasText: `You are chatting with ${winner}` }).waitFor();
    await shot(patron, "patron-sees-winner");

    // The patron minimizes the box; the winner's answer flags the launcher.
    await box.getByRole("button", { name: "Minimize chat" }).click();
    const launcher = patron.getByRole("button", { name: /^Chat with a librarian/ });
    await until(async () => (await launcher.getAttribute("aria-expanded")) === "false", "the box to close");
    const winnerPage = results[0] === "won" ? alice : bob;
    const answer = winnerPage.getByRole("textbox", { name: "Message to Sam" });
    await answer.fill("Yes: rooms can be booked at the front desk.");
    await answer.press("Enter");
    await patron.getByRole("button", { name: "Chat with a librarian (new message)" }).waitFor();
    await shot(patron, "patron-new-message-flag");
    await launcher.click();
    await inLog(box, "booked at the front desk").waitFor();
    await patron.getByRole("button", { name: "Chat with a librarian", exact: true }).waitFor();

    // Signing out leads back to the sign-in form.
    await loser.getByRole("button", { name: "Sign out" }).click();
    await loser.getByRole("heading", { name: "Sign in to refdesk" }).waitFor();
    await loser.reload();
    await loser.getByRole("heading", { name: "Sign in to refdesk" }).waitFor();
    assert.deepEqual(problems, []);
  });

  test("one person plays librarian and patron in two windows of the same browser", async () => {
    // The way `refdesk demo` is meant to be tried: the dashboard's session cookie is also sent
    // by the chat box (same origin), which must still act as the patron.
    const { url } = server;
    const { shot } = screenshots("04-same-browser");
    const carol = await newPage(browser);
    await signIn(carol, url, "carol@hillcrest.example");
    const patron = await samePersonPage(carol);
    await patron.goto(`${url}/demo/hillcrest`);
    const box = await openChatBox(patron);
    await askQuestion(box, { name: "Jo", question: "Do you keep past exam papers?" });
    await chatRow(carol, "Jo").click();
    const pane = carol.getByRole("main");
    await pane.getByRole("button", { name: "Claim" }).click();
    await box.getByRole("status").filter({ hasText: "You are chatting with Carol" }).waitFor();
    await box.getByRole("textbox", { name: "Message" }).fill("For the history course, please.");
    await box.getByRole("textbox", { name: "Message" }).press("Enter");
    await inLog(pane, "For the history course").waitFor();
    const reply = carol.getByRole("textbox", { name: "Message to Jo" });
    await reply.fill("They are in the reading room, shelf E.");
    await reply.press("Enter");
    await inLog(box, "reading room, shelf E").waitFor();
    assert.equal(await inLog(box, "Not sent").count(), 0);
    await shot(patron, "patron-window");
    await shot(carol, "librarian-window");
    assert.deepEqual(problems, []);
  });
});
