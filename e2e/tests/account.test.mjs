// Changing one's password in a browser (issue 13, item 4): Alice, signed in at the desk and on
// a laptop, is told why a weak password and a wrong current one are refused, changes it at the
// desk, and stays signed in there (her dashboard reconnects on its new session) while the
// laptop is signed out at once; the new password signs her in again.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertAccessible } from "../lib/a11y.mjs";
import { launch, newPage, problems, screenshots } from "../lib/browser.mjs";
import { startServer } from "../lib/server.mjs";
import { PASSWORD, signIn } from "../lib/steps.mjs";

const NEW = "quiet harbour lantern 42";

describe("your account in a browser", () => {
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

  test("a password change signs out every other device and keeps this one", async () => {
    const { url } = server;
    const { shot } = screenshots("18-account");
    const desk = await newPage(browser);
    const laptop = await newPage(browser);
    await signIn(desk, url, "alice@riverside.example");
    await signIn(laptop, url, "alice@riverside.example");

    await desk.getByRole("button", { name: "Your account" }).click();
    const screen = desk.getByRole("main");
    await screen.getByRole("heading", { name: "Your account", level: 2 }).waitFor();
    const fill = async (current, next, again = next) => {
      await screen.getByLabel("Current password").fill(current);
      await screen.getByLabel("New password", { exact: true }).fill(next);
      await screen.getByLabel("New password again").fill(again);
      await screen.getByRole("button", { name: "Change password" }).click();
    };
    await fill(PASSWORD, "password123");
    await screen.getByRole("alert").filter({ hasText: "too easy to guess" }).waitFor();
    await fill(PASSWORD, NEW, "quiet harbour lantern 43");
    await screen.getByRole("alert").filter({ hasText: "not the same" }).waitFor();
    await fill("not my password", NEW);
    await screen.getByRole("alert").filter({ hasText: "the current password is wrong" }).waitFor();
    await assertAccessible(desk, "the account screen with an error");

    await fill(PASSWORD, NEW);
    await screen.getByRole("status").filter({ hasText: "Password changed" }).waitFor();
    await shot(desk, "changed");

    // The laptop is signed out; the desk reconnects on its new session and survives a reload.
    await laptop.getByLabel("Password").waitFor();
    await desk.getByRole("button", { name: "Back to chats" }).click();
    await desk.getByRole("status").filter({ hasText: "Connected" }).waitFor();
    await desk.reload();
    await desk.getByRole("status").filter({ hasText: "Connected" }).waitFor();
    assert.equal(await desk.getByLabel("Password").count(), 0, "still signed in at the desk");

    // The old password no longer works; the new one does.
    await laptop.getByLabel("Email").fill("alice@riverside.example");
    await laptop.getByLabel("Password").fill(PASSWORD);
    await laptop.getByRole("button", { name: "Sign in" }).click();
    await laptop.getByRole("alert").waitFor();
    await laptop.getByLabel("Password").fill(NEW);
    await laptop.getByRole("button", { name: "Sign in" }).click();
    await laptop.getByRole("status").filter({ hasText: "Connected" }).waitFor();
    assert.deepEqual(problems, []);
  });
});
