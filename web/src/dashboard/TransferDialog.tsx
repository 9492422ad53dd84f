// The Transfer dialog of a chat I hold: who is online to take it right now (librarians with how
// many chats each holds, departments and co-ops with how many monitor them), a note for the
// receiver, and "Ask first": an IM to a librarian from inside the dialog, recorded in the chat's
// history as a note to staff.

import { useEffect, useRef, useState } from "preact/hooks";
import type { StaffChatView, TransferTargets } from "../shared/api";
import { ims, imWith, partner, sendIm } from "./im";
import { send } from "./state";
import { offer, targets } from "./transfers";

type Choice = { kind: "operator" | "department" | "coop"; id: string; name: string };

function AskFirst({ chat, to }: { chat: StaffChatView; to: Choice }) {
  const [conv, setConv] = useState<string | null>(null);
  const [error, setError] = useState("");
  const box = useRef<HTMLInputElement>(null);
  useEffect(() => {
    void imWith(to.id).then((id) => (id ? setConv(id) : setError(`Could not open an IM with ${to.name}`)));
  }, [to.id]);
  const t = conv ? ims.value[conv] : undefined;
  const submit = (e: Event) => {
    e.preventDefault();
    const body = box.current!.value.trim();
    if (!body || !conv) return;
    sendIm(conv, body);
    // Asked from the transfer dialog: the chat's history keeps it, for staff only.
    send(chat.id, `IM to ${to.name}: ${body}`, "internal_note");
    box.current!.value = "";
  };
  return (
    <section class="ask-first" aria-label={`IM with ${to.name}`}>
      <ul class="im-log" aria-live="polite">
        {t?.messages.slice(-6).map((m) => (
          <li key={m.id}>
            <b>{m.sender.id === to.id ? (t ? partner(t.conversation) : to.name) : "You"}:</b> {m.body}
          </li>
        ))}
        {t?.pending.map((p) => (
          <li key={p.id} class="muted">
            You: {p.body} (sending…)
          </li>
        ))}
      </ul>
      <form class="im-form" onSubmit={submit}>
        <label for="ask-first-box" class="sr-only">
          Message to {to.name}
        </label>
        {/* Not before the IM is open: a message typed sooner would have nowhere to go. */}
        <input
          id="ask-first-box"
          ref={box}
          maxLength={4000}
          disabled={!conv}
          placeholder={conv ? `Ask ${to.name} first…` : `Opening an IM with ${to.name}…`}
        />
        <button type="submit" class="secondary small" disabled={!conv}>
          Send IM
        </button>
      </form>
      <p class="error" role="alert">
        {error}
      </p>
    </section>
  );
}

export function TransferDialog({ chat, onClose }: { chat: StaffChatView; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [list, setList] = useState<TransferTargets | null>(null);
  const [choice, setChoice] = useState<Choice | null>(null);
  const [asking, setAsking] = useState<Choice | null>(null);
  const [note, setNote] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    dialog.current?.showModal();
    targets(chat.id).then(setList, () => setError("Could not read who is online"));
  }, [chat.id]);
  const patron = chat.patron_name || "the patron";
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!choice) {
      setError("Choose whom to transfer the chat to.");
      return;
    }
    setBusy(true);
    try {
      await offer(chat.id, choice.kind, choice.id, note);
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : "Could not transfer the chat");
    } finally {
      setBusy(false);
    }
  };
  const radio = (c: Choice, label: string) => (
    <label class="target">
      <input type="radio" name="target" checked={choice?.id === c.id} onChange={() => setChoice(c)} /> {label}
    </label>
  );
  const empty = list && !list.operators.length && !list.departments.length && !list.coops.length;
  return (
    <dialog ref={dialog} class="transfer-dialog" aria-labelledby="transfer-title" onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id="transfer-title">Transfer the chat with {patron}</h2>
        {list === null && !error && <p class="muted">Looking for who is online…</p>}
        {empty && <p>Nobody else is online to take this chat right now.</p>}
        {list && list.operators.length > 0 && (
          <fieldset>
            <legend>Librarians online</legend>
            <ul class="targets">
              {list.operators.map((o) => (
                <li key={o.id}>
                  {radio(
                    { kind: "operator", id: o.id, name: o.name },
                    `${o.name} (${o.institution.name}) · ${o.chats} chat${o.chats === 1 ? "" : "s"}`,
                  )}{" "}
                  <button type="button" class="link" aria-label={`Ask first: ${o.name}`} onClick={() => setAsking({ kind: "operator", id: o.id, name: o.name })}>
                    Ask first
                  </button>
                </li>
              ))}
            </ul>
          </fieldset>
        )}
        {asking && <AskFirst key={asking.id} chat={chat} to={asking} />}
        {list && list.departments.length > 0 && (
          <fieldset>
            <legend>Departments</legend>
            <ul class="targets">
              {list.departments.map((d) => (
                <li key={d.id}>{radio({ kind: "department", id: d.id, name: d.name }, `${d.name} · ${d.monitors} monitoring`)}</li>
              ))}
            </ul>
          </fieldset>
        )}
        {list && list.coops.length > 0 && (
          <fieldset>
            <legend>Co-ops</legend>
            <ul class="targets">
              {list.coops.map((c) => (
                <li key={c.id}>{radio({ kind: "coop", id: c.id, name: c.name }, `${c.name} · ${c.monitors} monitoring`)}</li>
              ))}
            </ul>
          </fieldset>
        )}
        <label for="transfer-note">Note for the receiver (staff only)</label>
        <textarea id="transfer-note" rows={2} maxLength={1000} value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
        <p class="error" role="alert">
          {error}
        </p>
        <div class="dialog-actions">
          <button type="submit" class="primary" disabled={busy || !list || !!empty}>
            Transfer
          </button>
          <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
