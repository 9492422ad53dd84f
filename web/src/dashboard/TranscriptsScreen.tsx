// The Transcripts screen, for the library's admins: its past chats found by days, librarian,
// tag, rating and words of the conversation; one opened whole (internal notes marked) and
// exported as a file; and the audit log of every such search, view and export, which the
// server records before it shows anything.

import { useEffect, useState } from "preact/hooks";
import type { AuditEntryView, AuditLogView, TranscriptList, TranscriptSummary, TranscriptView } from "../shared/transcripts";
import { Message } from "./ChatPane";
import { http, HttpError } from "./http";
import { useLatest } from "./latest";
import { librarians } from "./monitoring";
import { me } from "./state";

interface Filters {
  from: string;
  to: string;
  q: string;
  operator: string;
  tag: string;
  rating: string;
}

const PAGE = 50;
const empty: Filters = { from: "", to: "", q: "", operator: "", tag: "", rating: "" };
const query = (f: Filters, offset: number) =>
  new URLSearchParams([...(Object.entries(f).filter(([, v]) => v.trim() !== "") as [string, string][]), ["offset", String(offset)]]).toString();
const when = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
const actionText: Record<AuditEntryView["action"], string> = {
  transcripts_searched: "Searched transcripts",
  transcript_viewed: "Opened a transcript",
  transcript_exported: "Exported a transcript",
};
const failure = (err: unknown, what: string) => (err instanceof HttpError ? err.message : what);

export function TranscriptsScreen() {
  const institution = me.value?.institution_id ?? "";
  const base = `/api/institutions/${institution}/transcripts`;
  const [filters, setFilters] = useState<Filters>(empty);
  const [list, setList] = useState<TranscriptList | null>(null);
  const [open, setOpen] = useState<TranscriptView | null>(null);
  const [error, setError] = useState("");
  const [logChanged, setLogChanged] = useState(0);
  const ask = useLatest();
  const search = (f: Filters, offset: number) => {
    const current = ask();
    return http<TranscriptList>("GET", `${base}?${query(f, offset)}`).then(
      (r) => {
        if (!current()) return;
        setList(r);
        setError("");
      },
      (err) => current() && setError(failure(err, "Could not search the transcripts")),
    ).finally(() => setLogChanged((n) => n + 1));
  };
  const openOne = (c: TranscriptSummary) =>
    http<TranscriptView>("GET", `${base}/${c.chat_id}`).then(
      (t) => {
        setOpen(t);
        setError("");
      },
      (err) => setError(failure(err, "Could not open the transcript")),
    ).finally(() => setLogChanged((n) => n + 1));
  useEffect(() => void search(filters, 0), [institution]);
  const set = (k: keyof Filters) => (e: Event) => setFilters({ ...filters, [k]: (e.target as HTMLInputElement).value });
  const mine = librarians.value.filter((l) => l.institution.id === institution);
  return (
    <main class="settings transcripts" id="main" aria-labelledby="transcripts-title">
      <h2 id="transcripts-title">Transcripts</h2>
      <p class="muted">
        Your library's past chats, with their internal notes. Every search, transcript opened and export is recorded in
        the audit log below, with your name.
      </p>
      <form
        class="report-filters"
        role="search"
        aria-label="Transcripts"
        onSubmit={(e) => {
          e.preventDefault();
          void search(filters, 0);
        }}
      >
        <label>
          Words <input type="search" value={filters.q} onInput={set("q")} placeholder="e.g. interlibrary loan" />
        </label>
        <label>
          From <input type="date" value={filters.from} onInput={set("from")} />
        </label>
        <label>
          To <input type="date" value={filters.to} onInput={set("to")} />
        </label>
        <label>
          Librarian
          <select value={filters.operator} onChange={set("operator")}>
            <option value="">Everyone</option>
            {mine.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tag <input value={filters.tag} onInput={set("tag")} />
        </label>
        <label>
          Rating
          <select value={filters.rating} onChange={set("rating")}>
            <option value="">Any</option>
            {[5, 4, 3, 2, 1].map((n) => (
              <option key={n} value={String(n)}>
                {n} stars
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Search</button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {list && <Results list={list} onOpen={openOne} onPage={(offset) => void search(filters, offset)} />}
      {open && <Transcript t={open} href={`${base}/${open.summary.chat_id}/export`} onClose={() => setOpen(null)} onExport={() => setLogChanged((n) => n + 1)} />}
      <AuditLog institution={institution} changed={logChanged} />
    </main>
  );
}

function Results({ list, onOpen, onPage }: { list: TranscriptList; onOpen: (c: TranscriptSummary) => void; onPage: (offset: number) => void }) {
  const last = list.offset + list.chats.length;
  return (
    <section aria-labelledby="transcript-results-title">
      <h3 id="transcript-results-title" aria-live="polite">
        {list.total === 0 ? "No chat matches" : `Chats ${list.offset + 1}–${last} of ${list.total}`}
      </h3>
      <ul class="transcript-results">
        {list.chats.map((c) => (
          <li key={c.chat_id}>
            <p>
              <strong>{when(c.created_at)}</strong> · {c.patron_name ?? "A patron"} · {c.department_name} ·{" "}
              {c.operator_name ? `answered by ${c.operator_name}` : c.outcome}
              {c.stars !== null && ` · ${c.stars} stars`}
              {c.tags.length > 0 && ` · tags: ${c.tags.join(", ")}`}
            </p>
            {c.question && <p class="question">{c.question}</p>}
            {c.snippet_html && <p class="snippet" dangerouslySetInnerHTML={{ __html: c.snippet_html }} />}
            <button type="button" class="secondary" onClick={() => onOpen(c)}>
              Open transcript<span class="sr-only"> of {when(c.created_at)}</span>
            </button>
          </li>
        ))}
      </ul>
      <div class="pager">
        {list.offset > 0 && (
          <button type="button" class="secondary" onClick={() => onPage(Math.max(0, list.offset - PAGE))}>
            Previous page
          </button>
        )}
        {last < list.total && (
          <button type="button" class="secondary" onClick={() => onPage(last)}>
            Next page
          </button>
        )}
      </div>
    </section>
  );
}

function Transcript({ t, href, onClose, onExport }: { t: TranscriptView; href: string; onClose: () => void; onExport: () => void }) {
  const s = t.summary;
  return (
    <section class="transcript" aria-labelledby="transcript-title">
      <h3 id="transcript-title">Transcript of {when(s.created_at)}</h3>
      <dl class="facts">
        <dt>Patron</dt>
        <dd>
          {s.patron_name ?? "–"}
          {t.patron_email && ` <${t.patron_email}>`}
        </dd>
        <dt>Queue</dt>
        <dd>{s.department_name}</dd>
        <dt>Answered by</dt>
        <dd>{s.operator_name ?? s.outcome}</dd>
        {s.stars !== null && (
          <>
            <dt>Rating</dt>
            <dd>
              {s.stars} of 5{t.rating_comment && `: “${t.rating_comment}”`}
            </dd>
          </>
        )}
      </dl>
      <div class="messages" role="log" aria-label="Conversation">
        {t.messages.map((m) => (
          <Message key={m.id} m={m} patron={s.patron_name ?? "Patron"} />
        ))}
      </div>
      <p>
        <a class="download" href={href} download onClick={onExport}>
          Export as text
        </a>{" "}
        <a class="download" href={`${href}?format=json`} download onClick={onExport}>
          Export as JSON
        </a>{" "}
        <button type="button" class="secondary" onClick={onClose}>
          Close transcript
        </button>
      </p>
    </section>
  );
}

function AuditLog({ institution, changed }: { institution: string; changed: number }) {
  const [entries, setEntries] = useState<AuditEntryView[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState("");
  const base = `/api/institutions/${institution}/audit`;
  const load = (before: number | null) =>
    http<AuditLogView>("GET", before === null ? base : `${base}?before=${before}`).then(
      (r) => {
        setEntries((old) => (before === null ? r.entries : [...old, ...r.entries]));
        setNext(r.next_before);
        setError("");
      },
      (err) => setError(failure(err, "Could not read the audit log")),
    );
  useEffect(() => void load(null), [institution, changed]);
  return (
    <section aria-labelledby="audit-title">
      <h3 id="audit-title">Audit log</h3>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <table class="mail-table audit-table">
        <caption class="sr-only">Who searched, opened and exported transcripts, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td>{when(e.at)}</td>
              <td>{e.actor_name}</td>
              <td>{actionText[e.action]}</td>
              <td>{e.chat_id ? `chat ${e.chat_id}` : e.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {next !== null && (
        <button type="button" class="secondary" onClick={() => void load(next)}>
          Show older entries
        </button>
      )}
    </section>
  );
}
