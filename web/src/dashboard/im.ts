// Staff IM: 1:1 conversations with colleagues, beside patron chats. The dashboard follows every
// conversation it knows (those listed at welcome, and any a colleague opens with me, announced
// by a `conversation` frame), resumes each from its last seq, and counts unread messages.

import { computed, signal } from "@preact/signals";
import type { ConversationMessageView, ConversationView } from "../shared/api";
import { newClientMsgId } from "../shared/api";
import { chime } from "./alerts";
import { http } from "./http";
import { me, sendFrame } from "./state";

export interface ImThread {
  conversation: ConversationView;
  lastSeq: number;
  messages: ConversationMessageView[];
  pending: { id: string; body: string }[];
}

export const ims = signal<Readonly<Record<string, ImThread>>>({});
/** The conversation whose panel is open. */
export const openIm = signal<string | null>(null);
export const imUnread = signal<Readonly<Record<string, number>>>({});
/** Who is typing, per conversation. */
export const imTyping = signal<Readonly<Record<string, string>>>({});
const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();

export function onImTyping(conversationId: string, name: string, active: boolean): void {
  clearTimeout(typingTimers.get(conversationId));
  const next = { ...imTyping.value };
  if (active) {
    next[conversationId] = name;
    typingTimers.set(conversationId, setTimeout(() => onImTyping(conversationId, name, false), 6000));
  } else delete next[conversationId];
  imTyping.value = next;
}

let typedAt = 0;
/** Tells colleagues I am typing in a conversation (at most every 3 s). */
export function typedIn(conversationId: string): void {
  const now = Date.now();
  if (now - typedAt < 3000) return;
  typedAt = now;
  sendFrame({ type: "typing", conversation_id: conversationId, active: true });
}

export const imUnreadTotal = computed(() => Object.values(imUnread.value).reduce((a, b) => a + b, 0));

/** What a conversation is called: a room's name, or the other member's name. */
export const partner = (c: ConversationView) => c.name ?? c.members.find((m) => m.id !== me.value?.id)?.name ?? "Colleague";

function setIm(id: string, f: (t: ImThread) => ImThread) {
  const t = ims.value[id];
  if (t) ims.value = { ...ims.value, [id]: f(t) };
}

function follow(c: ConversationView) {
  if (ims.value[c.id]) {
    setIm(c.id, (t) => ({ ...t, conversation: c }));
    return;
  }
  ims.value = { ...ims.value, [c.id]: { conversation: c, lastSeq: 0, messages: [], pending: [] } };
  sendFrame({ type: "watch", conversation_id: c.id, after_seq: 0 });
}

/** Where each followed conversation resumes from, for `hello`. */
export const imResume = () => Object.values(ims.value).map((t) => ({ conversation_id: t.conversation.id, after_seq: t.lastSeq }));

/** After a welcome: follow every conversation I take part in; resend what had no ack. */
export async function loadIms(): Promise<void> {
  try {
    const r = await http<{ conversations: ConversationView[] }>("GET", "/api/conversations");
    for (const c of r.conversations) follow(c);
  } catch {
    /* read again at the next welcome */
  }
  for (const t of Object.values(ims.value))
    for (const p of t.pending) sendFrame({ type: "send", conversation_id: t.conversation.id, client_msg_id: p.id, body: p.body });
}

export function onConversation(c: ConversationView): void {
  follow(c);
}

export function onImMessage(m: ConversationMessageView): void {
  const t = ims.value[m.conversation_id];
  if (!t || m.seq <= t.lastSeq) return;
  if (m.sender.id !== me.value?.id) onImTyping(m.conversation_id, m.sender.name, false);
  setIm(m.conversation_id, (t) => ({
    ...t,
    lastSeq: m.seq,
    messages: [...t.messages, m],
    pending: m.client_msg_id ? t.pending.filter((p) => p.id !== m.client_msg_id) : t.pending,
  }));
  // Only messages that arrive live from a colleague alert (not the history read on watch).
  if (m.sender.id !== me.value?.id && Date.now() - Date.parse(m.created_at) < 60_000 && openIm.value !== m.conversation_id) {
    imUnread.value = { ...imUnread.value, [m.conversation_id]: (imUnread.value[m.conversation_id] ?? 0) + 1 };
    chime();
  }
}

export function onImAck(conversationId: string, clientMsgId: string): void {
  setIm(conversationId, (t) => ({ ...t, pending: t.pending.filter((p) => p.id !== clientMsgId) }));
}

/** Opens (or creates) the direct conversation with a colleague and shows it. */
export async function imWith(userId: string): Promise<string | null> {
  try {
    const c = await http<ConversationView>("POST", "/api/conversations", { with: userId });
    follow(c);
    show(c.id);
    return c.id;
  } catch {
    return null;
  }
}

/** Opens the room of my institution or of a co-op I may monitor (made on first use). */
export async function openRoom(scope: { institution_id: string } | { coop_id: string }): Promise<string | null> {
  try {
    const c = await http<ConversationView>("POST", "/api/rooms", scope);
    follow(c);
    show(c.id);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : "Could not open the room";
  }
}

/** Makes a room with a name and the colleagues invited at once. */
export async function makeRoom(name: string, members: string[]): Promise<string | null> {
  try {
    const c = await http<ConversationView>("POST", "/api/rooms", { name, members });
    follow(c);
    show(c.id);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : "Could not make the room";
  }
}

/** Invites a colleague to a made room. */
export async function invite(room: string, user: string): Promise<string | null> {
  try {
    follow(await http<ConversationView>("POST", `/api/conversations/${room}/members`, { user }));
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : "Could not invite";
  }
}

export function show(id: string | null): void {
  openIm.value = id;
  if (id && imUnread.value[id]) {
    const { [id]: _, ...rest } = imUnread.value;
    imUnread.value = rest;
  }
}

export function sendIm(conversationId: string, body: string): void {
  const id = newClientMsgId("im-");
  typedAt = 0;
  sendFrame({ type: "typing", conversation_id: conversationId, active: false });
  setIm(conversationId, (t) => ({ ...t, pending: [...t.pending, { id, body }] }));
  sendFrame({ type: "send", conversation_id: conversationId, client_msg_id: id, body });
}

export function forgetIms(): void {
  ims.value = {};
  openIm.value = null;
  imUnread.value = {};
}
