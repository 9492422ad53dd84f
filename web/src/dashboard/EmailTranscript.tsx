// "Email the transcript" in the chat pane: to the address the patron gave, or another. The
// mail holds what the patron saw (never internal notes) and is sent in the background; the
// admins' Email screen shows whether it went.

import { useState } from "preact/hooks";
import type { StaffChatView } from "../shared/api";
import { http, HttpError } from "./http";

export function EmailTranscript({ chat }: { chat: StaffChatView }) {
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  if (!open) {
    return (
      <p class="email-transcript">
        <button type="button" class="secondary small" onClick={() => setOpen(true)}>
          Email the transcript
        </button>{" "}
        <span role="status">{status}</span>
      </p>
    );
  }
  const submit = async (e: Event) => {
    e.preventDefault();
    const email = String(new FormData(e.currentTarget as HTMLFormElement).get("email") ?? "").trim();
    setError("");
    try {
      const r = await http<{ to: string }>("POST", `/api/chats/${chat.id}/transcript`, email ? { email } : {});
      setStatus(`Transcript queued for ${r.to}.`);
      setOpen(false);
    } catch (err) {
      setError(err instanceof HttpError ? err.message : "Could not send the transcript");
    }
  };
  return (
    <form class="email-transcript" onSubmit={submit}>
      <label for="transcript-email">Email the transcript to</label>{" "}
      <input id="transcript-email" name="email" type="email" maxLength={254} defaultValue={chat.patron_email ?? ""} autoFocus />{" "}
      <button type="submit" class="secondary small">
        Send
      </button>{" "}
      <button type="button" class="link" onClick={() => setOpen(false)}>
        Cancel
      </button>
      <span class="error" role="alert">
        {error}
      </span>
    </form>
  );
}
