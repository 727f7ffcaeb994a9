// Term-link definitions (a CSS tooltip on hover and keyboard focus) can be dismissed with
// Escape without moving the focus (WCAG 1.4.13); they come back once the pointer or the focus
// leaves the link and returns.
(() => {
  "use strict";
  let hovered = null;
  document.addEventListener("mouseover", (event) => {
    const link = event.target instanceof Element ? event.target.closest(".term-link") : null;
    if (hovered && hovered !== link) hovered.classList.remove("tip-dismissed");
    hovered = link;
  });
  document.addEventListener("focusout", (event) => {
    if (event.target instanceof Element && event.target.matches(".term-link")) {
      event.target.classList.remove("tip-dismissed");
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const focused = document.activeElement;
    [focused, hovered].forEach((el) => {
      if (el instanceof Element && el.matches(".term-link")) el.classList.add("tip-dismissed");
    });
  });
})();
