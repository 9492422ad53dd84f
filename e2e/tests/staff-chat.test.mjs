// Staff chat in a browser (issue 10, item 3): Alice makes a room and invites Bob, who sees a
// new-IM count and answers; the library's room reaches every colleague at Riverside; patrons
// never see any of it (the chat box has no part in it).

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertAccessible } from "../lib/a11y.mjs";
import { launch, newPage, problems, screenshots } from "../lib/browser.mjs";
import { startServer } from "../lib/server.mjs";
import { signIn } from "../lib/steps.mjs";

describe("staff chat in a browser", () => {
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

  test("a made room and the library's room carry IMs between colleagues", async () => {
    const { url } = server;
    const { shot } = screenshots("09-staff-chat");
    const alice = await newPage(browser);
    const bob = await newPage(browser);
    await signIn(alice, url, "alice@riverside.example");
    await signIn(bob, url, "bob@riverside.example");
    const aliceIm = alice.getByRole("region", { name: "Staff IM" });
    const bobIm = bob.getByRole("region", { name: "Staff IM" });

    // Alice makes a room and invites Bob (he is on her Librarians list).
    await aliceIm.getByRole("button", { name: "New room" }).click();
    await aliceIm.getByLabel("Room name").fill("Maps team");
    await aliceIm.getByRole("checkbox", { name: "Bob Binder" }).check();
    await aliceIm.getByRole("button", { name: "Make room" }).click();
    const box = aliceIm.getByRole("textbox", { name: "IM to Maps team" });
    await box.fill("Who can cover the map room at noon?");
    await box.press("Enter");
    await aliceIm.getByRole("log", { name: "IM with Maps team" }).getByText("Who can cover the map room at noon?").waitFor();

    // Bob's dashboard follows the room at once: a count, then the message; he answers.
    await bobIm.getByRole("button", { name: "Maps team (1 new)" }).click();
    await bobIm.getByRole("log", { name: "IM with Maps team" }).getByText("Who can cover the map room at noon?").waitFor();
    const reply = bobIm.getByRole("textbox", { name: "IM to Maps team" });
    await reply.pressSequentially("I can.", { delay: 20 });
    await aliceIm.getByText("Bob Binder is typing…").waitFor();
    await reply.press("Enter");
    await aliceIm.getByRole("log", { name: "IM with Maps team" }).getByText("I can.").waitFor();
    await assertAccessible(bob, "the Staff IM panel with a room open");
    await shot(bob, "room");

    // The library's room: Alice opens it and writes; Bob has it without being invited.
    await aliceIm.getByRole("button", { name: "Library room" }).click();
    const lib = aliceIm.getByRole("textbox", { name: "IM to Riverside Public Library" });
    await lib.fill("Fire drill at 3 pm.");
    await lib.press("Enter");
    await bobIm.getByRole("button", { name: "Riverside Public Library (1 new)" }).click();
    await bobIm.getByRole("log", { name: "IM with Riverside Public Library" }).getByText("Fire drill at 3 pm.").waitFor();
    assert.deepEqual(problems, []);
  });
});
