// "Your account": a staff member changes their own password. The server checks the current
// one, refuses a new one that is short or easy to guess (saying why), and ends every session
// of the account, on every device; this browser gets a new session at once, and its dashboard
// reconnects on it.

import { useEffect, useState } from "preact/hooks";
import { http, HttpError } from "./http";
import { me } from "./state";

interface TotpStatus {
  enabled: boolean;
  setting_up: boolean;
}
interface TotpEnrolment {
  secret: string;
  otpauth_url: string;
  qr_svg: string;
}

const failure = (err: unknown, what: string) => (err instanceof HttpError ? err.message : what);

/** Two-step sign-in: set up (QR code and secret), turned on with the first code, or off. */
function TwoStep() {
  const [status, setStatus] = useState<TotpStatus | null>(null);
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [note, setNote] = useState("");
  const [error, setError] = useState("");
  useEffect(() => {
    http<TotpStatus>("GET", "/api/auth/totp").then(setStatus, () => setError("Could not read your sign-in settings"));
  }, []);
  const act = (e: Event, run: (d: FormData) => Promise<void>) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    setError("");
    setNote("");
    run(new FormData(form)).then(
      () => form.reset(),
      (err) => setError(failure(err, "Something went wrong; please try again")),
    );
  };
  const setup = (e: Event) =>
    act(e, async (d) => setEnrolment(await http<TotpEnrolment>("POST", "/api/auth/totp/setup", { current_password: String(d.get("password")) })));
  const enable = (e: Event) =>
    act(e, async (d) => {
      setStatus(await http<TotpStatus>("POST", "/api/auth/totp/enable", { code: String(d.get("code")).trim() }));
      setEnrolment(null);
      setNote("Two-step sign-in is on: every sign-in now asks for a code from your app.");
    });
  const disable = (e: Event) =>
    act(e, async (d) => {
      setStatus(await http<TotpStatus>("POST", "/api/auth/totp/disable", { current_password: String(d.get("password")) }));
      setNote("Two-step sign-in is off.");
    });
  return (
    <section aria-labelledby="two-step-title">
      <h3 id="two-step-title">Two-step sign-in</h3>
      <p>
        {status?.enabled
          ? "On: signing in asks for your password and a code from your authenticator app."
          : "Off: signing in asks for your password only. Turn it on to ask for a code from an authenticator app on your phone as well (recommended for admins)."}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p role="status">{note}</p>
      {enrolment ? (
        <form key="enable" onSubmit={enable} aria-label="Turn on two-step sign-in">
          <p>Scan this code with your authenticator app, or type in the key below it.</p>
          <div class="qr" role="img" aria-label="QR code for your authenticator app" dangerouslySetInnerHTML={{ __html: enrolment.qr_svg }} />
          <p>
            Key: <code class="totp-secret">{enrolment.secret}</code>
          </p>
          <label for="totp-code">Code your app shows now</label>
          <input id="totp-code" name="code" inputMode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required />
          <button type="submit">Turn on</button>
        </form>
      ) : status?.enabled ? (
        <form key="disable" onSubmit={disable} aria-label="Turn off two-step sign-in">
          <label for="totp-off-password">Your password</label>
          <input id="totp-off-password" name="password" type="password" autocomplete="current-password" required />
          <button type="submit" class="secondary">
            Turn off two-step sign-in
          </button>
        </form>
      ) : (
        <form key="setup" onSubmit={setup} aria-label="Set up two-step sign-in">
          <label for="totp-password">Your password</label>
          <input id="totp-password" name="password" type="password" autocomplete="current-password" required />
          <button type="submit">Set up two-step sign-in</button>
        </form>
      )}
    </section>
  );
}

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
      <TwoStep />
    </main>
  );
}
