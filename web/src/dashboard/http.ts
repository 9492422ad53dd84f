// JSON over fetch with the session cookie. Errors come back as `{status, code, message}` so
// callers can tell "someone else claimed it" (409) from anything else.

import type { ApiErrorBody } from "../shared/api";

export class HttpError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function http<T>(method: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (!r.ok) {
    const e = (data as ApiErrorBody | null)?.error;
    throw new HttpError(r.status, e?.code ?? "http_" + r.status, e?.message ?? r.statusText);
  }
  return data as T;
}
