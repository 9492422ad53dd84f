// The pre-chat form's fields: shown, hidden or required as the widget's configuration says
// (the inputs' `hidden` and `required` hold it, from the built-in defaults in chat.html until
// the configuration arrives), and read into the body of POST /api/chats.

import type { PrechatFields } from "../shared/api";

const FIELDS = ["name", "email", "question"] as const;
const MISSING: Record<(typeof FIELDS)[number], string> = {
  name: "Please type your name.",
  email: "Please type your email address.",
  question: "Please type your question.",
};
const input = (key: string) => document.getElementById(`f-${key}`) as HTMLInputElement | HTMLTextAreaElement;

export function applyFields(fields: PrechatFields) {
  for (const key of FIELDS) {
    const mode = fields[key];
    const el = input(key);
    const label = document.querySelector<HTMLElement>(`label[for="${el.id}"]`)!;
    label.hidden = el.hidden = mode === "hidden";
    el.required = mode === "required";
    document.getElementById(`${el.id}-hint`)!.textContent = mode === "required" ? "(required)" : "(optional)";
  }
}

/** The fields filled in, or null after pointing the patron at the first required one left empty. */
export function readFields(error: HTMLElement): Record<string, string> | null {
  const body: Record<string, string> = {};
  for (const key of FIELDS) {
    const el = input(key);
    el.removeAttribute("aria-invalid");
    if (el.hidden) continue;
    const value = el.value.trim();
    if (!value && el.required) {
      error.textContent = MISSING[key];
      el.setAttribute("aria-invalid", "true");
      el.focus();
      return null;
    }
    if (value) body[key] = value;
  }
  return body;
}
