// Library settings and the unattended dashboard: an institution admin sets the privacy and
// staffing policy on its screen and it takes effect; an operator has no such screen; a
// dashboard left alone asks "Are you still monitoring?" and goes Offline when nobody answers.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertAccessible } from "../lib/a11y.mjs";
import { launch, newPage, problems, screenshots } from "../lib/browser.mjs";
import { startServer } from "../lib/server.mjs";
import { askQuestion, chatRow, openChatBox, signIn, until } from "../lib/steps.mjs";

describe("library settings in a browser", () => {
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

  test("an institution admin adds a department and a chat box, and the chat box works", async () => {
    const { url } = server;
    const { shot } = screenshots("04-chat-boxes");
    const rita = await newPage(browser);
    await signIn(rita, url, "rita@riverside.example");
    await rita.getByRole("button", { name: "Library settings" }).click();
    const boxes = rita.getByRole("region", { name: "Departments and chat boxes" });
    await boxes.getByLabel("New department").fill("Law");
    await boxes.getByRole("button", { name: "Add department" }).click();
    await boxes.getByRole("status").filter({ hasText: "Department Law added." }).waitFor();
    const add = boxes.getByRole("group", { name: "New chat box" });
    await add.getByLabel("Name", { exact: true }).fill("Law desk");
    await add.locator("select").selectOption({ label: "Law" });
    await add.getByRole("group", { name: "Pre-chat field: Email" }).getByRole("radio", { name: "Hidden" }).check();
    await add.getByRole("group", { name: "Pre-chat field: Name" }).getByRole("radio", { name: "Required" }).check();
    await add.getByLabel(/Greeting/).fill("Ask the law librarians <b>anything</b>.");
    // Routing: offered to the co-op after 45 s unanswered.
    await add.getByRole("button", { name: "Add a routing step" }).click();
    await add.getByLabel("Step 2: offer to").selectOption({ label: "Co-op: Three Rivers Library Co-op" });
    await add.getByLabel(/after this many seconds unanswered/).fill("45");
    await add.getByRole("button", { name: "Add chat box" }).click();
    await boxes.getByRole("status").filter({ hasText: "Chat box Law desk added." }).waitFor();
    const saved = boxes.getByRole("group", { name: "Law desk" });
    assert.equal(await saved.getByLabel(/after this many seconds unanswered/).inputValue(), "45");
    assert.equal(
      await saved.getByLabel("Step 2: offer to").evaluate((s) => s.selectedOptions[0].textContent),
      "Co-op: Three Rivers Library Co-op",
    );
    await assertAccessible(rita, "the departments and chat boxes screen");
    await shot(rita, "added");
    const embed = await boxes.getByRole("group", { name: "Law desk" }).locator("code").textContent();
    const widget = /data-widget="([^"]+)"/.exec(embed)[1];

    // An operator signs in (monitoring every department, Law too, from now on).
    const alice = await newPage(browser);
    await signIn(alice, url, "alice@riverside.example");

    // The new chat box follows its settings: no email field, the name required, the greeting
    // shown as text.
    const patron = await newPage(browser);
    await patron.goto(`${url}/chat/${widget}`);
    await patron.getByText("Ask the law librarians <b>anything</b>.").waitFor();
    assert.equal(await patron.locator("#prechat").getByLabel("Email").isVisible(), false);
    await patron.locator("#prechat").getByLabel("Question").fill("Where are the state statutes?");
    await patron.getByRole("button", { name: "Start chat" }).click();
    await patron.getByRole("alert").filter({ hasText: "Please type your name." }).waitFor();
    await patron.locator("#prechat").getByLabel("Name").fill("Jo");
    await patron.getByRole("button", { name: "Start chat" }).click();
    await patron.getByRole("log").getByText("Where are the state statutes?").waitFor();

    // It lands in the Law department, where Riverside's operators claim it.
    await chatRow(alice, "Jo").click();
    await alice.getByRole("button", { name: "Claim" }).click();
    await patron.getByRole("status").filter({ hasText: "You are chatting with Alice" }).waitFor();
    // The patron ends it, so Alice holds no chat when the next test limits her to one.
    await patron.getByRole("button", { name: "End chat" }).click();
    await patron.getByText("This chat has ended.").waitFor();
    assert.deepEqual(problems, []);
    await Promise.all([rita, patron, alice].map((p) => p.close()));
  });

  test("an institution admin sets the policy and it takes effect", async () => {
    const { url } = server;
    const { shot } = screenshots("04-settings");
    const rita = await newPage(browser);
    await signIn(rita, url, "rita@riverside.example");
    await rita.getByRole("button", { name: "Library settings" }).click();
    const form = rita.getByRole("main");
    await form.getByRole("heading", { name: "Library settings" }).waitFor();
    await assertAccessible(rita, "the library settings screen");
    assert.equal(await form.getByRole("radio", { name: /Truncated/ }).isChecked(), true, "the private default");
    await form.getByLabel("Show librarians' first names to patrons").uncheck();
    await form.getByLabel("Most chats one operator holds at once (empty for no limit)").fill("1");
    await form.getByRole("radio", { name: "Not stored" }).check();
    // Files in chats: at most 2 MB, no office documents.
    await form.getByLabel(/Largest file patrons and librarians may send/).fill("2048");
    await form.getByRole("checkbox", { name: /Office documents/ }).uncheck();
    await form.getByRole("button", { name: "Save settings" }).click();
    await form.getByRole("status").filter({ hasText: "Settings saved." }).waitFor();
    await shot(rita, "saved");
    // A value out of bounds is refused (the form's own check; the server checks again), and
    // nothing is saved.
    const grace = form.getByLabel(/Seconds an operator may be disconnected/);
    await grace.fill("5");
    await form.getByRole("button", { name: "Save settings" }).click();
    assert.equal(await grace.evaluate((e) => e.validity.rangeUnderflow), true);
    await rita.reload();
    await rita.getByRole("button", { name: "Library settings" }).click();
    assert.equal(await rita.getByLabel(/Seconds an operator may be disconnected/).inputValue(), "60");
    assert.equal(await rita.getByRole("radio", { name: "Not stored" }).isChecked(), true);
    assert.equal(await rita.getByLabel(/Largest file patrons and librarians may send/).inputValue(), "2048");
    assert.equal(await rita.getByRole("checkbox", { name: /Office documents/ }).isChecked(), false);
    assert.equal(await rita.getByRole("checkbox", { name: /Images/ }).isChecked(), true);

    // An operator has no settings screen; their patron sees "Librarian", not a name.
    const alice = await newPage(browser);
    await signIn(alice, url, "alice@riverside.example");
    assert.equal(await alice.getByRole("button", { name: "Library settings" }).count(), 0);
    const patron = await newPage(browser);
    await patron.goto(`${url}/demo/riverside`);
    const box = await openChatBox(patron);
    await askQuestion(box, { name: "Lee", question: "Is the library open on Sunday?" });
    await chatRow(alice, "Lee").click();
    await alice.getByRole("main").getByRole("button", { name: "Claim" }).click();
    await box.getByRole("status").filter({ hasText: "You are chatting with Librarian" }).waitFor();
    assert.ok(!(await box.locator("body").textContent()).includes("Alice"));
    assert.deepEqual(problems, []);
  });

  test("an unattended dashboard asks, then goes Offline", async () => {
    const { url } = server;
    const { shot } = screenshots("05-unattended");
    const dave = await newPage(browser);
    await dave.clock.install();
    await signIn(dave, url, "dave@lakeside.example");
    const local = dave.getByRole("switch", { name: "Local monitoring: Ask a Librarian" });
    await until(async () => (await local.getAttribute("aria-checked")) === "true", "local monitoring on");
    // An hour without input (the default): the question.
    await dave.clock.fastForward(61 * 60_000);
    const dialog = dave.getByRole("dialog", { name: "Are you still monitoring?" });
    await dialog.waitFor();
    await assertAccessible(dave, "the still-monitoring question");
    await shot(dave, "asked");
    // Answered: nothing changes.
    await dialog.getByRole("button", { name: "Yes, I am still here" }).click();
    assert.equal(await local.getAttribute("aria-checked"), "true");
    // Asked again and not answered within two minutes: Offline.
    await dave.clock.fastForward(61 * 60_000);
    await dialog.waitFor();
    await dave.clock.fastForward(150_000);
    await dave.getByRole("alert").filter({ hasText: "You were switched Offline" }).waitFor();
    await until(async () => (await local.getAttribute("aria-checked")) === "false", "local monitoring off");
    await shot(dave, "offline");
    assert.deepEqual(problems, []);
  });
});
