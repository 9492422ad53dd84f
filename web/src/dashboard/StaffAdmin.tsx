// The library's staff, for its admins (inside Library settings): the accounts a page at a
// time, adding one, each one's role, and which of the library's co-ops each may monitor.

import { useEffect, useState } from "preact/hooks";
import { http, HttpError } from "./http";
import { me } from "./state";

interface CoopAccess {
  id: string;
  name: string;
  may_monitor: boolean;
}
interface StaffMember {
  id: string;
  name: string;
  email: string;
  role: string;
  coops: CoopAccess[];
}
interface StaffPage {
  staff: StaffMember[];
  next: string | null;
}

const ROLES: [string, string][] = [
  ["operator", "Operator"],
  ["institution_admin", "Library admin"],
];
const message = (err: unknown, fallback: string) => (err instanceof HttpError ? err.message : fallback);

export function StaffAdmin() {
  const base = `/api/institutions/${me.value?.institution_id}/staff`;
  const [staff, setStaff] = useState<StaffMember[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const load = async (after: string | null) => {
    const page = await http<StaffPage>("GET", after ? `${base}?after=${encodeURIComponent(after)}` : base);
    setStaff((s) => (after ? [...s, ...page.staff] : page.staff));
    setNext(page.next);
  };
  useEffect(() => void load(null).catch(() => setError("Could not read your library's staff")), [base]);

  const act = async (what: () => Promise<unknown>, ok: string) => {
    setStatus("");
    setError("");
    try {
      await what();
      await load(null);
      setStatus(ok);
    } catch (err) {
      setError(message(err, "Could not save"));
    }
  };

  const add = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const d = new FormData(form);
    const body = {
      email: String(d.get("email") || "").trim(),
      name: String(d.get("name") || "").trim(),
      role: String(d.get("role")),
      password: String(d.get("password") || ""),
    };
    void act(async () => {
      await http("POST", base, body);
      form.reset();
    }, `${body.name} can now sign in.`);
  };

  return (
    <section class="chat-boxes" aria-labelledby="staff-h">
      <h2 id="staff-h">Staff</h2>
      <p role="status">{status}</p>
      <p class="error" role="alert">
        {error}
      </p>
      <table class="staff">
        <caption class="sr-only">Staff accounts, their roles and co-op access</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">May monitor</th>
          </tr>
        </thead>
        <tbody>
          {staff.map((s) => {
            const self = s.id === me.value?.id;
            const fixed = self || !ROLES.some(([r]) => r === s.role);
            return (
              <tr key={s.id}>
                <th scope="row">{s.name}</th>
                <td>{s.email}</td>
                <td>
                  <select
                    aria-label={`Role of ${s.name}`}
                    disabled={fixed}
                    value={s.role}
                    onChange={(e) => {
                      const role = (e.currentTarget as HTMLSelectElement).value;
                      void act(() => http("PUT", `${base}/${s.id}/role`, { role }), `${s.name}'s role changed.`);
                    }}
                  >
                    {(ROLES.some(([r]) => r === s.role) ? ROLES : [...ROLES, [s.role, s.role]]).map(([r, t]) => (
                      <option key={r} value={r}>
                        {t}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {s.coops.map((c) => (
                    <label key={c.id}>
                      <input
                        type="checkbox"
                        checked={c.may_monitor}
                        onChange={(e) => {
                          const may_monitor = (e.currentTarget as HTMLInputElement).checked;
                          void act(
                            () => http("PUT", `${base}/${s.id}/coops/${c.id}`, { may_monitor }),
                            may_monitor ? `${s.name} may monitor ${c.name}.` : `${s.name} may no longer monitor ${c.name}.`,
                          );
                        }}
                      />{" "}
                      {c.name}
                    </label>
                  ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {next && (
        <button type="button" onClick={() => void load(next)}>
          Show more staff
        </button>
      )}
      <form class="chat-box" onSubmit={add}>
        <fieldset>
          <legend>Add a staff account</legend>
          <label for="staff-name">Name</label>
          <input id="staff-name" name="name" required maxLength={120} />
          <label for="staff-email">Email</label>
          <input id="staff-email" name="email" type="email" required maxLength={254} />
          <label for="staff-role">Role</label>
          <select id="staff-role" name="role">
            {ROLES.map(([r, t]) => (
              <option key={r} value={r}>
                {t}
              </option>
            ))}
          </select>
          <label for="staff-password">First password (at least 10 characters; tell them to change it)</label>
          <input id="staff-password" name="password" type="password" required minLength={10} autoComplete="new-password" />
          <button type="submit" class="primary">
            Add staff account
          </button>
        </fieldset>
      </form>
    </section>
  );
}
