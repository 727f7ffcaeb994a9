// How a question's answer is read back from its controls, and how an ordering item moves:
// shared by the attempt page (attempt.js) and the instructor's preview (preview.js).
// Each question type's template names its collector (data-collect="one|many|pairs|gaps|
// order|text"): nothing here knows a type's name. Option values are opaque per-attempt
// tokens (quizzes/tokens.py), sent back as they are.
(() => {
  "use strict";

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

  // Ordering: the buttons, or Alt+Up/Down on a focused item, move it; the live region says
  // where it went, so a screen reader user hears the new order; a change event on the
  // question tells its page (the attempt page saves it).
  function moveItem(li, up, focusTarget) {
    const sibling = up ? li.previousElementSibling : li.nextElementSibling;
    if (!sibling) return;
    li.parentNode.insertBefore(li, up ? sibling : sibling.nextElementSibling);
    focusTarget.focus();
    const items = Array.from(li.parentNode.children);
    const text = li.querySelector(".ordering-text").textContent.trim();
    const fieldset = li.closest("fieldset");
    const live = fieldset.querySelector(".ordering-status");
    if (live) live.textContent = `${text}: moved to position ${items.indexOf(li) + 1} of ${items.length}.`;
    fieldset.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // The keys and buttons that move an ordering item inside `fieldset`.
  function bindOrdering(fieldset) {
    fieldset.addEventListener("keydown", (event) => {
      const li = event.target.closest(".ordering li");
      if (!li || !event.altKey || !["ArrowUp", "ArrowDown"].includes(event.key)) return;
      event.preventDefault();
      moveItem(li, event.key === "ArrowUp", event.target);
    });
    fieldset.addEventListener("click", (event) => {
      const button = event.target.closest(".move-up, .move-down");
      if (button) moveItem(button.closest("li"), button.classList.contains("move-up"), button);
    });
  }

  window.quizAnswers = { responseOf, bindOrdering };
})();
