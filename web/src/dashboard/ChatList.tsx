import type { StaffChatView } from "../shared/api";
import { active, me, now, select, selected, unread, waiting } from "./state";
import { since } from "./time";

function Row({ chat }: { chat: StaffChatView }) {
  const isWaiting = chat.status === "waiting";
  const mine = chat.operator?.id === me.value?.id;
  const when = isWaiting
    ? `waiting ${since(chat.created_at, now.value)}`
    : `${mine ? "with you" : `with ${chat.operator?.name ?? "a librarian"}`} for ${since(chat.claimed_at, now.value)}`;
  return (
    <li>
      <button
        type="button"
        class={`row ${chat.status}`}
        aria-current={selected.value === chat.id ? "true" : undefined}
        onClick={() => select(chat.id)}
      >
        <span class="row-name">
          {chat.institution.id === me.value?.institution_id && (
            <svg class="home" role="img" aria-label="From your library" viewBox="0 0 16 16" width="14" height="14">
              <path d="M8 1 1 7h2v7h4v-4h2v4h4V7h2z" fill="currentColor" />
            </svg>
          )}
          {chat.patron_name || "Patron"}
        </span>
        <span class="row-question">{chat.question ?? ""}</span>
        <span class="row-when">
          {when} · {chat.institution.name}
          {chat.offered_to && ` · via ${chat.offered_to.name}`}
        </span>
        {!!unread.value[chat.id] && <span class="row-unread">{unread.value[chat.id]} new</span>}
      </button>
    </li>
  );
}

function Group({ title, items, empty }: { title: string; items: StaffChatView[]; empty: string }) {
  const id = `group-${title.toLowerCase()}`;
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>
        {title} <span class="count">({items.length})</span>
      </h3>
      {items.length ? (
        <ul class="rows">
          {items.map((c) => (
            <Row key={c.id} chat={c} />
          ))}
        </ul>
      ) : (
        <p class="muted">{empty}</p>
      )}
    </section>
  );
}

export function ChatList() {
  return (
    <nav class="list" aria-labelledby="list-title">
      <h2 id="list-title">Patron chats</h2>
      <Group title="Waiting" items={waiting.value} empty="No one is waiting." />
      <Group title="Active" items={active.value} empty="No active chats." />
    </nav>
  );
}
