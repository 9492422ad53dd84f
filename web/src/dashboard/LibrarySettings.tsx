// Library settings, for the institution's admins: privacy (transcript retention, IP addresses,
// referring pages, staff names shown to patrons) and staffing (operator grace period, chats per
// operator, when to ask "Are you still monitoring?", co-op monitoring at sign-in, the time zone
// co-op hours are read in) and files in chats (the largest file, the kinds allowed).

import { useEffect, useState } from "preact/hooks";
import type { FileKind, InstitutionPolicy } from "../shared/api";
import { http, HttpError } from "./http";
import { me } from "./state";
import { ChatBoxes } from "./ChatBoxes";
import { StaffAdmin } from "./StaffAdmin";

const optionalNumber = (v: FormDataEntryValue | null) => (v === null || String(v).trim() === "" ? null : Number(v));

export function LibrarySettings() {
  const path = `/api/institutions/${me.value?.institution_id}/policy`;
  const [policy, setPolicy] = useState<InstitutionPolicy | null>(null);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  useEffect(() => {
    http<InstitutionPolicy>("GET", path).then(setPolicy, () => setError("Could not read your library's settings"));
  }, [path]);
  if (!policy) return <main class="settings"><h2>Library settings</h2><p class="error" role="alert">{error}</p></main>;

  const submit = async (e: Event) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const next: InstitutionPolicy = {
      transcript_retention_days: optionalNumber(d.get("retention")),
      patron_identity_retention_days: optionalNumber(d.get("identity_retention")),
      staff_chat_retention_days: optionalNumber(d.get("staff_retention")),
      ip_addresses: String(d.get("ip")) as InstitutionPolicy["ip_addresses"],
      referrer_query: d.get("strip_referrer") ? "stripped" : "kept",
      staff_names_shown_to_patrons: !!d.get("staff_names"),
      operator_grace_seconds: Number(d.get("grace")),
      max_chats_per_operator: optionalNumber(d.get("max_chats")),
      ask_still_monitoring_after_minutes: Number(d.get("ask_after")),
      coop_monitoring_at_sign_in: !!d.get("coop_at_sign_in"),
      time_zone: String(d.get("time_zone") || "").trim(),
      transfer_timeout_seconds: Number(d.get("transfer_timeout")),
      attachment_max_kb: Number(d.get("attachment_max_kb")),
      attachment_kinds: d.getAll("attachment_kinds").map(String) as FileKind[],
      coop_hours_owed_per_week: Number(d.get("hours_owed")),
    };
    setStatus("");
    setError("");
    try {
      setPolicy(await http<InstitutionPolicy>("PUT", path, next));
      setStatus("Settings saved.");
    } catch (err) {
      setError(err instanceof HttpError ? err.message : "Could not save the settings");
    }
  };

  return (
    <main class="settings">
      <h2>Library settings</h2>
      <form onSubmit={submit}>
        <fieldset>
          <legend>Privacy</legend>
          <label for="identity_retention">Keep patrons' names, emails and addresses for (days after the chat; empty keeps them)</label>
          <input
            id="identity_retention"
            name="identity_retention"
            type="number"
            min={1}
            max={36500}
            value={policy.patron_identity_retention_days ?? ""}
            aria-describedby="identity_retention_hint"
          />
          <p class="muted" id="identity_retention_hint">
            Then email addresses and phone numbers typed in the chat are removed too. The conversation stays until the transcripts' time is up.
          </p>
          <label for="retention">Keep transcripts for (days after the chat; empty keeps them)</label>
          <input id="retention" name="retention" type="number" min={1} max={36500} value={policy.transcript_retention_days ?? ""} aria-describedby="retention_hint" />
          <p class="muted" id="retention_hint">
            Then the conversation, its files and the patron's details are deleted; the chat still counts in reports.
          </p>
          <label for="staff_retention">Keep staff IMs for (days; empty keeps them)</label>
          <input id="staff_retention" name="staff_retention" type="number" min={1} max={36500} value={policy.staff_chat_retention_days ?? ""} />
          <fieldset class="choices">
            <legend>Patrons' IP addresses</legend>
            {(
              [
                ["stored", "Stored"],
                ["truncated", "Truncated (last part removed)"],
                ["not_stored", "Not stored"],
              ] as const
            ).map(([value, text]) => (
              <label key={value}>
                <input type="radio" name="ip" value={value} checked={policy.ip_addresses === value} /> {text}
              </label>
            ))}
          </fieldset>
          <label>
            <input type="checkbox" name="strip_referrer" checked={policy.referrer_query === "stripped"} /> Remove query strings from referring pages
          </label>
          <label>
            <input type="checkbox" name="staff_names" checked={policy.staff_names_shown_to_patrons} /> Show librarians' first names to patrons
          </label>
        </fieldset>
        <fieldset>
          <legend>Staffing</legend>
          <label for="grace">Seconds an operator may be disconnected before their chats go back to the queue</label>
          <input id="grace" name="grace" type="number" min={10} max={3600} required value={policy.operator_grace_seconds} />
          <label for="max_chats">Most chats one operator holds at once (empty for no limit)</label>
          <input id="max_chats" name="max_chats" type="number" min={1} max={100} value={policy.max_chats_per_operator ?? ""} />
          <label for="ask_after">Minutes without activity before asking "Are you still monitoring?"</label>
          <input id="ask_after" name="ask_after" type="number" min={5} max={1440} required value={policy.ask_still_monitoring_after_minutes} />
          <label for="transfer_timeout">Seconds a transfer waits to be accepted before it returns to its sender</label>
          <input id="transfer_timeout" name="transfer_timeout" type="number" min={15} max={600} required value={policy.transfer_timeout_seconds} />
          <label>
            <input type="checkbox" name="coop_at_sign_in" checked={policy.coop_monitoring_at_sign_in} /> Start co-op monitoring Online at sign-in
          </label>
          <label for="time_zone">Time zone (co-op hours are read in it, e.g. America/Toronto)</label>
          <input id="time_zone" name="time_zone" required maxLength={64} value={policy.time_zone} />
          <label for="hours_owed">Hours of co-op monitoring the library owes each week (0: none)</label>
          <input id="hours_owed" name="hours_owed" type="number" min={0} max={168} required value={policy.coop_hours_owed_per_week} />
        </fieldset>
        <fieldset>
          <legend>Files in chats</legend>
          <label for="attachment_max_kb">Largest file patrons and librarians may send, in KB (0 turns files off)</label>
          <input id="attachment_max_kb" name="attachment_max_kb" type="number" min={0} max={25600} required value={policy.attachment_max_kb} />
          <fieldset class="choices">
            <legend>Kinds of file allowed (read from the content, never the name)</legend>
            {(
              [
                ["image", "Images (PNG, JPEG, GIF, WebP)"],
                ["pdf", "PDF"],
                ["office", "Office documents (Word, Excel, PowerPoint, OpenDocument)"],
                ["text", "Plain text"],
              ] as const
            ).map(([value, text]) => (
              <label key={value}>
                <input type="checkbox" name="attachment_kinds" value={value} checked={policy.attachment_kinds.includes(value)} /> {text}
              </label>
            ))}
          </fieldset>
        </fieldset>
        <button type="submit" class="primary">
          Save settings
        </button>
        <p role="status">{status}</p>
        <p class="error" role="alert">
          {error}
        </p>
      </form>
      <ChatBoxes />
      <StaffAdmin />
    </main>
  );
}
