// Canned messages as the dashboard keeps them: those I may insert (read at every welcome and
// after each change), the search the composer's "/" picker runs over their titles, and the
// management actions.

import { signal } from "@preact/signals";
import type { CannedView } from "../shared/api";
import { http, HttpError } from "./http";

export const canned = signal<CannedView[]>([]);

export async function loadCanned(): Promise<void> {
  try {
    canned.value = (await http<{ canned: CannedView[] }>("GET", "/api/canned")).canned;
  } catch {
    /* read again at the next welcome */
  }
}

/** Canned messages whose title holds every word of `query` (case-insensitive), best first:
 * titles that start with the query, then the rest, by title. */
export function matching(query: string): CannedView[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const q = words.join(" ");
  return canned.value
    .filter((c) => words.every((w) => c.title.toLowerCase().includes(w)))
    .sort((a, b) => Number(!a.title.toLowerCase().startsWith(q)) - Number(!b.title.toLowerCase().startsWith(q)))
    .slice(0, 8);
}

/** The body with `{patron}` and `{librarian}` filled in (as the server's `render`). */
export const render = (c: CannedView, patron: string | null, librarian: string) =>
  c.body.replaceAll("{patron}", patron || "there").replaceAll("{librarian}", librarian);

export type Scope = { kind: "personal" } | { kind: "institution" | "coop"; id: string };

/** Writes (or, with `id`, changes) a canned message; an error message, or null. */
export async function saveCanned(scope: Scope, title: string, body: string, id?: string): Promise<string | null> {
  try {
    if (id) await http("PUT", `/api/canned/${id}`, { scope, title, body });
    else await http("POST", "/api/canned", { scope, title, body });
    await loadCanned();
    return null;
  } catch (e) {
    return e instanceof HttpError ? e.message : "Could not save the canned message";
  }
}

export async function deleteCanned(id: string): Promise<string | null> {
  try {
    await http("DELETE", `/api/canned/${id}`);
    await loadCanned();
    return null;
  } catch (e) {
    return e instanceof HttpError ? e.message : "Could not delete the canned message";
  }
}
