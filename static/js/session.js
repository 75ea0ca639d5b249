// A warning before an idle session ends, and the screen cleared when it has.
//
// The server ends a session after SESSION_IDLE_MINUTES without a request (membercare/accounts).
// An agent reading a member's page through a long call makes no request, so two minutes before
// the end this shows a warning with "Stay signed in" (WCAG 2.2.1: a simple action extends it).
// When the time is up the page goes to the sign-in page, so that no member's data stays on an
// unattended screen. The server is asked before either: another tab may have kept the session
// alive. Asking does not count as activity; "Stay signed in" does.
(() => {
  const WARN_BEFORE_S = 120;
  const TICK_MS = 5000;

  const warning = document.getElementById("session-warning");
  if (!warning) return; // signed out: nothing to time
  const statusUrl = warning.dataset.statusUrl;
  const signInUrl = warning.dataset.signInUrl;
  const idleSeconds = Number(warning.dataset.idleSeconds);
  const left = warning.querySelector("[data-left]");
  const stay = warning.querySelector("[data-stay]");
  let deadline = Date.now() + idleSeconds * 1000;

  function csrfToken() {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  }

  function leave() {
    const here = window.location.pathname + window.location.search;
    window.location.assign(`${signInUrl}?next=${encodeURIComponent(here)}`);
  }

  function show(seconds) {
    const minutes = Math.floor(seconds / 60);
    left.textContent = minutes >= 1 ? `${minutes} min ${seconds % 60} s` : `${seconds} s`;
    if (warning.hidden) {
      warning.hidden = false;
      stay.focus();
    }
  }

  function hide() {
    warning.hidden = true;
  }

  async function ask(method) {
    const response = await fetch(statusUrl, {
      method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    });
    if (!response.ok) throw new Error(`session status ${response.status}`);
    const answer = await response.json();
    if (!answer.signed_in) return leave();
    deadline = Date.now() + answer.seconds_left * 1000;
    if (answer.seconds_left <= 0) return leave();
    if (answer.seconds_left <= WARN_BEFORE_S) show(answer.seconds_left);
    else hide();
  }

  async function tick() {
    const secondsLeft = Math.round((deadline - Date.now()) / 1000);
    if (secondsLeft > WARN_BEFORE_S) return;
    try {
      await ask("GET");
    } catch {
      // The server cannot be reached: count down on our own clock, and clear the screen at the end.
      if (secondsLeft <= 0) leave();
      else show(secondsLeft);
    }
  }

  // Every htmx request is activity on the server: start the count again.
  document.body.addEventListener("htmx:afterRequest", () => {
    deadline = Date.now() + idleSeconds * 1000;
    hide();
  });
  stay.addEventListener("click", () => ask("POST").catch(() => {}));
  window.setInterval(tick, TICK_MS);
})();
