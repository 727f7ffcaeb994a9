// The reader's theme. Loaded in <head> without defer so data-theme is on <html> before the first
// paint (no flash of the wrong theme); with nothing stored the page follows the system setting.
(() => {
  "use strict";
  const KEY = "dlp-theme";
  const root = document.documentElement;
  const read = () => {
    try { return localStorage.getItem(KEY); } catch (error) { return null; } // storage blocked
  };
  const stored = read();
  if (stored === "light" || stored === "dark") root.dataset.theme = stored;

  const system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  const current = () => root.dataset.theme || (system && system.matches ? "dark" : "light");

  // A toggle button keeps one name ("Dark theme"); aria-pressed says whether it is on.
  function label(button) {
    const dark = current() === "dark";
    button.setAttribute("aria-pressed", String(dark));
    button.title = dark ? "Dark theme on: switch to light" : "Switch to the dark theme";
  }

  document.addEventListener("DOMContentLoaded", () => {
    const button = document.getElementById("theme-toggle");
    if (!button) return;
    button.hidden = false;
    label(button);
    button.addEventListener("click", () => {
      const next = current() === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try { localStorage.setItem(KEY, next); } catch (error) { /* this page only */ }
      label(button);
    });
    // Following the system: relabel when it changes (a stored choice wins over it).
    if (system && system.addEventListener) system.addEventListener("change", () => label(button));
  });
})();
