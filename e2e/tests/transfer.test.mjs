// Transfers in a browser (issue 10): Alice asks Bob first by IM from the Transfer dialog, then
// transfers the chat to him with a note; Bob gets the alert, previews the chat and accepts;
// Alice's message while the transfer was pending did not cancel it; she leaves, and the patron
// sees who joined and who left and keeps chatting with Bob. Then a transfer to the co-op is
// accepted by the first of its two monitors, and the other sees it taken. Last, an outbound
// chat: Alice starts a chat again with a patron whose chat box is still open, and it is
// transferred like any other (LibraryH3lp cannot transfer outbound chats).

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertAccessible } from "../lib/a11y.mjs";
import { launch, newPage, problems, screenshots } from "../lib/browser.mjs";
import { startServer } from "../lib/server.mjs";
import { askQuestion, chatRow, inLog, openChatBox, signIn, until } from "../lib/steps.mjs";

describe("transfers in a browser", () => {
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

  /** A patron asks on Riverside's demo page; `staff` claims the chat: the patron's chat box. */
  async function claimedChat(staff, patron, name, question) {
    await patron.goto(`${server.url}/demo/riverside`);
    const box = await openChatBox(patron);
    await askQuestion(box, { name, question });
    await chatRow(staff, name).click();
    await staff.getByRole("main").getByRole("button", { name: "Claim" }).click();
    await staff.getByRole("main").getByText("You are chatting with this patron").waitFor();
    return box;
  }

  test("Alice asks Bob first, transfers with a note, Bob previews and accepts, Alice leaves", async () => {
    const { url } = server;
    const { shot } = screenshots("06-transfer");
    const alice = await newPage(browser);
    const bob = await newPage(browser);
    const patron = await newPage(browser);
    await signIn(alice, url, "alice@riverside.example");
    await signIn(bob, url, "bob@riverside.example");
    const box = await claimedChat(alice, patron, "Tess", "Where are the 1911 fire insurance maps?");
    const pane = alice.getByRole("main");

    // The Transfer dialog offers who is online now, with how busy each is.
    await pane.getByRole("button", { name: "Transfer" }).click();
    const dialog = alice.getByRole("dialog", { name: "Transfer the chat with Tess" });
    await dialog.getByRole("radio", { name: /Bob Binder \(Riverside Public Library\) · 0 chats/ }).waitFor();
    await dialog.getByRole("radio", { name: /Reference · 1 monitoring/ }).waitFor();
    // Ask first: an IM to Bob from inside the dialog.
    await dialog.getByRole("button", { name: "Ask first: Bob Binder" }).click();
    const ask = dialog.getByRole("textbox", { name: "Message to Bob Binder" });
    await ask.fill("Can you take a Sanborn maps question?");
    await ask.press("Enter");
    await assertAccessible(alice, "the Transfer dialog");
    await shot(alice, "transfer-dialog");

    // Bob gets the IM (a count on Staff IM), opens it and answers.
    const bobIm = bob.getByRole("region", { name: "Staff IM" });
    await bobIm.getByRole("button", { name: /Alice Archer \(1 new\)/ }).click();
    await bobIm.getByRole("log", { name: "IM with Alice Archer" }).getByText("Can you take a Sanborn maps question?").waitFor();
    const bobReply = bobIm.getByRole("textbox", { name: "IM to Alice Archer" });
    await bobReply.fill("Yes, send it over.");
    await bobReply.press("Enter");
    await dialog.getByText("Yes, send it over.").waitFor();

    // Alice transfers to Bob with a note.
    await dialog.getByRole("radio", { name: /Bob Binder/ }).check();
    await dialog.getByLabel("Note for the receiver (staff only)").fill("Sanborn maps, 1911; patron is on a deadline.");
    await dialog.getByRole("button", { name: "Transfer" }).click();
    await pane.getByText("Transfer to Bob Binder pending").waitFor();

    // While it is pending Alice keeps writing to the patron: the transfer stays pending.
    const reply = alice.getByRole("textbox", { name: "Message to Tess" });
    await reply.fill("One moment, I am bringing in our maps specialist.");
    await reply.press("Enter");
    await inLog(box, "bringing in our maps specialist").waitFor();
    await pane.getByText("Transfer to Bob Binder pending").waitFor();

    // Bob's alert: who, the note, Preview, Accept.
    const alerts = bob.getByRole("region", { name: /Transferred to you/ });
    await alerts.getByText("Sanborn maps, 1911; patron is on a deadline.").waitFor();
    await alerts.getByText(/Transferred chat from Alice Archer to you/).waitFor();
    await until(async () => (await bob.title()) !== "refdesk", "a count in Bob's tab title");
    await alerts.getByRole("button", { name: "Preview" }).click();
    await alerts.getByRole("list", { name: "Chat with Tess so far" }).getByText("bringing in our maps specialist").waitFor();
    await alerts.getByRole("list", { name: "Chat with Tess so far" }).getByText(/IM to Bob Binder: Can you take a Sanborn maps question\?/).waitFor();
    await assertAccessible(bob, "the transferred-chat alert with its preview");
    await shot(bob, "transfer-alert");
    await alerts.getByRole("button", { name: "Accept transfer from Alice Archer" }).click();

    // Bob holds the chat; the patron sees him join.
    const bobPane = bob.getByRole("main");
    await bobPane.getByText("You are chatting with this patron").waitFor();
    await inLog(box, "Bob joined the chat.").waitFor();
    await alice.getByText("Bob Binder accepted your transfer.", { exact: false }).waitFor();
    await pane.getByText(/You handed this chat to Bob Binder/).waitFor();
    // Both see everything: the transfer's steps are notes in the history.
    await inLog(bobPane, "Alice Archer offered this chat to Bob Binder.").waitFor();
    await inLog(pane, "Bob Binder accepted the transfer from Alice Archer.").waitFor();

    // Alice leaves; the patron sees it and keeps chatting with Bob.
    await pane.getByRole("button", { name: "Leave chat" }).click();
    await inLog(box, "Alice left the chat.").waitFor();
    const bobBox = bob.getByRole("textbox", { name: "Message to Tess" });
    await bobBox.fill("Hi Tess, the 1911 Sanborn sheets are in the map room, drawer 4.");
    await bobBox.press("Enter");
    await inLog(box, "drawer 4").waitFor();
    await box.getByRole("status").filter({ hasText: "Bob" }).waitFor();
    const patronBox = box.getByRole("textbox", { name: "Message" });
    await patronBox.fill("Thank you, Bob!");
    await patronBox.press("Enter");
    await inLog(bobPane, "Thank you, Bob!").waitFor();
    // No note ever reached the patron.
    const patronText = await box.getByRole("log").textContent();
    for (const staffOnly of ["Sanborn maps, 1911", "offered this chat", "IM to Bob", "accepted the transfer"])
      assert.ok(!patronText.includes(staffOnly), `the patron saw "${staffOnly}": ${patronText}`);
    await shot(patron, "patron-after-transfer");
    assert.deepEqual(problems, []);
  });

  test("a transfer to the co-op is taken by the first of its two monitors", async () => {
    const { url } = server;
    const { shot } = screenshots("07-transfer-coop");
    const alice = await newPage(browser);
    const carol = await newPage(browser);
    const dave = await newPage(browser);
    const patron = await newPage(browser);
    await signIn(alice, url, "alice@riverside.example");
    await signIn(carol, url, "carol@hillcrest.example");
    await signIn(dave, url, "dave@lakeside.example");
    for (const page of [carol, dave]) {
      const coop = page.getByRole("switch", { name: "Co-op monitoring: Three Rivers Library Co-op" });
      await coop.click();
      await until(async () => (await coop.getAttribute("aria-checked")) === "true", "co-op monitoring on");
    }
    await claimedChat(alice, patron, "Uma", "Do you have oral histories of the 1937 flood?");
    const pane = alice.getByRole("main");
    await pane.getByRole("button", { name: "Transfer" }).click();
    const dialog = alice.getByRole("dialog", { name: "Transfer the chat with Uma" });
    await dialog.getByRole("radio", { name: /Three Rivers Library Co-op · 2 monitoring/ }).check();
    await dialog.getByLabel("Note for the receiver (staff only)").fill("Flood oral histories; anyone with a local collection?");
    await dialog.getByRole("button", { name: "Transfer" }).click();
    await pane.getByText("Transfer to Three Rivers Library Co-op pending").waitFor();

    const carolAlert = carol.getByRole("region", { name: /Transferred to you/ });
    const daveAlert = dave.getByRole("region", { name: /Transferred to you/ });
    await carolAlert.getByText(/to Three Rivers Library Co-op/).waitFor();
    await daveAlert.getByText(/to Three Rivers Library Co-op/).waitFor();
    // Offered to a queue, nobody declines it for the others.
    assert.equal(await carolAlert.getByRole("button", { name: "Decline" }).count(), 0);
    await carolAlert.getByRole("button", { name: "Accept transfer from Alice Archer" }).click();
    await carol.getByRole("main").getByText("You are chatting with this patron").waitFor();
    // Dave sees it taken; his alert goes away.
    await dave.getByText("Carol Catalog took the transfer of the chat with Uma.").waitFor();
    await until(async () => (await daveAlert.count()) === 0, "Dave's alert to go away");
    await shot(dave, "transfer-taken");
    assert.deepEqual(problems, []);
  });

  test("an outbound chat opens in the patron's chat box and is transferred like any other", async () => {
    const { url } = server;
    const { shot } = screenshots("08-outbound");
    const alice = await newPage(browser);
    const bob = await newPage(browser);
    const patron = await newPage(browser);
    await signIn(alice, url, "alice@riverside.example");
    await signIn(bob, url, "bob@riverside.example");
    const box = await claimedChat(alice, patron, "Vic", "When does the book sale start?");
    const pane = alice.getByRole("main");
    await pane.getByRole("button", { name: "Close chat" }).click();
    await box.getByText("This chat has ended.").waitFor();

    // Later the same morning Alice has the answer: she starts a chat with Vic again.
    await pane.getByRole("button", { name: "Chat with this patron again" }).click();
    await pane.getByText("You are chatting with this patron").waitFor();
    await box.getByRole("status").filter({ hasText: "You are chatting with Alice" }).waitFor();
    const reply = alice.getByRole("textbox", { name: "Message to Vic" });
    await reply.fill("Found it: the book sale starts Saturday at 9.");
    await reply.press("Enter");
    await inLog(box, "starts Saturday at 9").waitFor();
    await shot(patron, "outbound-in-chat-box");

    // Transferred to Bob like any other chat.
    await pane.getByRole("button", { name: "Transfer" }).click();
    const dialog = alice.getByRole("dialog", { name: "Transfer the chat with Vic" });
    await dialog.getByRole("radio", { name: /Bob Binder/ }).check();
    await dialog.getByRole("button", { name: "Transfer" }).click();
    const alerts = bob.getByRole("region", { name: /Transferred to you/ });
    await alerts.getByRole("button", { name: "Accept transfer from Alice Archer" }).click();
    await inLog(box, "Bob joined the chat.").waitFor();
    const msg = box.getByRole("textbox", { name: "Message" });
    await msg.fill("Great, thank you both!");
    await msg.press("Enter");
    await inLog(bob.getByRole("main"), "Great, thank you both!").waitFor();
    assert.deepEqual(problems, []);
  });
});
