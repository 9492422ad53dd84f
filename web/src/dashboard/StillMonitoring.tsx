// "Are you still monitoring?": a dashboard left signed in with no input for the library's set
// time asks, and if nobody answers within two minutes goes Offline everywhere, so a forgotten
// session does not keep a queue or a co-op looking staffed.

import { useEffect, useRef } from "preact/hooks";
import { askStill, stillHere } from "./idle";

export function StillMonitoring() {
  const dialog = useRef<HTMLDialogElement>(null);
  const asking = askStill.value;
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (asking === "asking" && !d.open) d.showModal();
    if (asking !== "asking" && d.open) d.close();
  }, [asking]);
  return (
    <>
      <dialog ref={dialog} aria-labelledby="still-title" aria-describedby="still-text" onCancel={(e) => (e.preventDefault(), stillHere())}>
        <h2 id="still-title">Are you still monitoring?</h2>
        <p id="still-text">You have not used refdesk for a while. If nobody answers within two minutes, you will be switched Offline.</p>
        <button type="button" class="primary" autofocus onClick={stillHere}>
          Yes, I am still here
        </button>
      </dialog>
      {asking === "offline" && (
        <p class="banner" role="alert">
          You were switched Offline because nobody answered "Are you still monitoring?".{" "}
          <button type="button" class="secondary small" onClick={stillHere}>
            Dismiss
          </button>
        </p>
      )}
    </>
  );
}
