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

    // How each kind of answer control is read back, keyed by its container's data-collect
    // (each question type's template names its collector): nothing here knows a type's name.
    // Option values are opaque per-attempt tokens (quizzes/tokens.py): sent back as they are.
    const controls = (box) => Array.from(box.querySelectorAll("input, select, textarea"));
    const collectors = {
      one: (box) => { const picked = controls(box).find((i) => i.checked); return picked ? picked.value : null; },
      many: (box) => controls(box).filter((i) => i.checked).map((i) => i.value),
      pairs: (box) => {
        const answer = {};
        controls(box).forEach((s) => { answer[s.dataset.left] = s.value; });
        return answer;
      },
      // One value per gap: a text, a select, the checked radio ("" if none), or a list of the
      // checked checkboxes.
      gaps: (box) => {
        const answer = {};
        controls(box).forEach((c) => {
          const gap = c.dataset.gap;
          if (c.type === "radio") {
            if (c.checked || !(gap in answer)) answer[gap] = c.checked ? c.value : "";
          } else if (c.type === "checkbox") {
            answer[gap] = answer[gap] || [];
            if (c.checked) answer[gap].push(c.value);
          } else {
            answer[gap] = c.value;
          }
        });
        return answer;
      },
      order: (box) => Array.from(box.querySelectorAll("li[data-id]")).map((li) => li.dataset.id),
      text: (box) => { const inputs = controls(box); return inputs.length ? inputs[0].value : null; },
    };

    function responseOf(fieldset) {
      const box = fieldset.querySelector("[data-collect]");
      const collect = box && collectors[box.dataset.collect];
      return collect ? collect(box) : null;
    }

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

    // Ordering: the buttons, or Alt+Up/Down on a focused item, move it; the live region says
    // where it went, so a screen reader user hears the new order.
    function moveItem(li, up, focusTarget) {
      const sibling = up ? li.previousElementSibling : li.nextElementSibling;
      if (!sibling) return;
      li.parentNode.insertBefore(li, up ? sibling : sibling.nextElementSibling);
      focusTarget.focus();
      const items = Array.from(li.parentNode.children);
      const text = li.querySelector(".ordering-text").textContent.trim();
      const live = li.closest("fieldset").querySelector(".ordering-status");
      if (live) live.textContent = `${text}: moved to position ${items.indexOf(li) + 1} of ${items.length}.`;
      schedule(li.closest("fieldset"), 0);
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
      fieldset.addEventListener("keydown", (event) => {
        const li = event.target.closest(".ordering li");
        if (!li || !event.altKey || !["ArrowUp", "ArrowDown"].includes(event.key)) return;
        event.preventDefault();
        moveItem(li, event.key === "ArrowUp", event.target);
      });
      fieldset.addEventListener("click", (event) => {
        const button = event.target.closest("button");
        if (!button) return;
        if (button.matches(".move-up, .move-down")) moveItem(button.closest("li"), button.classList.contains("move-up"), button);
        else if (button.matches(".flag-toggle")) toggleFlag(button);
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
