// Staff IM beside the chats: my conversations with colleagues (unread counts), and the open one
// with its messages and a box to answer. Patrons never see any of it.

import { useEffect, useRef } from "preact/hooks";
import { imUnread, ims, openIm, partner, sendIm, show } from "./im";
import { me } from "./state";
import { clock } from "./time";

function Thread({ id }: { id: string }) {
  const t = ims.value[id];
  const box = useRef<HTMLInputElement>(null);
  const log = useRef<HTMLDivElement>(null);
  const count = (t?.messages.length ?? 0) + (t?.pending.length ?? 0);
  useEffect(() => {
    if (log.current) log.current.scrollTop = log.current.scrollHeight;
  }, [count]);
  if (!t) return null;
  const who = partner(t.conversation);
  const submit = (e: Event) => {
    e.preventDefault();
    const body = box.current!.value.trim();
    if (!body) return;
    sendIm(id, body);
    box.current!.value = "";
  };
  return (
    <div class="im-thread">
      <div class="im-log" ref={log} role="log" aria-label={`IM with ${who}`} tabIndex={0}>
        {t.messages.map((m) => (
          <p key={m.id}>
            <b>{m.sender.id === me.value?.id ? "You" : m.sender.name}</b> <span class="msg-time">{clock(m.created_at)}</span>
            <br />
            {m.body}
          </p>
        ))}
        {t.pending.map((p) => (
          <p key={p.id} class="muted">
            <b>You</b> (sending…)
            <br />
            {p.body}
          </p>
        ))}
      </div>
      <form class="im-form" onSubmit={submit}>
        <label for={`im-${id}`} class="sr-only">
          IM to {who}
        </label>
        <input id={`im-${id}`} ref={box} maxLength={4000} placeholder={`IM to ${who}`} />
        <button type="submit" class="secondary small">
          Send
        </button>
      </form>
    </div>
  );
}

export function StaffIm() {
  const list = Object.values(ims.value);
  const open = openIm.value;
  return (
    <section class="side-section" aria-labelledby="im-title">
      <h2 id="im-title">Staff IM</h2>
      {list.length === 0 ? (
        <p class="muted">No IMs yet. Use "Message" on the Librarians list to write to a colleague.</p>
      ) : (
        <ul class="im-list">
          {list.map((t) => {
            const n = imUnread.value[t.conversation.id] ?? 0;
            const who = partner(t.conversation);
            return (
              <li key={t.conversation.id}>
                <button
                  type="button"
                  class="link"
                  aria-expanded={open === t.conversation.id}
                  onClick={() => show(open === t.conversation.id ? null : t.conversation.id)}
                >
                  {who}
                  {n ? ` (${n} new)` : ""}
                </button>
                {open === t.conversation.id && <Thread id={t.conversation.id} />}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
