// The staff dashboard: sign in, the live Patron chats list, preview, claim and the chat pane.

import "./app.css";
import { effect } from "@preact/signals";
import { render } from "preact";
import { setBadge } from "./alerts";
import { ChatList } from "./ChatList";
import { ChatPane } from "./ChatPane";
import { Header } from "./Header";
import { SignIn } from "./SignIn";
import { loadMe, me, waiting } from "./state";

function App() {
  const user = me.value;
  if (user === undefined) return <p class="loading">Loading…</p>;
  if (user === null) return <SignIn />;
  return (
    <div class="app">
      <Header />
      <div class="body">
        <ChatList />
        <ChatPane />
      </div>
    </div>
  );
}

effect(() => setBadge(me.value ? waiting.value.length : 0));
render(<App />, document.getElementById("app")!);
void loadMe();
