// Your account in a browser (issue 13, item 4). Alice, signed in at the desk and on a laptop,
// is told why a weak password and a wrong current one are refused, changes it at the desk, and
// stays signed in there (her dashboard reconnects on its new session) while the laptop is
// signed out at once; the new password signs her in again. Rita turns on two-step sign-in
// from the QR code's key and is then asked for a code when she signs in.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertAccessible } from "../lib/a11y.mjs";
import { launch, newPage, problems, screenshots } from "../lib/browser.mjs";
import { startServer } from "../lib/server.mjs";
import { PASSWORD, signIn } from "../lib/steps.mjs";
import { totpCode } from "../lib/totp.mjs";

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

  test("two-step sign-in asks for a code from the app once it is on", async () => {
    const { url } = server;
    const { shot } = screenshots("19-two-step");
    const rita = await newPage(browser);
    await signIn(rita, url, "rita@riverside.example");
    await rita.getByRole("button", { name: "Your account" }).click();
    const section = rita.getByRole("region", { name: "Two-step sign-in" });
    await section.getByText("Off: signing in asks for your password only.").waitFor();
    await section.getByLabel("Your password").fill(PASSWORD);
    await section.getByRole("button", { name: "Set up two-step sign-in" }).click();
    await section.getByRole("img", { name: "QR code for your authenticator app" }).locator("svg").waitFor();
    const secret = (await section.locator(".totp-secret").textContent()).trim();
    await assertAccessible(rita, "setting up two-step sign-in");
    await shot(rita, "qr-code");
    await section.getByLabel("Code your app shows now").fill(totpCode(secret));
    await section.getByRole("button", { name: "Turn on" }).click();
    await section.getByRole("status").filter({ hasText: "Two-step sign-in is on" }).waitFor();

    // Signing in now asks for a code (the next one: each code is accepted once).
    const again = await newPage(browser);
    await again.goto(`${url}/dashboard/`);
    await again.getByLabel("Email").fill("rita@riverside.example");
    await again.getByLabel("Password").fill(PASSWORD);
    await again.getByRole("button", { name: "Sign in" }).click();
    const code = again.getByLabel("Code from your authenticator app");
    await code.waitFor();
    await assertAccessible(again, "sign-in asking for a code");
    await code.fill("000000" === totpCode(secret, Date.now() + 30_000) ? "111111" : "000000");
    await again.getByRole("button", { name: "Sign in" }).click();
    await again.getByRole("alert").filter({ hasText: "That code is wrong" }).waitFor();
    await code.fill(totpCode(secret, Date.now() + 30_000));
    await again.getByRole("button", { name: "Sign in" }).click();
    await again.getByRole("status").filter({ hasText: "Connected" }).waitFor();

    await section.getByLabel("Your password").fill(PASSWORD);
    await section.getByRole("button", { name: "Turn off two-step sign-in" }).click();
    await section.getByRole("status").filter({ hasText: "Two-step sign-in is off." }).waitFor();
    assert.deepEqual(problems, []);
  });
});
