import { enableNotifications, permission } from "./alerts";
import { connection, me, signOut, view } from "./state";

const isAdmin = (role: string | undefined) => role === "institution_admin" || role === "system_admin";

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
  return (
    <header class="top">
      <h1 class="brand">refdesk</h1>
      <p class={`conn conn-${connection.value}`} role="status">
        <span class="dot" aria-hidden="true" />
        {connectionText[connection.value]}
      </p>
      <div class="spacer" />
      <Notifications />
      {isAdmin(user?.role) && (
        <button type="button" class="secondary" onClick={() => (view.value = view.value === "chats" ? "settings" : "chats")}>
          {view.value === "chats" ? "Library settings" : "Back to chats"}
        </button>
      )}
      {user && <span class="who">Signed in as {user.name}</span>}
      <button type="button" class="secondary" onClick={() => void signOut()}>
        Sign out
      </button>
    </header>
  );
}
