// Files in a chat, in a browser (issue 11, item 5). A patron sends an image and the librarian
// sees its thumbnail; the librarian sends a PDF and the patron gets a download. Stored-XSS
// attempts do not run: an SVG and an HTML file are refused, a polyglot (a PNG with a script
// after it) is only ever an image, and a file name full of markup is shown as text, in the
// chat pane, the chat box and the file opened on its own.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertAccessible } from "../lib/a11y.mjs";
import { launch, newPage, problems, screenshots } from "../lib/browser.mjs";
import { startServer } from "../lib/server.mjs";
import { askQuestion, chatRow, openChatBox, signIn, until } from "../lib/steps.mjs";

// A 2×2 red PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==",
  "base64",
);
const PWNED = "window.__pwned=1";
const file = (name, mimeType, buffer) => ({ name, mimeType, buffer });

describe("files in a chat, in a browser", () => {
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

  test("a patron sends an image, the librarian a PDF; markup never runs", async () => {
    const { url } = server;
    const { shot } = screenshots("14-files");
    const alice = await newPage(browser);
    const patron = await newPage(browser);
    await signIn(alice, url, "alice@riverside.example");
    await patron.goto(`${url}/demo/riverside`);
    const box = await openChatBox(patron);
    await askQuestion(box, { name: "Kai", question: "Can you read this page of my book?" });
    await chatRow(alice, "Kai").click();
    const pane = alice.getByRole("main");
    await pane.getByRole("button", { name: "Claim" }).click();
    await pane.getByRole("textbox", { name: "Message to Kai" }).waitFor();

    // The patron's image: a thumbnail in the chat pane.
    const attach = box.getByLabel("Attach a file");
    await attach.setInputFiles(file("page 12.png", "image/png", PNG));
    const thumb = pane.getByRole("img", { name: "page 12.png" });
    await thumb.waitFor();
    await until(() => thumb.evaluate((img) => img.complete && img.naturalWidth === 2), "the thumbnail to load");
    await box.getByRole("img", { name: "page 12.png" }).waitFor();
    await shot(alice, "image-in-the-pane");

    // Markup is refused, whatever it is called.
    await attach.setInputFiles(file("map.svg", "image/svg+xml", Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" onload="${PWNED}"/>`)));
    await box.getByText(/The file was not sent: files of this type \(.*\) cannot be sent\./).waitFor();
    await attach.setInputFiles(file("page.png", "image/png", Buffer.from(`<!doctype html><script>${PWNED}</script>`)));
    await box.getByText(/The file was not sent: files of this type \(.*\) cannot be sent\./).waitFor();

    // A polyglot with a name full of markup: an image, its name plain text.
    const evil = `<img src=x onerror="${PWNED}">.png`;
    await attach.setInputFiles(file(evil, "image/png", Buffer.concat([PNG, Buffer.from(`<html><script>${PWNED}</script></html>`)])));
    const link = pane.getByRole("link", { name: new RegExp(`^${evil.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(`) });
    await link.waitFor();
    await box.getByRole("link", { name: new RegExp("onerror") }).waitFor();
    // Opened on its own, it is an image in a sandbox.
    const href = await link.getAttribute("href");
    const direct = await newPage(browser);
    await direct.context().addCookies((await alice.context().cookies()).map((c) => ({ ...c })));
    const resp = await direct.goto(`${url}${href}`);
    assert.equal(resp.headers()["content-type"], "image/png");
    assert.equal(resp.headers()["x-content-type-options"], "nosniff");
    assert.match(resp.headers()["content-security-policy"], /^sandbox/);
    for (const page of [alice, patron, direct]) {
      assert.equal(await page.evaluate(() => window.__pwned), undefined, "no script ran");
    }
    await direct.close();

    // The librarian's PDF: a download for the patron.
    await pane.getByLabel("Attach a file").setInputFiles(file("guide.pdf", "application/pdf", Buffer.from("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")));
    const pdf = box.getByRole("link", { name: /^guide\.pdf/ });
    await pdf.waitFor();
    const [download] = await Promise.all([patron.waitForEvent("download"), pdf.click()]);
    assert.equal(download.suggestedFilename(), "guide.pdf");
    await assertAccessible(patron, "the chat box with files");
    await assertAccessible(alice, "the chat pane with files");
    await shot(patron, "files-in-the-chat-box");
    for (const page of [alice, patron]) {
      assert.equal(await page.evaluate(() => window.__pwned), undefined, "no script ran");
    }
    assert.deepEqual(problems, []);
  });
});
