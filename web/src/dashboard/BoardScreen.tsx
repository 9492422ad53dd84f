// The live board, for a library's admins (their library) and a co-op's (every member): who is
// monitoring what right now, the chats waiting and for how long, and each library's counts.
// Read again (at most every half second) whenever a `chat` or `monitors_changed` frame says it
// may have moved; the waits count up with the dashboard's clock.

import { useEffect, useRef, useState } from "preact/hooks";
import type { BoardView } from "../shared/reports";
import { http } from "./http";
import { adminCoops, boardChanged, me, now } from "./state";
import { since } from "./time";

const isAdmin = (role: string | undefined) => role === "institution_admin" || role === "system_admin";

function Board({ path, title }: { path: string; title: string }) {
  const [board, setBoard] = useState<BoardView | null>(null);
  const [error, setError] = useState("");
  const changed = boardChanged.value;
  // Read again at most every half second while frames keep coming (a throttle, not a
  // debounce: a busy co-op's steady frames must not put the read off for ever).
  const pending = useRef<number | null>(null);
  const lastRead = useRef(0);
  const pathNow = useRef(path);
  pathNow.current = path;
  useEffect(() => {
    if (pending.current !== null) return; // the read already coming will see this change
    const wait = board ? Math.max(0, lastRead.current + 500 - Date.now()) : 0;
    pending.current = window.setTimeout(() => {
      pending.current = null;
      lastRead.current = Date.now();
      http<BoardView>("GET", pathNow.current).then(
        (b) => {
          setBoard(b);
          setError("");
        },
        () => setError("Could not read the board"),
      );
    }, wait);
  }, [path, changed]);
  useEffect(
    () => () => {
      if (pending.current !== null) clearTimeout(pending.current);
    },
    [],
  );
  const headingId = `board-${path.replace(/\W/g, "-")}`;
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>{title}</h3>
      <p class="error" role="alert">
        {error}
      </p>
      {board && (
        <>
          <table class="mail-table report-table">
            <caption>Libraries</caption>
            <thead>
              <tr>
                <th scope="col">Library</th>
                <th scope="col">Librarians monitoring</th>
                <th scope="col">Chats waiting</th>
                <th scope="col">Longest wait</th>
              </tr>
            </thead>
            <tbody>
              {board.libraries.map((l) => (
                <tr key={l.institution.id}>
                  <th scope="row">{l.institution.name}</th>
                  <td>{l.monitors}</td>
                  <td>{l.waiting}</td>
                  <td>{l.longest_waiting_since ? since(l.longest_waiting_since, now.value) : "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table class="mail-table report-table">
            <caption>Monitoring now</caption>
            <thead>
              <tr>
                <th scope="col">Librarian</th>
                <th scope="col">Library</th>
                <th scope="col">Monitoring</th>
                <th scope="col">For</th>
                <th scope="col">Chats</th>
              </tr>
            </thead>
            <tbody>
              {board.monitors.length === 0 && (
                <tr>
                  <td colSpan={5}>Nobody is monitoring right now.</td>
                </tr>
              )}
              {board.monitors.map((m) => (
                <tr key={m.id}>
                  <th scope="row">{m.name}</th>
                  <td>{m.institution.name}</td>
                  <td>{m.monitoring.map((s) => s.name).join(", ")}</td>
                  <td>{m.monitoring[0] ? since(m.monitoring[0].since, now.value) : ""}</td>
                  <td>{m.chats}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table class="mail-table report-table">
            <caption>Chats waiting</caption>
            <thead>
              <tr>
                <th scope="col">Library</th>
                <th scope="col">Queue</th>
                <th scope="col">Waiting for</th>
              </tr>
            </thead>
            <tbody>
              {board.waiting.length === 0 && (
                <tr>
                  <td colSpan={3}>No chat is waiting.</td>
                </tr>
              )}
              {board.waiting.map((w, i) => (
                <tr key={i}>
                  <th scope="row">{w.institution.name}</th>
                  <td>
                    {w.department.name}
                    {w.at_coop ? " (offered to the co-op)" : ""}
                  </td>
                  <td>{since(w.since, now.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

export function BoardScreen() {
  const user = me.value;
  if (!user) return null;
  return (
    <main class="settings reports" id="main" aria-labelledby="board-title">
      <h2 id="board-title">Live board</h2>
      {isAdmin(user.role) && <Board path={`/api/institutions/${user.institution_id}/board`} title="Your library" />}
      {adminCoops.value.map((c) => (
        <Board key={c.id} path={`/api/coops/${c.id}/board`} title={c.name} />
      ))}
    </main>
  );
}
