import { enableNotifications, permission } from "./alerts";
import { useEffect } from "preact/hooks";
import { http } from "./http";
import { adminCoops, connection, me, signOut, view } from "./state";

const isAdmin = (role: string | undefined) => role === "institution_admin" || role === "system_admin";

type Screen = typeof view.value;

/** A button to one of the settings screens, or back to the chats from it. */
function ScreenButton({ to, label }: { to: Screen; label: string }) {
  const here = view.value === to;
  return (
    <button type="button" class="secondary" aria-pressed={here} onClick={() => (view.value = here ? "chats" : to)}>
      {here ? "Back to chats" : label}
    </button>
  );
}

const connectionText = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
} as const;

function Notifications() {
  switch (permission.value) {
    case "default":
      return (
        <button type="button" class="secondary" onClick={() => void enableNotifications()}>
          Enable desktop notifications
        </button>
      );
    case "granted":
      return <span class="muted">Desktop notifications on</span>;
    case "denied":
      return <span class="muted">Desktop notifications are blocked in this browser</span>;
    default:
      return null;
  }
}

export function Header() {
  const user = me.value;
  useEffect(() => {
    http<{ coops: { id: string; name: string }[] }>("GET", "/api/coops").then(
      (r) => (adminCoops.value = r.coops),
      () => (adminCoops.value = []),
    );
  }, [user?.id]);
  return (
    <header class="top">
      <h1 class="brand">refdesk</h1>
      <p class={`conn conn-${connection.value}`} role="status">
        <span class="dot" aria-hidden="true" />
        {connectionText[connection.value]}
      </p>
      <div class="spacer" />
      <Notifications />
      {(view.value === "chats" || view.value === "canned") && <ScreenButton to="canned" label="Canned messages" />}
      {(view.value === "chats" || view.value === "faqs") && <ScreenButton to="faqs" label="FAQs" />}
      {(view.value === "chats" || view.value === "tickets") && <ScreenButton to="tickets" label="Tickets" />}
      {isAdmin(user?.role) && (view.value === "chats" || view.value === "settings") && <ScreenButton to="settings" label="Library settings" />}
      {isAdmin(user?.role) && (view.value === "chats" || view.value === "mail") && <ScreenButton to="mail" label="Email" />}
      {(isAdmin(user?.role) || adminCoops.value.length > 0) && (view.value === "chats" || view.value === "reports") && (
        <ScreenButton to="reports" label="Reports" />
      )}
      {(isAdmin(user?.role) || adminCoops.value.length > 0) && (view.value === "chats" || view.value === "board") && (
        <ScreenButton to="board" label="Live board" />
      )}
      {isAdmin(user?.role) && (view.value === "chats" || view.value === "transcripts") && (
        <ScreenButton to="transcripts" label="Transcripts" />
      )}
      {adminCoops.value.length > 0 && (view.value === "chats" || view.value === "coop") && <ScreenButton to="coop" label="Co-op settings" />}
      {user?.role === "system_admin" && (view.value === "chats" || view.value === "installation") && (
        <ScreenButton to="installation" label="Installation" />
      )}
      {user && <span class="who">Signed in as {user.name}</span>}
      {user && (view.value === "chats" || view.value === "account") && <ScreenButton to="account" label="Your account" />}
      <button type="button" class="secondary" onClick={() => void signOut()}>
        Sign out
      </button>
    </header>
  );
}
