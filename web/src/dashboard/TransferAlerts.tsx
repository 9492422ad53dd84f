// Transferred chats waiting for me: an alert a librarian cannot miss (a tone and a desktop
// notification when it arrives, a count in the tab title) with the sender's name and note, a
// preview of the chat so far, and Accept / Decline. A transfer to a queue shows to all its
// monitors until the first one accepts it.

import { useState } from "preact/hooks";
import type { TransferPreview, TransferView } from "../shared/api";
import { answer, incoming, preview, takenNews } from "./transfers";
import { clock } from "./time";

function Alert({ t }: { t: TransferView }) {
  const [shown, setShown] = useState<TransferPreview | null>(null);
  const [error, setError] = useState("");
  const patron = t.patron_name || "Patron";
  const where = t.target_kind === "operator" ? "to you" : `to ${t.target.name}`;
  const act = async (action: "accept" | "decline") => {
    const e = await answer(t, action);
    if (e) setError(e);
  };
  return (
    <li class="transfer-alert">
      <p class="transfer-from">
        <b>Transferred chat</b> from {t.from.name} {where}
      </p>
      <p>
        {patron} ({t.institution.name}){t.question ? `: ${t.question}` : ""}
      </p>
      {t.note && <p class="transfer-note">Note: {t.note}</p>}
      <div class="transfer-actions">
        <button type="button" class="primary small" onClick={() => void act("accept")}>
          Accept transfer from {t.from.name}
        </button>
        {t.target_kind === "operator" && (
          <button type="button" class="secondary small" onClick={() => void act("decline")}>
            Decline
          </button>
        )}
        <button
          type="button"
          class="secondary small"
          aria-expanded={shown !== null}
          onClick={() => (shown ? setShown(null) : preview(t.id).then(setShown, () => setError("Could not read the chat")))}
        >
          {shown ? "Hide preview" : "Preview"}
        </button>
      </div>
      {shown && (
        <ol class="transfer-preview" aria-label={`Chat with ${patron} so far`}>
          {shown.messages.map((m) => (
            <li key={m.id} class={m.kind}>
              <span class="msg-time">{clock(m.created_at)}</span>{" "}
              <b>{m.kind === "patron" ? patron : m.kind === "system" ? "" : m.sender_name || "Librarian"}</b>
              {m.kind === "internal_note" ? " (note)" : ""} {m.body}
            </li>
          ))}
        </ol>
      )}
      <p class="error" role="alert">
        {error}
      </p>
    </li>
  );
}

export function TransferAlerts() {
  const list = incoming.value;
  const news = takenNews.value;
  return (
    <>
      <p class="transfer-taken" role="status">
        {news}
        {news && (
          <button type="button" class="link" onClick={() => (takenNews.value = "")}>
            Dismiss
          </button>
        )}
      </p>
      {list.length > 0 && (
        <section class="transfer-alerts" aria-labelledby="transfers-title">
          <h2 id="transfers-title">Transferred to you ({list.length})</h2>
          <ul>
            {list.map((t) => (
              <Alert key={t.id} t={t} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
