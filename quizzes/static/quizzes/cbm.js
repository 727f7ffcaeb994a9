// Certainty-based marking: save the certainty the student picks for each answer (C1-C3)
// through the API; the URL comes from the page (attempt-config, built with reverse()).
(() => {
  "use strict";

  document.addEventListener("DOMContentLoaded", () => {
    const configEl = document.getElementById("attempt-config");
    if (!configEl) return;
    const config = JSON.parse(configEl.textContent);
    const status = document.getElementById("save-status");
    document.querySelectorAll("fieldset.cbm-certainty").forEach((fieldset) => {
      fieldset.addEventListener("change", async (event) => {
        if (!event.target.matches("input[type=radio]")) return;
        const body = { question_id: Number(fieldset.dataset.qid), certainty: Number(event.target.value) };
        try {
          await window.api.postJSON(config.api.certainty, body);
          if (status) status.textContent = "Certainty saved.";
        } catch (error) {
          if (status) status.textContent = `Certainty not saved: ${error.message}`;
        }
      });
    });
  });
})();
