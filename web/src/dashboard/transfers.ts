// Transfers as the dashboard keeps them: the pending ones that concern me (offered by me, or to
// me or a queue I answer), kept live by `transfer` frames and read again at every welcome; and
// the actions: offer, accept, decline, cancel, and leaving a chat I handed over.

import { computed, signal } from "@preact/signals";
import type { StaffChatView, TransferPreview, TransferTargets, TransferView } from "../shared/api";
import { chime, notifyText } from "./alerts";
import { http, HttpError } from "./http";
import { chats, select, upsertChat } from "./state";

/** Transfers by id: pending ones, and the last state of those that ended while shown. */
export const transfers = signal<ReadonlyMap<string, TransferView>>(new Map());
/** A short line about what just happened to a transfer of mine ("Bob accepted …"). */
export const transferNews = signal<string>("");
/** A short line about a transfer offered to me that someone else took, or that went away. */
export const takenNews = signal<string>("");

/** Transfers offered to me that I have not answered yet, oldest first. */
export const incoming = computed(() =>
  [...transfers.value.values()].filter((t) => t.state === "offered" && t.for_me).sort((a, b) => a.offered_at.localeCompare(b.offered_at)),
);

/** My pending transfer of a chat, if any. */
export const outgoingOf = (chatId: string, me: string | undefined) =>
  [...transfers.value.values()].find((t) => t.chat_id === chatId && t.state === "offered" && t.from.id === me);

function put(t: TransferView) {
  const next = new Map(transfers.value);
  next.set(t.id, t);
  transfers.value = next;
}

export function forget(id: string) {
  const next = new Map(transfers.value);
  next.delete(id);
  transfers.value = next;
}

/** Reads the pending transfers again (after every welcome: frames may have been missed). */
export async function loadTransfers(): Promise<void> {
  try {
    const r = await http<{ transfers: TransferView[] }>("GET", "/api/transfers");
    const next = new Map<string, TransferView>();
    for (const t of r.transfers) next.set(t.id, t);
    transfers.value = next;
  } catch {
    /* the next welcome reads them again */
  }
}

/** A `transfer` frame: alert the receiver of a new one; tell the sender how it ended. */
export function onTransfer(t: TransferView, me: string | undefined): void {
  const known = transfers.value.get(t.id);
  put(t);
  if (t.state === "offered" && t.for_me && !known) {
    chime();
    notifyText(`Transferred chat from ${t.from.name}`, t.note ?? t.question ?? "", () => undefined);
    return;
  }
  if (t.state === "offered") return;
  if (known?.for_me && t.from.id !== me) {
    const patron = t.patron_name || "the patron";
    takenNews.value =
      t.state === "accepted" && t.by?.id !== me
        ? `${t.by?.name ?? "Another librarian"} took the transfer of the chat with ${patron}.`
        : t.state === "cancelled"
          ? `${t.from.name} cancelled the transfer of the chat with ${patron}.`
          : t.state === "expired"
            ? `The transfer of the chat with ${patron} expired.`
            : "";
  }
  if (t.from.id === me) {
    const to = t.by?.name ?? t.target.name;
    const line =
      t.state === "accepted"
        ? `${to} accepted your transfer. You are still in the chat until you leave it.`
        : t.state === "declined"
          ? `${to} declined your transfer; the chat is still yours.`
          : t.state === "expired"
            ? `Nobody accepted your transfer to ${t.target.name} in time; the chat is still yours.`
            : "";
    if (line) {
      transferNews.value = line;
      if (t.state !== "accepted") chime();
    }
  }
  // Settled: no longer an alert or a pending state.
  forget(t.id);
}

export const targets = (chatId: string) => http<TransferTargets>("GET", `/api/chats/${chatId}/transfer-targets`);

export async function offer(chatId: string, kind: string, id: string, note: string): Promise<TransferView> {
  const t = await http<TransferView>("POST", `/api/chats/${chatId}/transfers`, {
    target: { kind, id },
    note: note.trim() || null,
  });
  put(t);
  transferNews.value = "";
  return t;
}

export const preview = (id: string) => http<TransferPreview>("GET", `/api/transfers/${id}`);

/** Accept, decline or cancel; returns an error message, or null. */
export async function answer(t: TransferView, action: "accept" | "decline" | "cancel"): Promise<string | null> {
  try {
    await http<TransferView>("POST", `/api/transfers/${t.id}/${action}`);
    forget(t.id);
    if (action === "accept") {
      try {
        upsertChat(await http<StaffChatView>("GET", `/api/chats/${t.chat_id}`));
      } catch {
        /* the chat frame will bring it */
      }
      select(t.chat_id);
    }
    return null;
  } catch (e) {
    if (e instanceof HttpError && e.code === "transfer_ended") {
      forget(t.id);
      return "Someone else took this transfer, or it was cancelled.";
    }
    return e instanceof HttpError ? e.message : "Could not answer the transfer";
  }
}

/** Leaves a chat I handed over. */
export async function leave(chatId: string): Promise<string | null> {
  try {
    const c = await http<StaffChatView>("POST", `/api/chats/${chatId}/leave`);
    upsertChat(c);
    if (!chats.value.get(chatId)) select(null);
    return null;
  } catch (e) {
    return e instanceof HttpError ? e.message : "Could not leave the chat";
  }
}
