// The attempt's navigation panel: arrow keys move between its questions (one tab stop for the
// panel), each link says its state aloud (answered, flagged) as attempt.js changes its classes,
// and leaving a page waits until the answers typed on it are saved.
(() => {
  "use strict";

  const STATES = ["answered", "flagged"];

  function speak(link) {
    const states = STATES.filter((name) => link.classList.contains(`is-${name}`));
    const label = [`Question ${link.textContent.trim()}`, ...states].join(", ");
    if (link.getAttribute("aria-label") !== label) link.setAttribute("aria-label", label);
  }

  function roving(grid) {
    const links = Array.from(grid.querySelectorAll("a.nav-q"));
    if (!links.length) return;
    const columns = () => {
      const top = links[0].getBoundingClientRect().top;
      const perRow = links.filter((l) => l.getBoundingClientRect().top === top).length;
      return Math.max(1, perRow);
    };
    const focusAt = (index) => {
      const target = links[Math.max(0, Math.min(links.length - 1, index))];
      links.forEach((l) => l.setAttribute("tabindex", l === target ? "0" : "-1"));
      target.focus();
    };
    const current = links.findIndex((l) => l.classList.contains("is-current"));
    links.forEach((l, i) => l.setAttribute("tabindex", i === Math.max(0, current) ? "0" : "-1"));
    grid.addEventListener("keydown", (event) => {
      const index = links.indexOf(document.activeElement);
      if (index < 0) return;
      const moves = {
        ArrowRight: index + 1,
        ArrowLeft: index - 1,
        ArrowDown: index + columns(),
        ArrowUp: index - columns(),
        Home: 0,
        End: links.length - 1,
      };
      if (!(event.key in moves)) return;
      event.preventDefault();
      focusAt(moves[event.key]);
    });
  }

  // Resolves once no save is under way (attempt.js reports "Saving…" in #save-status), or
  // after a few seconds: a stuck network must not keep the student on the page.
  function savesSettled() {
    const status = document.getElementById("save-status");
    document.querySelectorAll("fieldset.question input[type=text]:not([disabled]), fieldset.question textarea:not([disabled])")
      .forEach((input) => {
        // Only what was typed since the page loaded (attempt.js saves it on "change").
        if (input.value !== input.defaultValue) input.dispatchEvent(new Event("change", { bubbles: true }));
      });
    return new Promise((resolve) => {
      const started = Date.now();
      const poll = () => {
        const busy = status && status.textContent.startsWith("Saving");
        if (!busy || Date.now() - started > 4000) resolve();
        else window.setTimeout(poll, 50);
      };
      window.setTimeout(poll, 0);
    });
  }

  function guardLeaving(element) {
    let leaving = false;
    const go = element.tagName === "FORM"
      ? () => element.submit()
      : () => { window.location.href = element.href; };
    element.addEventListener(element.tagName === "FORM" ? "submit" : "click", (event) => {
      if (leaving) return;
      event.preventDefault();
      leaving = true;
      savesSettled().then(go);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const grid = document.querySelector(".nav-grid");
    if (!grid) return;
    const links = Array.from(grid.querySelectorAll(".nav-q"));
    links.forEach(speak);
    const observer = new MutationObserver((changes) => changes.forEach((c) => speak(c.target)));
    links.forEach((link) => observer.observe(link, { attributes: true, attributeFilter: ["class"] }));
    roving(grid);
    document.querySelectorAll("[data-leave-page]").forEach(guardLeaving);
    grid.querySelectorAll("a.nav-q[href^='?page=']").forEach(guardLeaving);
  });
})();
