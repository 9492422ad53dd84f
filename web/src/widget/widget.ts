// The loader a library pastes into its pages:
//   <script src="https://HOST/widget.js" data-widget="WIDGET_ID" async></script>
// It adds a "Chat with a librarian" button and, when opened, an iframe with the chat page served
// by refdesk, so the host page's CSS and scripts cannot touch the conversation. Whether the box is
// open is remembered in the host page's sessionStorage (only that bit; no cookies). Budget: 2 KB
// gzipped, checked by build.mjs.

(() => {
  const script = (document.currentScript ||
    document.querySelector("script[data-widget]")) as HTMLScriptElement | null;
  const widget = script && script.dataset.widget;
  if (!script || !widget || document.getElementById("refdesk-launcher")) return;
  const origin = new URL(script.src, location.href).origin;
  const key = "refdesk-open:" + widget;
  const label = "Chat with a librarian";
  const font = "16px/1.2 system-ui,sans-serif";
  let frame: HTMLIFrameElement | null = null;

  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, css: Partial<CSSStyleDeclaration>) => {
    const e = document.createElement(tag);
    Object.assign(e.style, css);
    return e;
  };

  const button = el("button", {
    position: "fixed",
    right: "16px",
    bottom: "16px",
    zIndex: "2147483000",
    padding: "12px 18px",
    border: "2px solid #fff",
    borderRadius: "24px",
    background: "#1d4f91",
    color: "#fff",
    font,
    fontWeight: "600",
    cursor: "pointer",
    boxShadow: "0 2px 8px rgba(0,0,0,.35)",
  });
  button.type = "button";
  button.id = "refdesk-launcher";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "refdesk-panel");

  const panel = el("div", {
    position: "fixed",
    right: "16px",
    bottom: "72px",
    zIndex: "2147483000",
    width: "min(370px, calc(100vw - 32px))",
    height: "min(560px, calc(100vh - 96px))",
    display: "none",
    borderRadius: "10px",
    overflow: "hidden",
    boxShadow: "0 4px 24px rgba(0,0,0,.35)",
    background: "#fff",
  });
  panel.id = "refdesk-panel";

  const store = (open: boolean) => {
    try {
      if (open) sessionStorage.setItem(key, "1");
      else sessionStorage.removeItem(key);
    } catch {
      /* storage may be blocked; the box then simply starts closed */
    }
  };

  const open = (focus: boolean) => {
    if (!frame) {
      frame = el("iframe", { width: "100%", height: "100%", border: "0", display: "block" });
      frame.title = label;
      // The page the box is opened on travels in the fragment, so it never reaches a server log
      // with its query string; the chat page sends it (without the query) as the referrer.
      frame.src =
        origin + "/chat/" + encodeURIComponent(widget) + "#ref=" + encodeURIComponent(location.origin + location.pathname);
      panel.appendChild(frame);
    }
    panel.style.display = "block";
    button.textContent = label;
    button.setAttribute("aria-expanded", "true");
    store(true);
    if (focus) {
      const f = frame;
      const go = () => {
        f.focus();
        f.contentWindow?.postMessage({ refdesk: "focus" }, origin);
      };
      go();
      f.addEventListener("load", go, { once: true });
    }
  };

  const close = () => {
    panel.style.display = "none";
    button.setAttribute("aria-expanded", "false");
    store(false);
    button.focus();
  };

  button.addEventListener("click", () =>
    button.getAttribute("aria-expanded") === "true" ? close() : open(true),
  );
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && panel.style.display === "block") close();
  });
  addEventListener("message", (e) => {
    const what = e.origin === origin && frame && e.source === frame.contentWindow && e.data && e.data.refdesk;
    if (what === "close") close();
    // A librarian wrote while the box is closed: say so on the button.
    if (what === "message" && panel.style.display !== "block") button.textContent = label + " (new message)";
  });

  const mount = () => {
    document.body.appendChild(panel);
    document.body.appendChild(button);
    let wasOpen = false;
    try {
      wasOpen = sessionStorage.getItem(key) === "1";
    } catch {
      /* ignore */
    }
    if (wasOpen) open(false);
  };
  if (document.body) mount();
  else addEventListener("DOMContentLoaded", mount);
})();
