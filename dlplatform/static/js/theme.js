// The reader's theme: light, dark or the operating system's (the default). Loaded in <head>
// without defer so data-theme is on <html> before the first paint (no flash of the wrong theme).
// "System" sets no data-theme: the stylesheet's prefers-color-scheme query then follows the
// system live, with no script involved; only the button's label listens for the change.
(() => {
  "use strict";
  const KEY = "dlp-theme";
  const ORDER = ["system", "light", "dark"]; // what each press of the button moves through
  const NAMES = { system: "System", light: "Light", dark: "Dark" };
  const ICONS = { system: "◐", light: "☀", dark: "☾" };
  const root = document.documentElement;
  const system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  const stored = () => {
    let value = null;
    try { value = localStorage.getItem(KEY); } catch (error) { /* storage blocked */ }
    return value === "light" || value === "dark" ? value : "system";
  };
  const apply = (choice) => {
    if (choice === "system") delete root.dataset.theme;
    else root.dataset.theme = choice;
  };
  let choice = stored();
  apply(choice);

  const shown = (choice) => (choice !== "system" ? choice : system && system.matches ? "dark" : "light");

  // One button, its visible text the choice in force ("Theme: System"); the title says what the
  // system gives now and what a press picks next.
  function label(button) {
    const next = ORDER[(ORDER.indexOf(choice) + 1) % ORDER.length];
    button.dataset.choice = choice;
    button.replaceChildren();
    const icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = ICONS[choice] + " ";
    const hidden = document.createElement("span");
    hidden.className = "sr-only";
    hidden.textContent = "Theme: ";
    const name = document.createElement("span");
    name.className = "theme-name"; // only the icon shows where the header is short of room
    name.textContent = NAMES[choice];
    button.append(icon, hidden, name);
    const now = choice === "system" ? ` (now ${shown(choice)})` : "";
    button.title = `Theme: ${NAMES[choice]}${now}. Press for ${NAMES[next].toLowerCase()}.`;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const button = document.getElementById("theme-toggle");
    if (!button) return;
    button.hidden = false;
    label(button);
    button.addEventListener("click", () => {
      choice = ORDER[(ORDER.indexOf(choice) + 1) % ORDER.length];
      try {
        if (choice === "system") localStorage.removeItem(KEY);
        else localStorage.setItem(KEY, choice);
      } catch (error) { /* storage blocked: this page only */ }
      apply(choice);
      label(button);
    });
    if (system && system.addEventListener) system.addEventListener("change", () => label(button));
    // A pick made in another tab applies here too.
    window.addEventListener("storage", (event) => {
      if (event.key !== KEY && event.key !== null) return;
      choice = stored(); apply(choice); label(button);
    });
  });
})();
