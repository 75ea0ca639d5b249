// Keyboard, never while typing in a field:
// - "/" jumps to the search box from anywhere, as agents expect from search-first tools;
// - Alt+Shift+E ends the call with the member open (the End call button, data-end-call).
// (A static file, not an inline script: the CSP allows only our own origin's scripts.)
document.addEventListener("keydown", (event) => {
  const target = event.target;
  const typing =
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  if (typing || event.ctrlKey || event.metaKey) return;
  // event.code, not event.key: Alt+Shift+E types a dead key or a letter on some layouts.
  if (event.altKey && event.shiftKey && event.code === "KeyE") {
    const endCall = document.querySelector("form[data-end-call]");
    if (!endCall) return;
    event.preventDefault();
    endCall.requestSubmit();
    return;
  }
  if (event.key !== "/" || event.altKey) return;
  const box = document.getElementById("id_q");
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});
