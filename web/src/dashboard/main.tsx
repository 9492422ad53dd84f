// The staff dashboard: sign in, the live Patron chats list, preview, claim and the chat pane,
// and beside them monitoring (local and co-op) and the Librarians list.

import "./app.css";
import { effect } from "@preact/signals";
import { render } from "preact";
import { setBadge } from "./alerts";
import { ChatList } from "./ChatList";
import { ChatPane } from "./ChatPane";
import { Header } from "./Header";
import { Librarians } from "./Librarians";
import { MonitoringSettings } from "./MonitoringSettings";
import { SignIn } from "./SignIn";
import { CoopSettings } from "./CoopSettings";
import { CannedMessages } from "./CannedMessages";
import { Installation } from "./Installation";
import { LibrarySettings } from "./LibrarySettings";
import { StillMonitoring } from "./StillMonitoring";
import { loadMe, me, view, waiting } from "./state";
import { StaffIm } from "./StaffIm";
import { TransferAlerts } from "./TransferAlerts";
import { imUnreadTotal } from "./im";
import { incoming } from "./transfers";
import { FaqWindow } from "./FaqSearch";
import { FaqScreen } from "./FaqScreen";
import { TicketsScreen } from "./TicketsScreen";
import { MailScreen } from "./MailScreen";
import { ReportsScreen } from "./ReportsScreen";
import { BoardScreen } from "./BoardScreen";
import { TranscriptsScreen } from "./TranscriptsScreen";
import { AccountScreen } from "./AccountScreen";

function App() {
  const user = me.value;
  if (user === undefined) return <p class="loading">Loading…</p>;
  if (user === null) return <SignIn />;
  return (
    <div class="app">
      <Header />
      <StillMonitoring />
      <TransferAlerts />
      {view.value !== "chats" ? (
        <div class="body">
          {view.value === "settings" && <LibrarySettings />}
          {view.value === "coop" && <CoopSettings />}
          {view.value === "installation" && <Installation />}
          {view.value === "canned" && <CannedMessages />}
          {view.value === "faqs" && <FaqScreen />}
          {view.value === "tickets" && <TicketsScreen />}
          {view.value === "mail" && <MailScreen />}
          {view.value === "reports" && <ReportsScreen />}
          {view.value === "board" && <BoardScreen />}
          {view.value === "transcripts" && <TranscriptsScreen />}
          {view.value === "account" && <AccountScreen />}
        </div>
      ) : (
        <div class="body">
          <ChatList />
          <ChatPane />
          <aside class="side" aria-label="Monitoring and librarians">
            <MonitoringSettings />
            <Librarians />
            <StaffIm />
          </aside>
        </div>
      )}
    </div>
  );
}

// `#faqs/{chat}`: the 24/7 Staffing FAQs popped out of a chat pane, on their own (no socket).
const popped = /^#faqs\/([0-9a-f-]{36})$/.exec(location.hash);

// The tab title counts what waits for me: patrons in the queue, transfers offered to me, new IMs.
if (popped) {
  document.title = "24/7 Staffing FAQs · refdesk";
  render(<FaqWindow chatId={popped[1]} />, document.getElementById("app")!);
} else {
  effect(() => setBadge(me.value ? waiting.value.length + incoming.value.length + imUnreadTotal.value : 0));
  render(<App />, document.getElementById("app")!);
  void loadMe();
}
