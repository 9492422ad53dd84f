// Staff IM beside the chats: my conversations with colleagues (unread counts), and the open one
// with its messages and a box to answer. Patrons never see any of it.

import { useEffect, useRef, useState } from "preact/hooks";
import { imTyping, imUnread, ims, invite, makeRoom, openIm, openRoom, partner, sendIm, show, typedIn } from "./im";
import { librarians, monitoring } from "./monitoring";
import { me } from "./state";
import { clock } from "./time";

/** Invite a colleague on the Librarians list to a made room. */
function Invite({ room }: { room: string }) {
  const t = ims.value[room];
  const [error, setError] = useState("");
  if (!t || t.conversation.kind !== "room") return null;
  const inside = new Set(t.conversation.members.map((m) => m.id));
  const others = librarians.value.filter((l) => !l.me && !inside.has(l.id));
  if (!others.length) return null;
  return (
    <form
      class="im-form"
      onSubmit={(e) => {
        e.preventDefault();
        const user = String(new FormData(e.currentTarget as HTMLFormElement).get("user") || "");
        if (user) void invite(room, user).then((m) => setError(m ?? ""));
      }}
    >
      <label for={`invite-${room}`}>Invite</label>
      <select id={`invite-${room}`} name="user">
        {others.map((l) => (
          <option key={l.id} value={l.id}>
            {l.name}
          </option>
        ))}
      </select>
      <button type="submit" class="secondary small">
        Invite
      </button>
      <p class="error" role="alert">
        {error}
      </p>
    </form>
  );
}

/** Open my library's room or a co-op's; make a room and invite colleagues. */
function Rooms() {
  const [making, setMaking] = useState(false);
  const [error, setError] = useState("");
  const user = me.value;
  const coops = monitoring.value?.coops ?? [];
  const others = librarians.value.filter((l) => !l.me);
  return (
    <div class="rooms">
      <div class="room-buttons">
        {user && (
          <button type="button" class="secondary small" onClick={() => void openRoom({ institution_id: user.institution_id }).then((m) => setError(m ?? ""))}>
            Library room
          </button>
        )}
        {coops.map((c) => (
          <button key={c.id} type="button" class="secondary small" onClick={() => void openRoom({ coop_id: c.id }).then((m) => setError(m ?? ""))}>
            Room: {c.name}
          </button>
        ))}
        <button type="button" class="secondary small" aria-expanded={making} onClick={() => setMaking(!making)}>
          New room
        </button>
      </div>
      {making && (
        <form
          class="new-room"
          onSubmit={(e) => {
            e.preventDefault();
            const d = new FormData(e.currentTarget as HTMLFormElement);
            const members = d.getAll("member").map(String);
            void makeRoom(String(d.get("name") || ""), members).then((m) => {
              setError(m ?? "");
              if (!m) setMaking(false);
            });
          }}
        >
          <label for="room-name">Room name</label>
          <input id="room-name" name="name" required maxLength={80} />
          <fieldset>
            <legend>Invite</legend>
            {others.length === 0 && <p class="muted">Nobody else is monitoring right now.</p>}
            {others.map((l) => (
              <label key={l.id}>
                <input type="checkbox" name="member" value={l.id} /> {l.name}
              </label>
            ))}
          </fieldset>
          <button type="submit" class="primary small">
            Make room
          </button>
        </form>
      )}
      <p class="error" role="alert">
        {error}
      </p>
    </div>
  );
}

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
      <p class="typing">{imTyping.value[id] ? `${imTyping.value[id]} is typing…` : ""}</p>
      <form class="im-form" onSubmit={submit}>
        <label for={`im-${id}`} class="sr-only">
          IM to {who}
        </label>
        <input id={`im-${id}`} ref={box} maxLength={4000} placeholder={`IM to ${who}`} onInput={() => typedIn(id)} />
        <button type="submit" class="secondary small">
          Send
        </button>
      </form>
      <Invite room={id} />
    </div>
  );
}

export function StaffIm() {
  const list = Object.values(ims.value);
  const open = openIm.value;
  return (
    <section class="side-section" aria-labelledby="im-title">
      <h2 id="im-title">Staff IM</h2>
      <Rooms />
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
