// The chat page inside the widget's iframe, served at /chat/{widget_id}: pre-chat form, queue
// notice, conversation, typing indicators, reconnects. Vanilla TypeScript; all text is set with
// textContent. Budget: 10 KB gzipped with its CSS, checked by build.mjs.

import "./chat.css";
import type { ApiErrorBody, MessageView, PatronChatView, ServerFrame, WidgetConfig } from "../shared/api";
import { ended, newClientMsgId } from "../shared/api";
import { openSocket, type Socket } from "../shared/socket";
import { hideOffline, showOffline } from "./offline";
import { clearSuggestions, showSuggestions, suggestFaqs } from "./suggest";
import { applyFields, readFields } from "./prechat";
import { offerRating, resetRating } from "./rating";
import { offerTranscript, resetTranscript } from "./transcript";
import { offerOwnChat, resetOwnChat } from "./ownchat";
import { fileEl, wireAttach } from "./files";
import { Store, type StoredMessage } from "./store";

const widgetId = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
const store = new Store("refdesk-chat:" + widgetId);
const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const ui = {
  title: byId("title"),
  intro: byId("intro"),
  minimize: byId<HTMLButtonElement>("minimize"),
  conn: byId("conn"),
  loading: byId("loading"),
  unavailable: byId("unavailable"),
  form: byId<HTMLFormElement>("prechat"),
  name: byId<HTMLInputElement>("f-name"),
  email: byId<HTMLInputElement>("f-email"),
  question: byId<HTMLTextAreaElement>("f-question"),
  formError: byId("form-error"),
  chat: byId("chat"),
  notice: byId("notice"),
  log: byId("log"),
  typing: byId("typing"),
  ended: byId("ended"),
  newChat: byId<HTMLButtonElement>("new-chat"),
  composer: byId<HTMLFormElement>("composer"),
  msg: byId<HTMLTextAreaElement>("msg"),
  end: byId<HTMLButtonElement>("end"),
};

let socket: Socket | null = null;
let typingTimer: ReturnType<typeof setTimeout> | undefined;
let typingSentAt = 0;
let theirTypingTimer: ReturnType<typeof setTimeout> | undefined;
/** Elements of messages sent but not yet seen back from the server, by client_msg_id. */
const pending = new Map<string, HTMLElement>();

const el = (tag: string, cls: string, text?: string) => {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

// ---- rendering ---------------------------------------------------------------------------

function messageEl(m: Pick<StoredMessage, "kind" | "name" | "body" | "own">): HTMLElement {
  if (m.kind === "system") return el("div", "msg system", m.body);
  const box = el("div", m.own ? "msg own" : "msg");
  const who = el("span", "who", m.own ? "You" : m.name || "Librarian");
  who.appendChild(el("span", "sr-only", ":"));
  box.append(who, fileEl(m.body, store.s.token) ?? el("p", "", m.body));
  return box;
}

function scrollDown() {
  ui.log.scrollTop = ui.log.scrollHeight;
}

/** Adds a stored message before any pending ones. */
function showMessage(m: StoredMessage) {
  ui.log.insertBefore(messageEl(m), ui.log.querySelector(".pending"));
  scrollDown();
}

function showPending(id: string, body: string) {
  const e = messageEl({ kind: "patron", name: null, body, own: true });
  e.classList.add("pending");
  e.appendChild(el("span", "state", "Sending…"));
  ui.log.appendChild(e);
  pending.set(id, e);
  scrollDown();
}

function renderStatus() {
  const s = store.s;
  let text = "";
  if (s.status === "waiting") {
    const n = s.queue;
    text = n && n > 1 ? `You are number ${n} in line. ` : n === 1 ? "You are next in line. " : "";
    text += "A librarian will be with you shortly.";
  } else if (s.status === "active") {
    text = `You are chatting with ${s.operator || "a librarian"}.`;
  }
  if (ui.notice.textContent !== text) ui.notice.textContent = text;
  showSuggestions(s.status === "waiting");
  const over = !!s.status && ended(s.status);
  if (over && ui.ended.hidden) {
    offerRating(s.chat, !!config?.ask_rating, s.token);
    offerTranscript(s.chat, s.token, patronEmail);
    offerOwnChat(s.chat, s.token, ui.log, config?.institution_name ?? "a librarian");
  }
  ui.ended.hidden = !over;
  ui.composer.hidden = over;
  ui.end.hidden = over;
  if (over) setTheirTyping(null);
}

/** The address the patron gave in the pre-chat form, to fill in "Email me the transcript". */
let patronEmail: string | undefined;

/** The chat box's configuration, once read. */
let config: WidgetConfig | null = null;

function showForm() {
  shown = false;
  ui.loading.hidden = true;
  ui.chat.hidden = true;
  if (config && !config.online) {
    showOffline(config.texts.offline, loadConfig, widgetId);
    return;
  }
  hideOffline();
  ui.form.hidden = false;
}

/** Whether the conversation is on screen (a remembered chat waits for its status first). */
let shown = false;

function showChat() {
  shown = true;
  hideOffline();
  ui.loading.hidden = true;
  ui.form.hidden = true;
  ui.chat.hidden = false;
  ui.log.replaceChildren();
  pending.clear();
  for (const m of store.s.messages) ui.log.appendChild(messageEl(m));
  for (const o of store.s.outbox) showPending(o.id, o.body);
  renderStatus();
  scrollDown();
}

function setTheirTyping(name: string | null) {
  clearTimeout(theirTypingTimer);
  ui.typing.textContent = name === null ? "" : `${name} is typing…`;
  if (name !== null) theirTypingTimer = setTimeout(() => setTheirTyping(null), 6000);
}

// ---- the socket --------------------------------------------------------------------------

function ensureSocket() {
  if (socket) return;
  socket = openSocket({
    hello: () => {
      const s = store.s;
      return {
        type: "hello",
        guest_token: s.token,
        resume: s.chat ? [{ chat_id: s.chat, after_seq: s.seq }] : [],
      };
    },
    status: (st) => {
      ui.conn.textContent = st === "down" ? "Reconnecting…" : "";
      // A remembered chat waits for the server's word that it is still open; when the server
      // cannot be reached, show it as it was (the patron may want to read it) rather than wait.
      if (st === "down" && !shown && store.s.chat) showChat();
      if (st === "ready") flushOutbox();
    },
    frame: onFrame,
  });
}

function flushOutbox() {
  const s = store.s;
  if (!s.chat) return;
  for (const o of s.outbox)
    socket?.send({ type: "send", chat_id: s.chat, client_msg_id: o.id, body: o.body, kind: "message" });
}

function onMessage(m: MessageView) {
  const s = store.s;
  if (m.chat_id !== s.chat || m.seq <= s.seq || m.kind === "internal_note") return;
  const own = m.sender === "patron";
  const stored: StoredMessage = { seq: m.seq, kind: m.kind, name: m.sender_name, body: m.body, own };
  s.seq = m.seq;
  s.messages.push(stored);
  const cmid = m.client_msg_id;
  if (cmid) s.outbox = s.outbox.filter((o) => o.id !== cmid);
  store.save();
  const mine = cmid ? pending.get(cmid) : undefined;
  if (mine && ui.log.querySelector(".pending") === mine) {
    // Already on screen in the right place: just mark it sent (no second announcement).
    mine.classList.remove("pending");
    mine.querySelector(".state")?.remove();
    pending.delete(cmid!);
  } else {
    if (mine) {
      mine.remove();
      pending.delete(cmid!);
    }
    showMessage(stored);
  }
  if (!own && m.kind === "operator") {
    setTheirTyping(null);
    // Lets the loader flag the launcher when the box is closed (only this bit reaches the page).
    if (inFrame()) parent.postMessage({ refdesk: "message" }, "*");
  }
}

/** A librarian started a chat with me (outbound) while my last one had ended: open it. */
function adopt(c: PatronChatView) {
  store.s = { token: store.s.token, chat: c.id, status: c.status, queue: null, operator: c.operator_name, seq: 0, messages: [], outbox: [] };
  store.save();
  showChat();
  socket?.send({ type: "watch", chat_id: c.id, after_seq: 0 });
  if (inFrame()) parent.postMessage({ refdesk: "message" }, "*");
}

function onStatus(c: PatronChatView) {
  const s = store.s;
  if (c.id !== s.chat) {
    if (c.status === "active" && (!s.chat || (s.status && ended(s.status)))) adopt(c);
    return;
  }
  // A status without a position (e.g. the one sent on `watch`) keeps the last one we were told.
  if (c.status !== "waiting" || c.queue_position !== null || s.status !== "waiting") s.queue = c.queue_position;
  s.status = c.status;
  s.operator = c.operator_name;
  if (ended(c.status)) {
    for (const o of s.outbox) fail(o.id);
    s.outbox = [];
    if (!shown) {
      // A chat remembered from an earlier visit that has ended meanwhile: whoever is here now
      // gets a fresh chat box, not that conversation.
      socket?.close();
      socket = null;
      store.reset(false);
      showForm();
      return;
    }
  }
  store.save();
  if (!shown) showChat();
  renderStatus();
}

function fail(id: string) {
  const e = pending.get(id);
  if (!e) return;
  pending.delete(id);
  e.classList.replace("pending", "failed");
  const st = e.querySelector(".state");
  if (st) st.textContent = "Not sent";
}

function onFrame(f: ServerFrame) {
  const s = store.s;
  switch (f.type) {
    case "message":
      return onMessage(f.message);
    case "chat_status":
      return onStatus(f.chat);
    case "ack":
      if (f.chat_id === s.chat) {
        s.outbox = s.outbox.filter((o) => o.id !== f.client_msg_id);
        store.save();
      }
      return;
    case "typing":
      if (f.chat_id === s.chat && f.from === "staff") setTheirTyping(f.active ? f.name || "The librarian" : null);
      return;
    case "error": {
      // `in_reply_to` names a send (its client id); `frame` the type of the refused frame.
      const id = f.in_reply_to;
      if (f.frame === "hello" && f.code === "unauthenticated") {
        // The guest token is no longer valid: start afresh.
        socket?.close();
        socket = null;
        store.reset(false);
        ui.conn.textContent = "";
        showForm();
      } else if (f.frame === "hello" || f.frame === "watch") {
        if (f.code === "not_found") {
          store.reset(true);
          showForm();
        } else if (!shown && store.s.chat) {
          showChat();
        }
      } else if (id && s.outbox.some((o) => o.id === id)) {
        if (f.code === "rate_limited" || f.code === "internal") {
          setTimeout(flushOutbox, 2000);
        } else {
          s.outbox = s.outbox.filter((o) => o.id !== id);
          store.save();
          fail(id);
        }
      }
      return;
    }
  }
}

// ---- actions -----------------------------------------------------------------------------

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (store.s.token) headers.authorization = "Bearer " + store.s.token;
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, data: (text ? JSON.parse(text) : null) as T };
}

function referrer(): string | undefined {
  const m = /[#&]ref=([^&]*)/.exec(location.hash);
  if (m) return decodeURIComponent(m[1]);
  return document.referrer ? document.referrer.split(/[?#]/)[0] : undefined;
}

function applyConfig(c: WidgetConfig) {
  const title = c.texts.title || c.institution_name;
  ui.title.textContent = title;
  document.title = `Chat with a librarian – ${title}`;
  if (c.texts.greeting) ui.intro.textContent = c.texts.greeting;
  applyFields(c.fields);
  const privacy = byId<HTMLAnchorElement>("privacy");
  privacy.href = c.privacy_url;
  privacy.hidden = false;
  config = c;
  // Between chats, the form or the offline text follows whether anyone is monitoring.
  if (!shown && !store.s.chat) showForm();
}

function loadConfig() {
  api<WidgetConfig>("GET", `/api/widgets/${encodeURIComponent(widgetId)}`)
    .then((r) => {
      if (r.status !== 200) throw new Error();
      applyConfig(r.data);
    })
    .catch(() => {
      if (!store.s.chat) {
        ui.loading.hidden = true;
        ui.form.hidden = true;
        ui.unavailable.hidden = false;
      }
    });
}

async function startChat(e: Event) {
  e.preventDefault();
  ui.formError.textContent = "";
  const fields = readFields(ui.formError);
  if (!fields) return;
  const body: Record<string, string> = { widget_id: widgetId, ...fields };
  patronEmail = fields.email;
  const ref = referrer();
  if (ref) body.referrer = ref;
  const submit = ui.form.querySelector("button")!;
  submit.disabled = true;
  try {
    let r = await api<{ chat: PatronChatView; guest_token?: string } & ApiErrorBody>("POST", "/api/chats", body);
    if (r.status === 401 && store.s.token) {
      store.reset(false);
      r = await api("POST", "/api/chats", body);
    }
    if (r.status !== 201) {
      ui.formError.textContent =
        r.status === 400
          ? "Please check your answers: " + (r.data?.error?.message || "something is not valid") + "."
          : "Sorry, the chat could not be started. Please try again in a moment.";
      return;
    }
    const c = r.data.chat;
    const token = r.data.guest_token || store.s.token;
    store.s = { token, chat: c.id, status: c.status, queue: c.queue_position, operator: c.operator_name, seq: 0, messages: [], outbox: [] };
    store.save();
    ui.form.reset();
    clearSuggestions();
    if (fields.question) void suggestFaqs(widgetId, c.id, fields.question).then(renderStatus);
    showChat();
    ui.msg.focus();
    if (socket) {
      // A socket of an earlier chat: follow the new one (it was not in its hello).
      if (!socket.send({ type: "watch", chat_id: c.id, after_seq: 0 })) {
        socket.close();
        socket = null;
      }
    }
    ensureSocket();
  } catch {
    ui.formError.textContent = "Sorry, the chat could not be started. Please check your connection and try again.";
  } finally {
    submit.disabled = false;
  }
}

function sendTyping(active: boolean) {
  const chat = store.s.chat;
  if (chat) socket?.send({ type: "typing", chat_id: chat, active });
}

function send(e?: Event) {
  e?.preventDefault();
  const s = store.s;
  const body = ui.msg.value.trim();
  if (!body || !s.chat || (s.status && ended(s.status))) return;
  const id = newClientMsgId("p-");
  s.outbox.push({ id, body });
  store.save();
  showPending(id, body);
  ui.msg.value = "";
  if (typingSentAt) {
    clearTimeout(typingTimer);
    typingSentAt = 0;
    sendTyping(false);
  }
  socket?.send({ type: "send", chat_id: s.chat, client_msg_id: id, body, kind: "message" });
}

function typed() {
  const now = Date.now();
  if (now - typingSentAt > 3000) {
    typingSentAt = now;
    sendTyping(true);
  }
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => {
    typingSentAt = 0;
    sendTyping(false);
  }, 4000);
}

async function endChat() {
  const chat = store.s.chat;
  if (!chat) return;
  ui.end.disabled = true;
  try {
    const r = await api<PatronChatView>("POST", `/api/chats/${chat}/end`);
    if (r.status === 200 && r.data) onStatus(r.data);
    else if (r.status === 409)
      onStatus({ id: chat, status: "closed", operator_name: null, queue_position: null, last_seq: store.s.seq });
  } catch {
    /* the socket's chat_status will tell */
  } finally {
    ui.end.disabled = false;
  }
  ui.newChat.focus();
}

function newChat() {
  resetRating();
  resetTranscript();
  resetOwnChat();
  clearSuggestions();
  // Nothing of the last chat is kept, not even its guest token: the next chat is a new guest's,
  // on a new socket.
  socket?.close();
  socket = null;
  store.reset(false);
  ui.log.replaceChildren();
  pending.clear();
  showForm();
  loadConfig();
  [ui.name, ui.email, ui.question].find((x) => !x.hidden)?.focus();
}

// ---- start -------------------------------------------------------------------------------

function inFrame(): boolean {
  try {
    return window.parent !== window;
  } catch {
    return true;
  }
}

function init() {
  wireAttach(() => ({ chat: store.s.chat, token: store.s.token }));
  if (inFrame()) {
    ui.minimize.hidden = false;
    const close = () => parent.postMessage({ refdesk: "close" }, "*");
    ui.minimize.addEventListener("click", close);
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape") close();
    });
    addEventListener("message", (e) => {
      if (e.data && e.data.refdesk === "focus")
        [ui.question, ui.msg, ui.newChat].find((x) => x.offsetParent !== null)?.focus();
    });
  }
  ui.form.addEventListener("submit", startChat);
  ui.composer.addEventListener("submit", send);
  ui.msg.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) send(e);
  });
  ui.msg.addEventListener("input", typed);
  ui.end.addEventListener("click", endChat);
  ui.newChat.addEventListener("click", newChat);

  loadConfig();

  const s = store.s;
  if (s.chat && s.status && !ended(s.status)) {
    // Shown once the server says the chat is still open (the first chat_status).
    ensureSocket();
  } else {
    store.reset(false);
    showForm();
  }
}

init();
