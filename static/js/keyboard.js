// Keyboard first (issue 10, item 5): the shortcuts for what agents do on every call, listed on the
// "?" cheat-sheet (the #shortcuts dialog in templates/base.html). None fires while typing in a field
// or with Ctrl, Alt or Meta held; "/" and Alt+Shift+E are static/js/shortcuts.js's.
//   n / p   next / previous coupon page (the pager's links)
//   r       Refresh the member
//   v       the verify field
//   1-5     a panel's heading: profile, tiers, points, coupons, transactions
//   ?       the cheat-sheet (Esc closes it, as any dialog)
//   Esc     in a field: leave it for the heading of its panel, so that the shortcuts work again
// (A static file, not an inline script: the CSP allows only our own origin's scripts.)
(() => {
  const PANELS = ["profile", "tiers", "points", "coupons", "transactions"];

  const typing = (target) =>
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));

  function focusHeading(heading) {
    if (!heading) return false;
    if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
    heading.focus();
    return true;
  }

  // The heading of the panel a field is in, else the page's h1.
  function headingFor(element) {
    const panel = element.closest("[aria-labelledby]");
    const labelled = panel && document.getElementById(panel.getAttribute("aria-labelledby"));
    return labelled || document.querySelector("#workspace h1") || document.querySelector("h1");
  }

  function follow(link) {
    if (!link) return false;
    link.click(); // htmx's hx-get on the link, or the plain href without it
    return true;
  }

  const ACTIONS = {
    n: () => follow(document.querySelector("#coupons a[rel=next]")),
    p: () => follow(document.querySelector("#coupons a[rel=prev]")),
    r: () => {
      const form = document.querySelector("#customer-view form.refresh");
      if (!form) return false;
      form.requestSubmit();
      return true;
    },
    v: () => {
      const field = document.querySelector("#customer-view form.verify input:not([type=hidden])");
      if (!field) return false;
      field.focus();
      return true;
    },
    "?": () => {
      const sheet = document.getElementById("shortcuts");
      if (!sheet || sheet.open) return false;
      sheet.showModal();
      return true;
    },
  };
  PANELS.forEach((id, index) => {
    ACTIONS[String(index + 1)] = () => {
      const panel = document.getElementById(id);
      if (!panel) return false;
      const heading = document.getElementById(panel.getAttribute("aria-labelledby") || "");
      return focusHeading(heading || panel.querySelector("h2"));
    };
  });

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const target = event.target;
    if (typing(target)) {
      // Esc leaves the field; in a dialog, Esc is the dialog's own (it closes).
      if (event.key !== "Escape" || target.closest("dialog")) return;
      if (focusHeading(headingFor(target))) event.preventDefault();
      return;
    }
    if (document.querySelector("dialog[open]")) return; // the cheat-sheet is up: its keys only
    const action = Object.hasOwn(ACTIONS, event.key) && ACTIONS[event.key];
    if (action && action()) event.preventDefault();
  });
})();
