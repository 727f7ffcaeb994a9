// The A-Z bar: besides Tab, Left/Right (and Home/End) move between the letters that have terms,
// as in a toolbar; Enter follows the link.
(function () {
  "use strict";
  const nav = document.querySelector("[data-letter-nav]");
  if (!nav) return;
  nav.addEventListener("keydown", (event) => {
    const links = Array.from(nav.querySelectorAll("a[href]"));
    const at = links.indexOf(document.activeElement);
    if (at < 0) return;
    const moves = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: links.length - 1 };
    if (!(event.key in moves)) return;
    const next = links[Math.min(Math.max(moves[event.key], 0), links.length - 1)];
    event.preventDefault();
    next.focus();
  });
})();
