// Attempt page: autosave each answer through the API, flag, check, order items, count down.
// The server owns the clock and the answers; this script only reports and displays them. The
// API's URLs come from the page (attempt-config, built with reverse()).
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);

  function init(config) {
    const status = $("save-status");
    const form = $("submit-form");
    const pending = new Map(); // question id -> timer of its scheduled save
    let inflight = Promise.resolve(); // saves run one after another, in the order made
    let confirmed = false;

    const post = (action, body) => window.api.postJSON(config.api[action], body);
    const navLink = (qid) => document.querySelector(`.nav-q[data-qid="${qid}"]`);

    // Reading an answer back, and moving ordering items, are shared with the instructor's
    // preview (answers.js).
    const { responseOf, bindOrdering } = window.quizAnswers;

    function isAnswered(response) {
      if (response === null || response === "") return false;
      if (Array.isArray(response)) return response.length > 0;
      if (typeof response === "object") return Object.values(response).some(Boolean);
      return true;
    }

    function save(fieldset) {
      const qid = Number(fieldset.dataset.qid);
      const response = responseOf(fieldset);
      pending.delete(qid);
      status.textContent = "Saving…";
      inflight = inflight.then(async () => {
        try {
          await post("answer", { question_id: qid, response });
          navLink(qid).classList.toggle("is-answered", isAnswered(response));
          status.textContent = "All answers saved.";
        } catch (error) {
          status.textContent = `Not saved: ${error.message}`;
        }
      });
      return inflight;
    }

    function flushAll() {
      pending.forEach((timer) => clearTimeout(timer));
      Array.from(pending.keys())
        .map((qid) => document.querySelector(`fieldset[data-qid="${qid}"]`))
        .forEach(save);
      return inflight;
    }

    function schedule(fieldset, delay) {
      const qid = Number(fieldset.dataset.qid);
      clearTimeout(pending.get(qid));
      pending.set(qid, setTimeout(() => save(fieldset), delay));
    }

    async function toggleFlag(button) {
      const fieldset = button.closest("fieldset");
      const flagged = button.getAttribute("aria-pressed") !== "true";
      try {
        await post("flag", { question_id: Number(fieldset.dataset.qid), flagged });
        button.setAttribute("aria-pressed", String(flagged));
        button.textContent = flagged ? "Unflag" : "Flag";
        navLink(fieldset.dataset.qid).classList.toggle("is-flagged", flagged);
      } catch (error) {
        status.textContent = error.message;
      }
    }

    async function check(button) {
      const fieldset = button.closest("fieldset");
      try {
        await flushAll();
        await post("check", { question_id: Number(fieldset.dataset.qid), response: responseOf(fieldset) });
        // The server renders the verdict; reload to this question (other answers are saved).
        window.location.hash = fieldset.id;
        window.location.reload();
      } catch (error) {
        status.textContent = error.message;
      }
    }

    function submitAll() {
      confirmed = true;
      flushAll().then(() => form.submit());
    }

    document.querySelectorAll("fieldset.question").forEach((fieldset) => {
      fieldset.addEventListener("change", () => schedule(fieldset, 0));
      fieldset.addEventListener("input", (event) => {
        if (event.target.matches("input[type=text], textarea")) schedule(fieldset, 800);
      });
      bindOrdering(fieldset);
      fieldset.addEventListener("click", (event) => {
        const button = event.target.closest("button");
        if (!button) return;
        if (button.matches(".flag-toggle")) toggleFlag(button);
        else if (button.matches(".check-answer")) check(button);
      });
    });

    // Mark the question in view as current in the navigation panel.
    if ("IntersectionObserver" in window) {
      const observer = new IntersectionObserver((entries) => {
        entries.filter((entry) => entry.isIntersecting).forEach((entry) => {
          document.querySelectorAll(".nav-grid .nav-q").forEach((a) => {
            const current = a.dataset.qid === entry.target.dataset.qid;
            a.classList.toggle("is-current", current);
            if (current) a.setAttribute("aria-current", "step"); else a.removeAttribute("aria-current");
          });
        });
      }, { rootMargin: "-30% 0px -60% 0px" });
      document.querySelectorAll("fieldset.question").forEach((f) => observer.observe(f));
    }

    form.addEventListener("submit", (event) => {
      if (confirmed) return;
      event.preventDefault();
      if (window.confirm("Submit all your answers and finish this attempt?")) submitAll();
    });

    const timer = $("quiz-timer");
    if (timer && config.seconds_left !== null) {
      const end = Date.now() + config.seconds_left * 1000;
      let handle = null;
      const tick = () => {
        const left = Math.max(0, Math.round((end - Date.now()) / 1000));
        timer.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
        timer.classList.toggle("is-low", left <= 60);
        if (left === 0) {
          clearInterval(handle);
          submitAll();
        }
      };
      handle = setInterval(tick, 1000);
      tick();
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const configEl = $("attempt-config");
    if (configEl) init(JSON.parse(configEl.textContent));
  });
})();
