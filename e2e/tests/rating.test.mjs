// Rating a chat in a browser (issue 11, item 6): when the librarian closes the chat, the chat
// box asks the patron how helpful it was; the rating and comment reach the librarian's pane.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertAccessible } from "../lib/a11y.mjs";
import { launch, newPage, problems, screenshots } from "../lib/browser.mjs";
import { startServer } from "../lib/server.mjs";
import { askQuestion, chatRow, openChatBox, signIn } from "../lib/steps.mjs";

describe("rating a chat in a browser", () => {
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

  test("the patron rates the chat when it ends and the librarian sees it", async () => {
    const { url } = server;
    const { shot } = screenshots("11-rating");
    const alice = await newPage(browser);
    const patron = await newPage(browser);
    await signIn(alice, url, "alice@riverside.example");
    await patron.goto(`${url}/demo/riverside`);
    const box = await openChatBox(patron);
    await askQuestion(box, { name: "Yara", question: "Do you have museum passes?" });
    await chatRow(alice, "Yara").click();
    const pane = alice.getByRole("main");
    await pane.getByRole("button", { name: "Claim" }).click();
    await pane.getByRole("button", { name: "Close chat" }).click();

    const form = box.getByRole("group", { name: "How helpful was this chat?" });
    await form.waitFor();
    await assertAccessible(patron, "the chat box asking for a rating");
    await form.getByRole("radio", { name: "5 (excellent)" }).check();
    await box.getByLabel("Comment (optional)").fill("Quick and friendly!");
    await box.getByRole("button", { name: "Send rating" }).click();
    await box.getByText("Thank you for your rating.").waitFor();
    await shot(patron, "rated");
    await pane.getByText("The patron rated this chat 5 of 5: “Quick and friendly!”").waitFor();
    assert.equal(await box.getByRole("button", { name: "Send rating" }).isVisible(), false);
    assert.deepEqual(problems, []);
  });
});
