// Section page: the Basic / Standard / Detailed switcher (WAI-ARIA tabs). It picks the overview
// panel and every topic block marked with data-depths (basic body, explanation, detailed part).
// The choice is remembered on the server for logged-in readers and in localStorage otherwise.
(() => {
  "use strict";
  const STORAGE_KEY = "lessons.depth";

  function select(tabs, tab, focus) {
    tabs.forEach((other) => {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      const panel = document.getElementById(other.getAttribute("aria-controls"));
      if (panel) panel.hidden = !selected;
    });
    document.querySelectorAll("[data-depths]").forEach((block) => {
      block.hidden = !block.dataset.depths.split(" ").includes(tab.value);
    });
    if (focus) tab.focus();
  }

  function remember(form, depth) {
    if (form.dataset.authenticated !== "true") {
      try { localStorage.setItem(STORAGE_KEY, depth); } catch (e) { /* private mode: not remembered */ }
      return;
    }
    const body = new FormData();
    body.append("depth", depth);
    window.api.postForm(form.action, body)
      .catch(() => { /* the switch still works; only the memory is lost */ });
  }

  function init(form) {
    const tabs = Array.from(form.querySelectorAll("[role=tab]"));
    tabs.forEach((tab, index) => {
      tab.type = "button"; // JS handles switching; without JS the form submits
      tab.addEventListener("click", () => { select(tabs, tab, false); remember(form, tab.value); });
      tab.addEventListener("keydown", (event) => {
        const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
        if (!(event.key in moves)) return;
        event.preventDefault();
        const next = tabs[(moves[event.key] + tabs.length) % tabs.length];
        select(tabs, next, true);
        remember(form, next.value);
      });
    });
    const explicit = new URLSearchParams(location.search).has("depth");
    if (form.dataset.authenticated !== "true" && !explicit) {
      let stored = null;
      try { stored = localStorage.getItem(STORAGE_KEY); } catch (e) { stored = null; }
      const tab = tabs.find((t) => t.value === stored);
      if (tab) select(tabs, tab, false);
    }
  }

  // Highlight the table-of-contents entry of the part being read.
  function trackReading() {
    const links = new Map();
    document.querySelectorAll(".lesson-toc a[href^='#']").forEach((a) => links.set(a.hash.slice(1), a));
    if (!links.size || !("IntersectionObserver" in window)) return;
    const observer = new IntersectionObserver((entries) => {
      entries.filter((e) => e.isIntersecting).forEach((entry) => {
        links.forEach((a) => a.removeAttribute("aria-current"));
        const link = links.get(entry.target.id);
        if (link) link.setAttribute("aria-current", "true");
      });
    }, { rootMargin: "-20% 0px -70% 0px" });
    links.forEach((_, id) => { const block = document.getElementById(id); if (block) observer.observe(block); });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".depth-form").forEach(init);
    trackReading();
  });
})();
