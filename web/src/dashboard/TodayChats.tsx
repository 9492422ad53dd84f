// "Today's chats with this patron", in a chat's pane: the same guest's chats since midnight
// (in the library's time zone), each opening its own pane with its transcript.

import { useState } from "preact/hooks";
import type { StaffChatView } from "../shared/api";
import { http } from "./http";
import { openChat } from "./state";
import { clock } from "./time";

export function TodayChats({ chatId }: { chatId: string }) {
  const [chats, setChats] = useState<StaffChatView[] | null>(null);
  const [error, setError] = useState("");
  const load = () =>
    http<{ chats: StaffChatView[] }>("GET", `/api/chats/${chatId}/today`).then(
      (r) => setChats(r.chats.filter((c) => c.id !== chatId)),
      () => setError("Could not read this patron's chats of today"),
    );
  return (
    <section class="today" aria-label="Today's chats with this patron">
      {chats === null ? (
        <button type="button" class="secondary" onClick={() => void load()}>
          Today's chats with this patron
        </button>
      ) : chats.length === 0 ? (
        <p class="muted">No other chats with this patron today.</p>
      ) : (
        <ul>
          {chats.map((c) => (
            <li key={c.id}>
              <button type="button" class="link" onClick={() => openChat(c)}>
                {clock(c.created_at)} · {c.status} · {c.question ?? "(no question)"}
              </button>
            </li>
          ))}
        </ul>
      )}
      <p class="error" role="alert">
        {error}
      </p>
    </section>
  );
}
