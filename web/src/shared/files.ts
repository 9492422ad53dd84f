// Files sent in chats. A file is a message whose body is refdesk's marker (a control character
// no typed message can hold, then `file:<id>:<type>:<size>` and a line with the name); both
// the chat box and the dashboard show it as the file, never as text.

export interface SentFile {
  id: string;
  type: string;
  size: number;
  name: string;
  url: string;
}

const MARK = "\u0001file:";

export function fileOf(body: string): SentFile | null {
  if (!body.startsWith(MARK)) return null;
  const nl = body.indexOf("\n");
  if (nl < 0) return null;
  const head = body.slice(MARK.length, nl);
  const first = head.indexOf(":");
  const last = head.lastIndexOf(":");
  if (first < 0 || last <= first) return null;
  const id = head.slice(0, first);
  return { id, type: head.slice(first + 1, last), size: Number(head.slice(last + 1)), name: body.slice(nl + 1), url: `/api/attachments/${id}` };
}

/** Whether the file is shown as a thumbnail (safe raster images). */
export const isImage = (f: SentFile) => ["image/png", "image/jpeg", "image/gif", "image/webp"].includes(f.type);

export function sizeText(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Sends `file` in `chat`; returns null when sent, else why not. */
export async function sendFile(chat: string, file: File, headers: Record<string, string> = {}): Promise<string | null> {
  const r = await fetch(`/api/chats/${chat}/attachments?name=${encodeURIComponent(file.name)}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { ...headers, "content-type": "application/octet-stream" },
    body: file,
  }).catch(() => null);
  if (r && r.status === 201) return null;
  const b = r ? await r.json().catch(() => null) : null;
  return b?.error?.message ? `The file was not sent: ${b.error.message}.` : "The file was not sent. Please try again.";
}
