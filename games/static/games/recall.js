// Recall sprint: type the term for the definition shown. The server checks each answer with the
// glossary's typo-tolerant search and owns the 60-second deadline; this clock is a display.
// Enter checks, Esc skips (a skip counts as a miss).
(() => {
  "use strict";

  function init(form) {
    const input = document.getElementById("sprint-answer");
    const prompt = document.getElementById("sprint-prompt");
    const status = document.getElementById("sprint-status");
    const error = document.getElementById("sprint-error");
    const score = document.getElementById("sprint-score");
    const clock = document.getElementById("sprint-clock");
    const bar = document.getElementById("sprint-bar");
    const end = performance.now() + Number(form.dataset.leftMs || 0);
    let busy = false;
    let over = false;

    function finish() {
      if (over) return;
      over = true;
      input.disabled = true;
      status.textContent = "Time's up.";
      window.location.assign(form.dataset.resultUrl);
    }

    const timer = setInterval(() => {
      const left = Math.max(0, end - performance.now()) / 1000;
      clock.textContent = Math.ceil(left);
      bar.value = left;
      if (left <= 0) { clearInterval(timer); finish(); }
    }, 200);

    async function send(answer) {
      if (busy || over) return;
      busy = true;
      error.hidden = true;
      try {
        const res = await window.api.postJSON(form.dataset.answerUrl, { answer });
        score.textContent = res.score;
        if (!res.counted) { finish(); return; }
        status.textContent = res.correct ? `Right: ${res.term}.` : `Missed: it was ${res.term}.`;
        status.className = `sprint-feedback ${res.correct ? "is-right" : "is-missed"}`;
        input.value = "";
        if (res.finished || !res.next_prompt) { clearInterval(timer); finish(); return; }
        prompt.textContent = res.next_prompt;
        input.focus();
      } catch (e) {
        error.textContent = e.status === 429 ? "Too fast: wait a moment and answer again." : `Not checked: ${e.message}`;
        error.hidden = false;
      } finally {
        busy = false;
      }
    }

    form.addEventListener("submit", (event) => { event.preventDefault(); send(input.value); });
    document.getElementById("sprint-skip").addEventListener("click", () => send(""));
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.preventDefault(); send(""); }
    });
    input.focus();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("sprint");
    if (form) init(form);
  });
})();
