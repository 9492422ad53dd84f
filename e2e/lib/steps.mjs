// What a patron and a librarian do, expressed the way a person would: by role and label.

export const PASSWORD = "refdesk-demo";
const FRAME = 'iframe[title="Chat with a librarian"]';

/** Waits until `check()` returns a truthy value (polling; the time limit is only a safety net). */
export async function until(check, what, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The chat box of the host page (the iframe's content). */
export const chatBox = (page) => page.frameLocator(FRAME);

export async function openChatBox(page) {
  const launcher = page.getByRole("button", { name: "Chat with a librarian" });
  if ((await launcher.getAttribute("aria-expanded")) !== "true") await launcher.click();
  await until(async () => (await launcher.getAttribute("aria-expanded")) === "true", "the chat box to open");
  return chatBox(page);
}

/** The chat box's pre-chat form (the offline question form has fields of the same names). */
export const prechat = (box) => box.locator("#prechat");

export async function askQuestion(box, { name, question, email }) {
  const form = prechat(box);
  if (name) await form.getByLabel("Name").fill(name);
  if (email) await form.getByLabel("Email").fill(email);
  await form.getByLabel("Question").fill(question);
  await box.getByRole("button", { name: "Start chat" }).click();
  await box.getByRole("log").getByText(question).waitFor();
}

/** Text in a chat's conversation (the role=log region). */
export const inLog = (scope, text) => scope.getByRole("log").getByText(text, { exact: false });

export async function signIn(page, url, email) {
  await page.goto(`${url}/dashboard/`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("status").filter({ hasText: "Connected" }).waitFor();
}

/** The row of the Patron chats list whose accessible name mentions `text`. */
export const chatRow = (page, text) =>
  page.getByRole("navigation", { name: "Patron chats" }).getByRole("button", { name: new RegExp(text) });
