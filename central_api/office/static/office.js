// The office works without JavaScript; this only asks before irreversible actions.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  if (button && button.classList.contains("danger") && !window.confirm(document.documentElement.lang === "en"
      ? "This cannot be undone. Continue?" : "Това не може да бъде отменено. Продължавате ли?")) {
    event.preventDefault();
  }
});
