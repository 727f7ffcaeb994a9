// New-run form: a block builder for the CNN (kept in sync with the JSON field) and a live estimate.
(() => {
  "use strict";
  const FIELDS = {
    conv: { channels: [1, 128, 1], kernel: [1, 9, 1], stride: [1, 4, 1], padding: [0, 4, 1] },
    activation: { fn: ["relu", "leaky_relu", "tanh", "sigmoid"] },
    batchnorm: {},
    pool: { kind: ["max", "avg"], size: [2, 4, 1] },
    dropout: { p: [0, 0.9, 0.05] },
    dense: { units: [1, 1024, 1] },
  };
  const DEFAULTS = {
    conv: { channels: 16, kernel: 3, stride: 1, padding: 1 }, activation: { fn: "relu" }, batchnorm: {},
    pool: { kind: "max", size: 2 }, dropout: { p: 0.25 }, dense: { units: 64 },
  };
  const $ = (id) => document.getElementById(id);
  let form, jsonField, list, timer = null;

  function read() {
    try { const b = JSON.parse(jsonField.value); return Array.isArray(b) ? b : []; } catch (e) { return []; }
  }
  function write(blocks) { jsonField.value = JSON.stringify(blocks); render(blocks); scheduleEstimate(); }

  function input(block, name, spec, index) {
    const label = document.createElement("label"), id = `blk-${index}-${name}`;
    label.htmlFor = id; label.textContent = name;
    let el;
    if (typeof spec[0] === "string") {
      el = document.createElement("select");
      spec.forEach((v) => { const o = document.createElement("option"); o.value = o.textContent = v; el.appendChild(o); });
    } else {
      el = document.createElement("input"); el.type = "number";
      [el.min, el.max, el.step] = spec.map(String);
    }
    el.id = id; el.value = block[name];
    el.addEventListener("change", () => {
      const blocks = read();
      blocks[index][name] = el.type === "number" ? Number(el.value) : el.value;
      $("id_preset").value = ""; write(blocks);
    });
    return [label, el];
  }

  function button(text, label, onClick) {
    const b = document.createElement("button");
    b.type = "button"; b.className = "btn btn-small btn-ghost"; b.textContent = text;
    b.setAttribute("aria-label", label); b.addEventListener("click", onClick); return b;
  }

  function render(blocks) {
    list.replaceChildren();
    blocks.forEach((block, i) => {
      const li = document.createElement("li"); li.className = "block-item";
      const name = document.createElement("strong"); name.textContent = block.type; li.appendChild(name);
      Object.entries(FIELDS[block.type] || {}).forEach(([f, spec]) => li.append(...input(block, f, spec, i)));
      const move = (d) => () => { const b = read(); const [x] = b.splice(i, 1); b.splice(i + d, 0, x); $("id_preset").value = ""; write(b); };
      if (i > 0) li.appendChild(button("↑", `Move block ${i + 1} up`, move(-1)));
      if (i < blocks.length - 1) li.appendChild(button("↓", `Move block ${i + 1} down`, move(1)));
      li.appendChild(button("✕", `Remove block ${i + 1}`, () => { const b = read(); b.splice(i, 1); $("id_preset").value = ""; write(b); }));
      list.appendChild(li);
    });
  }

  function setupBuilder() {
    jsonField = $("id_blocks"); list = $("block-list");
    if (!jsonField || !list) return;
    const presets = JSON.parse($("pg-presets").textContent);
    ["add-block-type", "add-block"].forEach((id) => { $(id).hidden = false; });
    $("add-block").addEventListener("click", () => {
      const t = $("add-block-type").value, b = read();
      b.push({ type: t, ...DEFAULTS[t] }); $("id_preset").value = ""; write(b);
    });
    $("id_preset").addEventListener("change", (e) => { if (presets[e.target.value]) write(presets[e.target.value]); });
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
      const resp = await fetch(form.getAttribute("data-estimate"), { method: "POST", body: new FormData(form), credentials: "same-origin" });
      const body = await resp.json(), errors = $("est-errors");
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
      $("est-shapes").textContent = est ? `Shapes: input 1x28x28 → ${est.shapes.join(" → ")}` : "";
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
