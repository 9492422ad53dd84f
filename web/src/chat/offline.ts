// The offline state: when nobody is monitoring any step of the chat box's routing plan, the
// chat box says so (in the widget's offline text) and offers to take the question by email
// instead: name, email and question make a follow-up ticket in the library, whose staff
// answer by email. "Check again" reads the configuration anew, and so does the chat box itself
// every half minute while it is offline, so a patron who waits sees the chat form as soon as a
// librarian is on duty.

const section = () => document.getElementById("offline")!;
const RECHECK_MS = 30_000;
let recheck: ReturnType<typeof setInterval> | undefined;

/** Shows the offline text and question form in place of the chat form; `retry` runs on
 * "Check again". */
export function showOffline(text: string | null, retry: () => void, widgetId: string): void {
  if (text) document.getElementById("offline-text")!.textContent = text;
  document.getElementById("prechat")!.hidden = true;
  document.getElementById("loading")!.hidden = true;
  section().hidden = false;
  document.getElementById("check-again")!.onclick = retry;
  clearInterval(recheck);
  recheck = setInterval(retry, RECHECK_MS);
  const form = document.getElementById("offline-form") as HTMLFormElement;
  const error = document.getElementById("offline-error")!;
  form.onsubmit = async (e) => {
    e.preventDefault();
    const d = new FormData(form);
    const body = {
      name: String(d.get("name") || "").trim(),
      email: String(d.get("email") || "").trim(),
      question: String(d.get("question") || "").trim(),
    };
    const missing = (["name", "email", "question"] as const).find((k) => !body[k]);
    if (missing) {
      error.textContent = `Please fill in your ${missing}.`;
      (document.getElementById(`o-${missing}`) as HTMLElement).focus();
      return;
    }
    error.textContent = "";
    const r = await fetch(`/api/widgets/${encodeURIComponent(widgetId)}/tickets`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }).catch(() => null);
    if (r && r.status === 201) {
      form.hidden = true;
      document.getElementById("offline-done")!.textContent = `Thank you. A librarian will answer by email at ${body.email}.`;
    } else {
      const b = r ? await r.json().catch(() => null) : null;
      error.textContent = b?.error?.message ? `Sorry: ${b.error.message}.` : "Sorry, your question could not be sent. Please try again.";
    }
  };
}

export function hideOffline(): void {
  clearInterval(recheck);
  recheck = undefined;
  section().hidden = true;
}
