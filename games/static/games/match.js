// Match: pick a term, then its definition. Every pick is checked by the server (the page does
// not know the pairs) and the server keeps the time; the clock here is only a display.
// Keyboard: arrow keys move across the grid (roving tabindex), Enter or Space picks.
(() => {
  "use strict";

  function columns(tiles) {
    const top = tiles[0].offsetTop;
    const n = tiles.findIndex((t) => t.offsetTop !== top);
    return n === -1 ? tiles.length : n;
  }

  function init(grid) {
    const tiles = Array.from(grid.querySelectorAll(".tile"));
    const status = document.getElementById("match-status");
    const error = document.getElementById("match-error");
    const clock = document.getElementById("match-clock");
    const count = document.getElementById("match-count");
    const penalty = document.getElementById("match-penalty");
    const t0 = performance.now() - Number(grid.dataset.elapsedMs || 0);
    let selected = null;
    let busy = false;
    let penalties = Number(penalty.textContent) || 0;

    const timer = setInterval(() => {
      clock.textContent = ((performance.now() - t0) / 1000 + penalties).toFixed(1);
    }, 100);

    const say = (text) => { status.textContent = text; };
    const open = () => tiles.filter((t) => !t.disabled);

    function focusTile(tile) {
      tiles.forEach((t) => { t.tabIndex = t === tile ? 0 : -1; });
      tile.focus();
    }

    function move(from, key) {
      const cols = columns(tiles);
      const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols }[key];
      let i = tiles.indexOf(from) + step;
      while (i >= 0 && i < tiles.length) {
        if (!tiles[i].disabled) return tiles[i];
        i += step;
      }
      return from;
    }

    function select(tile) {
      if (selected) selected.setAttribute("aria-pressed", "false");
      selected = tile;
      if (tile) tile.setAttribute("aria-pressed", "true");
    }

    function label(tile) {
      return `${tile.dataset.side === "term" ? "term" : "definition"} “${tile.querySelector(".tile-text").textContent.trim()}”`;
    }

    async function pick(first, second) {
      busy = true;
      error.hidden = true;
      try {
        const res = await window.api.postJSON(grid.dataset.pickUrl, { first: first.dataset.token, second: second.dataset.token });
        count.textContent = res.matched;
        if (res.correct) {
          [first, second].forEach((t) => { t.disabled = true; t.classList.add("matched"); t.setAttribute("aria-pressed", "false"); });
          select(null);
          say(`Pair matched. ${res.matched} of ${res.total}.`);
          if (res.finished) {
            clearInterval(timer);
            clock.textContent = (res.time_ms / 1000).toFixed(1);
            say(`All pairs matched in ${(res.time_ms / 1000).toFixed(1)} seconds.`);
            window.location.assign(res.result_url);
            return;
          }
          // The picked tile is disabled now and has lost the focus: give it to the next open one
          // (after it in the grid, else the first), unless the player has moved on already.
          const active = document.activeElement;
          if (!active || active === document.body || active.disabled) {
            const rest = open();
            const next = rest.find((t) => tiles.indexOf(t) > tiles.indexOf(second)) || rest[0];
            if (next) focusTile(next);
          }
        } else {
          penalties = res.wrong;
          penalty.textContent = res.wrong;
          [first, second].forEach((t) => { t.classList.add("wrong"); setTimeout(() => t.classList.remove("wrong"), 600); });
          select(null);
          say("Not a pair: one second added. Pick a term again.");
          focusTile(second);
        }
      } catch (e) {
        select(null);
        error.textContent = e.status === 429 ? "Too fast: wait a moment and pick again." : `Not checked: ${e.message}`;
        error.hidden = false;
      } finally {
        busy = false;
      }
    }

    function choose(tile) {
      if (busy || tile.disabled) return;
      if (selected === tile) { select(null); say("Selection cleared."); return; }
      if (!selected || selected.dataset.side === tile.dataset.side) {
        select(tile);
        say(`Selected ${label(tile)}. Now pick its ${tile.dataset.side === "term" ? "definition" : "term"}.`);
        return;
      }
      pick(selected, tile);
    }

    tiles.forEach((tile) => {
      tile.addEventListener("click", () => choose(tile));
      tile.addEventListener("focus", () => tiles.forEach((t) => { t.tabIndex = t === tile ? 0 : -1; }));
      tile.addEventListener("keydown", (event) => {
        if (!["ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp"].includes(event.key)) return;
        event.preventDefault();
        focusTile(move(tile, event.key));
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const grid = document.getElementById("match-grid");
    if (!grid) return;
    init(grid);
    // The round's clock runs from the moment the page was issued: start on the grid.
    const first = grid.querySelector(".tile:not([disabled])");
    if (first) first.focus();
  });
})();
