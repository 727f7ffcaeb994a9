// Header live search: glossary results as you type, as an ARIA combobox + listbox.
// The "/" shortcut that focuses the box lives in site.js (the site shell).
(() => {
  "use strict";
  const DEBOUNCE_MS = 180;
  const MAX_SHOWN = 8;

  function setup(input, listbox) {
    const api = input.dataset.api;
    let timer = null;
    let controller = null;
    let active = -1;
    let lastQuery = "";
    input.setAttribute("role", "combobox");

    const options = () => Array.from(listbox.querySelectorAll("[role='option']"));

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      const all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach((el, i) => el.setAttribute("aria-selected", String(i === active)));
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    // The typed text marked in the name and the definition (every case-insensitive occurrence),
    // built from text nodes so a definition can never inject markup.
    function marked(parent, text, query) {
      const haystack = text.toLocaleLowerCase();
      const needle = query.toLocaleLowerCase();
      let from = 0;
      if (needle) {
        for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, from)) {
          if (at > from) parent.append(document.createTextNode(text.slice(from, at)));
          const hit = document.createElement("mark");
          hit.className = "search-hit";
          hit.textContent = text.slice(at, at + needle.length);
          parent.append(hit);
          from = at + needle.length;
        }
      }
      if (from < text.length) parent.append(document.createTextNode(text.slice(from)));
    }

    function option(term, index, query) {
      const el = document.createElement("a");
      el.className = "search-option";
      el.id = "site-search-option-" + index;
      el.setAttribute("role", "option");
      el.setAttribute("aria-selected", "false");
      el.href = term.url;
      el.tabIndex = -1;
      const name = document.createElement("span");
      name.className = "search-option-name";
      marked(name, term.name, query);
      el.append(name);
      if (term.abbreviation) {
        const abbr = document.createElement("span");
        abbr.className = "search-option-abbr";
        abbr.textContent = term.abbreviation;
        el.append(abbr);
      }
      const def = document.createElement("span");
      def.className = "search-option-def";
      marked(def, term.definition || "", query);
      el.append(def);
      return el;
    }

    function render(query, terms) {
      listbox.replaceChildren();
      terms.slice(0, MAX_SHOWN).forEach((term, i) => listbox.append(option(term, i, query)));
      if (!terms.length) {
        const empty = document.createElement("div");
        empty.className = "search-empty";
        empty.setAttribute("role", "status");
        empty.textContent = "No term matches “" + query + "”.";
        listbox.append(empty);
      }
      listbox.setAttribute("aria-label", terms.length + " glossary results");
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    async function search(query) {
      if (controller) controller.abort();
      controller = new AbortController();
      try {
        const url = api + "?search=" + encodeURIComponent(query);
        const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const data = await response.json();
        if (query === input.value.trim()) render(query, data.results || []);
      } catch (error) {
        if (error.name !== "AbortError") close();
      }
    }

    input.addEventListener("input", () => {
      const query = input.value.trim();
      clearTimeout(timer);
      if (!query) { lastQuery = ""; close(); return; }
      if (query === lastQuery) return;
      timer = setTimeout(() => { lastQuery = query; search(query); }, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", (event) => {
      const open = !listbox.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) return;
        event.preventDefault();
        // From the box (nothing active yet) Up goes to the last option, Down to the first.
        if (active < 0) highlight(event.key === "ArrowDown" ? 0 : -1);
        else highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        window.location.assign(options()[active].href);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });

    listbox.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus for the click
    input.addEventListener("blur", () => setTimeout(close, 100));
    input.addEventListener("focus", () => { if (input.value.trim() && listbox.children.length) { listbox.hidden = false; input.setAttribute("aria-expanded", "true"); } });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const input = document.getElementById("site-search-input");
    const listbox = document.getElementById("site-search-results");
    if (input && listbox && input.dataset.api) setup(input, listbox);
  });
})();
