// Site shell behaviour: the mobile menu and the "/" shortcut to the glossary search.
(() => {
  "use strict";
  document.addEventListener("DOMContentLoaded", () => {
    const toggle = document.querySelector(".nav-toggle");
    const nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", () => {
        const open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", String(open));
      });
    }
    document.addEventListener("keydown", (event) => {
      const target = event.target;
      const typing = target instanceof HTMLElement &&
        (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
      // Escape closes the open phone menu and hands the focus back to its button.
      if (event.key === "Escape" && toggle && nav && nav.classList.contains("open")) {
        nav.classList.remove("open");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
        return;
      }
      if (event.key === "/" && !typing) {
        const search = document.getElementById("site-search-input");
        if (search) { event.preventDefault(); search.focus(); }
      }
    });
  });
})();
