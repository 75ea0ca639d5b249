// After every htmx swap: where focus goes, and the one line the status region says about it.
//
// Focus, when the swap took it away (it fell to <body>: the control used was replaced), or left it
// on a button of the new content, or when a search from the search box opened a member or failed:
// 1. the swapped-in element with the data-focus-key of the control used (the coupon pager's Next,
//    the revealed field's badge, a reveal form whose reason was refused);
// 2. after a failed search, the search box's message;
// 3. else the heading of what was swapped in: the member's h1 (a search, Refresh, End call), or a
//    panel's h2 (a Retry, a filter, a pager link at its last page).
// Focus the agent moved elsewhere themselves (typing in another field) is left where it is.
// The status region (#lookup-status, templates/base.html) then says the swapped section's
// data-announce, or its data-announce-<key> for the control used (data-announce-refresh): words the
// server wrote, in the agent's language; before those, the text of a result the panel now shows
// (data-result: "1 bill found.", the what-if's date, a coupon's verdict, a verify's match), which
// a live region swapped in with its text is not reliably read. Panels and <main> are not live
// regions themselves.
// (A static file, not an inline script: the CSP allows only our own origin's scripts.)
(() => {
  const asked = new WeakMap(); // xhr -> {key, search} of the control that asked
  const settled = new WeakMap(); // xhr -> the elements its answer swapped in
  const FOCUSABLE =
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), " +
    "select:not([disabled]), textarea:not([disabled]), summary, [tabindex]";

  const typing = (element) =>
    element instanceof HTMLElement &&
    (element.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName));

  const keyOf = (element) => {
    const marked = element instanceof Element && element.closest("[data-focus-key]");
    return marked ? marked.dataset.focusKey : "";
  };

  document.addEventListener("htmx:beforeRequest", (event) => {
    const { elt, target, xhr } = event.detail;
    const search = elt instanceof Element && Boolean(elt.closest("#search"));
    asked.set(xhr, { key: keyOf(elt), search: search && target instanceof Element && target.id === "workspace" });
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    const xhr = event.detail.xhr;
    if (!xhr || !(event.target instanceof Element)) return;
    if (!settled.has(xhr)) {
      settled.set(xhr, []);
      // One answer settles each swapped element (out-of-band ones too) in turn: act once, after all.
      setTimeout(() => done(asked.get(xhr) || { key: "", search: false }, settled.get(xhr)), 0);
    }
    settled.get(xhr).push(event.target);
  });

  function done(info, swapped) {
    const roots = swapped.filter((root) => root.isConnected);
    if (!roots.length) return;
    // What #workspace holds first: the search box comes along out of band with a found member.
    const main = document.getElementById("workspace");
    roots.sort((a, b) => Number(!main || !main.contains(b)) - Number(!main || !main.contains(a)));
    const active = document.activeElement;
    const lost = !active || active === document.body || !active.isConnected;
    const fromSearch = info.search && active instanceof Element && Boolean(active.closest("#search"));
    // On a control of what was just swapped in, not by the agent's doing (a field htmx gave back
    // its focus by id, the agent's own place, stays).
    const given = active instanceof Element && !typing(active) && roots.some((root) => root.contains(active));
    if (lost || fromSearch || given) {
      const destination = chooseFocus(info, roots);
      if (destination) focusOn(destination);
    }
    announce(info, roots);
  }

  function keyed(info, roots) {
    if (!info.key) return null;
    const selector = `[data-focus-key="${CSS.escape(info.key)}"]`;
    for (const root of roots) {
      const found = root.matches(selector) ? root : root.querySelector(selector);
      if (found) return found;
    }
    return null;
  }

  function visible(element) {
    return element.getClientRects().length > 0 && !element.closest("[inert], [hidden]");
  }

  function chooseFocus(info, roots) {
    const match = keyed(info, roots);
    // A form is the control used's container (Refresh): what it swapped in has its own heading.
    if (match && visible(match) && !match.matches("form")) {
      if (match.matches(FOCUSABLE)) return match;
      // A container (an open reveal form): its refused field, else its first control.
      const inside = match.querySelector("[aria-invalid=true]") || match.querySelector(FOCUSABLE);
      if (inside && visible(inside)) return inside;
    }
    if (info.search) {
      const message = document.querySelector("#search-feedback > *");
      if (message && visible(message)) return message;
    }
    for (const root of roots) {
      const labelled = root.getAttribute("aria-labelledby");
      const heading =
        (labelled && document.getElementById(labelled)) ||
        (root.matches("h1, h2, h3") ? root : root.querySelector("h1, h2, h3"));
      if (heading && visible(heading)) return heading;
    }
    const first = roots.map((root) => root.querySelector(FOCUSABLE)).find((element) => element && visible(element));
    return first || document.getElementById("id_q");
  }

  function focusOn(element) {
    if (!element.matches(FOCUSABLE)) element.setAttribute("tabindex", "-1");
    element.focus();
  }

  // The words for the status region: the used control's, else the result a panel now shows, else
  // the swapped section's (its data-announce-<key> for the control used first).
  function wordsFor(info, roots) {
    const match = keyed(info, roots);
    if (match && match.dataset.announce) return match.dataset.announce;
    const result = roots
      .map((root) => root.querySelector("[data-result]")?.textContent.replace(/\s+/g, " ").trim())
      .find(Boolean);
    if (result) return result;
    for (const root of roots) {
      const section = root.matches("[data-announce]") ? root : root.querySelector("[data-announce]");
      if (!section) continue;
      const words = (info.key && section.getAttribute(`data-announce-${info.key}`)) || section.dataset.announce;
      if (words) return words;
    }
    return "";
  }

  function announce(info, roots) {
    const box = document.getElementById("lookup-status");
    if (!box) return;
    const text = wordsFor(info, roots);
    if (!text) return;
    // Emptied first, so that the same words twice ("Coupons page 2" after a Retry) are said twice.
    box.replaceChildren();
    box.dataset.state = "said";
    // Unless a lookup began meanwhile: its "Looking up…" (static/js/lookup.js) is the news then.
    setTimeout(() => {
      if (box.dataset.state === "said") box.textContent = text;
    }, 50);
  }
})();
