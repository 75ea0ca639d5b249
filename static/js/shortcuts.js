// Keyboard: "/" jumps to the search box from anywhere, as agents expect from search-first tools.
// (A static file, not an inline script: the CSP allows only our own origin's scripts.)
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  const typing =
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  const box = document.getElementById("id_q");
  if (typing || !box) return;
  event.preventDefault();
  box.focus();
  box.select();
});
