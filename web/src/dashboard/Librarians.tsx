// The Librarians list: who is monitoring the departments and co-ops I may monitor, since when,
// and how many chats each holds, kept live by `monitors_changed` (the list read again) and
// `librarian_chats` (one count updated in place) frames.

import { imWith } from "./im";
import { librarians } from "./monitoring";
import { now } from "./state";
import { since } from "./time";

export function Librarians() {
  const list = librarians.value;
  return (
    <section class="side-section" aria-labelledby="librarians-title">
      <h2 id="librarians-title">Librarians</h2>
      {list.length === 0 ? (
        <p class="muted">Nobody is monitoring right now.</p>
      ) : (
        <ul class="librarians">
          {list.map((l) => (
            <li key={l.id}>
              <span class="lib-name">
                {l.name}
                {l.me ? " (you)" : ""}
              </span>
              <span class="lib-where">{l.institution.name}</span>
              <span class="lib-what">
                {l.monitoring.map((s) => s.name).join(", ")}
                {l.monitoring[0] ? ` · for ${since(l.monitoring[0].since, now.value)}` : ""}
              </span>
              <span class="lib-chats">
                {l.chats} chat{l.chats === 1 ? "" : "s"}
              </span>
              {!l.me && " "}
              {!l.me && (
                <button type="button" class="secondary small" aria-label={`Message ${l.name}`} onClick={() => void imWith(l.id)}>
                  Message
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
