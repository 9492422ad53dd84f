import { enableNotifications, permission } from "./alerts";
import { connection, me, signOut } from "./state";

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
      {user && <span class="who">Signed in as {user.name}</span>}
      <button type="button" class="secondary" onClick={() => void signOut()}>
        Sign out
      </button>
    </header>
  );
}
