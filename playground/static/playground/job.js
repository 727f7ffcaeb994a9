// The job page: polls the progress API about every second, draws curves and results, runs "try it".
(() => {
  "use strict";
  const ACTIVE = ["queued", "running"];
  const $ = (id) => document.getElementById(id);
  let data, timer = null, shownResults = false;

  const post = window.api.postJSON; // dlplatform/static/js/api.js: CSRF, JSON, the refusal's reason

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // Try it: the server answers at once with a ticket. Asking the ticket waits a bounded moment
  // on the server and returns as soon as the worker has answered; a 202 says (retry_ms) when to
  // ask again: at once after such a wait, a little later where the server cannot wait (no Redis).
  async function ask(url, body) {
    const ticket = await post(url, body);
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline) {
      const resp = await fetch(ticket.url, { credentials: "same-origin" });
      const json = await resp.json();
      if (resp.status === 200) return json.result;
      if (resp.status !== 202) throw new Error(json.detail || `The answer could not be fetched (${resp.status}).`);
      const retry = Number(json.retry_ms);
      await sleep(Number.isFinite(retry) ? Math.min(1000, Math.max(0, retry)) : 150);
    }
    throw new Error("The model did not answer in time. Try again.");
  }

  function fmtSeconds(s) {
    if (s === null || s === undefined) return "?";
    return s >= 90 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`;
  }

  function showProgress(job) {
    const p = job.progress || {}, status = $("job-status");
    status.textContent = job.status.charAt(0).toUpperCase() + job.status.slice(1);
    status.className = `tag status-${job.status}`;
    const bar = $("job-progress"), text = $("job-progress-text");
    if (p.total_steps) bar.value = job.status === "succeeded" ? 1 : p.step / p.total_steps;
    if (job.status === "queued") text.textContent = "Waiting for a worker…";
    if ($("job-queue")) $("job-queue").hidden = job.status !== "queued";  // the forecast was for the wait
    else if (p.step) {
      const rate = p.samples_per_s ? `${Math.round(p.samples_per_s)} images/s` : `${Math.round(p.chars_per_s)} chars/s`;
      const acc = p.acc !== null && p.acc !== undefined ? ` · batch accuracy ${(100 * p.acc).toFixed(1)}%` : "";
      const eta = ACTIVE.includes(job.status) ? ` · about ${fmtSeconds(p.eta_s)} left` : "";
      text.textContent = `Epoch ${p.epoch}/${p.epochs} · step ${p.step}/${p.total_steps} · loss ${p.loss}${acc} · ${rate}${eta}`;
    }
    if (job.failure_reason) { $("job-failure").hidden = false; $("job-failure").textContent = job.failure_reason; }
    $("cancel-form").hidden = !ACTIVE.includes(job.status);
    $("stop-form").hidden = job.status !== "running";
    // Said while there is still time to act: at this speed the run ends at the time limit.
    const late = job.status === "running" && p.eta_s !== null && p.eta_s !== undefined
      && p.time_left_s !== null && p.time_left_s !== undefined && p.eta_s > p.time_left_s;
    $("job-late").hidden = !late;
    if (late) {
      $("job-late").textContent = `At this speed the run needs about ${fmtSeconds(p.eta_s)} more but has ${fmtSeconds(p.time_left_s)} before the time limit: it will stop there and keep the model of its last completed epoch. Stop and keep it now, or let it run.`;
    }
    const stopped = (job.results || {}).stopped;
    if (stopped) { $("job-stopped").hidden = false; $("job-stopped").textContent = stopped.message; }
  }

  // The curves as received so far: each poll asks only for the points after the last one
  // (`since`) and appends them. A run given to a worker again (a new `started`) starts over.
  const curves = { train: [], val: [], since: 0, started: null };

  function addPoints(job) {
    if (job.started !== curves.started) {
      const rerun = curves.started !== null;
      Object.assign(curves, { train: [], val: [], since: 0, started: job.started });
      if (rerun) return false; // these points were counted from the old run's `since`
    }
    const h = job.history || {};
    curves.train.push(...(h.train || []));
    curves.val.push(...(h.val || []));
    curves.since = Math.max(curves.since, job.history_last || 0);
    return true;
  }

  function showCurves() {
    const train = curves.train, val = curves.val;
    const C = window.PGCharts;
    C.lineChart($("loss-chart"), [
      { label: "train loss", points: train.map((p) => [p.step, p.loss]) },
      { label: "validation loss", points: val.map((p) => [p.step, p.val_loss]), dashed: true },
    ], { title: "Loss over training steps" });
    if (data.kind === "cnn") {
      C.lineChart($("acc-chart"), [
        { label: "train (batch)", points: train.map((p) => [p.step, p.acc]) },
        { label: "test", points: val.map((p) => [p.step, p.val_acc]), dashed: true },
      ], { yMax: 1, title: "Accuracy over training steps" });
    } else {
      C.lineChart($("acc-chart"), [{ label: "validation bits/char", points: val.map((p) => [p.step, p.val_bpc]) }], { title: "Validation bits per character over training steps" });
    }
  }

  function figure(term, value) {
    const dl = $("result-figures"), dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = term; dd.textContent = value; dl.append(dt, dd);
  }

  function showResults(job) {
    const r = job.results || {};
    if (shownResults || job.status !== "succeeded") return;
    shownResults = true;
    $("results").hidden = false; $("try-it").hidden = false;
    figure("Parameters", (r.params || 0).toLocaleString());
    figure("Training time", `${r.train_seconds} s`);
    if (data.kind === "cnn") {
      figure("Test accuracy", `${(100 * r.test_accuracy).toFixed(2)}%`);
      figure("Per-class accuracy", r.per_class.map((a, i) => `${i}: ${(100 * a).toFixed(0)}%`).join(" · "));
      window.PGCharts.heatMap($("confusion"), r.confusion);
      const grid = $("misclassified");
      r.misclassified.forEach((m) => {
        const fig = document.createElement("figure"), cap = document.createElement("figcaption");
        cap.textContent = `${m.label} → ${m.pred}`;
        fig.append(window.PGCharts.digit(m.pixels), cap); grid.appendChild(fig);
      });
    } else {
      figure("Validation bits per character", r.bpc);
      figure("Perplexity", r.perplexity);
      (r.samples || []).forEach((s) => {
        const h = document.createElement("h4"), pre = document.createElement("pre");
        h.textContent = `After epoch ${s.epoch} (step ${s.step})`; pre.className = "sample"; pre.textContent = s.text;
        $("samples").append(h, pre);
      });
    }
  }

  async function poll() {
    try {
      const resp = await fetch(`${data.api}?since=${curves.since}`, { credentials: "same-origin" });
      if (resp.ok) {
        const job = await resp.json();
        const complete = addPoints(job);
        showProgress(job); showCurves(); showResults(job);
        if (!complete) { poll(); return; } // a new run: ask again from its first point
        if (!ACTIVE.includes(job.status)) return;
      }
    } catch (e) { /* a dropped request is retried on the next tick */ }
    timer = setTimeout(poll, 1000);
  }

  // --- try it: draw a digit -------------------------------------------------------------------
  function setupDrawing() {
    const canvas = $("draw");
    if (!canvas) return;
    const ctx = canvas.getContext("2d");
    const clear = () => { ctx.fillStyle = "#000"; ctx.fillRect(0, 0, canvas.width, canvas.height); };
    clear();
    let drawing = false, last = null;
    const at = (e) => { const r = canvas.getBoundingClientRect(); return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height]; };
    canvas.addEventListener("pointerdown", (e) => { drawing = true; last = at(e); canvas.setPointerCapture(e.pointerId); });
    canvas.addEventListener("pointermove", (e) => {
      if (!drawing) return;
      const p = at(e);
      ctx.strokeStyle = "#fff"; ctx.lineWidth = 20; ctx.lineCap = "round";
      ctx.beginPath(); ctx.moveTo(...last); ctx.lineTo(...p); ctx.stroke(); last = p;
    });
    ["pointerup", "pointercancel"].forEach((t) => canvas.addEventListener(t, () => { drawing = false; }));
    // The keyboard alternative: a picked test image is shown on the canvas and sent as it is
    // (already 28x28 and centred), until the reader draws over it or clears it.
    const examples = $("pg-digits") ? JSON.parse($("pg-digits").textContent) : [];
    const pick = $("example-digit");
    let picked = null;
    canvas.addEventListener("pointerdown", () => { picked = null; if (pick) pick.value = ""; });
    $("clear").addEventListener("click", () => { clear(); picked = null; if (pick) pick.value = ""; });
    if (pick) pick.addEventListener("change", () => {
      const example = examples[Number(pick.value)];
      clear(); picked = null;
      if (!pick.value || !example) return;
      picked = example.pixels.map((row) => row.map((v) => v / 255));
      const img = window.PGCharts.digit(example.pixels, 1);
      ctx.imageSmoothingEnabled = false; ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    });
    $("predict").addEventListener("click", async () => {
      try {
        const answer = await ask(data.predict, { pixels: picked || toMnist(canvas) });
        $("prediction").textContent = String(answer.prediction);
        const list = $("probabilities"); list.replaceChildren();
        answer.probabilities.forEach((p, i) => {
          const li = document.createElement("li"), meter = document.createElement("meter");
          meter.min = 0; meter.max = 1; meter.value = p; li.append(`${i}: `, meter, ` ${(100 * p).toFixed(1)}%`);
          list.appendChild(li);
        });
        $("try-error").textContent = "";
      } catch (e) { $("try-error").textContent = e.message; }
    });
  }

  // Like MNIST: fit the ink's bounding box into 20x20, then centre it by mass in a 28x28 frame.
  function toMnist(canvas) {
    const src = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    let [x0, y0, x1, y1] = [canvas.width, canvas.height, -1, -1];
    for (let y = 0; y < canvas.height; y++) for (let x = 0; x < canvas.width; x++) {
      if (src.data[(y * canvas.width + x) * 4] > 20) { x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
    }
    const out = document.createElement("canvas"); out.width = out.height = 28;
    const o = out.getContext("2d"); o.fillStyle = "#000"; o.fillRect(0, 0, 28, 28);
    if (x1 >= 0) {
      const w = x1 - x0 + 1, h = y1 - y0 + 1, s = 20 / Math.max(w, h);
      o.drawImage(canvas, x0, y0, w, h, 14 - (w * s) / 2, 14 - (h * s) / 2, w * s, h * s);
    }
    const px = o.getImageData(0, 0, 28, 28).data;
    let [mx, my, m] = [0, 0, 0];
    for (let i = 0; i < 784; i++) { const v = px[i * 4] / 255; mx += (i % 28) * v; my += Math.floor(i / 28) * v; m += v; }
    const dx = m ? Math.round(13.5 - mx / m) : 0, dy = m ? Math.round(13.5 - my / m) : 0;
    const rows = [];
    for (let y = 0; y < 28; y++) {
      const row = [];
      for (let x = 0; x < 28; x++) {
        const sx = x - dx, sy = y - dy;
        row.push(sx >= 0 && sx < 28 && sy >= 0 && sy < 28 ? px[(sy * 28 + sx) * 4] / 255 : 0);
      }
      rows.push(row);
    }
    return rows;
  }

  function setupText() {
    const button = $("generate");
    if (!button) return;
    const temp = $("temperature");
    temp.addEventListener("input", () => { $("temperature-out").textContent = temp.value; });
    button.addEventListener("click", async () => {
      try {
        const answer = await ask(data.generate, { prompt: $("prompt").value, temperature: Number(temp.value) });
        $("continuation").textContent = answer.prompt + answer.continuation;
        $("try-error").textContent = "";
      } catch (e) { $("try-error").textContent = e.message; }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    data = JSON.parse($("pg-job").textContent);
    const copy = $("copy-share");
    copy.addEventListener("click", async () => {
      const url = new URL(copy.dataset.url, window.location.href).href;
      try { await navigator.clipboard.writeText(url); copy.textContent = "Link copied"; } catch (e) { window.prompt("Share link", url); }
    });
    setupDrawing(); setupText(); poll();
  });
})();
