// Alerts a librarian cannot miss when a patron is waiting: a short tone (WebAudio, no sound file),
// a desktop notification once the operator allowed them, and a "(2) refdesk" tab title.

import { signal } from "@preact/signals";
import type { StaffChatView } from "../shared/api";

let audio: AudioContext | null = null;

// Browsers only let a page play sound after a user gesture: create the context on the first one.
function unlock() {
  if (!audio && typeof AudioContext !== "undefined") audio = new AudioContext();
  void audio?.resume();
}
addEventListener("pointerdown", unlock);
addEventListener("keydown", unlock);

/** Two short rising tones. */
export function chime(): void {
  if (!audio) return;
  const t = audio.currentTime;
  for (const [i, freq] of [660, 880].entries()) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = "sine";
    osc.frequency.value = freq;
    const start = t + i * 0.18;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.16);
    osc.connect(gain).connect(audio.destination);
    osc.start(start);
    osc.stop(start + 0.17);
  }
}

type Permission = NotificationPermission | "unsupported";
export const permission = signal<Permission>(
  typeof Notification === "undefined" ? "unsupported" : Notification.permission,
);

export async function enableNotifications(): Promise<void> {
  if (typeof Notification === "undefined") return;
  permission.value = await Notification.requestPermission();
}

export function notify(chat: StaffChatView, open: (id: string) => void): void {
  notifyText(`New chat: ${chat.patron_name || "Patron"} (${chat.institution.name})`, chat.question ?? "", () => open(chat.id), chat.id);
}

/** A desktop notification (a new chat, a transfer); one with a `tag` replaces the last of
 * that tag. */
export function notifyText(title: string, body: string, onClick: () => void, tag?: string): void {
  if (permission.value !== "granted") return;
  try {
    const n = new Notification(title, { body, tag });
    n.onclick = () => {
      focus();
      onClick();
      n.close();
    };
  } catch {
    /* some browsers only allow notifications from a service worker */
  }
}

export function setBadge(waiting: number): void {
  const title = waiting > 0 ? `(${waiting}) refdesk` : "refdesk";
  if (document.title !== title) document.title = title;
}
