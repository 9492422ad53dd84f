// Files in the chat box: sending one (the Attach a file control), and showing a sent one. The
// patron's browser reads files with the guest token, so images are fetched and shown from a
// local object URL, and other files are offered as downloads the same way.

import { fileOf, isImage, sendFile, sizeText, type SentFile } from "../shared/files";

async function blobUrl(f: SentFile, token: string | undefined): Promise<string | null> {
  const r = await fetch(f.url, { headers: token ? { authorization: "Bearer " + token } : {} }).catch(() => null);
  if (!r || !r.ok) return null;
  return URL.createObjectURL(await r.blob());
}

/** The element showing a sent file, or null when `body` is a typed message. */
export function fileEl(body: string, token: string | undefined): HTMLElement | null {
  const f = fileOf(body);
  if (!f) return null;
  const box = document.createElement("p");
  box.className = "file";
  const link = document.createElement("a");
  link.href = "#";
  link.textContent = `${f.name} (${sizeText(f.size)})`;
  link.setAttribute("download", f.name);
  link.onclick = async (e) => {
    e.preventDefault();
    const url = await blobUrl(f, token);
    if (!url) return;
    const a = document.createElement("a");
    a.href = url;
    a.download = f.name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
  box.append(link);
  if (isImage(f)) {
    const img = document.createElement("img");
    img.alt = f.name;
    img.className = "thumb";
    void blobUrl(f, token).then((u) => {
      if (!u) return;
      // The image keeps its pixels once loaded: the object URL can go.
      img.onload = () => URL.revokeObjectURL(u);
      img.src = u;
    });
    box.prepend(img, document.createElement("br"));
  }
  return box;
}

/** Wires the Attach a file control to send into the current chat. */
export function wireAttach(current: () => { chat: string | undefined; token: string | undefined }): void {
  const input = document.getElementById("attach") as HTMLInputElement;
  const error = document.getElementById("attach-error")!;
  input.onchange = async () => {
    const file = input.files?.[0];
    const { chat, token } = current();
    if (!file || !chat || !token) return;
    error.textContent = "";
    error.textContent = (await sendFile(chat, file, { authorization: "Bearer " + token })) ?? "";
    input.value = "";
  };
}
