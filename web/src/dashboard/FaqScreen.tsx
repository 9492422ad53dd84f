// The FAQs screen: my library's FAQs, internal (the 24/7 Staffing group co-op librarians read
// while answering our patrons) and public (also on the library's FAQ page and suggested by its
// chat box). Everyone may search them; the library's admins write, edit, delete, import and
// export them. Answers are Markdown; what is shown is the server's sanitised rendering.

import { useEffect, useState } from "preact/hooks";
import type { FaqList, FaqView } from "../shared/api";
import { deleteFaq, exportUrl, importFaqs, institutionFaqs, PAGE, saveFaq, type Visibility } from "./faqs";
import { me } from "./state";

function Editor({ institution, f, onDone }: { institution: string; f?: FaqView; onDone: (saved: boolean) => void }) {
  const [error, setError] = useState("");
  const [kind, setKind] = useState<Visibility>(f?.visibility ?? "public");
  const key = f?.id ?? "new";
  // Opening the editor moves to its first question field (the button pressed has gone).
  useEffect(() => document.getElementById(`faq-question-${key}`)?.focus(), [key]);
  const submit = async (e: Event) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const topics = String(d.get("topics") ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
    const m = await saveFaq(
      institution,
      { visibility: kind, group: String(d.get("group") ?? ""), question: String(d.get("question")), answer: String(d.get("answer")), topics },
      f?.id,
    );
    if (m) setError(m);
    else onDone(true);
  };
  return (
    <form class="faq-editor" onSubmit={submit} aria-label={f ? `Edit ${f.question}` : "New FAQ"}>
      <label for={`faq-kind-${key}`}>Kind</label>
      <select id={`faq-kind-${key}`} value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as Visibility)}>
        <option value="public">Public (FAQ page and chat box)</option>
        <option value="internal">Internal (24/7 Staffing, staff only)</option>
      </select>
      {kind === "public" && (
        <>
          <label for={`faq-group-${key}`}>Group</label>
          <input id={`faq-group-${key}`} name="group" maxLength={60} placeholder="General" defaultValue={f?.visibility === "public" ? f.group : ""} />
        </>
      )}
      <label for={`faq-question-${key}`}>Question</label>
      <input id={`faq-question-${key}`} name="question" required maxLength={300} defaultValue={f?.question ?? ""} />
      <label for={`faq-answer-${key}`}>Answer (Markdown: **bold**, [link](https://…), lists)</label>
      <textarea id={`faq-answer-${key}`} name="answer" required rows={6} maxLength={20000} defaultValue={f?.answer ?? ""} />
      <label for={`faq-topics-${key}`}>Topics (separated by commas)</label>
      <input id={`faq-topics-${key}`} name="topics" defaultValue={f?.topics.join(", ") ?? ""} />
      <div class="dialog-actions">
        <button type="submit" class="primary small">
          Save FAQ
        </button>
        <button type="button" class="secondary small" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
      <p class="error" role="alert">
        {error}
      </p>
    </form>
  );
}

export function FaqScreen() {
  const user = me.value!;
  const institution = user.institution_id;
  const admin = user.role === "institution_admin" || user.role === "system_admin";
  const [kind, setKind] = useState<Visibility | "">("");
  const [words, setWords] = useState("");
  const [list, setList] = useState<FaqList | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  // Whether the last page was full: there may be more (of the most recent, without words).
  const [more, setMore] = useState(false);
  const load = (k = kind, q = words) =>
    institutionFaqs(institution, k, q).then(
      (l) => {
        setList(l);
        setMore(!q.trim() && l.faqs.length === PAGE);
      },
      (e: Error) => setError(e.message),
    );
  const loadMore = () =>
    list &&
    institutionFaqs(institution, kind, "", list.faqs.length).then(
      (l) => {
        setList({ ...l, faqs: [...list.faqs, ...l.faqs] });
        setMore(l.faqs.length === PAGE);
      },
      (e: Error) => setError(e.message),
    );
  useEffect(() => void load(), [institution]);
  const done = (saved: boolean) => {
    // Back to the button that opened the editor (it is shown again).
    const from = editing === "new" ? "faq-new" : `faq-edit-${editing}`;
    requestAnimationFrame(() => document.getElementById(from)?.focus());
    setEditing(null);
    if (saved) {
      setStatus("FAQ saved.");
      void load();
    }
  };
  return (
    <main class="settings faqs" id="main">
      <h2>FAQs{list ? ` of ${list.institution_name}` : ""}</h2>
      <p class="muted">
        Public FAQs are on <a href={list?.public_page ?? "#"} target="_blank" rel="noopener">the library's FAQ page</a> and suggested by its chat box; internal ones
        (24/7 Staffing) are read by co-op librarians answering your patrons.{list ? ` ${list.total} in all.` : ""}
      </p>
      <form
        class="faq-form"
        role="search"
        aria-label="Search the FAQs"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <label for="faqs-kind">Show</label>
        <select id="faqs-kind" value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as Visibility | "")}>
          <option value="">All FAQs</option>
          <option value="internal">Internal (24/7 Staffing)</option>
          <option value="public">Public</option>
        </select>
        <label for="faqs-words">Search terms</label>
        <input id="faqs-words" type="search" value={words} onInput={(e) => setWords((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit" class="primary small">
          Search FAQs
        </button>
      </form>
      {admin && (
        <div class="faq-admin">
          {editing === "new" ? (
            <Editor institution={institution} onDone={done} />
          ) : (
            <button type="button" class="primary" id="faq-new" onClick={() => setEditing("new")}>
              New FAQ
            </button>
          )}
          <form
            class="faq-import"
            onSubmit={async (e) => {
              e.preventDefault();
              const file = (e.currentTarget as HTMLFormElement).querySelector("input")!.files?.[0];
              if (!file) return;
              setStatus(await importFaqs(institution, file));
              void load();
            }}
          >
            <label for="faqs-file">Import FAQs (CSV or JSON, as exported)</label>
            <input id="faqs-file" type="file" accept=".csv,.json,text/csv,application/json" required />
            <button type="submit" class="secondary small">
              Import
            </button>
          </form>
          <p>
            Export: <a href={exportUrl(institution, "csv")}>CSV</a> · <a href={exportUrl(institution, "json")}>JSON</a>
          </p>
        </div>
      )}
      <p role="status">{status}</p>
      <p class="error" role="alert">
        {error}
      </p>
      <ul class="faq-list">
        {list?.faqs.map((f) => (
          <li key={f.id}>
            {editing === f.id ? (
              <Editor institution={institution} f={f} onDone={done} />
            ) : (
              <article aria-labelledby={`faq-${f.id}`}>
                <h3 id={`faq-${f.id}`}>{f.question}</h3>
                <p class="muted small">
                  {f.visibility === "internal" ? "Internal" : "Public"} · {f.group} · updated {new Date(f.updated_at).toLocaleString()}
                  {f.topics.length ? ` · ${f.topics.join(", ")}` : ""}
                </p>
                {f.snippet_html && <p class="snippet" dangerouslySetInnerHTML={{ __html: f.snippet_html }} />}
                <details>
                  <summary>Answer</summary>
                  <div class="faq-answer" dangerouslySetInnerHTML={{ __html: f.answer_html }} />
                </details>
                {f.editable && (
                  <div class="dialog-actions">
                    <button type="button" class="secondary small" id={`faq-edit-${f.id}`} aria-label={`Edit ${f.question}`} onClick={() => setEditing(f.id)}>
                      Edit
                    </button>
                    <button
                      type="button"
                      class="secondary small"
                      aria-label={`Delete ${f.question}`}
                      onClick={() =>
                        void deleteFaq(f.id).then((m) => {
                          setError(m ?? "");
                          if (!m) void load();
                        })
                      }
                    >
                      Delete
                    </button>
                  </div>
                )}
              </article>
            )}
          </li>
        ))}
      </ul>
      {more && (
        <button type="button" class="secondary" onClick={() => void loadMore()}>
          Show older FAQs
        </button>
      )}
    </main>
  );
}
