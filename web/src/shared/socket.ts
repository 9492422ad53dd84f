// One WebSocket to refdesk that reconnects by itself. After every (re)connection it sends the
// `hello` frame its owner builds at that moment (so `resume` carries the latest sequence numbers),
// and reports "ready" only once the server's `welcome` arrived. Reconnects back off from 250 ms,
// doubling up to 10 s, with jitter so that a restarted server is not hit by everyone at once.

import type { ClientFrame, ServerFrame } from "./api";

export interface SocketOwner {
  hello(): ClientFrame;
  frame(f: ServerFrame): void;
  /** `ready`: welcomed; `down`: lost and retrying. */
  status(s: "ready" | "down"): void;
}

export interface Socket {
  /** Sends when welcomed; returns false otherwise (the owner keeps its outbox). */
  send(f: ClientFrame): boolean;
  close(): void;
}

const MIN_DELAY = 250;
const MAX_DELAY = 10_000;

export function openSocket(owner: SocketOwner): Socket {
  let ws: WebSocket | null = null;
  let ready = false;
  let stopped = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";

  const retry = () => {
    if (stopped || timer !== undefined) return;
    const base = Math.min(MAX_DELAY, MIN_DELAY * 2 ** attempt++);
    timer = setTimeout(() => {
      timer = undefined;
      connect();
    }, base / 2 + (Math.random() * base) / 2);
  };

  const connect = () => {
    if (stopped) return;
    const sock = new WebSocket(url);
    ws = sock;
    sock.onopen = () => sock.send(JSON.stringify(owner.hello()));
    sock.onmessage = (ev) => {
      let f: ServerFrame;
      try {
        f = JSON.parse(String(ev.data)) as ServerFrame;
      } catch {
        return;
      }
      if (f.type === "welcome") {
        ready = true;
        attempt = 0;
        owner.status("ready");
      }
      owner.frame(f);
    };
    sock.onclose = () => {
      if (ws !== sock) return;
      ws = null;
      ready = false;
      if (!stopped) {
        owner.status("down");
        retry();
      }
    };
  };

  const online = () => {
    if (!ws && timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
      connect();
    }
  };
  addEventListener("online", online);
  connect();

  return {
    send(f) {
      if (!ready || !ws) return false;
      ws.send(JSON.stringify(f));
      return true;
    },
    close() {
      stopped = true;
      removeEventListener("online", online);
      clearTimeout(timer);
      ws?.close();
      ws = null;
    },
  };
}
