// The theming board, improved: drag a card onto a theme, or focus a card and press a number key (1 to 9)
// to move it to that theme. Both submit the card's own plain form, so the server does the same work (and the
// same audit) as without JavaScript. Without this file every move still works with the card's buttons.
const board = document.querySelector("[data-wm-board]");

function moveCard(card, column) {
  const form = card.querySelector("form");
  const theme = column && column.dataset.theme;
  if (!form || !theme || theme === card.dataset.fromTheme) return false;
  const select = form.querySelector("select[name=to_theme]");
  const button = form.querySelector("button[value=move]");
  if (!select || !button || !select.querySelector(`option[value="${theme}"]`)) return false;
  select.value = theme;
  form.requestSubmit(button);
  return true;
}

if (board) {
  document.querySelectorAll("[data-wm-js-only]").forEach((element) => {
    element.hidden = false;
  });
  const columns = [...board.querySelectorAll(".wm-column[data-theme]")].filter((c) => c.dataset.theme);
  let dragged = null;

  board.querySelectorAll(".wm-card").forEach((card) => {
    if (!card.querySelector("form")) return;
    card.tabIndex = 0;
    card.draggable = true;
    card.addEventListener("dragstart", (event) => {
      dragged = card;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.statement);
    });
    card.addEventListener("dragend", () => {
      dragged = null;
      columns.forEach((c) => c.classList.remove("wm-drop-target"));
    });
    card.addEventListener("keydown", (event) => {
      if (event.target !== card || event.altKey || event.ctrlKey || event.metaKey) return;
      if (!/^[1-9]$/.test(event.key)) return;
      const column = board.querySelector(`.wm-column[data-theme-number="${event.key}"]`);
      if (moveCard(card, column)) event.preventDefault();
    });
  });

  columns.forEach((column) => {
    column.addEventListener("dragover", (event) => {
      if (!dragged) return;
      event.preventDefault();
      column.classList.add("wm-drop-target");
    });
    column.addEventListener("dragleave", () => column.classList.remove("wm-drop-target"));
    column.addEventListener("drop", (event) => {
      event.preventDefault();
      column.classList.remove("wm-drop-target");
      if (dragged) moveCard(dragged, column);
    });
  });

  // After a move the page comes back at the card (or, when the card left this page, at the list of cards):
  // give it focus so keyboard work carries on.
  // The "Card moved" banner is still read out (it is an alert) but does not take the focus from the card.
  const target = location.hash && document.getElementById(location.hash.slice(1));
  const focusable = target && (target.id === "cards" ? target : target.closest(".wm-card"));
  if (focusable) {
    document.querySelectorAll("[data-module=nhsuk-notification-banner]").forEach((banner) => {
      banner.dataset.disableAutoFocus = "true";
    });
    if (!focusable.classList.contains("wm-card")) focusable.tabIndex = -1;
    focusable.focus();
  }
}
