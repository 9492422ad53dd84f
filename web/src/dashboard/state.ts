// The dashboard's state as signals, and the actions that change it. The Patron chats list is
// kept live from the WebSocket: `welcome.queue` replaces it, `chat` frames update it. A chat's
// messages come from `watch` (preview or after claiming), resumed from the last seq on reconnect.

import { batch, computed, signal } from "@preact/signals";
import type { MessageView, ServerFrame, StaffChatView, UserView } from "../shared/api";
import { forgetMonitoring, librarians, loadMonitoring, refreshLibrarians } from "./monitoring";
import { ended, newClientMsgId } from "../shared/api";
import { openSocket, type Socket } from "../shared/socket";
import { chime, notify } from "./alerts";
import { http, HttpError } from "./http";
import { forgetIms, imResume, loadIms, onConversation, onImAck, onImMessage, onImTyping } from "./im";
import { loadTransfers, onTransfer, transfers, transferNews } from "./transfers";
import { loadCanned } from "./canned";

export type SendKind = "message" | "internal_note";

export interface Pending {
  id: string;
  body: string;
  /** A message to the patron, or a note only staff read. */
  kind: SendKind;
  failed?: string;
}

export interface Thread {
  lastSeq: number;
  messages: MessageView[];
  pending: Pending[];
}

/** undefined while we ask the server who we are; null when signed out. */
export const me = signal<UserView | null | undefined>(undefined);
export const chats = signal<ReadonlyMap<string, StaffChatView>>(new Map());
export const selected = signal<string | null>(null);
/** The tags of the chats whose pane was opened, by chat (kept live by `chat_tags` frames). */
export const chatTags = signal<Record<string, import("../shared/api").ChatTagView[]>>({});
/** Patrons' ratings of chats whose pane was opened, by chat (`chat_rating` frames). */
export const ratings = signal<Readonly<Record<string, import("../shared/api").RatingView>>>({});

/** Which screen: the chats, or (for admins) the library's, the co-op's or the installation's
 * settings. */
export const view = signal<"chats" | "settings" | "coop" | "installation" | "canned" | "faqs" | "tickets" | "mail" | "reports" | "board" | "transcripts" | "account">("chats");
/** The co-ops the signed-in person administers (read at sign-in). */
export const adminCoops = signal<{ id: string; name: string }[]>([]);
export const connection = signal<"connecting" | "connected" | "reconnecting">("connecting");
export const threads = signal<Readonly<Record<string, Thread>>>({});
/** Name of the patron typing, per chat. */
export const typing = signal<Readonly<Record<string, string>>>({});
/** A message about the last failed action, per chat ("Claimed by someone else"). */
export const chatErrors = signal<Readonly<Record<string, string>>>({});
/** Patron messages not yet seen, per chat (those that arrived while another chat was open). */
export const unread = signal<Readonly<Record<string, number>>>({});
/** Ticks every 15 s, for wait times. */
export const now = signal(Date.now());
/** Bumped by every frame that may change a live board (a chat's state, who monitors). */
export const boardChanged = signal(0);
setInterval(() => (now.value = Date.now()), 15_000);

const byCreated = (a: StaffChatView, b: StaffChatView) => a.created_at.localeCompare(b.created_at);
export const waiting = computed(() => [...chats.value.values()].filter((c) => c.status === "waiting").sort(byCreated));
export const active = computed(() => [...chats.value.values()].filter((c) => c.status === "active").sort(byCreated));

// Re-alert while a patron has waited more than a minute: a tone every minute until someone claims.
setInterval(() => {
  if (me.value && waiting.value.some((c) => Date.now() - Date.parse(c.created_at) > 60_000)) chime();
}, 60_000);

let socket: Socket | null = null;
let welcomed = false;
const watched = new Set<string>();
const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();

export const isMine = (c: StaffChatView) => c.status === "active" && c.operator?.id === me.value?.id;
/** Whether I handed this active chat over and am still in it beside its operator. */
export const isCompanion = (c: StaffChatView) => c.status === "active" && c.companions.some((x) => x.id === me.value?.id);

/** Sends a frame on the dashboard's socket (false while it is reconnecting). */
export const sendFrame = (f: import("../shared/api").ClientFrame): boolean => socket?.send(f) ?? false;

export function upsertChat(c: StaffChatView): void {
  upsert(c);
}

function upsert(c: StaffChatView) {
  const next = new Map(chats.value);
  const known = next.get(c.id);
  // Frames may overtake REST answers: never go back to an older state of the same chat.
  if (known && ended(known.status) && !ended(c.status)) return;
  next.set(c.id, c);
  chats.value = next;
}

function setThread(id: string, f: (t: Thread) => Thread) {
  const t = threads.value[id] ?? { lastSeq: 0, messages: [], pending: [] };
  threads.value = { ...threads.value, [id]: f(t) };
}

function setError(id: string, msg: string | null) {
  const next = { ...chatErrors.value };
  if (msg) next[id] = msg;
  else delete next[id];
  chatErrors.value = next;
}

function arrived(c: StaffChatView) {
  chime();
  notify(c, select);
}

function onFrame(f: ServerFrame) {
  switch (f.type) {
    case "welcome": {
      const before = chats.value;
      const next = new Map<string, StaffChatView>();
      for (const c of f.queue ?? []) next.set(c.id, c);
      // Keep the chats whose pane is open or that we follow, even if they ended meanwhile.
      for (const id of watched) if (!next.has(id) && before.has(id)) next.set(id, before.get(id)!);
      const fresh = welcomed ? [...next.values()].filter((c) => c.status === "waiting" && !before.has(c.id)) : [];
      batch(() => {
        chats.value = next;
        connection.value = "connected";
      });
      welcomed = true;
      if (fresh.length) arrived(fresh[0]);
      void loadMonitoring();
      void loadTransfers();
      void loadIms();
      void loadCanned();
      // Resend what was never acknowledged; the server de-duplicates by client_msg_id.
      for (const [chatId, t] of Object.entries(threads.value))
        for (const p of t.pending)
          if (!p.failed) socket?.send({ type: "send", chat_id: chatId, client_msg_id: p.id, body: p.body, kind: p.kind });
      return;
    }
    case "chat": {
      boardChanged.value++;
      const known = chats.value.get(f.chat.id);
      upsert(f.chat);
      if (!known && f.chat.status === "waiting") arrived(f.chat);
      return;
    }
    case "chat_hidden": {
      // No longer ours to see (co-op monitoring switched off, a grant taken away).
      const next = new Map(chats.value);
      next.delete(f.chat_id);
      chats.value = next;
      if (selected.value === f.chat_id) select(null);
      watched.delete(f.chat_id);
      return;
    }
    case "chat_realert": {
      // Still waiting at its step: alert again, as for a new chat.
      const c = chats.value.get(f.chat_id);
      if (c && c.status === "waiting") arrived(c);
      return;
    }
    case "chat_tags":
      chatTags.value = { ...chatTags.value, [f.list.chat_id]: f.list.tags };
      return;
    case "transfer":
      onTransfer(f.transfer, me.value?.id);
      return;
    case "chat_rating":
      ratings.value = { ...ratings.value, [f.chat_id]: f.rating };
      return;
    case "conversation":
      onConversation(f.conversation);
      return;
    case "conversation_message":
      onImMessage(f.message);
      return;
    case "conversation_typing":
      onImTyping(f.conversation_id, f.name, f.active);
      return;
    case "librarian_chats":
      // Who holds how many chats changed: the one count, in place.
      librarians.value = librarians.value.map((l) => (l.id === f.user_id ? { ...l, chats: f.chats } : l));
      return;
    case "monitors_changed":
      boardChanged.value++;
      refreshLibrarians();
      return;
    case "message": {
      const m = f.message;
      setThread(m.chat_id, (t) =>
        m.seq <= t.lastSeq
          ? t
          : {
              lastSeq: m.seq,
              messages: [...t.messages, m],
              pending: m.client_msg_id ? t.pending.filter((p) => p.id !== m.client_msg_id) : t.pending,
            },
      );
      if (m.kind === "patron") {
        setTyping(m.chat_id, null);
        if (selected.value !== m.chat_id) unread.value = { ...unread.value, [m.chat_id]: (unread.value[m.chat_id] ?? 0) + 1 };
      }
      return;
    }
    case "ack":
      // The message frame that follows carries the text; here we only stop showing "Sending…".
      if (f.conversation_id) onImAck(f.conversation_id, f.client_msg_id);
      else if (f.chat_id) {
        const chatId = f.chat_id;
        setThread(chatId, (t) => ({ ...t, pending: t.pending.filter((p) => p.id !== f.client_msg_id) }));
      }
      return;
    case "typing":
      if (f.from === "patron")
        setTyping(f.chat_id, f.active ? f.name || chats.value.get(f.chat_id)?.patron_name || "Patron" : null);
      return;
    case "error":
      return onError(f.code, f.message, f.in_reply_to);
  }
}

function onError(code: string, message: string, inReplyTo: string | null) {
  if (code === "unauthenticated") {
    stopSocket();
    me.value = null;
    return;
  }
  for (const [chatId, t] of Object.entries(threads.value)) {
    if (!t.pending.some((p) => p.id === inReplyTo)) continue;
    if (code === "rate_limited") {
      setTimeout(() => {
        const p = threads.value[chatId]?.pending.find((x) => x.id === inReplyTo);
        if (p && !p.failed) socket?.send({ type: "send", chat_id: chatId, client_msg_id: p.id, body: p.body, kind: "message" });
      }, 2000);
    } else {
      setThread(chatId, (th) => ({
        ...th,
        pending: th.pending.map((p) => (p.id === inReplyTo ? { ...p, failed: message } : p)),
      }));
    }
  }
}

function setTyping(chatId: string, name: string | null) {
  clearTimeout(typingTimers.get(chatId));
  const next = { ...typing.value };
  if (name) {
    next[chatId] = name;
    typingTimers.set(chatId, setTimeout(() => setTyping(chatId, null), 6000));
  } else delete next[chatId];
  typing.value = next;
}

function startSocket() {
  if (socket) return;
  welcomed = false;
  connection.value = "connecting";
  socket = openSocket({
    hello: () => ({
      type: "hello",
      resume: [
        ...[...watched].map((id) => ({ chat_id: id, after_seq: threads.value[id]?.lastSeq ?? 0 })),
        ...imResume(),
      ],
    }),
    frame: onFrame,
    status: (s) => {
      if (s === "down") connection.value = "reconnecting";
    },
  });
}

function stopSocket() {
  socket?.close();
  socket = null;
}

// ---- actions -----------------------------------------------------------------------------

export async function loadMe(): Promise<void> {
  try {
    const r = await http<{ user: UserView } | UserView>("GET", "/api/me");
    me.value = "user" in r ? r.user : r;
    startSocket();
  } catch {
    me.value = null;
  }
}

/** Returns an error message for the form, or null when signed in; "code" when the account asks
 * for the code from its authenticator app (and `code` was not given). */
export async function signIn(email: string, password: string, code?: string): Promise<string | null> {
  try {
    const r = await http<{ user: UserView }>("POST", "/api/auth/login", { email, password, totp_code: code || null });
    me.value = r.user;
    startSocket();
    return null;
  } catch (e) {
    if (e instanceof HttpError && e.code === "totp_required") return code ? "Please enter the code." : "code";
    if (e instanceof HttpError && e.code === "invalid_totp") return "That code is wrong or was used already. Please enter the next one.";
    if (e instanceof HttpError && e.status === 401) return "Wrong email or password.";
    if (e instanceof HttpError && e.status === 429) return "Too many attempts. Please wait a minute and try again.";
    return "Could not sign in. Please try again.";
  }
}

export async function signOut(): Promise<void> {
  try {
    await http("POST", "/api/auth/logout");
  } catch {
    /* signed out locally all the same */
  }
  stopSocket();
  watched.clear();
  batch(() => {
    me.value = null;
    chats.value = new Map();
    selected.value = null;
    threads.value = {};
    typing.value = {};
    chatErrors.value = {};
    view.value = "chats";
    transfers.value = new Map();
    transferNews.value = "";
  });
  forgetMonitoring();
  forgetIms();
}

function watch(id: string) {
  if (watched.has(id)) return;
  watched.add(id);
  socket?.send({ type: "watch", chat_id: id, after_seq: threads.value[id]?.lastSeq ?? 0 });
}

function unwatch(id: string) {
  if (!watched.delete(id)) return;
  socket?.send({ type: "unwatch", chat_id: id });
}

/** Opens a chat's pane: preview (without claiming) and follow its messages. */
/** Opens the pane of a chat read over REST (e.g. an earlier chat of the same patron). */
export function openChat(c: StaffChatView): void {
  upsert(c);
  select(c.id);
}

export function select(id: string | null): void {
  const prev = selected.value;
  if (prev === id) return;
  const p = prev ? chats.value.get(prev) : undefined;
  if (prev && !(p && (isMine(p) || isCompanion(p)))) unwatch(prev);
  selected.value = id;
  if (id) {
    watch(id);
    if (unread.value[id]) {
      const { [id]: _, ...rest } = unread.value;
      unread.value = rest;
    }
  }
}

export async function claim(id: string): Promise<void> {
  setError(id, null);
  try {
    upsert(await http<StaffChatView>("POST", `/api/chats/${id}/claim`));
  } catch (e) {
    if (e instanceof HttpError && e.code === "already_claimed") {
      setError(id, "Claimed by someone else");
      try {
        upsert(await http<StaffChatView>("GET", `/api/chats/${id}`));
      } catch {
        /* the chat frame will tell */
      }
    } else setError(id, e instanceof HttpError && e.code === "chat_ended" ? "This chat has ended" : "Could not claim the chat");
  }
}

/** Starts an outbound chat with the patron of an earlier chat of today (their chat box must
 * still be open); opens it. */
export async function chatAgain(id: string): Promise<void> {
  setError(id, null);
  try {
    const c = await http<StaffChatView>("POST", `/api/chats/${id}/outbound`);
    upsert(c);
    select(c.id);
  } catch (e) {
    const code = e instanceof HttpError ? e.code : "";
    setError(
      id,
      code === "patron_gone"
        ? "The patron has closed the chat box; they can no longer be reached."
        : code === "open_chat_exists"
          ? "The patron already has an open chat."
          : code === "not_today"
            ? "Outbound chats start only with patrons seen today."
            : "Could not start a chat with the patron",
    );
  }
}

export async function closeChat(id: string): Promise<void> {
  setError(id, null);
  try {
    upsert(await http<StaffChatView>("POST", `/api/chats/${id}/close`));
  } catch {
    setError(id, "Could not close the chat");
  }
}

export function send(chatId: string, body: string, kind: SendKind = "message"): void {
  const id = newClientMsgId("s-");
  setThread(chatId, (t) => ({ ...t, pending: [...t.pending, { id, body, kind }] }));
  socket?.send({ type: "send", chat_id: chatId, client_msg_id: id, body, kind });
}

export function sendTyping(chatId: string, active: boolean): void {
  socket?.send({ type: "typing", chat_id: chatId, active });
}
