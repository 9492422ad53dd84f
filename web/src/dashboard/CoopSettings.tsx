// Co-op settings, for a co-op's admins: its member libraries, each member's contracted hours
// (a weekly schedule in the member's time zone, and closed dates), adding and removing members,
// and who may monitor the co-op.

import { useEffect, useState } from "preact/hooks";
import type { NamedRef } from "../shared/api";
import { http, HttpError } from "./http";

interface Opening {
  day: string;
  from: string;
  to: string;
}
interface Member {
  institution: NamedRef;
  time_zone: string;
  hours: { weekly: Opening[]; closed: string[] };
}
interface Monitor {
  id: string;
  name: string;
  institution: NamedRef;
}

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const message = (err: unknown, fallback: string) => (err instanceof HttpError ? err.message : fallback);

/** "mon 09:00-17:00" per line, and back. */
const openingsText = (w: Opening[]) => w.map((o) => `${o.day} ${o.from}-${o.to}`).join("\n");
function parseOpenings(text: string): Opening[] | string {
  const out: Opening[] = [];
  for (const line of text.split("\n").map((l) => l.trim()).filter(Boolean)) {
    const m = /^([a-z]{3})\s+(\d\d:\d\d)\s*-\s*(\d\d:\d\d)$/.exec(line.toLowerCase());
    if (!m || !DAYS.includes(m[1])) return `"${line}" is not like "mon 09:00-17:00"`;
    out.push({ day: m[1], from: m[2], to: m[3] });
  }
  return out;
}

export function CoopSettings() {
  const [coops, setCoops] = useState<NamedRef[]>([]);
  const [coop, setCoop] = useState<string>("");
  const [members, setMembers] = useState<Member[]>([]);
  const [monitors, setMonitors] = useState<Monitor[]>([]);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  useEffect(() => {
    http<{ coops: NamedRef[] }>("GET", "/api/coops").then(
      (r) => {
        setCoops(r.coops);
        if (r.coops[0]) setCoop(r.coops[0].id);
      },
      () => setError("Could not read your co-ops"),
    );
  }, []);
  const load = async () => {
    if (!coop) return;
    const [m, w] = await Promise.all([
      http<{ members: Member[] }>("GET", `/api/coops/${coop}/members`),
      http<{ monitors: Monitor[] }>("GET", `/api/coops/${coop}/monitors`),
    ]);
    setMembers(m.members);
    setMonitors(w.monitors);
  };
  useEffect(() => void load().catch(() => setError("Could not read the co-op")), [coop]);

  const act = async (what: () => Promise<unknown>, ok: string) => {
    setStatus("");
    setError("");
    try {
      await what();
      await load();
      setStatus(ok);
    } catch (err) {
      setError(message(err, "Could not save"));
    }
  };

  const saveHours = (m: Member) => (e: Event) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const weekly = parseOpenings(String(d.get("weekly") || ""));
    if (typeof weekly === "string") {
      setError(weekly);
      return;
    }
    const closed = String(d.get("closed") || "")
      .split(/[\s,]+/)
      .filter(Boolean);
    void act(
      () => http("PUT", `/api/coops/${coop}/members/${m.institution.id}/hours`, { weekly, closed }),
      `Hours of ${m.institution.name} saved.`,
    );
  };

  const addMember = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const slug = String(new FormData(form).get("slug") || "").trim();
    void act(async () => {
      await http("POST", `/api/coops/${coop}/members`, { slug });
      form.reset();
    }, `${slug} joined the co-op.`);
  };

  if (!coops.length)
    return (
      <main class="settings">
        <h2>Co-op settings</h2>
        <p class="error" role="alert">
          {error}
        </p>
      </main>
    );
  return (
    <main class="settings">
      <h2>Co-op settings</h2>
      {coops.length > 1 && (
        <>
          <label for="coop-pick">Co-op</label>
          <select id="coop-pick" value={coop} onChange={(e) => setCoop((e.currentTarget as HTMLSelectElement).value)}>
            {coops.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </>
      )}
      <p role="status">{status}</p>
      <p class="error" role="alert">
        {error}
      </p>
      <section class="chat-boxes" aria-labelledby="members-h">
        <h3 id="members-h">Members and their hours</h3>
        {members.map((m) => (
          <form key={m.institution.id} class="chat-box" onSubmit={saveHours(m)}>
            <fieldset>
              <legend>{m.institution.name}</legend>
              <label for={`w-${m.institution.id}`}>
                Contracted hours, one opening per line like "mon 09:00-17:00" in {m.time_zone} (empty: around the clock)
              </label>
              <textarea id={`w-${m.institution.id}`} name="weekly" rows={4} value={openingsText(m.hours.weekly)} />
              <label for={`c-${m.institution.id}`}>Closed dates (YYYY-MM-DD, separated by spaces)</label>
              <input id={`c-${m.institution.id}`} name="closed" value={m.hours.closed.join(" ")} />
              <button type="submit" class="primary">
                Save hours of {m.institution.name}
              </button>
              <button
                type="button"
                onClick={() =>
                  void act(() => http("DELETE", `/api/coops/${coop}/members/${m.institution.id}`), `${m.institution.name} left the co-op.`)
                }
              >
                Remove {m.institution.name} from the co-op
              </button>
            </fieldset>
          </form>
        ))}
        <form class="inline" onSubmit={addMember}>
          <label for="new-member">Add a library (its short name, e.g. riverside)</label>
          <input id="new-member" name="slug" required maxLength={64} />
          <button type="submit">Add library</button>
        </form>
      </section>
      <section class="chat-boxes" aria-labelledby="monitors-h">
        <h3 id="monitors-h">Who may monitor the co-op</h3>
        <ul class="departments">
          {monitors.map((w) => (
            <li key={w.id}>
              {w.name} ({w.institution.name}){" "}
              <button
                type="button"
                onClick={() =>
                  void act(
                    () => http("PUT", `/api/coops/${coop}/monitors/${w.id}`, { may_monitor: false }),
                    `${w.name} may no longer monitor the co-op.`,
                  )
                }
              >
                Stop {w.name} monitoring
              </button>
            </li>
          ))}
        </ul>
        <p class="muted">Each member library's admins choose which of their staff may monitor the co-op, under Library settings.</p>
      </section>
    </main>
  );
}
