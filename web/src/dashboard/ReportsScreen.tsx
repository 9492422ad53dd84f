// The Reports screen, for the library's admins: its patrons' chats in a range of days (in the
// library's time zone), filtered, as figures, two charts (uPlot, loaded only here) with a table
// for every breakdown beside them, and the same report as a CSV download.

import { useEffect, useState } from "preact/hooks";
import type { BucketView, ChatReportView, SpreadView } from "../shared/reports";
import { Chart } from "./Chart";
import { http, HttpError } from "./http";
import { useLatest } from "./latest";
import { monitoring } from "./monitoring";
import { CoopAccounting } from "./CoopAccounting";
import { adminCoops, me } from "./state";

const isAdmin = (role: string | undefined) => role === "institution_admin" || role === "system_admin";

interface Filters {
  from: string;
  to: string;
  department: string;
  widget: string;
  coop: string;
  operator: string;
  tag: string;
  rating: string;
}

const query = (f: Filters) =>
  new URLSearchParams(Object.entries(f).filter(([, v]) => v !== "") as [string, string][]).toString();

const minutes = (s: number | null) => (s === null ? "–" : s < 60 ? `${Math.round(s)} s` : `${(s / 60).toFixed(1)} min`);
const spread = (s: SpreadView) => `median ${minutes(s.median_seconds)}, 90% within ${minutes(s.p90_seconds)}`;

function BucketTable({ title, rows, first }: { title: string; rows: BucketView[]; first: string }) {
  if (rows.length === 0) return null;
  return (
    <table class="mail-table report-table">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">{first}</th>
          <th scope="col">Chats</th>
          <th scope="col">Answered</th>
          <th scope="col">Unanswered</th>
          <th scope="col">Abandoned</th>
          <th scope="col">Median wait</th>
          <th scope="col">Median length</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((b) => (
          <tr key={b.key}>
            <th scope="row">{b.label}</th>
            <td>{b.figures.chats}</td>
            <td>{b.figures.answered}</td>
            <td>{b.figures.unanswered}</td>
            <td>{b.figures.abandoned}</td>
            <td>{minutes(b.figures.wait.median_seconds)}</td>
            <td>{minutes(b.figures.duration.median_seconds)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ReportsScreen() {
  return (
    <main class="settings reports" id="main" aria-labelledby="reports-title">
      <h2 id="reports-title">Reports</h2>
      {isAdmin(me.value?.role) && <ChatReport />}
      {adminCoops.value.map((c) => (
        <CoopAccounting key={c.id} coop={c.id} name={c.name} />
      ))}
    </main>
  );
}

function ChatReport() {
  const institution = me.value?.institution_id ?? "";
  const [filters, setFilters] = useState<Filters>({ from: "", to: "", department: "", widget: "", coop: "", operator: "", tag: "", rating: "" });
  const [report, setReport] = useState<ChatReportView | null>(null);
  const [error, setError] = useState("");
  const base = `/api/institutions/${institution}/reports/chats`;
  const ask = useLatest();
  const load = (f: Filters) => {
    const current = ask();
    return http<ChatReportView>("GET", `${base}?${query(f)}`).then(
      (r) => {
        if (!current()) return;
        setReport(r);
        setError("");
        // The first report says which days it covers: the form shows them.
        setFilters((old) => ({ ...old, from: old.from || r.from, to: old.to || r.to }));
      },
      (err) => current() && setError(err instanceof HttpError ? err.message : "Could not read the report"),
    );
  };
  useEffect(() => void load(filters), [institution]);
  const set = (k: keyof Filters) => (e: Event) => setFilters({ ...filters, [k]: (e.target as HTMLInputElement).value });
  const t = report?.total;
  const options = (rows: BucketView[] | undefined) => (rows ?? []).map((b) => <option value={b.key}>{b.label}</option>);
  return (
    <section aria-labelledby="chat-report-title">
      <h3 id="chat-report-title">Your library's chats</h3>
      <form
        class="report-filters"
        onSubmit={(e) => {
          e.preventDefault();
          void load(filters);
        }}
      >
        <label>
          From <input type="date" value={filters.from} onInput={set("from")} />
        </label>
        <label>
          To <input type="date" value={filters.to} onInput={set("to")} />
        </label>
        <label>
          Librarian
          <select value={filters.operator} onChange={set("operator")}>
            <option value="">Everyone</option>
            {options(report?.by_operator.filter((b) => !b.key.startsWith("institution:")))}
          </select>
        </label>
        <label>
          Department
          <select value={filters.department} onChange={set("department")}>
            <option value="">All</option>
            {options(report?.by_department)}
          </select>
        </label>
        <label>
          Chat box
          <select value={filters.widget} onChange={set("widget")}>
            <option value="">All</option>
            {options(report?.by_widget)}
          </select>
        </label>
        <label>
          Co-op
          <select value={filters.coop} onChange={set("coop")}>
            <option value="">Any or none</option>
            {(monitoring.value?.coops ?? []).map((c) => (
              <option value={c.id}>{c.name}</option>
            ))}
          </select>
        </label>
        <label>
          Tag <input value={filters.tag} onInput={set("tag")} />
        </label>
        <label>
          Rating
          <select value={filters.rating} onChange={set("rating")}>
            <option value="">Any</option>
            {[1, 2, 3, 4, 5].map((n) => (
              <option value={String(n)}>{n} stars</option>
            ))}
          </select>
        </label>
        <button type="submit">Show</button>
        <a class="download" href={`${base}?${query({ ...filters })}&format=csv`} download>
          Download CSV
        </a>
      </form>
      <p class="error" role="alert">
        {error}
      </p>
      {report && t && (
        <>
          <p>
            {report.from} to {report.to} ({report.time_zone}): <strong>{t.chats} chats</strong>, {t.answered} answered, {t.unanswered} unanswered,{" "}
            {t.abandoned} abandoned, {t.open} open. Wait: {spread(t.wait)}. Length: {spread(t.duration)}. {t.transfers} transfers, {t.tickets} tickets.
            {report.ratings.rated > 0 && ` Rated ${report.ratings.rated} times, ${report.ratings.mean_stars?.toFixed(1)} stars on average, ${report.ratings.comments} comments.`}{" "}
            Your librarians answered {report.answered_for_others} chats for other libraries.
          </p>
          <Chart
            spec={{
              title: "Chats by hour of day",
              xLabel: "Hour",
              labels: report.by_hour.map((b) => b.key),
              series: [{ label: "Chats", values: report.by_hour.map((b) => b.figures.chats) }],
              bars: true,
            }}
          />
          {report.by_day.length > 1 && (
            <Chart
              spec={{
                title: "Chats by day",
                xLabel: "Day",
                labels: report.by_day.map((b) => b.key.slice(5)),
                series: [{ label: "Chats", values: report.by_day.map((b) => b.figures.chats) }],
              }}
            />
          )}
          <BucketTable title="By hour of day" first="Hour" rows={report.by_hour.filter((b) => b.figures.chats > 0)} />
          <BucketTable title="By weekday" first="Weekday" rows={report.by_weekday} />
          <BucketTable title="By day" first="Day" rows={report.by_day} />
          <BucketTable title="By month" first="Month" rows={report.by_month} />
          <BucketTable title="By librarian" first="Librarian" rows={report.by_operator} />
          <BucketTable title="By department" first="Department" rows={report.by_department} />
          <BucketTable title="By chat box" first="Chat box" rows={report.by_widget} />
        </>
      )}
    </section>
  );
}
