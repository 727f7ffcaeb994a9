// The instructor's preview (quizzes/admin_preview.py): Check or Submit posts the answer, read
// by the attempt page's own collectors (answers.js), as JSON in the form's `response` field;
// the server grades it and renders the page again. Nothing is saved between posts but the
// signed state the form carries.
(() => {
  "use strict";

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("preview-form");
    if (!form || !window.quizAnswers) return;
    const fieldset = form.querySelector("fieldset.question");
    if (!fieldset) return;
    window.quizAnswers.bindOrdering(fieldset);
    // Flags mark questions to come back to in an attempt: nothing to flag in a preview.
    fieldset.querySelectorAll(".flag-toggle").forEach((button) => { button.hidden = true; });
    const send = (step) => {
      form.elements.step.value = step;
      form.elements.response.value = JSON.stringify(window.quizAnswers.responseOf(fieldset));
    };
    form.addEventListener("submit", (event) => {
      const submit = event.submitter && event.submitter.id === "preview-submit";
      send(submit ? "submit" : form.elements.step.value);
    });
    fieldset.addEventListener("click", (event) => {
      if (!event.target.closest(".check-answer")) return;
      send("check");
      form.requestSubmit ? form.requestSubmit() : form.submit();
    });
  });
})();
