// While a patron waits for a librarian, the chat box suggests up to three of the library's
// public FAQs that match the words of their question, each a link to its answer on the
// library's FAQ page (in a new tab, so the chat stays open). Nothing is suggested for a chat
// that is no longer waiting.

const box = () => document.getElementById("suggestions")!;
let forChat: string | null = null;

/** Looks up suggestions for `chat`'s question. */
export async function suggestFaqs(widgetId: string, chat: string, question: string): Promise<void> {
  forChat = chat;
  const list = box().querySelector("ul")!;
  list.replaceChildren();
  const r = await fetch(`/api/widgets/${widgetId}/faqs?q=${encodeURIComponent(question.slice(0, 500))}`).catch(() => null);
  if (!r || r.status !== 200 || forChat !== chat) return;
  const { faqs } = (await r.json()) as { faqs: { id: string; question: string; url: string }[] };
  for (const f of faqs) {
    const a = document.createElement("a");
    a.href = f.url;
    a.target = "_blank";
    a.rel = "noopener";
    a.textContent = f.question;
    const li = document.createElement("li");
    li.appendChild(a);
    list.appendChild(li);
  }
}

/** Shows the suggestions while the chat waits, and only then. */
export function showSuggestions(waiting: boolean): void {
  const b = box();
  b.hidden = !waiting || !b.querySelector("li");
}

/** A new chat: the last one's suggestions go away. */
export function clearSuggestions(): void {
  forChat = null;
  box().querySelector("ul")!.replaceChildren();
  box().hidden = true;
}
