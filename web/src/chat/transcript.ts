// "Email me the transcript", once a chat has ended: the patron types an address (the one they
// gave in the pre-chat form, if any, is filled in) and the library sends what they saw.

const form = () => document.getElementById("transcript") as HTMLFormElement;
const done = () => document.getElementById("transcript-done")!;
let sentFor: string | null = null;

/** Offers the transcript form for the ended `chat`. */
export function offerTranscript(chat: string | undefined, token: string | undefined, email: string | undefined): void {
  const f = form();
  f.hidden = !chat || !token || sentFor === chat;
  if (f.hidden || !chat || !token) return;
  const input = document.getElementById("transcript-email") as HTMLInputElement;
  if (!input.value && email) input.value = email;
  f.onsubmit = async (e) => {
    e.preventDefault();
    const to = input.value.trim();
    const error = document.getElementById("transcript-error")!;
    if (!to) {
      error.textContent = "Please enter your email address.";
      input.focus();
      return;
    }
    error.textContent = "";
    const r = await fetch(`/api/chats/${chat}/transcript`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer " + token },
      body: JSON.stringify({ email: to }),
    }).catch(() => null);
    if (r && r.status === 202) {
      sentFor = chat;
      f.hidden = true;
      done().textContent = `The transcript is on its way to ${to}.`;
    } else {
      const body = r ? await r.json().catch(() => null) : null;
      error.textContent = body?.error?.message ? `Sorry: ${body.error.message}.` : "Sorry, the transcript could not be sent. Please try again.";
    }
  };
}

/** A new chat: the last one's form and thanks go away. */
export function resetTranscript(): void {
  form().hidden = true;
  done().textContent = "";
}
