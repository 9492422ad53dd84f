// Monitoring state: my toggles (local departments, co-ops), the Librarians list, and Check
// status. The server keeps the truth; the list is read again whenever a `monitors_changed`
// frame or a change of who holds a chat says it may have moved.

import { signal } from "@preact/signals";
import type { CoopStatusView, LibrarianView, MonitoringView } from "../shared/api";
import { http } from "./http";

export const monitoring = signal<MonitoringView | null>(null);
export const librarians = signal<LibrarianView[]>([]);
/** The last Check status asked for, per co-op. */
export const coopStatus = signal<Readonly<Record<string, CoopStatusView>>>({});
export const monitoringError = signal<string | null>(null);

let refreshTimer: ReturnType<typeof setTimeout> | undefined;

export async function loadMonitoring(): Promise<void> {
  try {
    monitoring.value = await http<MonitoringView>("GET", "/api/monitoring");
  } catch {
    monitoringError.value = "Could not read your monitoring settings";
  }
  refreshLibrarians();
}

/** Reads the Librarians list again, soon (several changes in a burst make one request). */
export function refreshLibrarians(): void {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    try {
      librarians.value = (await http<{ librarians: LibrarianView[] }>("GET", "/api/librarians")).librarians;
    } catch {
      /* the next change reads it again */
    }
    for (const id of Object.keys(coopStatus.value)) void checkStatus(id);
  }, 150);
}

/** Switches a department, a co-op, or (with neither) all local departments. */
export async function switchMonitoring(target: { department_id?: string; coop_id?: string }, online: boolean): Promise<void> {
  monitoringError.value = null;
  try {
    monitoring.value = await http<MonitoringView>("PUT", "/api/monitoring", { ...target, online });
  } catch {
    monitoringError.value = "Could not switch monitoring; please try again";
  }
}

export async function checkStatus(coopId: string): Promise<void> {
  try {
    const s = await http<CoopStatusView>("GET", `/api/coops/${coopId}/status`);
    coopStatus.value = { ...coopStatus.value, [coopId]: s };
  } catch {
    monitoringError.value = "Could not check the co-op's status";
  }
}

export function forgetMonitoring(): void {
  clearTimeout(refreshTimer);
  monitoring.value = null;
  librarians.value = [];
  coopStatus.value = {};
  monitoringError.value = null;
}
