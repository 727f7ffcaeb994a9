// New-run form: a block builder for the CNN (kept in sync with the JSON field) and a live estimate.
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  // Block types, their fields, bounds and defaults: the schema of training/config.py, embedded by the page.
  let BLOCKS = {};
  let form, jsonField, list, timer = null;

  function read() {
    try { const b = JSON.parse(jsonField.value); return Array.isArray(b) ? b : []; } catch (e) { return []; }
  }
  // Every edit re-renders the list, so the control a keyboard user was on would vanish: `focus`
  // names the one to land on afterwards, and `said` is announced (the builder's live region).
  function write(blocks, focus, said) {
    jsonField.value = JSON.stringify(blocks); render(blocks); scheduleEstimate();
    const target = focus && (document.getElementById(focus) || $("add-block"));
    if (target) target.focus();
    if (said) $("block-status").textContent = said;
  }

  function input(block, name, spec, index) {
    const label = document.createElement("label"), id = `blk-${index}-${name}`;
    label.htmlFor = id; label.textContent = name;
    let el;
    if (spec.choices) {
      el = document.createElement("select");
      spec.choices.forEach(([v, text]) => { const o = document.createElement("option"); o.value = v; o.textContent = text; el.appendChild(o); });
    } else {
      el = document.createElement("input"); el.type = "number";
      [el.min, el.max, el.step] = [spec.min, spec.max, spec.step].map(String);
    }
    el.id = id; el.value = block[name];
    el.addEventListener("change", () => {
      const blocks = read();
      blocks[index][name] = el.type === "number" ? Number(el.value) : el.value;
      // Only the value changed: no re-render, so Tab goes on from here as usual.
      $("id_preset").value = ""; jsonField.value = JSON.stringify(blocks); scheduleEstimate();
    });
    return [label, el];
  }

  function button(text, label, id, onClick) {
    const b = document.createElement("button");
    b.type = "button"; b.className = "btn btn-small btn-ghost"; b.textContent = text; b.id = id;
    b.setAttribute("aria-label", label); b.addEventListener("click", onClick); return b;
  }

  function render(blocks) {
    list.replaceChildren();
    blocks.forEach((block, i) => {
      const li = document.createElement("li"); li.className = "block-item";
      const name = document.createElement("strong"); name.textContent = block.type; li.appendChild(name);
      const type = BLOCKS[block.type];
      if (type) name.title = type.shape;
      Object.entries(type ? type.fields : {}).forEach(([f, spec]) => li.append(...input(block, f, spec, i)));
      const n = blocks.length, what = `${block.type} block`;
      // A moved block keeps the focus on the same arrow at its new place (or the other arrow
      // once it reaches an end), so pressing Enter again moves it on.
      const move = (d, dir) => () => {
        const b = read(), [x] = b.splice(i, 1), to = i + d; b.splice(to, 0, x); $("id_preset").value = "";
        const edge = to === 0 || to === n - 1, other = dir === "up" ? "down" : "up";
        write(b, `blk-${to}-${edge ? other : dir}`, `${what} moved to position ${to + 1} of ${n}.`);
      };
      if (i > 0) li.appendChild(button("↑", `Move block ${i + 1} (${block.type}) up`, `blk-${i}-up`, move(-1, "up")));
      if (i < n - 1) li.appendChild(button("↓", `Move block ${i + 1} (${block.type}) down`, `blk-${i}-down`, move(1, "down")));
      li.appendChild(button("✕", `Remove block ${i + 1} (${block.type})`, `blk-${i}-remove`, () => {
        const b = read(); b.splice(i, 1); $("id_preset").value = "";
        // The focus goes to the block that took its place, else the one before, else "Add block".
        const next = i < b.length ? i : i - 1;
        write(b, next >= 0 ? `blk-${next}-remove` : "add-block", `${what} removed; ${b.length} blocks left.`);
      }));
      list.appendChild(li);
    });
  }

  function setupBuilder() {
    jsonField = $("id_blocks"); list = $("block-list");
    if (!jsonField || !list) return;
    const presets = JSON.parse($("pg-presets").textContent);
    BLOCKS = JSON.parse($("pg-builder").textContent).blocks;
    ["add-block-type", "add-block"].forEach((id) => { $(id).hidden = false; });
    $("add-block").addEventListener("click", () => {
      const t = $("add-block-type").value, b = read();
      const defaults = Object.fromEntries(Object.entries(BLOCKS[t].fields).map(([f, spec]) => [f, spec.default]));
      b.push({ type: t, ...defaults }); $("id_preset").value = "";
      const first = Object.keys(BLOCKS[t].fields)[0];
      write(b, first ? `blk-${b.length - 1}-${first}` : `blk-${b.length - 1}-remove`, `${t} block added at position ${b.length}.`);
    });
    $("id_preset").addEventListener("change", (e) => {
      if (presets[e.target.value]) write(presets[e.target.value], null, `Preset ${e.target.value}: ${presets[e.target.value].length} blocks.`);
    });
    jsonField.addEventListener("input", () => { render(read()); scheduleEstimate(); });
    render(read());
  }

  function human(n) {
    if (n >= 1e12) return `${(n / 1e12).toFixed(2)} TFLOP`;
    if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GFLOP`;
    return `${(n / 1e6).toFixed(1)} MFLOP`;
  }

  async function estimate() {
    try {
      const body = await window.api.postForm(form.getAttribute("data-estimate"), new FormData(form));
      const errors = $("est-errors");
      errors.replaceChildren();
      Object.entries(body.errors || {}).forEach(([field, errs]) => errs.forEach((e) => {
        const li = document.createElement("li"); li.textContent = `${field === "__all__" ? "" : field + ": "}${e.message}`; errors.appendChild(li);
      }));
      const est = body.estimate;
      $("est-params").textContent = est ? est.params.toLocaleString() : "–";
      $("est-flops").textContent = est ? human(est.flops_per_epoch) : "–";
      $("est-time").textContent = est ? (est.seconds < 90 ? `about ${Math.max(1, Math.round(est.seconds))} s` : `about ${Math.round(est.seconds / 60)} min`) : "–";
      $("est-queue").textContent = body.queue ? body.queue.message : "–";
      $("est-mem").textContent = est ? `about ${est.memory_mb} MB` : "–";
      $("est-shapes").textContent = est ? `Shapes: input ${est.input_shape} → ${est.shapes.join(" → ")}` : "";
    } catch (e) { /* the estimate is a convenience; the server validates on submit */ }
  }
  function scheduleEstimate() { clearTimeout(timer); timer = setTimeout(estimate, 250); }

  document.addEventListener("DOMContentLoaded", () => {
    form = $("run-form");
    if (!form) return;
    setupBuilder();
    form.addEventListener("input", scheduleEstimate);
    form.addEventListener("change", scheduleEstimate);
    estimate();
  });
})();
