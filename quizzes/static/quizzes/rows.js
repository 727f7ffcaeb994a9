// The question editor's list tables (quizzes/admin_rows.py): "Add a row" copies the last
// (blank) row with the next number in its names and labels. Without this script the two
// blank rows the server always adds are enough to save, and more come after a save.
(() => {
  "use strict";

  function addRow(editor) {
    const name = editor.dataset.name;
    const count = editor.querySelector(`input[name="${name}-rows"]`);
    const body = editor.querySelector("tbody");
    const last = body.lastElementChild;
    if (!count || !last) return;
    const before = Number(count.value) - 1;
    const next = Number(count.value);
    const row = last.cloneNode(true);
    row.querySelectorAll("input, select").forEach((input) => {
      ["name", "id"].forEach((attr) => {
        const value = input.getAttribute(attr);
        if (value) input.setAttribute(attr, value.replace(`${name}-${before}-`, `${name}-${next}-`));
      });
      const label = input.getAttribute("aria-label");
      if (label) input.setAttribute("aria-label", label.replace(/row \d+$/, `row ${next + 1}`));
      if (input.type === "checkbox") input.checked = false;
      else input.value = "";
    });
    body.appendChild(row);
    count.value = String(next + 1);
    const first = row.querySelector("input, select");
    if (first) first.focus();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".rows-editor").forEach((editor) => {
      const button = editor.querySelector(".rows-add");
      if (!button) return;
      button.hidden = false;
      button.addEventListener("click", () => addRow(editor));
    });
  });
})();
