// Marks the page as JavaScript-enabled and starts the NHS.UK components (menus, character counts).
// Everything works without it; this file only improves the page.
document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("nhsuk-frontend-supported");
}
const script = document.querySelector("script[data-nhsuk-frontend]");
if (script) {
  import(script.dataset.nhsukFrontend).then((nhsuk) => nhsuk.initAll());
}
