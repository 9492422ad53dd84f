// The Email screen, for the library's admins: the outbox (every transcript and ticket reply,
// whether it was sent, is waiting for another attempt, or failed for good and why; a failed
// mail can be sent again), where mails go when no mail server is configured (the outbox folder
// of the data directory), and the library's own templates for each kind of mail.

import { useEffect, useState } from "preact/hooks";
import type { MailTemplateView, MailView } from "../shared/api";
import { http, HttpError } from "./http";
import { me } from "./state";
import { clock } from "./time";

const kindLabel = { transcript: "Transcript", ticket_reply: "Ticket reply" } as const;
const when = (iso: string) => `${new Date(iso).toLocaleDateString()} ${clock(iso)}`;

function statusText(m: MailView): string {
  switch (m.status) {
    case "sent":
      return m.delivered_to === "smtp" ? `Sent ${m.sent_at ? when(m.sent_at) : ""}` : `Written to ${m.delivered_to}`;
    case "queued":
      return m.attempts === 0 ? "Waiting to be sent" : `Not sent yet (${m.attempts} attempts); next try ${when(m.next_attempt_at)}`;
    case "failed":
      return `Failed after ${m.attempts} attempts`;
  }
}

function Outbox({ institution }: { institution: string }) {
  const [mails, setMails] = useState<MailView[] | null>(null);
  const [folder, setFolder] = useState<string | null>(null);
  const [error, setError] = useState("");
  const load = () =>
    http<{ mails: MailView[]; outbox_folder: string | null }>("GET", `/api/institutions/${institution}/mails`).then(
      (r) => {
        setMails(r.mails);
        setFolder(r.outbox_folder);
      },
      () => setError("Could not read the outbox"),
    );
  useEffect(() => void load(), [institution]);
  const retry = async (m: MailView) => {
    try {
      await http("POST", `/api/mails/${m.id}/retry`);
      await load();
    } catch (err) {
      setError(err instanceof HttpError ? err.message : "Could not queue the mail again");
    }
  };
  return (
    <section aria-labelledby="outbox-title">
      <h3 id="outbox-title">Outbox</h3>
      {folder && <p class="muted">No mail server is configured: mails are written as .eml files to {folder}.</p>}
      <button type="button" class="secondary small" onClick={() => void load()}>
        Refresh
      </button>
      <p class="error" role="alert">
        {error}
      </p>
      {mails && mails.length === 0 && <p class="muted">No mail yet.</p>}
      {mails && mails.length > 0 && (
        <table class="mail-table">
          <caption class="sr-only">Mails, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Kind</th>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {mails.map((m) => (
              <tr key={m.id} class={`mail-${m.status}`}>
                <td>{when(m.created_at)}</td>
                <td>{kindLabel[m.kind]}</td>
                <td>{m.to}</td>
                <td>{m.subject}</td>
                <td>
                  {statusText(m)}
                  {m.last_error && m.status !== "sent" && <span class="muted"> · {m.last_error}</span>}
                  {m.status === "failed" && (
                    <>
                      {" "}
                      <button type="button" class="secondary small" onClick={() => void retry(m)} aria-label={`Send again: ${m.subject} to ${m.to}`}>
                        Send again
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Templates({ institution }: { institution: string }) {
  const [kind, setKind] = useState<"transcript" | "ticket_reply">("transcript");
  const [t, setT] = useState<MailTemplateView | null>(null);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const path = `/api/institutions/${institution}/mail-templates/${kind}`;
  useEffect(() => {
    setT(null);
    http<MailTemplateView>("GET", path).then(setT, () => setError("Could not read the template"));
  }, [path]);
  const save = async (e: Event) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    setError("");
    setStatus("");
    try {
      setT(await http<MailTemplateView>("PUT", path, { subject: d.get("subject"), text: d.get("text"), html: d.get("html") }));
      setStatus("Template saved.");
    } catch (err) {
      setError(err instanceof HttpError ? err.message : "Could not save the template");
    }
  };
  const reset = async () => {
    setT(await http<MailTemplateView>("DELETE", path));
    setStatus("Back to refdesk's template.");
  };
  return (
    <section aria-labelledby="templates-title">
      <h3 id="templates-title">Templates</h3>
      <label for="template-kind">Mail</label>{" "}
      <select id="template-kind" value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as typeof kind)}>
        <option value="transcript">Chat transcript</option>
        <option value="ticket_reply">Ticket reply</option>
      </select>
      {t && (
        <form key={`${kind}-${t.custom}-${t.subject}`} onSubmit={save}>
          <p class="muted">
            {t.custom ? "Your library's own template." : "refdesk's template."} Templates use minijinja ({"{{ name }}"}, {"{% for %}"}); what people wrote is escaped in the HTML part.
            Names: {t.variables.join(", ")}.
          </p>
          <label for="template-subject">Subject</label>
          <input id="template-subject" name="subject" required defaultValue={t.subject} class="wide" />
          <label for="template-text">Plain text</label>
          <textarea id="template-text" name="text" rows={8} class="wide" defaultValue={t.text} />
          <label for="template-html">HTML</label>
          <textarea id="template-html" name="html" rows={8} class="wide" defaultValue={t.html} />
          <div class="dialog-actions">
            <button type="submit" class="primary">
              Save template
            </button>
            {t.custom && (
              <button type="button" class="secondary" onClick={() => void reset()}>
                Use refdesk's template
              </button>
            )}
          </div>
          <h4>Preview (sample chat)</h4>
          <p>
            <b>Subject:</b> {t.preview_subject}
          </p>
          <pre class="mail-preview">{t.preview_text}</pre>
        </form>
      )}
      <p role="status">{status}</p>
      <p class="error" role="alert">
        {error}
      </p>
    </section>
  );
}

export function MailScreen() {
  const institution = me.value?.institution_id;
  if (!institution) return null;
  return (
    <main class="settings" id="main" aria-labelledby="mail-title">
      <h2 id="mail-title">Email</h2>
      <Outbox institution={institution} />
      <Templates institution={institution} />
    </main>
  );
}
