// Study a deck: Space or a click flips the card, 1-4 (or the buttons) grade it, and the next due
// card comes from the review API's answer, so the page never reloads.
(() => {
  "use strict";

  function init(root) {
    const el = (id) => document.getElementById(id);
    const card = el("flashcard");
    const backFace = el("card-back-face");
    const grades = el("grades");
    const hint = el("flip-hint");
    let flipped = false;
    let busy = false;
    let shownAt = performance.now();
    // Session progress: "card 3 of 14" counts the cards graded on this page; a card graded
    // Again that is due again at once stays in the queue, so the total grows by one.
    let reviewed = 0;

    function progress(due) {
      const total = reviewed + due;
      el("progress-position").textContent = String(Math.min(reviewed + 1, total));
      el("progress-total").textContent = String(total);
      const bar = el("progress-bar");
      bar.max = Math.max(total, 1);
      bar.value = reviewed;
      el("study-progress").hidden = due === 0;
    }

    function flip() {
      if (flipped || card.hidden) return;
      flipped = true;
      backFace.hidden = false;
      grades.hidden = false;
      hint.hidden = true;
      card.classList.add("is-flipped");
      card.setAttribute("aria-pressed", "true");
      say(`Answer: ${el("card-back").textContent.trim()} Rate it: 1 again, 2 hard, 3 good, 4 easy.`);
    }

    // A screen reader hears what a key did: the answer on a flip, the rating and what comes next.
    function say(text) { el("study-announce").textContent = text; }
    const RATINGS = { 1: "Again", 2: "Hard", 3: "Good", 4: "Easy" };

    let wakeTimer = null;
    let wakeTries = 0;

    // Learning steps bring a card back after minutes; fetch it then instead of asking for a reload.
    function waitFor(nextDue) {
      const note = el("next-due");
      clearTimeout(wakeTimer);
      if (!nextDue) { note.hidden = true; return; }
      const when = new Date(nextDue);
      el("next-due-time").textContent = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      el("next-due-time").setAttribute("datetime", nextDue);
      note.hidden = false;
      const delay = when.getTime() - Date.now() + 1000;
      wakeTries = 0;
      if (delay < 30 * 60 * 1000) wakeTimer = setTimeout(fetchDue, Math.max(delay, 1000));
    }

    async function fetchDue() {
      try {
        const response = await fetch(root.dataset.dueUrl, { credentials: "same-origin" });
        if (!response.ok) return;
        const data = await response.json();
        if (data.results.length) {
          el("study-done").hidden = true;
          card.hidden = false;
          progress(Math.max(data.count, 1));
          show(data.results[0], data.count, null);
        } else if (++wakeTries < 10) {
          wakeTimer = setTimeout(fetchDue, 30000); // the server clock may be a little behind
        }
      } catch (error) { /* offline: the reader can reload by hand */ }
    }

    function show(next, due, nextDue) {
      el("due-count").textContent = String(due);
      flipped = false;
      backFace.hidden = true;
      grades.hidden = true;
      card.classList.remove("is-flipped");
      card.setAttribute("aria-pressed", "false");
      if (!next) {
        card.hidden = true;
        hint.hidden = true;
        el("study-done").hidden = false;
        waitFor(nextDue);
        return;
      }
      card.dataset.cardId = String(next.id);
      // front_html/back_html are sanitized on the server (Markdown through nh3).
      el("card-front").innerHTML = next.front_html;
      el("card-back").innerHTML = next.back_html;
      hint.hidden = false;
      shownAt = performance.now();
      card.focus();
    }

    async function grade(rating) {
      if (!flipped || busy) return;
      busy = true;
      el("study-error").hidden = true;
      try {
        const data = await window.api.postJSON(root.dataset.reviewUrl, {
          card: Number(card.dataset.cardId), rating,
          duration_ms: Math.min(Math.round(performance.now() - shownAt), 3600000),
        });
        reviewed += 1;
        progress(data.next_card ? Math.max(data.due, 1) : 0);
        show(data.next_card, data.due, data.next_due);
        say(data.next_card
          ? `Rated ${RATINGS[rating]}. Card ${el("progress-position").textContent} of ${el("progress-total").textContent}: ${el("card-front").textContent.trim()}`
          : `Rated ${RATINGS[rating]}. All caught up: no card of this deck is due now.`);
      } catch (error) {
        el("study-error").textContent = `Could not save the review (${error.message}). Please try again.`;
        el("study-error").hidden = false;
      } finally {
        busy = false;
      }
    }

    card.addEventListener("click", flip);
    grades.addEventListener("click", (event) => {
      const button = event.target.closest("[data-rating]");
      if (button) grade(Number(button.dataset.rating));
    });
    document.addEventListener("keydown", (event) => {
      const target = event.target;
      if (target instanceof HTMLElement && ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === " " || event.key === "Enter" && target === card) {
        if (card.hidden) return;
        event.preventDefault();
        flip();
      } else if (["1", "2", "3", "4"].includes(event.key)) {
        event.preventDefault();
        grade(Number(event.key));
      }
    });
    if (!card.hidden) card.focus();
    else waitFor(root.dataset.nextDue);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.getElementById("study");
    if (root) init(root);
  });
})();
