// "Your account": a staff member changes their own password. The server checks the current
// one, refuses a new one that is short or easy to guess (saying why), and ends every session
// of the account, on every device; this browser gets a new session at once, and its dashboard
// reconnects on it.

import { useState } from "preact/hooks";
import { http, HttpError } from "./http";
import { me } from "./state";

export function AccountScreen() {
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const d = new FormData(form);
    setStatus("");
    if (d.get("new") !== d.get("again")) {
      setError("The two new passwords are not the same.");
      return;
    }
    setError("");
    try {
      await http("POST", "/api/auth/password", { current_password: String(d.get("current")), new_password: String(d.get("new")) });
      form.reset();
      setStatus("Password changed. You are still signed in here; every other device was signed out.");
    } catch (err) {
      setError(err instanceof HttpError ? err.message : "Could not change the password");
    }
  };
  return (
    <main class="settings" id="main" aria-labelledby="account-title">
      <h2 id="account-title">Your account</h2>
      <p class="muted">
        Signed in as {me.value?.name} ({me.value?.email}).
      </p>
      <form onSubmit={submit} aria-labelledby="password-title">
        <fieldset>
          <legend id="password-title">Change your password</legend>
          <label for="pw-current">Current password</label>
          <input id="pw-current" name="current" type="password" autocomplete="current-password" required />
          <label for="pw-new">New password</label>
          <input id="pw-new" name="new" type="password" autocomplete="new-password" minLength={10} required aria-describedby="pw-hint" />
          <p class="muted" id="pw-hint">
            At least 10 characters. A few uncommon words together work well; common passwords and your own name are
            refused.
          </p>
          <label for="pw-again">New password again</label>
          <input id="pw-again" name="again" type="password" autocomplete="new-password" required />
        </fieldset>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <p role="status">{status}</p>
        <button type="submit">Change password</button>
      </form>
    </main>
  );
}
