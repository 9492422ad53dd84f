// The offline state: when nobody is monitoring any step of the chat box's routing plan, the
// chat box says so (in the widget's offline text) instead of offering a form nobody would
// answer. "Check again" reads the configuration anew.

const section = () => document.getElementById("offline")!;

/** Shows the offline text in place of the form; `retry` runs on "Check again". */
export function showOffline(text: string | null, retry: () => void): void {
  if (text) document.getElementById("offline-text")!.textContent = text;
  document.getElementById("prechat")!.hidden = true;
  document.getElementById("loading")!.hidden = true;
  section().hidden = false;
  document.getElementById("check-again")!.onclick = retry;
}

export function hideOffline(): void {
  section().hidden = true;
}
