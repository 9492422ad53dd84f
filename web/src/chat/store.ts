// What the chat box remembers in the iframe's localStorage, so a conversation survives reloads and
// navigation across the library's pages: the guest token, the chat, the last sequence number seen,
// the messages, and an outbox of sends not yet acknowledged (resent with the same client_msg_id
// after a reconnect; the server de-duplicates). Only an open chat is remembered: once it ends,
// everything is forgotten (`forget`), so the next person at a shared library computer finds a
// fresh chat box, not the last patron's conversation or token.

import { ended, type ChatStatus, type MessageKind } from "../shared/api";

export interface StoredMessage {
  seq: number;
  kind: MessageKind;
  name: string | null;
  body: string;
  own: boolean;
}

export interface Outgoing {
  id: string;
  body: string;
}

export interface Saved {
  token?: string;
  chat?: string;
  status?: ChatStatus;
  queue?: number | null;
  operator?: string | null;
  seq: number;
  messages: StoredMessage[];
  outbox: Outgoing[];
}

const blank = (token?: string): Saved => ({ token, seq: 0, messages: [], outbox: [] });

export class Store {
  s: Saved;
  constructor(private key: string) {
    this.s = blank();
    try {
      const raw = localStorage.getItem(key);
      if (raw) this.s = { ...blank(), ...(JSON.parse(raw) as Saved) };
    } catch {
      /* unreadable or blocked storage: start afresh */
    }
  }
  /** Keeps the state on the device, while the chat is open; an ended chat is forgotten. */
  save(): void {
    if (this.s.status && ended(this.s.status)) return this.forget();
    try {
      localStorage.setItem(this.key, JSON.stringify(this.s));
    } catch {
      /* the chat still works for this page view */
    }
  }
  /** Forgets the chat (keeping the guest token unless told otherwise). */
  reset(keepToken: boolean): void {
    this.s = blank(keepToken ? this.s.token : undefined);
    this.save();
  }
  /**
   * Removes everything from the device (the chat ended). What is on screen stays in memory, so
   * the patron can finish reading, until the page goes or a new chat starts.
   */
  forget(): void {
    try {
      // Another tab of the chat box may have started a new chat since: leave that one.
      const raw = localStorage.getItem(this.key);
      const there = raw ? (JSON.parse(raw) as Saved).chat : undefined;
      if (!there || there === this.s.chat) localStorage.removeItem(this.key);
    } catch {
      /* nothing was stored */
    }
  }
}
