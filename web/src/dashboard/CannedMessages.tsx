// The Canned messages screen: every canned message I may insert, with those I may manage
// editable; a form to write one (mine; my library's as its admin; a co-op's as its admin).

import { useState } from "preact/hooks";
import type { CannedView } from "../shared/api";
import { canned, deleteCanned, saveCanned, type Scope } from "./canned";
import { adminCoops, me } from "./state";

function Editor({ c, onDone }: { c?: CannedView; onDone: () => void }) {
  const user = me.value!;
  const [error, setError] = useState("");
  const admin = user.role === "institution_admin" || user.role === "system_admin";
  const scopes: [string, string][] = c
    ? [[`${c.scope.kind}:${c.scope.id ?? ""}`, c.scope_name]]
    : [
        ["personal:", "Mine"],
        ...(admin ? [[`institution:${user.institution_id}`, "My library (every librarian)"] as [string, string]] : []),
        ...adminCoops.value.map((co) => [`coop:${co.id}`, `${co.name} (co-op)`] as [string, string]),
      ];
  const submit = async (e: Event) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const [kind, id] = String(d.get("scope")).split(":");
    const scope: Scope = kind === "personal" ? { kind: "personal" } : { kind: kind as "institution" | "coop", id };
    const m = await saveCanned(scope, String(d.get("title")), String(d.get("body")), c?.id);
    if (m) setError(m);
    else onDone();
  };
  const key = c?.id ?? "new";
  return (
    <form class="canned-editor" onSubmit={submit}>
      <label for={`canned-title-${key}`}>Title</label>
      <input id={`canned-title-${key}`} name="title" required maxLength={80} defaultValue={c?.title ?? ""} />
      <label for={`canned-body-${key}`}>Message ({"{patron}"} and {"{librarian}"} are filled in)</label>
      <textarea id={`canned-body-${key}`} name="body" required rows={3} maxLength={4000} defaultValue={c?.body ?? ""} />
      <label for={`canned-scope-${key}`}>For</label>
      <select id={`canned-scope-${key}`} name="scope" disabled={!!c}>
        {scopes.map(([v, t]) => (
          <option key={v} value={v}>
            {t}
          </option>
        ))}
      </select>
      {c && <input type="hidden" name="scope" value={scopes[0][0]} />}
      <div class="dialog-actions">
        <button type="submit" class="primary small">
          Save
        </button>
        <button type="button" class="secondary small" onClick={onDone}>
          Cancel
        </button>
      </div>
      <p class="error" role="alert">
        {error}
      </p>
    </form>
  );
}

export function CannedMessages() {
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState("");
  return (
    <main class="settings" id="main">
      <h2>Canned messages</h2>
      <p class="muted">Type / in a chat's reply box, then words of a title, to insert one.</p>
      {editing === "new" ? (
        <Editor onDone={() => setEditing(null)} />
      ) : (
        <button type="button" class="primary" onClick={() => setEditing("new")}>
          New canned message
        </button>
      )}
      <ul class="canned-list">
        {canned.value.map((c) => (
          <li key={c.id}>
            {editing === c.id ? (
              <Editor c={c} onDone={() => setEditing(null)} />
            ) : (
              <>
                <b>{c.title}</b> <span class="muted">· {c.scope_name}</span>
                <p>{c.body}</p>
                {c.editable && (
                  <div class="dialog-actions">
                    <button type="button" class="secondary small" aria-label={`Edit ${c.title}`} onClick={() => setEditing(c.id)}>
                      Edit
                    </button>
                    <button
                      type="button"
                      class="secondary small"
                      aria-label={`Delete ${c.title}`}
                      onClick={() => void deleteCanned(c.id).then((m) => setError(m ?? ""))}
                    >
                      Delete
                    </button>
                  </div>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
      <p class="error" role="alert">
        {error}
      </p>
    </main>
  );
}
