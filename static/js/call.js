// The call summary shown after End call: its Copy button puts the text on the clipboard.
// Without JavaScript the button stays hidden and the summary is a read-only text box to select.
// (A static file, not an inline script: the CSP allows only our own origin's scripts.)
(() => {
  function reveal(root) {
    for (const button of root.querySelectorAll("button[data-copy]")) button.hidden = false;
  }

  async function copy(button) {
    const box = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector(".copy-status");
    if (!box) return;
    try {
      await navigator.clipboard.writeText(box.value);
      if (status) status.textContent = "Copied.";
    } catch {
      box.focus();
      box.select(); // the agent copies it with Ctrl+C
      if (status) status.textContent = "Selected: press Ctrl+C to copy.";
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element && event.target.closest("button[data-copy]");
    if (button) copy(button);
  });
  document.addEventListener("DOMContentLoaded", () => reveal(document));
  document.addEventListener("htmx:afterSwap", () => reveal(document));
})();
