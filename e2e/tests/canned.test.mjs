// Canned messages in a browser (issue 11, item 2): Alice writes her own in the Canned
// messages screen, then, keyboard only, inserts it (and the library's demo greeting) into a
// reply with "/" and words of the title; the placeholders come out as the patron's and her name.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertAccessible } from "../lib/a11y.mjs";
import { launch, newPage, problems, screenshots } from "../lib/browser.mjs";
import { startServer } from "../lib/server.mjs";
import { askQuestion, chatRow, inLog, openChatBox, signIn } from "../lib/steps.mjs";

describe("canned messages in a browser", () => {
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

  test("a librarian writes a canned message and inserts it by keyboard", async () => {
    const { url } = server;
    const { shot } = screenshots("10-canned");
    const alice = await newPage(browser);
    const patron = await newPage(browser);
    await signIn(alice, url, "alice@riverside.example");

    await alice.getByRole("button", { name: "Canned messages" }).click();
    const screen = alice.getByRole("main");
    // The library's demo replies are there, not hers to change.
    await screen.getByText("Renewals").waitFor();
    assert.equal(await screen.getByRole("button", { name: "Edit Renewals" }).count(), 0);
    await screen.getByRole("button", { name: "New canned message" }).click();
    await screen.getByLabel("Title").fill("My sign-off");
    await screen.getByLabel(/^Message/).fill("Bye {patron}, {librarian} signing off.");
    await screen.getByRole("button", { name: "Save" }).click();
    await screen.getByRole("button", { name: "Edit My sign-off" }).waitFor();
    await assertAccessible(alice, "the Canned messages screen");
    await shot(alice, "canned-screen");
    await alice.getByRole("button", { name: "Back to chats" }).click();

    await patron.goto(`${url}/demo/riverside`);
    const box = await openChatBox(patron);
    await askQuestion(box, { name: "Wren", question: "Can I renew a DVD?" });
    await chatRow(alice, "Wren").click();
    const pane = alice.getByRole("main");
    await pane.getByRole("button", { name: "Claim" }).click();
    const reply = alice.getByRole("textbox", { name: "Message to Wren" });
    await reply.focus();

    // "/greet", Enter: the library's greeting, filled in.
    await alice.keyboard.type("/greet");
    const options = alice.getByRole("listbox", { name: "Canned messages" });
    await options.getByRole("option", { name: /Greeting/ }).waitFor();
    await assertAccessible(alice, "the reply box with the canned-message picker open");
    await shot(alice, "canned-picker");
    await alice.keyboard.press("Enter");
    assert.equal(await reply.inputValue(), "Hi Wren, I'm Alice. How can I help you today?");
    await alice.keyboard.press("Enter");
    await inLog(box, "Hi Wren, I'm Alice. How can I help you today?").waitFor();

    // "/sign off", Enter: her own.
    await alice.keyboard.type("/sign off");
    await options.getByRole("option", { name: /My sign-off/ }).waitFor();
    await alice.keyboard.press("Enter");
    assert.equal(await reply.inputValue(), "Bye Wren, Alice signing off.");
    await alice.keyboard.press("Enter");
    await inLog(box, "Bye Wren, Alice signing off.").waitFor();
    assert.deepEqual(problems, []);
  });
});
