// The chat pane's tabs beside the conversation: the chat's details, and the 24/7 Staffing
// FAQs of the patron's home library. Tabs as the WAI-ARIA pattern has them: arrow keys move
// between tabs, Tab goes into the open panel.

import { useRef, useState } from "preact/hooks";
import type { ComponentChildren } from "preact";
import { FaqSearch } from "./FaqSearch";

const TABS = [
  ["details", "Details"],
  ["faqs", "24/7 Staffing FAQs"],
] as const;
type Tab = (typeof TABS)[number][0];

/** Puts `text` into the reply box (after what is there), within its length. */
function insertIntoReply(text: string) {
  const t = document.getElementById("reply") as HTMLTextAreaElement | null;
  if (!t) return;
  t.value = (t.value.trim() ? `${t.value.trimEnd()}\n` : "") + text;
  t.value = t.value.slice(0, t.maxLength > 0 ? t.maxLength : 4000);
  t.focus();
}

export function PaneTabs({ chatId, canReply, details }: { chatId: string; canReply: boolean; details: ComponentChildren }) {
  const [tab, setTab] = useState<Tab>("details");
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const move = (i: number) => {
    const next = (i + TABS.length) % TABS.length;
    setTab(TABS[next][0]);
    refs.current[next]?.focus();
  };
  return (
    <div class="pane-tabs">
      <div role="tablist" aria-label="About this chat">
        {TABS.map(([id, label], i) => (
          <button
            key={id}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`panel-${id}`}
            tabIndex={tab === id ? 0 : -1}
            onClick={() => setTab(id)}
            onKeyDown={(e) => {
              if (e.key === "ArrowRight") move(i + 1);
              else if (e.key === "ArrowLeft") move(i - 1);
              else if (e.key === "Home") move(0);
              else if (e.key === "End") move(TABS.length - 1);
              else return;
              e.preventDefault();
            }}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="panel-details" aria-labelledby="tab-details" hidden={tab !== "details"}>
        {details}
      </div>
      <div role="tabpanel" id="panel-faqs" aria-labelledby="tab-faqs" hidden={tab !== "faqs"}>
        {tab === "faqs" && <FaqSearch chatId={chatId} onInsert={canReply ? insertIntoReply : undefined} />}
      </div>
    </div>
  );
}
