import { useState } from "preact/hooks";
import { signIn } from "./state";

export function SignIn() {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  // The account asked for the code from its authenticator app.
  const [askCode, setAskCode] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    setBusy(true);
    const code = askCode ? String(data.get("code") ?? "").trim() : undefined;
    const err = await signIn(String(data.get("email") ?? "").trim(), String(data.get("password") ?? ""), code);
    setBusy(false);
    if (err === "code") {
      setAskCode(true);
      setError("");
      setTimeout(() => (form.elements.namedItem("code") as HTMLInputElement | null)?.focus());
      return;
    }
    setError(err ?? "");
    if (err) (form.elements.namedItem(askCode ? "code" : "password") as HTMLInputElement | null)?.focus();
  };
  return (
    <div class="signin-page">
      <header class="signin-header">
        <p class="brand">refdesk</p>
      </header>
      <main class="signin">
        <h1>Sign in to refdesk</h1>
        <form onSubmit={submit} aria-describedby="signin-error">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" required />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
          {askCode && (
            <>
              <label for="code">Code from your authenticator app</label>
              <input id="code" name="code" inputMode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required aria-describedby="code-hint" />
              <p id="code-hint" class="muted">
                Two-step sign-in is on for this account: enter the 6-digit code your app shows now.
              </p>
            </>
          )}
          <p id="signin-error" class="error" role="alert">
            {error}
          </p>
          <button type="submit" class="primary" disabled={busy}>
            Sign in
          </button>
        </form>
      </main>
    </div>
  );
}
