// FAQs for the dashboard: searching a chat's home library's (the 24/7 Staffing FAQs tab) or
// one institution's (the FAQs screen), and the admin actions.

import type { FaqList, FaqView } from "../shared/api";
import { http, HttpError } from "./http";

export type Visibility = "internal" | "public";

export interface FaqDraft {
  visibility: Visibility;
  group: string;
  question: string;
  answer: string;
  topics: string[];
}

const query = (visibility: Visibility | "", q: string, offset = 0) => {
  const p = new URLSearchParams();
  if (offset) p.set("offset", String(offset));
  if (visibility) p.set("visibility", visibility);
  if (q.trim()) p.set("q", q.trim());
  p.set("limit", "50");
  return p.toString();
};

/** The FAQs of a chat's home library: search results, or the most recent without words. */
export const chatFaqs = (chat: string, visibility: Visibility, q: string) =>
  http<FaqList>("GET", `/api/chats/${chat}/faqs?${query(visibility, q)}`);

/** An institution's FAQs, of one kind or both. */
export const institutionFaqs = (institution: string, visibility: Visibility | "", q: string, offset = 0) =>
  http<FaqList>("GET", `/api/institutions/${institution}/faqs?${query(visibility, q, offset)}`);

/** How many FAQs a page of the FAQs screen holds. */
export const PAGE = 50;

const message = (e: unknown) => (e instanceof HttpError ? e.message : "The FAQs could not be reached; try again.");

/** Saves a new FAQ (or changes `id`); an error message, or null. */
export async function saveFaq(institution: string, draft: FaqDraft, id?: string): Promise<string | null> {
  try {
    if (id) await http<FaqView>("PUT", `/api/faqs/${id}`, draft);
    else await http<FaqView>("POST", `/api/institutions/${institution}/faqs`, draft);
    return null;
  } catch (e) {
    return message(e);
  }
}

export async function deleteFaq(id: string): Promise<string | null> {
  try {
    await http("DELETE", `/api/faqs/${id}`);
    return null;
  } catch (e) {
    return message(e);
  }
}

/** Imports a CSV or JSON file (by its name); what it did, or why not. */
export async function importFaqs(institution: string, file: File): Promise<string> {
  const format = file.name.toLowerCase().endsWith(".csv") ? "csv" : "json";
  const r = await fetch(`/api/institutions/${institution}/faqs/import?format=${format}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": format === "csv" ? "text/csv" : "application/json" },
    // The file as it is: the server refuses one that is not UTF-8 rather than guess.
    body: file,
  }).catch(() => null);
  if (!r) return "The file could not be sent; try again.";
  const data = await r.json().catch(() => null);
  if (!r.ok) return `Nothing was imported: ${data?.error?.message ?? r.statusText}.`;
  return `Imported: ${data.created} new, ${data.updated} updated.`;
}

export const exportUrl = (institution: string, format: "csv" | "json") =>
  `/api/institutions/${institution}/faqs/export?format=${format}`;
