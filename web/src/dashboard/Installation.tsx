// The installation, for system admins: every library (a page at a time) and every co-op, and
// adding either. Libraries' own settings are their admins'; co-ops' members are their admins'.

import { useEffect, useState } from "preact/hooks";
import type { NamedRef } from "../shared/api";
import { http, HttpError } from "./http";

interface Library {
  id: string;
  name: string;
  slug: string;
}

export function Installation() {
  const [libraries, setLibraries] = useState<Library[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [coops, setCoops] = useState<NamedRef[]>([]);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const loadLibraries = async (after: string | null) => {
    const page = await http<{ institutions: Library[]; next: string | null }>(
      "GET",
      after ? `/api/institutions?after=${encodeURIComponent(after)}` : "/api/institutions",
    );
    setLibraries((l) => (after ? [...l, ...page.institutions] : page.institutions));
    setNext(page.next);
  };
  const load = () => Promise.all([loadLibraries(null), http<{ coops: NamedRef[] }>("GET", "/api/coops").then((r) => setCoops(r.coops))]);
  useEffect(() => void load().catch(() => setError("Could not read the installation")), []);

  const submit = (path: string, body: (d: FormData) => object, ok: (d: FormData) => string) => async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const d = new FormData(form);
    setStatus("");
    setError("");
    try {
      await http("POST", path, body(d));
      form.reset();
      await load();
      setStatus(ok(d));
    } catch (err) {
      setError(err instanceof HttpError ? err.message : "Could not save");
    }
  };
  const text = (d: FormData, k: string) => String(d.get(k) || "").trim();

  return (
    <main class="settings">
      <h2>Installation</h2>
      <p role="status">{status}</p>
      <p class="error" role="alert">
        {error}
      </p>
      <section class="chat-boxes" aria-labelledby="libraries-h">
        <h3 id="libraries-h">Libraries</h3>
        <ul class="departments">
          {libraries.map((l) => (
            <li key={l.id}>
              {l.name} <span class="muted">({l.slug})</span>
            </li>
          ))}
        </ul>
        {next && (
          <button type="button" onClick={() => void loadLibraries(next)}>
            Show more libraries
          </button>
        )}
        <form
          class="inline"
          onSubmit={submit("/api/institutions", (d) => ({ name: text(d, "name"), slug: text(d, "slug") }), (d) => `${text(d, "name")} added.`)}
        >
          <label for="lib-name">Library name</label>
          <input id="lib-name" name="name" required maxLength={120} />
          <label for="lib-slug">Short name (a-z, 0-9, -)</label>
          <input id="lib-slug" name="slug" required maxLength={64} pattern="[a-z0-9-]+" />
          <button type="submit">Add library</button>
        </form>
      </section>
      <section class="chat-boxes" aria-labelledby="coops-h">
        <h3 id="coops-h">Co-ops</h3>
        <ul class="departments">
          {coops.map((c) => (
            <li key={c.id}>{c.name}</li>
          ))}
        </ul>
        <form class="inline" onSubmit={submit("/api/coops", (d) => ({ name: text(d, "name") }), (d) => `${text(d, "name")} added.`)}>
          <label for="coop-name">Co-op name</label>
          <input id="coop-name" name="name" required maxLength={120} />
          <button type="submit">Add co-op</button>
        </form>
      </section>
    </main>
  );
}
