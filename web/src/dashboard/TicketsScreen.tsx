// The Tickets view: my library's follow-up tickets (made by co-op librarians from our patrons'
// chats, by our own staff, or by the chat box's offline form). A list with filters (status,
// queue, assigned to me), most recently updated first; a ticket's detail with the chat's
// transcript as the patron saw it, notes (staff only) and replies (emailed to the patron, whose
// answer comes back into the ticket), its status and assignee.

import { useEffect, useRef, useState } from "preact/hooks";
import type { MonitoringView, TicketDetail, TicketStatus, TicketView } from "../shared/api";
import { http, HttpError } from "./http";
import { useLatest } from "./latest";
import { me } from "./state";
import { clock } from "./time";
import { fileOf } from "../shared/files";

const statusLabel: Record<TicketStatus, string> = { open: "Open", pending: "Pending (waiting for the patron)", closed: "Closed" };
const entryLabel = { question: "Question", note: "Internal note", reply: "Reply (emailed)", patron_reply: "Patron's reply" } as const;
const when = (iso: string) => `${new Date(iso).toLocaleDateString()} ${clock(iso)}`;

function Detail({ id, onChanged, onBack }: { id: string; onChanged: (t: TicketView) => void; onBack: () => void }) {
  const [d, setD] = useState<TicketDetail | null>(null);
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const box = useRef<HTMLTextAreaElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    http<TicketDetail>("GET", `/api/tickets/${id}`).then(
      (x) => {
        setD(x);
        requestAnimationFrame(() => heading.current?.focus());
      },
      () => setError("Could not read the ticket"),
    );
  }, [id]);
  if (!d) return <p class="error" role="alert">{error}</p>;
  const t = d.ticket;
  const act = async (what: () => Promise<TicketDetail | TicketView>, done: string) => {
    setError("");
    setStatus("");
    try {
      const r = await what();
      const next = "ticket" in r ? r : { ...d, ticket: r };
      setD(next);
      onChanged(next.ticket);
      setStatus(done);
    } catch (err) {
      setError(err instanceof HttpError ? err.message : "Could not change the ticket");
    }
  };
  const entry = (kind: "notes" | "replies") => {
    const body = box.current?.value.trim() ?? "";
    if (!body) {
      setError("Write something first.");
      box.current?.focus();
      return;
    }
    void act(async () => {
      const r = await http<TicketDetail>("POST", `/api/tickets/${t.id}/${kind}`, { body });
      if (box.current) box.current.value = "";
      return r;
    }, kind === "replies" ? `Reply emailed to ${t.patron_email}.` : "Note added.");
  };
  const patch = (body: object, done: string) => act(() => http<TicketView>("PATCH", `/api/tickets/${t.id}`, body), done);
  return (
    <article class="ticket-detail" aria-labelledby="ticket-subject">
      <button type="button" class="link" onClick={onBack}>
        Back to the list
      </button>
      <h3 id="ticket-subject" tabIndex={-1} ref={heading}>
        {t.subject}
      </h3>
      <dl class="details">
        <dt>Patron</dt>
        <dd>
          {t.patron_name} &lt;{t.patron_email}&gt;
        </dd>
        <dt>Queue</dt>
        <dd>{t.queue.name}</dd>
        <dt>Created</dt>
        <dd>
          {when(t.created_at)} by {t.created_by_name}
        </dd>
      </dl>
      <div class="ticket-controls">
        <label for="ticket-status">Status</label>
        <select id="ticket-status" value={t.status} onChange={(e) => void patch({ status: (e.currentTarget as HTMLSelectElement).value }, "Status changed.")}>
          {(Object.keys(statusLabel) as TicketStatus[]).map((s) => (
            <option key={s} value={s}>
              {statusLabel[s]}
            </option>
          ))}
        </select>
        <label for="ticket-assignee">Assignee</label>
        <select
          id="ticket-assignee"
          value={t.assignee_id ?? ""}
          onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value;
            void patch({ assignee_id: v || null }, v ? "Assigned." : "Unassigned.");
          }}
        >
          <option value="">Nobody</option>
          {d.assignable.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </div>
      {d.transcript.length > 0 && (
        <section aria-labelledby="ticket-transcript">
          <h4 id="ticket-transcript">Chat transcript</h4>
          <ol class="ticket-transcript">
            {d.transcript.map((m) => (
              <li key={m.seq} class={`msg ${m.kind}`}>
                <span class="msg-who">{m.kind === "system" ? "" : `${m.kind === "patron" ? t.patron_name : m.sender_name || "Librarian"}: `}</span>
                <span class="msg-time">{clock(m.created_at)}</span>{" "}
                {fileOf(m.body) ? (
                  <a href={fileOf(m.body)!.url} download={fileOf(m.body)!.name}>
                    {fileOf(m.body)!.name}
                  </a>
                ) : (
                  m.body
                )}
              </li>
            ))}
          </ol>
        </section>
      )}
      <section aria-labelledby="ticket-history">
        <h4 id="ticket-history">Follow-up</h4>
        {d.entries.length === 0 && <p class="muted">No notes or replies yet.</p>}
        <ol class="ticket-entries">
          {d.entries.map((e) => (
            <li key={e.id} class={`entry ${e.kind}`}>
              <p class="entry-head">
                <b>{entryLabel[e.kind]}</b>
                {e.author_name ? ` · ${e.author_name}` : ""} · {when(e.at)}
              </p>
              <p class="entry-body">{e.body}</p>
            </li>
          ))}
        </ol>
      </section>
      <div class="ticket-compose">
        <label for="ticket-body">Reply to {t.patron_name} by email, or add a note for staff</label>
        <textarea id="ticket-body" ref={box} rows={5} maxLength={20000} />
        <div class="dialog-actions">
          <button type="button" class="primary" onClick={() => entry("replies")}>
            Send reply by email
          </button>
          <button type="button" class="secondary" onClick={() => entry("notes")}>
            Add internal note
          </button>
        </div>
      </div>
      <p role="status">{status}</p>
      <p class="error" role="alert">
        {error}
      </p>
    </article>
  );
}

export function TicketsScreen() {
  const institution = me.value?.institution_id;
  const [statusFilter, setStatusFilter] = useState("open,pending");
  const [queue, setQueue] = useState("");
  const [mine, setMine] = useState(false);
  const [queues, setQueues] = useState<{ id: string; name: string }[]>([]);
  const [list, setList] = useState<TicketView[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState("");
  const query = (after?: string) => {
    const p = new URLSearchParams();
    if (statusFilter) p.set("status", statusFilter);
    if (queue) p.set("queue", queue);
    if (mine) p.set("assignee", "me");
    if (after) p.set("after", after);
    return `/api/institutions/${institution}/tickets?${p}`;
  };
  useEffect(() => {
    http<MonitoringView>("GET", "/api/monitoring").then(
      (m) => setQueues(m.departments.map((x) => ({ id: x.id, name: x.name }))),
      () => setQueues([]),
    );
  }, [institution]);
  const ask = useLatest();
  useEffect(() => {
    setError("");
    const current = ask();
    http<{ tickets: TicketView[]; next_after: string | null }>("GET", query()).then(
      (r) => {
        if (!current()) return;
        setList(r.tickets);
        setNext(r.next_after);
      },
      () => current() && setError("Could not read the tickets"),
    );
  }, [institution, statusFilter, queue, mine]);
  const more = async () => {
    if (!next) return;
    const r = await http<{ tickets: TicketView[]; next_after: string | null }>("GET", query(next));
    setList([...(list ?? []), ...r.tickets]);
    setNext(r.next_after);
  };
  const changed = (t: TicketView) => setList((list ?? []).map((x) => (x.id === t.id ? t : x)));
  return (
    <main class="settings tickets" id="main" aria-labelledby="tickets-title">
      <h2 id="tickets-title">Tickets</h2>
      {open ? (
        <Detail id={open} onChanged={changed} onBack={() => setOpen(null)} />
      ) : (
        <>
          <div class="ticket-filters" role="group" aria-label="Filter tickets">
            <label for="filter-status">Status</label>
            <select id="filter-status" value={statusFilter} onChange={(e) => setStatusFilter((e.currentTarget as HTMLSelectElement).value)}>
              <option value="open,pending">Open and pending</option>
              <option value="open">Open</option>
              <option value="pending">Pending</option>
              <option value="closed">Closed</option>
              <option value="">All</option>
            </select>
            <label for="filter-queue">Queue</label>
            <select id="filter-queue" value={queue} onChange={(e) => setQueue((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">All queues</option>
              {queues.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.name}
                </option>
              ))}
            </select>
            <label>
              <input type="checkbox" checked={mine} onChange={(e) => setMine((e.currentTarget as HTMLInputElement).checked)} /> Assigned to me
            </label>
          </div>
          <p class="error" role="alert">
            {error}
          </p>
          {list && list.length === 0 && <p class="muted">No tickets here.</p>}
          <ul class="ticket-list">
            {list?.map((t) => (
              <li key={t.id}>
                <button type="button" class="ticket-row" onClick={() => setOpen(t.id)}>
                  <b>{t.subject}</b>
                  <span class={`ticket-status ${t.status}`}>{t.status}</span>
                  <span class="muted">
                    {t.patron_name} · {t.queue.name} · {t.assignee_name ?? "unassigned"} · updated {when(t.updated_at)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {next && (
            <button type="button" class="secondary" onClick={() => void more()}>
              Show older tickets
            </button>
          )}
        </>
      )}
    </main>
  );
}
