// The office works without JavaScript; this only asks before irreversible actions.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  if (button && button.classList.contains("danger") && !window.confirm(document.documentElement.lang === "en"
      ? "This cannot be undone. Continue?" : "Това не може да бъде отменено. Продължавате ли?")) {
    event.preventDefault();
  }
});

// Signing takes a moment (a time-stamp from the TSA, the token): say so, and do not let a second
// click sign twice. The page that comes back tells the result.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || !form.dataset.signing) {
    return;
  }
  for (const button of form.querySelectorAll("button[type=submit]")) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
  }
  const status = form.querySelector(".signing-status");
  if (status) {
    status.textContent = form.dataset.signing;
    status.classList.add("spinner");
  }
});
