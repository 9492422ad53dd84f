// Rating a chat once it has ended (when the chat box asks for it): 1 to 5 and an optional
// comment, sent once with the guest token; the form then says thank you.

const form = () => document.getElementById("rating") as HTMLFormElement;
const done = () => document.getElementById("rating-done")!;
let rated: string | null = null;

/** Offers the rating form for `chat` (or hides it when the chat box does not ask). */
export function offerRating(chat: string | undefined, ask: boolean, token: string | undefined): void {
  const f = form();
  f.hidden = !ask || !chat || !token || rated === chat;
  if (f.hidden || !chat || !token) return;
  done().textContent = "";
  f.onsubmit = async (e) => {
    e.preventDefault();
    const d = new FormData(f);
    const comment = String(d.get("comment") || "").trim();
    const r = await fetch(`/api/chats/${chat}/rating`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer " + token },
      body: JSON.stringify({ stars: Number(d.get("stars")), comment: comment || null }),
    }).catch(() => null);
    if (r && (r.status === 201 || r.status === 409)) {
      rated = chat;
      f.hidden = true;
      f.reset();
      done().textContent = "Thank you for your rating.";
    } else {
      done().textContent = "Sorry, the rating could not be sent. Please try again.";
    }
  };
}

/** A new chat: the last one's thanks go away. */
export function resetRating(): void {
  form().hidden = true;
  done().textContent = "";
}
