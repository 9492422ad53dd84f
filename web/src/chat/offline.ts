// The offline state: when nobody is monitoring any step of the chat box's routing plan, the
// chat box says so (in the widget's offline text) instead of offering a form nobody would
// answer. "Check again" reads the configuration anew, and so does the chat box itself every
// half minute while it shows the offline text, so a patron who waits sees the form as soon as
// a librarian is on duty.

const section = () => document.getElementById("offline")!;
const RECHECK_MS = 30_000;
let recheck: ReturnType<typeof setInterval> | undefined;

/** Shows the offline text in place of the form; `retry` runs on "Check again". */
export function showOffline(text: string | null, retry: () => void): void {
  if (text) document.getElementById("offline-text")!.textContent = text;
  document.getElementById("prechat")!.hidden = true;
  document.getElementById("loading")!.hidden = true;
  section().hidden = false;
  document.getElementById("check-again")!.onclick = retry;
  clearInterval(recheck);
  recheck = setInterval(retry, RECHECK_MS);
}

export function hideOffline(): void {
  clearInterval(recheck);
  recheck = undefined;
  section().hidden = true;
}
