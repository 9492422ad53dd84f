// The 24/7 Staffing FAQs tab of the chat pane (and its pop-out window): the FAQs of the
// patron's home library, internal (its 24/7 Staffing group, for whoever answers its patrons)
// or public; the most recently updated internal ones before any search; one opened below the
// results, to insert into the reply (its answer, or a link to the public FAQ).
//
// `answer_html` and `snippet_html` come from the server already safe: answers are rendered
// Markdown cleaned with an allow-list sanitiser, snippets are escaped text with `<mark>`.

import { useEffect, useRef, useState } from "preact/hooks";
import type { FaqList, FaqView } from "../shared/api";
import { chatFaqs, type Visibility } from "./faqs";
import { clock } from "./time";

type Heading = "h2" | "h3";

function FaqDetail({ f, H, onInsert, onClose }: { f: FaqView; H: Heading; onInsert?: (text: string) => void; onClose: () => void }) {
  const link = f.public_url ? new URL(f.public_url, location.origin).href : null;
  return (
    <article class="faq-detail" id={`faq-detail-${f.id}`} aria-labelledby={`faq-q-${f.id}`}>
      <H id={`faq-q-${f.id}`} tabIndex={-1}>
        {f.question}
      </H>
      <p class="muted small">
        {f.visibility === "internal" ? "Internal" : "Public"} · {f.group} · updated {new Date(f.updated_at).toLocaleDateString()} {clock(f.updated_at)}
      </p>
      <div class="faq-answer" dangerouslySetInnerHTML={{ __html: f.answer_html }} />
      <div class="dialog-actions">
        {onInsert && (
          <button type="button" class="primary small" onClick={() => onInsert(f.answer_text)}>
            Insert answer
          </button>
        )}
        {onInsert && link && (
          <button type="button" class="secondary small" onClick={() => onInsert(`${f.question} ${link}`)}>
            Insert link
          </button>
        )}
        <button type="button" class="secondary small" onClick={onClose}>
          Close
        </button>
      </div>
    </article>
  );
}

export function FaqSearch({ chatId, onInsert, popped }: { chatId: string; onInsert?: (text: string) => void; popped?: boolean }) {
  const [visibility, setVisibility] = useState<Visibility>("internal");
  const [words, setWords] = useState("");
  const [searched, setSearched] = useState("");
  const [list, setList] = useState<FaqList | null>(null);
  const [open, setOpen] = useState<FaqView | null>(null);
  const [error, setError] = useState("");
  // Under the pane's patron heading (h2), or the pop-out window's h1.
  const H: Heading = popped ? "h2" : "h3";
  // Only the latest request's answer is shown (a slower, older one may come back after it).
  const latest = useRef(0);
  const load = (v: Visibility, q: string) => {
    setError("");
    const n = ++latest.current;
    chatFaqs(chatId, v, q).then(
      (l) => {
        if (n !== latest.current) return;
        setList(l);
        setSearched(q.trim());
        setOpen(null);
      },
      (e: Error) => setError(e.message || "The FAQs could not be loaded."),
    );
  };
  useEffect(() => load(visibility, ""), [chatId]);
  // Opening an FAQ moves to its heading (it is shown below the results); closing it goes back
  // to its button in the results.
  const show = (f: FaqView | null) => {
    const was = open;
    setOpen(f);
    requestAnimationFrame(() => document.getElementById(f ? `faq-q-${f.id}` : `faq-open-${was?.id}`)?.focus());
  };
  const kind = visibility === "internal" ? "Internal" : "Public";
  const heading = searched
    ? `${list?.faqs.length ?? 0} ${kind.toLowerCase()} FAQ${list?.faqs.length === 1 ? "" : "s"} for “${searched}”`
    : visibility === "internal"
      ? "24/7 Internal FAQs (Most Recent)"
      : "Public FAQs (Most Recent)";
  return (
    <div class="faq-search">
      <p class="muted small">
        FAQs of {list?.institution_name ?? "the patron's library"}
        {!popped && (
          <>
            {" "}
            <button
              type="button"
              class="secondary small"
              onClick={() => window.open(`/dashboard/#faqs/${chatId}`, `faqs-${chatId}`, "popup,width=520,height=720")}
            >
              Pop out
            </button>
          </>
        )}
      </p>
      <form
        class="faq-form"
        role="search"
        aria-label="Search the patron's library's FAQs"
        onSubmit={(e) => {
          e.preventDefault();
          load(visibility, words);
        }}
      >
        <fieldset class="faq-kind">
          <legend class="sr-only">Which FAQs</legend>
          {(["internal", "public"] as const).map((v) => (
            <label key={v}>
              <input
                type="radio"
                name={`faq-kind-${chatId}`}
                checked={visibility === v}
                onChange={() => {
                  setVisibility(v);
                  load(v, words);
                }}
              />{" "}
              {v === "internal" ? "Internal FAQs" : "Public FAQs"}
            </label>
          ))}
        </fieldset>
        <label for={`faq-words-${chatId}`} class="sr-only">
          Search terms
        </label>
        <input id={`faq-words-${chatId}`} type="search" value={words} maxLength={200} onInput={(e) => setWords((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit" class="primary small">
          Search FAQs
        </button>
      </form>
      <p class="error" role="alert">
        {error}
      </p>
      {list && (
        <section aria-label={heading}>
          <H class="faq-heading">{heading}</H>
          <p class="sr-only" role="status">
            {heading}
          </p>
          <ul class="faq-results">
            {list.faqs.map((f) => (
              <li key={f.id}>
                <button
                  type="button"
                  class="link"
                  id={`faq-open-${f.id}`}
                  aria-expanded={open?.id === f.id}
                  aria-controls={open?.id === f.id ? `faq-detail-${f.id}` : undefined}
                  onClick={() => show(open?.id === f.id ? null : f)}
                >
                  {f.question}
                </button>
                {f.snippet_html && <p class="snippet" dangerouslySetInnerHTML={{ __html: f.snippet_html }} />}
              </li>
            ))}
          </ul>
        </section>
      )}
      {open && <FaqDetail f={open} H={H} onInsert={onInsert} onClose={() => show(null)} />}
    </div>
  );
}

/** The pop-out window: the same search, on its own, for the chat in the address. */
export function FaqWindow({ chatId }: { chatId: string }) {
  return (
    <main class="faq-window" id="main">
      <h1>24/7 Staffing FAQs</h1>
      <FaqSearch chatId={chatId} popped />
    </main>
  );
}
