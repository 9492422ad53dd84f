// The Monitoring settings: Local monitoring (each department, or all at once) and Co-op
// monitoring (each co-op I may monitor), each Online or Offline, with Check status for a co-op.

import type { MonitorToggle } from "../shared/api";
import { checkStatus, coopStatus, monitoring, monitoringError, switchMonitoring } from "./monitoring";

function Switch({ t, target, label }: { t: MonitorToggle; target: { department_id?: string; coop_id?: string }; label: string }) {
  return (
    <button
      type="button"
      role="switch"
      class={`switch ${t.online ? "on" : "off"}`}
      aria-checked={t.online}
      aria-label={`${label}: ${t.name}`}
      onClick={() => void switchMonitoring(target, !t.online)}
    >
      <span class="switch-name">{t.name}</span>
      <span class="switch-state" aria-hidden="true">
        {t.online ? "Online" : "Offline"}
      </span>
    </button>
  );
}

function CoopStatus({ id }: { id: string }) {
  const s = coopStatus.value[id];
  if (!s) return null;
  const others = s.monitors.filter((m) => !m.me);
  return (
    <p class="coop-status">
      {s.others === 0
        ? "Nobody else is monitoring this co-op right now."
        : `${s.others} other${s.others === 1 ? "" : "s"} monitoring now: ${others.map((m) => `${m.name} (${m.institution.name})`).join(", ")}.`}
    </p>
  );
}

export function MonitoringSettings() {
  const m = monitoring.value;
  if (!m) return null;
  const allOn = m.departments.length > 0 && m.departments.every((d) => d.online);
  return (
    <section class="side-section" aria-labelledby="monitoring-title">
      <h2 id="monitoring-title">Monitoring</h2>
      <h3 id="local-title">Local monitoring</h3>
      <ul class="switches" aria-labelledby="local-title">
        {m.departments.map((d) => (
          <li key={d.id}>
            <Switch t={d} target={{ department_id: d.id }} label="Local monitoring" />
          </li>
        ))}
      </ul>
      {m.departments.length > 1 && (
        <button type="button" class="secondary small" onClick={() => void switchMonitoring({}, !allOn)}>
          {allOn ? "All departments offline" : "All departments online"}
        </button>
      )}
      {m.coops.length > 0 && (
        <>
          <h3 id="coop-title">Co-op monitoring</h3>
          <ul class="switches" aria-labelledby="coop-title">
            {m.coops.map((c) => (
              <li key={c.id}>
                <Switch t={c} target={{ coop_id: c.id }} label="Co-op monitoring" />
                <button type="button" class="secondary small" onClick={() => void checkStatus(c.id)}>
                  Check status<span class="sr-only"> of {c.name}</span>
                </button>
                <div role="status">
                  <CoopStatus id={c.id} />
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
      <p class="error" role="alert">
        {monitoringError.value ?? ""}
      </p>
    </section>
  );
}
