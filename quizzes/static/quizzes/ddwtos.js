// Drag and drop into text, never drag-only (WCAG 2.2, 2.5.7): pick a word (click, Enter or
// Space), then the blank it goes in; a filled blank picked with no word picked is emptied.
// Dragging a word onto a blank does the same. Each blank's word is kept in its hidden input
// (data-gap), which the attempt page's `gaps` collector reads; a change event saves it.
(() => {
  "use strict";

  function init(box) {
    const status = box.querySelector(".dd-status");
    const say = (text) => { if (status) status.textContent = text; };
    const tiles = () => Array.from(box.querySelectorAll(".dd-tile"));
    const picked = () => tiles().find((t) => t.getAttribute("aria-pressed") === "true");
    const infinite = box.dataset.infinite === "true";
    const label = (drop) => drop.closest(".dd-row").querySelector("span").textContent.trim();

    function refreshUsed() {
      if (infinite) return;
      const used = new Set(Array.from(box.querySelectorAll("input[data-gap]")).map((i) => i.value));
      tiles().forEach((t) => t.classList.toggle("is-used", used.has(t.dataset.value)));
    }

    function pick(tile) {
      const on = tile.getAttribute("aria-pressed") !== "true";
      tiles().forEach((t) => t.setAttribute("aria-pressed", "false"));
      tile.setAttribute("aria-pressed", String(on));
      say(on ? `${tile.textContent.trim()} picked: now choose its blank.` : "Nothing picked.");
    }

    function fill(drop, tile) {
      const input = drop.parentNode.querySelector("input[data-gap]");
      const word = drop.querySelector("span");
      if (tile && tile.dataset.group !== drop.dataset.group) {
        say(`${tile.textContent.trim()} does not fit ${label(drop)}.`);
        return;
      }
      if (tile && !infinite) {  // a word fills one blank: take it out of any other
        box.querySelectorAll("input[data-gap]").forEach((other) => {
          if (other !== input && other.value === tile.dataset.value) {
            other.value = "";
            other.parentNode.querySelector(".dd-drop span").textContent = "empty";
          }
        });
      }
      input.value = tile ? tile.dataset.value : "";
      word.textContent = tile ? tile.textContent.trim() : "empty";
      tiles().forEach((t) => t.setAttribute("aria-pressed", "false"));
      refreshUsed();
      say(tile ? `${label(drop)}: ${word.textContent}.` : `${label(drop)} emptied.`);
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    box.addEventListener("click", (event) => {
      const tile = event.target.closest(".dd-tile");
      const drop = event.target.closest(".dd-drop");
      if (tile) pick(tile);
      else if (drop) fill(drop, picked() || null);
    });
    box.addEventListener("dragstart", (event) => {
      const tile = event.target.closest(".dd-tile");
      if (tile) event.dataTransfer.setData("text/plain", tile.dataset.value);
    });
    box.addEventListener("dragover", (event) => {
      if (event.target.closest(".dd-drop")) event.preventDefault();
    });
    box.addEventListener("drop", (event) => {
      const drop = event.target.closest(".dd-drop");
      if (!drop) return;
      event.preventDefault();
      const value = event.dataTransfer.getData("text/plain");
      const tile = tiles().find((t) => t.dataset.value === value);
      if (tile) fill(drop, tile);
    });
    refreshUsed();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".ddwtos").forEach(init);
  });
})();
