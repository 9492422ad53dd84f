// A co-op's accounting on the Reports screen, for its admins: per member, chats brought and
// answered (the balance), hours given and owed, chats outside contracted hours or unmonitored;
// a chart of when the co-op was covered (librarian-hours by hour of day, per member) with its
// table; Download CSV.

import { useEffect, useState } from "preact/hooks";
import type { CoopAccountingView } from "../shared/reports";
import { Chart } from "./Chart";
import { http, HttpError } from "./http";

const hours = (h: number) => h.toFixed(1);

export function CoopAccounting({ coop, name }: { coop: string; name: string }) {
  const [a, setA] = useState<CoopAccountingView | null>(null);
  const [error, setError] = useState("");
  const [days, setDays] = useState({ from: "", to: "" });
  const [asked, setAsked] = useState({ from: "", to: "" });
  const query = new URLSearchParams(Object.entries(asked).filter(([, v]) => v !== "")).toString();
  const base = `/api/coops/${coop}/reports/accounting`;
  useEffect(() => {
    http<CoopAccountingView>("GET", `${base}?${query}`).then(
      (r) => {
        setA(r);
        setError("");
        setDays((d) => ({ from: d.from || r.from, to: d.to || r.to }));
      },
      (err) => setError(err instanceof HttpError ? err.message : "Could not read the accounting"),
    );
  }, [base, query]);
  const id = `accounting-${coop}`;
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>Co-op accounting: {name}</h3>
      <form
        class="report-filters"
        aria-label={`Days of the ${name} accounting`}
        onSubmit={(e) => {
          e.preventDefault();
          setAsked({ ...days });
        }}
      >
        <label>
          From <input type="date" value={days.from} onInput={(e) => setDays({ ...days, from: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          To <input type="date" value={days.to} onInput={(e) => setDays({ ...days, to: (e.target as HTMLInputElement).value })} />
        </label>
        <button type="submit">Show</button>
      </form>
      <p class="error" role="alert">
        {error}
      </p>
      {a && (
        <>
          <p>
            {a.from} to {a.to} ({a.time_zone}).{" "}
            <a class="download" href={`${base}?${query}&format=csv`} download>
              Download accounting CSV
            </a>
          </p>
          <table class="mail-table report-table">
            <caption>Accounts by member</caption>
            <thead>
              <tr>
                <th scope="col">Library</th>
                <th scope="col">Chats brought</th>
                <th scope="col">Chats answered</th>
                <th scope="col">Balance</th>
                <th scope="col">Hours given</th>
                <th scope="col">Hours owed</th>
                <th scope="col">Outside its hours</th>
                <th scope="col">Nobody monitoring</th>
              </tr>
            </thead>
            <tbody>
              {a.members.map((m) => (
                <tr key={m.institution.id}>
                  <th scope="row">{m.institution.name}</th>
                  <td>{m.generated}</td>
                  <td>{m.answered}</td>
                  <td>{m.balance > 0 ? `+${m.balance}` : m.balance}</td>
                  <td>{hours(m.hours_given)}</td>
                  <td>{hours(m.hours_owed)}</td>
                  <td>{m.outside_hours}</td>
                  <td>{m.unmonitored}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Chart
            spec={{
              title: `Coverage of ${name} by hour of day (librarian-hours)`,
              xLabel: "Hour",
              labels: Array.from({ length: 24 }, (_, h) => String(h)),
              series: a.members.map((m) => ({ label: m.institution.name, values: m.given_by_hour })),
            }}
          />
          <table class="mail-table report-table">
            <caption>Coverage by weekday (librarian-hours)</caption>
            <thead>
              <tr>
                <th scope="col">Library</th>
                {["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map((d) => (
                  <th scope="col" key={d}>
                    {d}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {a.members.map((m) => (
                <tr key={m.institution.id}>
                  <th scope="row">{m.institution.name}</th>
                  {m.given_by_weekday.map((h, i) => (
                    <td key={i}>{hours(h)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
