// Attempt page: autosave each answer through the API, flag, check, order items, count down.
// The server owns the clock and the answers; this script only reports and displays them.
(function () {
  "use strict";
  const configEl = document.getElementById("attempt-config");
  if (!configEl) return;
  const config = JSON.parse(configEl.textContent);
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const status = document.getElementById("save-status");
  const pending = new Map();
  let inflight = Promise.resolve();

  function post(action, body) {
    return fetch(config.api + action + "/", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (!resp.ok) throw new Error(data.detail || "The server refused the request.");
        return data;
      });
    });
  }

  function responseOf(fieldset) {
    const type = fieldset.dataset.type;
    const inputs = Array.from(fieldset.querySelectorAll("input, select, textarea"));
    if (type === "single" || type === "truefalse") {
      const picked = inputs.find(function (i) { return i.checked; });
      return picked ? picked.value : null;
    }
    // Option values are opaque per-attempt tokens (quizzes/tokens.py): send them back as they are.
    if (type === "multi") return inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
    if (type === "matching") {
      const answer = {};
      inputs.forEach(function (s) { answer[s.dataset.left] = s.value; });
      return answer;
    }
    if (type === "ordering") return Array.from(fieldset.querySelectorAll(".ordering li")).map(function (li) { return li.dataset.id; });
    return inputs.length ? inputs[0].value : null;
  }

  function isAnswered(response) {
    if (response === null || response === "") return false;
    if (Array.isArray(response)) return response.length > 0;
    if (typeof response === "object") return Object.values(response).some(Boolean);
    return true;
  }

  function navLink(qid) { return document.querySelector('.nav-q[data-qid="' + qid + '"]'); }

  function save(fieldset) {
    const qid = Number(fieldset.dataset.qid);
    const response = responseOf(fieldset);
    pending.delete(qid);
    status.textContent = "Saving…";
    inflight = inflight.then(function () {
      return post("answer", { question_id: qid, response: response }).then(function () {
        navLink(qid).classList.toggle("is-answered", isAnswered(response));
        status.textContent = "All answers saved.";
      }).catch(function (err) { status.textContent = "Not saved: " + err.message; });
    });
    return inflight;
  }

  function flushAll() {
    Array.from(pending.values()).forEach(function (t) { clearTimeout(t); });
    const fieldsets = Array.from(pending.keys()).map(function (qid) {
      return document.querySelector('fieldset[data-qid="' + qid + '"]');
    });
    fieldsets.forEach(save);
    return inflight;
  }

  function schedule(fieldset, delay) {
    const qid = Number(fieldset.dataset.qid);
    clearTimeout(pending.get(qid));
    pending.set(qid, setTimeout(function () { save(fieldset); }, delay));
  }

  function moveItem(button) {
    const li = button.closest("li");
    const up = button.classList.contains("move-up");
    const sibling = up ? li.previousElementSibling : li.nextElementSibling;
    if (!sibling) return;
    li.parentNode.insertBefore(li, up ? sibling : sibling.nextElementSibling);
    button.focus();
    schedule(button.closest("fieldset"), 0);
  }

  function toggleFlag(button) {
    const fieldset = button.closest("fieldset");
    const flagged = button.getAttribute("aria-pressed") !== "true";
    post("flag", { question_id: Number(fieldset.dataset.qid), flagged: flagged }).then(function () {
      button.setAttribute("aria-pressed", String(flagged));
      button.textContent = flagged ? "Unflag" : "Flag";
      navLink(fieldset.dataset.qid).classList.toggle("is-flagged", flagged);
    }).catch(function (err) { status.textContent = err.message; });
  }

  function check(button) {
    const fieldset = button.closest("fieldset");
    flushAll().then(function () {
      return post("check", { question_id: Number(fieldset.dataset.qid), response: responseOf(fieldset) });
    }).then(function () {
      // The server renders the verdict; reload to this question (other answers are saved).
      window.location.hash = fieldset.id;
      window.location.reload();
    }).catch(function (err) { status.textContent = err.message; });
  }

  document.querySelectorAll("fieldset.question").forEach(function (fieldset) {
    fieldset.addEventListener("change", function () { schedule(fieldset, 0); });
    fieldset.addEventListener("input", function (e) {
      if (e.target.matches("input[type=text], textarea")) schedule(fieldset, 800);
    });
    fieldset.addEventListener("click", function (e) {
      const button = e.target.closest("button");
      if (!button) return;
      if (button.matches(".move-up, .move-down")) moveItem(button);
      else if (button.matches(".flag-toggle")) toggleFlag(button);
      else if (button.matches(".check-answer")) check(button);
    });
  });

  // Mark the question in view as current in the navigation panel.
  if ("IntersectionObserver" in window) {
    const observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        document.querySelectorAll(".nav-grid .nav-q").forEach(function (a) {
          const current = a.dataset.qid === entry.target.dataset.qid;
          a.classList.toggle("is-current", current);
          if (current) a.setAttribute("aria-current", "step"); else a.removeAttribute("aria-current");
        });
      });
    }, { rootMargin: "-30% 0px -60% 0px" });
    document.querySelectorAll("fieldset.question").forEach(function (f) { observer.observe(f); });
  }

  const form = document.getElementById("submit-form");
  let confirmed = false;
  form.addEventListener("submit", function (e) {
    if (confirmed) return;
    e.preventDefault();
    if (!window.confirm("Submit all your answers and finish this attempt?")) return;
    confirmed = true;
    flushAll().then(function () { form.submit(); });
  });

  const timer = document.getElementById("quiz-timer");
  if (timer && config.seconds_left !== null) {
    const end = Date.now() + config.seconds_left * 1000;
    const tick = function () {
      const left = Math.max(0, Math.round((end - Date.now()) / 1000));
      const m = Math.floor(left / 60), s = left % 60;
      timer.textContent = m + ":" + String(s).padStart(2, "0");
      timer.classList.toggle("is-low", left <= 60);
      if (left === 0) {
        clearInterval(handle);
        confirmed = true;
        flushAll().then(function () { form.submit(); });
      }
    };
    const handle = setInterval(tick, 1000);
    tick();
  }
})();
