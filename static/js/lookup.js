// A lookup in flight never shows the previous member.
//
// A lookup is an htmx request that replaces the open member: one whose target is #workspace or
// one of its children (the search box, a Refresh, a Retry of the whole view), or one issued from
// an element marked `data-lookup`. The moment it starts, what #workspace holds is hidden from
// sight and from assistive tech, and #lookup-status says "Looking up…", then, after two seconds,
// "Still waiting for Capillary…" (in the agent's language: base.html's data attributes), as the
// page's h1. Whatever the answer swaps in replaces the hidden content; if
// nothing does (a network error, an aborted request), the hidden content is removed, never shown
// again. Without JavaScript none of this runs: searches are plain POSTs and redirects.
// (A static file, not an inline script: the CSP allows only our own origin's scripts.)
(() => {
  const STILL_WAITING_AFTER_MS = 2000;
  let pending = null; // {xhr, timer} of the lookup in flight

  const workspace = () => document.getElementById("workspace");
  const status = () => document.getElementById("lookup-status");

  function isLookup(detail) {
    const area = workspace();
    if (!area) return false;
    const target = detail.target;
    const marked = detail.elt instanceof Element && detail.elt.closest("[data-lookup]");
    return Boolean(marked) || target === area || (target instanceof Element && target.parentElement === area);
  }

  // What the region says, in the agent's language: its data-looking, data-waiting or data-failed
  // (templates/base.html), as the page's h1 while the member is hidden (nothing else is one then).
  function say(key, state = "waiting") {
    const box = status();
    if (!box) return;
    const text = key ? box.dataset[key] || "" : "";
    box.replaceChildren();
    if (text) {
      const heading = document.createElement("h1");
      heading.textContent = text;
      box.append(heading);
    }
    box.dataset.state = text ? state : "";
  }

  function hideWorkspace() {
    const area = workspace();
    for (const node of Array.from(area.childNodes)) {
      let element = node;
      if (node.nodeType === Node.TEXT_NODE) {
        if (!node.textContent.trim()) continue;
        element = document.createElement("span");
        node.replaceWith(element);
        element.append(node);
      } else if (!(node instanceof Element)) {
        continue;
      }
      element.setAttribute("data-stale", "");
      element.setAttribute("aria-hidden", "true");
      element.inert = true;
    }
  }

  function finish() {
    clearTimeout(pending.timer);
    pending = null;
    const area = workspace();
    const stale = area ? area.querySelectorAll(":scope > [data-stale]") : [];
    for (const element of stale) element.remove();
    if (area && stale.length && !area.querySelector(":scope > *")) {
      say("failed", "failed");
    } else {
      say("");
    }
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    if (!isLookup(event.detail)) return;
    if (pending) clearTimeout(pending.timer);
    hideWorkspace();
    say("looking");
    pending = {
      xhr: event.detail.xhr,
      timer: setTimeout(() => say("waiting"), STILL_WAITING_AFTER_MS),
    };
  });

  // Fired after the swap, and also on a network error, a timeout or an abort.
  document.addEventListener("htmx:afterRequest", (event) => {
    if (pending && event.detail.xhr === pending.xhr) finish();
  });
})();
