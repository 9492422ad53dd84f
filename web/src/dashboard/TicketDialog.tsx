// "Create a follow-up ticket" (from the chat pane's Ticket button): the patron's home library,
// its queues (the chat box's first), the patron's name and email (both required, prefilled
// from the pre-chat form) and an optional internal note. The ticket always lands in the home
// library, whoever makes it; its staff see the chat's transcript without internal notes.

import { useEffect, useRef, useState } from "preact/hooks";
import type { StaffChatView, TicketFormView, TicketView } from "../shared/api";
import { http, HttpError } from "./http";

export function TicketDialog({ chat, onClose, onCreated }: { chat: StaffChatView; onClose: () => void; onCreated: (t: TicketView) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [form, setForm] = useState<TicketFormView | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    dialog.current?.showModal();
    http<TicketFormView>("GET", `/api/chats/${chat.id}/ticket-form`).then(setForm, () => setError("Could not read the patron's library"));
  }, [chat.id]);
  const submit = async (e: Event) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const name = String(d.get("patron_name") ?? "").trim();
    const email = String(d.get("patron_email") ?? "").trim();
    if (!name || !email) {
      setError("Patron name and patron email are both required.");
      (document.getElementById(name ? "ticket-email" : "ticket-name") as HTMLInputElement | null)?.focus();
      return;
    }
    setBusy(true);
    setError("");
    try {
      const t = await http<TicketView>("POST", `/api/chats/${chat.id}/tickets`, {
        queue_id: d.get("queue"),
        patron_name: name,
        patron_email: email,
        note: String(d.get("note") ?? "").trim() || null,
      });
      onCreated(t);
      dialog.current?.close();
    } catch (err) {
      setError(err instanceof HttpError ? err.message : "Could not create the ticket");
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={dialog} class="transfer-dialog ticket-dialog" aria-labelledby="ticket-title" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id="ticket-title">Create a follow-up ticket</h2>
        {form === null && !error && <p class="muted">Loading…</p>}
        {form && (
          <>
            <p>
              In <b>{form.institution_name}</b>, the patron's home library. Its staff follow up by email and see the transcript (without internal notes).
            </p>
            <label for="ticket-queue">Queue</label>
            <select id="ticket-queue" name="queue" defaultValue={form.default_queue}>
              {form.queues.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.name}
                </option>
              ))}
            </select>
            <label for="ticket-name">Patron name (required)</label>
            <input id="ticket-name" name="patron_name" required maxLength={100} defaultValue={form.patron_name ?? ""} autocomplete="off" />
            <label for="ticket-email">Patron email (required)</label>
            <input id="ticket-email" name="patron_email" type="email" required maxLength={254} defaultValue={form.patron_email ?? ""} autocomplete="off" />
            <label for="ticket-note">Internal note (optional; staff only)</label>
            <textarea id="ticket-note" name="note" rows={3} maxLength={20000} />
          </>
        )}
        <p class="error" role="alert">
          {error}
        </p>
        <div class="dialog-actions">
          <button type="submit" class="primary" disabled={busy || !form}>
            Create Ticket
          </button>
          <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
