// LiveTemplate browser client (ES module, served at /live/livetemplate.js).
//
// The page's first HTML comes from the server (it works without JS). This
// client opens the WebSocket of the page named by `data-lvt-token` on
// #lvt-root, receives the full rendered tree, then merges each diff
// (rendered.js) and patches the DOM with morphdom. It sends
//   {"event": NAME, "data": {...}}
// for clicks on elements with lvt-click="NAME" (data from lvt-value-* attributes)
// and submits of forms with lvt-submit="NAME" (data from the form's fields).
// After a dropped connection it reconnects with the same token (backoff up to 5 s)
// and the server sends the full tree again.
//
// State for tests and styling: #lvt-root gets data-lvt-state="connecting" |
// "connected" | "disconnected" | "closed" and data-lvt-joins (full trees received,
// so a reconnect is visible), and the events "lvt:update" and
// "lvt:error" (detail: the error frame) are dispatched on it.
import morphdom from "./morphdom.js";
import { Rendered } from "./rendered.js";

const MAX_BACKOFF_MS = 5000;

const isTextField = (el) =>
  el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && !["checkbox", "radio", "submit", "button"].includes(el.type));

export class LiveClient {
  constructor(root) {
    this.root = root;
    this.token = root.dataset.lvtToken;
    this.path = root.dataset.lvtWs || "/live/ws";
    this.rendered = null;
    this.ws = null;
    this.attempts = 0;
    this.stopped = false;
    this.joins = 0;
    root.addEventListener("click", (e) => this.onClick(e));
    root.addEventListener("submit", (e) => this.onSubmit(e));
    this.connect();
  }

  setState(state) {
    this.root.dataset.lvtState = state;
  }

  connect() {
    const url = new URL(this.path, window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("token", this.token);
    this.setState("connecting");
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onmessage = (m) => this.onMessage(m.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) {
        this.setState("closed");
        return;
      }
      this.setState("disconnected");
      const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** this.attempts++);
      setTimeout(() => this.connect(), delay);
    };
  }

  onMessage(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.error) {
      const kind = msg.error.kind;
      // The server closes after these; reconnecting would not help.
      if (kind === "token_invalid" || kind === "superseded" || kind === "page_closed") this.stopped = true;
      console.warn("livetemplate:", kind, msg.error.message);
      this.root.dispatchEvent(new CustomEvent("lvt:error", { detail: msg.error }));
      return;
    }
    try {
      if (msg.rendered) {
        this.rendered = new Rendered();
        this.apply(msg.rendered);
        this.attempts = 0;
        this.joins += 1;
        this.root.dataset.lvtJoins = String(this.joins);
        this.setState("connected");
      } else if (msg.diff && this.rendered) {
        this.apply(msg.diff);
      }
    } catch (e) {
      // A diff we cannot merge: reconnect to get the full tree again.
      console.error("livetemplate: cannot apply update", e);
      this.rendered = null;
      if (this.ws) this.ws.close();
    }
  }

  apply(message) {
    const { title } = this.rendered.merge(message);
    if (typeof title === "string") document.title = title;
    const html = this.rendered.toHTML();
    const next = document.createElement("div");
    next.innerHTML = html;
    morphdom(this.root, next, {
      childrenOnly: true,
      // Leave the field the user is typing in alone.
      onBeforeElUpdated: (from) => !(from === document.activeElement && isTextField(from)),
    });
    this.root.dispatchEvent(new CustomEvent("lvt:update"));
  }

  send(event, data) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
      console.warn("livetemplate: not connected, event dropped:", event);
      return false;
    }
    this.ws.send(JSON.stringify({ event, data }));
    return true;
  }

  onClick(e) {
    const el = e.target.closest("[lvt-click]");
    if (!el || !this.root.contains(el)) return;
    const data = {};
    for (const a of el.attributes) {
      if (a.name.startsWith("lvt-value-")) data[a.name.slice("lvt-value-".length)] = a.value;
    }
    if (el.tagName !== "INPUT") e.preventDefault();
    this.send(el.getAttribute("lvt-click"), data);
  }

  onSubmit(e) {
    const form = e.target.closest("form[lvt-submit]");
    if (!form) return;
    e.preventDefault();
    const data = {};
    for (const [k, v] of new FormData(form)) {
      if (typeof v === "string") data[k] = v;
    }
    if (this.send(form.getAttribute("lvt-submit"), data)) form.reset();
  }
}

const root = document.getElementById("lvt-root");
if (root && root.dataset.lvtToken) {
  window.liveTemplate = new LiveClient(root);
}
