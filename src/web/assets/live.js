// Progressive enhancement for "What's happening now" (/live). Without this script the page is a
// list with a Refresh link; with it, new entries arrive over server-sent events and are put at
// the top of the list. A polite status line says how many arrived ("3 new updates") rather than
// reading posts out, and a button pauses the updates (WCAG 2.2.2: moving content can be paused).
// Entries come as HTML fragments the server rendered, and escaped, with the same component as
// the page, so nothing a person typed is ever turned into markup here.
(() => {
  const list = document.getElementById("live-entries");
  const status = document.getElementById("live-status");
  const toggle = document.getElementById("live-toggle");
  if (!list || !status || !toggle || !("EventSource" in window)) return;

  /** The list keeps at most this many entries, so a page left open does not grow for ever. */
  const MAX_ENTRIES = 200;
  /** Entries arriving within this time are announced together. */
  const ANNOUNCE_DELAY_MS = 500;

  // Where the reader has got to: the page's position at first, then each event's id, so that
  // resuming after a pause asks only for what was missed.
  let cursor = list.dataset.cursor || "";
  let source = null;
  let unannounced = 0;
  let announceTimer = 0;

  /** Puts a message in the status region; emptying it first makes a repeated message heard. */
  function announce(message) {
    status.textContent = "";
    window.setTimeout(() => {
      status.textContent = message;
    }, 50);
  }

  /** Adds one server-rendered entry at the top; false when it is not an entry or already shown. */
  function insert(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    const item = template.content.firstElementChild;
    if (item?.tagName !== "LI") return false;
    if (item.id && document.getElementById(item.id)) return false;
    list.prepend(item);
    while (list.children.length > MAX_ENTRIES) list.lastElementChild.remove();
    document.getElementById("live-empty")?.remove();
    return true;
  }

  function onEntry(event) {
    if (event.lastEventId) cursor = event.lastEventId;
    if (!insert(event.data)) return;
    unannounced += 1;
    window.clearTimeout(announceTimer);
    announceTimer = window.setTimeout(() => {
      announce(unannounced === 1 ? "1 new update" : `${unannounced} new updates`);
      unannounced = 0;
    }, ANNOUNCE_DELAY_MS);
  }

  function connect() {
    const url = new URL(list.dataset.source || "/live/events", window.location.href);
    if (cursor) url.searchParams.set("after", cursor);
    const stream = new EventSource(url.href);
    stream.addEventListener("entry", onEntry);
    stream.addEventListener("error", () => {
      // While the browser is reconnecting by itself there is nothing to do; CLOSED means it
      // gave up (the server may be busy), and the reader is told how to carry on.
      if (stream.readyState !== EventSource.CLOSED) return;
      disconnect();
      toggle.textContent = "Resume live updates";
      announce("Live updates have stopped. Use Refresh to see the latest.");
    });
    source = stream;
  }

  function disconnect() {
    source?.close();
    source = null;
  }

  toggle.addEventListener("click", () => {
    if (source) {
      disconnect();
      toggle.textContent = "Resume live updates";
      announce("Live updates paused");
    } else {
      connect();
      toggle.textContent = "Pause live updates";
      announce("Live updates resumed");
    }
  });

  toggle.hidden = false;
  connect();
})();
