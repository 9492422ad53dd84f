// A chat's tags, in its pane: the tags on it (each with a remove button), and adding one with
// type-ahead from the tags the library and its co-op partners use. Any librarian who sees the
// chat may tag it, at any time; the patron never sees tags.

import { useEffect, useState } from "preact/hooks";
import type { ChatTagList } from "../shared/api";
import { http, HttpError } from "./http";
import { chatTags } from "./state";

export function ChatTags({ chatId }: { chatId: string }) {
  const [suggestions, setSuggestions] = useState<string[]>([]);
  const [error, setError] = useState("");
  const tags = chatTags.value[chatId] ?? [];
  const base = `/api/chats/${chatId}/tags`;
  const keep = (l: ChatTagList) => (chatTags.value = { ...chatTags.value, [l.chat_id]: l.tags });
  useEffect(() => {
    http<ChatTagList>("GET", base).then(keep, () => setError("Could not read the tags"));
  }, [base]);
  const act = async (what: Promise<ChatTagList>) => {
    setError("");
    try {
      keep(await what);
    } catch (err) {
      setError(err instanceof HttpError ? err.message : "Could not change the tags");
    }
  };
  const suggest = (prefix: string) =>
    void http<{ tags: string[] }>("GET", `/api/tags?prefix=${encodeURIComponent(prefix)}`).then(
      (r) => setSuggestions(r.tags),
      () => setSuggestions([]),
    );
  const add = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const tag = String(new FormData(form).get("tag") || "").trim();
    if (!tag) return;
    void act(http<ChatTagList>("POST", base, { tag })).then(() => form.reset());
  };
  const listId = `tag-suggestions-${chatId}`;
  return (
    <section class="tags" aria-labelledby={`tags-h-${chatId}`}>
      <h3 id={`tags-h-${chatId}`}>Tags</h3>
      {tags.length === 0 ? (
        <p class="muted">No tags yet.</p>
      ) : (
        <ul class="tag-list">
          {tags.map((t) => (
            <li key={t.tag} title={`Added by ${t.added_by.name}`}>
              {t.tag}{" "}
              <button
                type="button"
                aria-label={`Remove tag ${t.tag}`}
                onClick={() => void act(http<ChatTagList>("DELETE", `${base}/${encodeURIComponent(t.tag)}`))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <form class="inline" onSubmit={add}>
        <label for={`tag-${chatId}`}>Add a tag</label>
        <input
          id={`tag-${chatId}`}
          name="tag"
          list={listId}
          maxLength={40}
          autoComplete="off"
          onFocus={(e) => suggest((e.currentTarget as HTMLInputElement).value)}
          onInput={(e) => suggest((e.currentTarget as HTMLInputElement).value)}
        />
        <datalist id={listId}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <button type="submit">Add tag</button>
      </form>
      <p class="error" role="alert">
        {error}
      </p>
    </section>
  );
}
