import { useEffect, useRef, useState } from "preact/hooks";
import type { MessageView, StaffChatView } from "../shared/api";
import { ended } from "../shared/api";
import { chatAgain, chatErrors, chats, claim, closeChat, isCompanion, isMine, me, now, selected, send, sendTyping, threads, typing, type Pending } from "./state";
import { TransferDialog } from "./TransferDialog";
import { TicketDialog } from "./TicketDialog";
import { EmailTranscript } from "./EmailTranscript";
import { Body } from "./FileView";
import { sendFile } from "../shared/files";
import { matching, render } from "./canned";
import { answer, leave, outgoingOf, transferNews } from "./transfers";
import { ChatTags } from "./ChatTags";
import { TodayChats } from "./TodayChats";
import { PatronRating } from "./PatronRating";
import { PaneTabs } from "./PaneTabs";
import { clock, since } from "./time";

function statusText(c: StaffChatView, nowMs: number): string {
  switch (c.status) {
    case "waiting":
      return `Waiting for ${since(c.created_at, nowMs)}, not claimed yet`;
    case "active":
      if (isMine(c)) return "You are chatting with this patron";
      if (isCompanion(c)) return `You handed this chat to ${c.operator?.name ?? "a colleague"}; you are still in it until you leave`;
      return `Claimed by ${c.operator?.name ?? "another librarian"}`;
    default:
      return c.answered_by ? `This chat has ended; ${c.answered_by.name} answered it` : "This chat has ended";
  }
}

function Details({ c }: { c: StaffChatView }) {
  const row = (term: string, value: string | null) =>
    value ? (
      <>
        <dt>{term}</dt>
        <dd>{value}</dd>
      </>
    ) : null;
  return (
    <dl class="details">
      {row("Question", c.question)}
      {row("Institution", c.institution.name)}
      {row("Co-op", c.coops.map((x) => x.name).join(", ") || null)}
      {row("Offered to", c.offered_to ? `${c.offered_to.name} (co-op)` : null)}
      {row("Department", c.department.name)}
      {row("Also in the chat", c.companions.map((x) => x.name).join(", ") || null)}
      {row("Widget", c.widget.name)}
      {row("Referring page", c.referrer)}
      {row("Browser", c.browser ?? c.user_agent)}
      {row("Address", c.patron_ip)}
      {row("Email", c.patron_email)}
      {row("Started", clock(c.created_at))}
    </dl>
  );
}

export function Message({ m, patron }: { m: MessageView; patron: string }) {
  if (m.kind === "system") return <div class="msg system">{m.body}</div>;
  const who = m.kind === "patron" ? patron : m.sender_name || "Librarian";
  return (
    <div class={`msg ${m.kind}`}>
      <span class="msg-who">
        {who}
        {m.kind === "internal_note" ? " (internal note)" : ""}
        <span class="sr-only">:</span>
      </span>{" "}
      <span class="msg-time">{clock(m.created_at)}</span>
      <Body body={m.body} />
    </div>
  );
}

function PendingMessage({ p }: { p: Pending }) {
  return (
    <div class={`msg ${p.kind === "internal_note" ? "internal_note" : "operator"} ${p.failed ? "failed" : "pending"}`}>
      <span class="msg-who">
        You{p.kind === "internal_note" ? " (internal note)" : ""}
        <span class="sr-only">:</span>
      </span>{" "}
      <span class="msg-state">{p.failed ? `Not sent: ${p.failed}` : "Sending…"}</span>
      <p>{p.body}</p>
    </div>
  );
}

function Composer({ c, patron }: { c: StaffChatView; patron: string }) {
  const typingAt = useRef(0);
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const box = useRef<HTMLTextAreaElement>(null);
  // A note to staff is written in the same box, visibly different; the patron never sees it,
  // nor that anyone is typing it.
  const [note, setNote] = useState(false);
  const [fileError, setFileError] = useState("");
  // "/" then words of a title: the canned messages that match, to insert by keyboard or click.
  const [query, setQuery] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const options = query === null ? [] : matching(query);
  const insert = (i: number) => {
    const pick = options[i];
    const t = box.current!;
    if (!pick) return;
    t.value = render(pick, c.patron_name, (me.value?.name ?? "").split(" ")[0] || "Librarian");
    setQuery(null);
    t.focus();
  };
  const stopTyping = () => {
    clearTimeout(idle.current);
    if (typingAt.current) sendTyping(c.id, false);
    typingAt.current = 0;
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const t = box.current!;
    const body = t.value.trim();
    if (!body) return;
    send(c.id, body, note ? "internal_note" : "message");
    t.value = "";
    stopTyping();
  };
  const input = () => {
    const v = box.current!.value;
    setQuery(v.startsWith("/") ? v.slice(1) : null);
    setActive(0);
    if (note) return;
    const t = Date.now();
    if (t - typingAt.current > 3000) {
      typingAt.current = t;
      sendTyping(c.id, true);
    }
    clearTimeout(idle.current);
    idle.current = setTimeout(stopTyping, 4000);
  };
  return (
    <form class={`composer${note ? " note" : ""}`} onSubmit={submit}>
      <label class="note-toggle">
        <input
          type="checkbox"
          checked={note}
          onChange={(e) => {
            stopTyping();
            setNote((e.currentTarget as HTMLInputElement).checked);
            box.current?.focus();
          }}
        />{" "}
        Note to staff
      </label>
      <label for="reply" class="sr-only">
        {note ? `Note to staff about ${patron} (the patron does not see it)` : `Message to ${patron}`}
      </label>
      <textarea
        id="reply"
        ref={box}
        rows={3}
        maxLength={4000}
        placeholder={note ? "Only staff read notes; the patron does not see them." : undefined}
        onInput={input}
        aria-autocomplete="list"
        aria-controls="canned-options"
        aria-activedescendant={options.length ? `canned-option-${active}` : undefined}
        aria-describedby="canned-hint"
        onKeyDown={(e) => {
          if (options.length) {
            if (e.key === "ArrowDown" || e.key === "ArrowUp") {
              e.preventDefault();
              const step = e.key === "ArrowDown" ? 1 : options.length - 1;
              setActive((active + step) % options.length);
              return;
            }
            if ((e.key === "Enter" || e.key === "Tab") && !e.shiftKey) {
              e.preventDefault();
              insert(active);
              return;
            }
            if (e.key === "Escape") {
              e.preventDefault();
              setQuery(null);
              return;
            }
          }
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) submit(e);
        }}
      />
      <span id="canned-hint" class="sr-only">
        Type / and words of a title to insert a canned message.
      </span>
      <ul id="canned-options" role="listbox" aria-label="Canned messages" class="canned-options" hidden={!options.length}>
        {options.map((o, i) => (
          <li
            key={o.id}
            id={`canned-option-${i}`}
            role="option"
            aria-selected={i === active}
            onMouseDown={(e) => {
              e.preventDefault();
              insert(i);
            }}
          >
            <b>{o.title}</b> <span class="muted">· {o.scope_name}</span>
          </li>
        ))}
      </ul>
      <button type="submit" class="primary">
        {note ? "Add note" : "Send"}
      </button>
      {!note && (
        <span class="attach">
          <label for="attach-file">Attach a file</label>{" "}
          <input
            id="attach-file"
            type="file"
            onChange={async (e) => {
              const input = e.currentTarget as HTMLInputElement;
              const file = input.files?.[0];
              if (!file) return;
              setFileError((await sendFile(c.id, file)) ?? "");
              input.value = "";
            }}
          />
          <span class="error" role="alert">
            {fileError}
          </span>
        </span>
      )}
    </form>
  );
}

export function ChatPane() {
  const id = selected.value;
  const c = id ? chats.value.get(id) : undefined;
  const t = id ? threads.value[id] : undefined;
  const log = useRef<HTMLDivElement>(null);
  const [transferring, setTransferring] = useState(false);
  const [ticketing, setTicketing] = useState(false);
  const [ticketNews, setTicketNews] = useState<{ chat: string; text: string } | null>(null);
  const [leaveError, setLeaveError] = useState("");
  const count = (t?.messages.length ?? 0) + (t?.pending.length ?? 0);
  useEffect(() => {
    if (log.current) log.current.scrollTop = log.current.scrollHeight;
  }, [count, id]);

  if (!c) {
    return (
      <main class="pane empty" id="main">
        <h2>No chat selected</h2>
        <p class="muted">Choose a chat in the Patron chats list to preview it.</p>
      </main>
    );
  }
  const patron = c.patron_name || "Patron";
  const mine = isMine(c);
  const companion = isCompanion(c);
  const who = typing.value[c.id];
  const pending = mine ? outgoingOf(c.id, me.value?.id) : undefined;
  return (
    <main class="pane" id="main" aria-labelledby="pane-title">
      <div class="pane-head">
        <h2 id="pane-title">{patron}</h2>
        <p class={`status ${c.status}`}>{statusText(c, now.value)}</p>
        <div class="pane-actions">
          {c.status === "waiting" && (
            <button
              type="button"
              class="primary"
              // The button goes away once claimed: move on to the reply box rather than lose focus.
              onClick={() => void claim(c.id).then(() => requestAnimationFrame(() => document.getElementById("reply")?.focus()))}
            >
              Claim
            </button>
          )}
          {mine && !pending && (
            <button type="button" class="secondary" onClick={() => setTransferring(true)}>
              Transfer
            </button>
          )}
          {mine && (
            <button type="button" class="secondary" onClick={() => void closeChat(c.id)}>
              Close chat
            </button>
          )}
          {ended(c.status) && new Date(c.created_at).toDateString() === new Date(now.value).toDateString() && (
            <button type="button" class="secondary" onClick={() => void chatAgain(c.id)}>
              Chat with this patron again
            </button>
          )}
          {(mine || companion || ended(c.status)) && (
            <button type="button" class="secondary" onClick={() => setTicketing(true)}>
              Ticket
            </button>
          )}
          {companion && (
            <button type="button" class="secondary" onClick={() => void leave(c.id).then((e) => setLeaveError(e ?? ""))}>
              Leave chat
            </button>
          )}
        </div>
      </div>
      {pending && (
        <p class="transfer-pending" role="status">
          Transfer to {pending.target.name} pending; you keep the chat until it is accepted.{" "}
          <button type="button" class="secondary small" onClick={() => void answer(pending, "cancel")}>
            Cancel transfer
          </button>
        </p>
      )}
      <p class="transfer-news" role="status">
        {mine || companion ? transferNews.value : ""}
      </p>
      <p class="error" role="alert">
        {chatErrors.value[c.id] ?? leaveError}
      </p>
      {transferring && mine && <TransferDialog chat={c} onClose={() => setTransferring(false)} />}
      {ticketing && (
        <TicketDialog
          chat={c}
          onClose={() => setTicketing(false)}
          onCreated={(t) => setTicketNews({ chat: c.id, text: `Follow-up ticket created in the ${t.queue.name} queue of ${c.institution.name}.` })}
        />
      )}
      <p class="ticket-news" role="status">
        {ticketNews?.chat === c.id ? ticketNews.text : ""}
      </p>
      <PaneTabs key={`tabs-${c.id}`} chatId={c.id} canReply={(mine || companion) && !ended(c.status)} details={<Details c={c} />} />
      {ended(c.status) && <PatronRating key={`rating-${c.id}`} chatId={c.id} />}
      {(mine || companion || ended(c.status)) && <EmailTranscript key={`mail-${c.id}`} chat={c} />}
      <ChatTags key={c.id} chatId={c.id} />
      <TodayChats key={`today-${c.id}`} chatId={c.id} />
      <h3 class="sr-only">Conversation</h3>
      <div class="log" ref={log} role="log" aria-live="polite" aria-label={`Conversation with ${patron}`} tabIndex={0}>
        {t?.messages.map((m) => <Message key={m.seq} m={m} patron={patron} />)}
        {t?.pending.map((p) => <PendingMessage key={p.id} p={p} />)}
      </div>
      {/* Not a live region: screen readers announce new messages, not typing. */}
      <p class="typing">
        {who && !ended(c.status) ? `${who} is typing…` : ""}
      </p>
      {(mine || companion) && <Composer key={c.id} c={c} patron={patron} />}
    </main>
  );
}
