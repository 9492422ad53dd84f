import { useState } from "preact/hooks";
import { signIn } from "./state";

export function SignIn() {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    setBusy(true);
    const err = await signIn(String(data.get("email") ?? "").trim(), String(data.get("password") ?? ""));
    setBusy(false);
    setError(err ?? "");
    if (err) (form.elements.namedItem("password") as HTMLInputElement | null)?.focus();
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
