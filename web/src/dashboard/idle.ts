// Watching for an unattended dashboard: any key, click or pointer movement counts as activity.
// After the library's `ask_still_monitoring_after_minutes` without any while something is
// Online, `askStill` becomes "asking"; two minutes later, unanswered, every toggle goes Offline
// and `askStill` becomes "offline".

import { signal } from "@preact/signals";
import { monitoring, switchMonitoring } from "./monitoring";

export const askStill = signal<"no" | "asking" | "offline">("no");
const ANSWER_WITHIN_MS = 2 * 60_000;
let lastInput = Date.now();
let askedAt = 0;

for (const kind of ["keydown", "pointerdown", "pointermove", "wheel"]) {
  document.addEventListener(kind, () => {
    if (askStill.value !== "asking") lastInput = Date.now();
  }, { passive: true, capture: true });
}

export function stillHere(): void {
  lastInput = Date.now();
  askStill.value = "no";
}

async function goOffline(): Promise<void> {
  const m = monitoring.value;
  if (!m) return;
  if (m.departments.some((d) => d.online)) await switchMonitoring({}, false);
  for (const c of m.coops) if (c.online) await switchMonitoring({ coop_id: c.id }, false);
}

setInterval(() => {
  const m = monitoring.value;
  if (!m) return;
  const online = m.departments.some((d) => d.online) || m.coops.some((c) => c.online);
  const now = Date.now();
  if (askStill.value === "no" && online && now - lastInput > m.ask_still_monitoring_after_minutes * 60_000) {
    askStill.value = "asking";
    askedAt = now;
  } else if (askStill.value === "asking" && now - askedAt > ANSWER_WITHIN_MS) {
    askStill.value = "offline";
    void goOffline();
  }
}, 15_000);
