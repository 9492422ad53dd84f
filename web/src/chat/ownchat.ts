// Once a chat has ended, the patron may keep a copy of it (a text file made here, from what the
// chat box shows) or delete it from the library's records (DELETE /api/chats/{id} with their
// guest token): its messages, files and their details go at once. Deleting asks once more.

const byId = (id: string) => document.getElementById(id)!;
const box = () => byId("own-chat");
const status = () => byId("own-chat-done");

/** The conversation as the patron saw it, one line per message. */
function conversationText(log: HTMLElement, title: string): string {
  const lines = [`Chat with ${title}`, ""];
  for (const m of log.querySelectorAll<HTMLElement>(".msg:not(.pending)")) {
    const who = m.querySelector(".who")?.textContent ?? "";
    const body = (m.textContent ?? "").slice(who.length).trim();
    lines.push(who ? `${who} ${body}` : `(${body})`);
  }
  return lines.join("\n") + "\n";
}

/** Offers Save and Delete for the ended `chat`. */
export function offerOwnChat(chat: string | undefined, token: string | undefined, log: HTMLElement, title: string): void {
  const b = box();
  b.hidden = !chat || !token;
  status().textContent = "";
  if (b.hidden) return;
  const save = byId("save-chat") as HTMLAnchorElement;
  const url = URL.createObjectURL(new Blob([conversationText(log, title)], { type: "text/plain;charset=utf-8" }));
  if (save.href.startsWith("blob:")) URL.revokeObjectURL(save.href);
  save.href = url;
  const ask = byId("delete-chat") as HTMLButtonElement;
  const sure = byId("delete-confirm");
  sure.hidden = true;
  ask.hidden = false;
  ask.onclick = () => {
    ask.hidden = true;
    sure.hidden = false;
    (byId("delete-yes") as HTMLButtonElement).focus();
  };
  byId("delete-no").onclick = () => {
    sure.hidden = true;
    ask.hidden = false;
    ask.focus();
  };
  byId("delete-yes").onclick = async () => {
    const r = await fetch(`/api/chats/${chat}`, { method: "DELETE", headers: { authorization: "Bearer " + token } }).catch(() => null);
    if (r && r.status === 204) {
      log.replaceChildren();
      b.hidden = true;
      for (const id of ["transcript", "rating"]) byId(id).hidden = true;
      status().textContent = "Your chat has been deleted: the conversation and your details are gone.";
    } else {
      status().textContent = "Sorry, the chat could not be deleted. Please try again.";
    }
  };
}

/** A new chat: the last one's offer and message go away. */
export function resetOwnChat(): void {
  box().hidden = true;
  status().textContent = "";
}
