// Small canvas charts for the playground: line charts with a legend, and a heat map.
(() => {
  "use strict";
  const PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

  function cssVar(name, fallback) {
    const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return v || fallback;
  }

  function bounds(series) {
    let xs = [], ys = [];
    series.forEach((s) => s.points.forEach(([x, y]) => { if (Number.isFinite(y)) { xs.push(x); ys.push(y); } }));
    if (!xs.length) return null;
    let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
    if (y0 === y1) { y0 -= 0.5; y1 += 0.5; }
    return { x0: Math.min(...xs), x1: Math.max(...xs, Math.min(...xs) + 1), y0, y1 };
  }

  // Axis ticks at 1, 2 or 5 x 10^k that cover [lo, hi] in about `count` steps, with labels
  // printed to the step's own precision (0.2, 0.4, ... not 0.00240 or 0.0695).
  function niceTicks(lo, hi, count = 5) {
    const raw = (hi - lo) / count, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw * 0.999) || 10 * mag;
    const first = Math.floor(lo / step + 1e-9), last = Math.ceil(hi / step - 1e-9);
    const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    const ticks = [];
    for (let k = first; k <= last; k++) ticks.push({ value: k * step, label: (k * step).toFixed(decimals) });
    return { ticks, step, lo: first * step, hi: last * step };
  }

  // series: [{label, points: [[x, y], ...], dashed?}]; draws axes, lines and a legend.
  function lineChart(canvas, series, opts = {}) {
    const ctx = canvas.getContext("2d");
    const W = canvas.width, H = canvas.height, pad = { l: 48, r: 12, t: 12, b: 40 };
    ctx.clearRect(0, 0, W, H);
    const fg = cssVar("--fg", "#111"), muted = cssVar("--muted", "#666"), border = cssVar("--border", "#ccc");
    const b = bounds(series);
    let n = 0;
    series.forEach((s) => { n += s.points.length; });
    canvas.dataset.points = String(n);
    ctx.font = "12px system-ui, sans-serif";
    if (!b) { ctx.fillStyle = muted; ctx.fillText(opts.empty || "No data yet", pad.l, H / 2); return; }
    if (opts.yMin !== undefined) b.y0 = Math.min(b.y0, opts.yMin);
    if (opts.yMax !== undefined) b.y1 = Math.max(b.y1, opts.yMax);
    const axis = niceTicks(b.y0, b.y1);
    [b.y0, b.y1] = [axis.lo, axis.hi];
    canvas.dataset.yTicks = JSON.stringify(axis.ticks.map((t) => t.label));
    const X = (x) => pad.l + ((x - b.x0) / (b.x1 - b.x0)) * (W - pad.l - pad.r);
    const Y = (y) => H - pad.b - ((y - b.y0) / (b.y1 - b.y0)) * (H - pad.t - pad.b);
    ctx.strokeStyle = border; ctx.fillStyle = muted; ctx.lineWidth = 1;
    axis.ticks.forEach(({ value, label }) => {
      ctx.beginPath(); ctx.moveTo(pad.l, Y(value)); ctx.lineTo(W - pad.r, Y(value)); ctx.stroke();
      ctx.fillText(label, 4, Y(value) + 4);
    });
    ctx.fillText(opts.xLabel || "step", W - pad.r - 40, H - pad.b + 16);
    ctx.fillText(String(b.x0), pad.l, H - pad.b + 16);
    ctx.fillText(String(b.x1), W - pad.r - 70, H - pad.b + 16);
    if (opts.title) {
      // The canvas is an image to a screen reader: its label says what the lines show.
      const last = series.filter((s) => s.points.length).map((s) => {
        const [x, y] = s.points[s.points.length - 1];
        return `${s.label}: ${Number(y).toPrecision(3)} at ${opts.xLabel || "step"} ${x}`;
      });
      canvas.setAttribute("aria-label", `${opts.title}. Last values: ${last.join("; ")}.`);
    }
    let lx = pad.l;
    series.forEach((s, i) => {
      const colour = s.colour || PALETTE[i % PALETTE.length];
      ctx.strokeStyle = colour; ctx.lineWidth = 2; ctx.setLineDash(s.dashed ? [6, 4] : []);
      ctx.beginPath();
      s.points.filter(([, y]) => Number.isFinite(y)).forEach(([x, y], j) => (j ? ctx.lineTo(X(x), Y(y)) : ctx.moveTo(X(x), Y(y))));
      ctx.stroke();
      if (s.points.length === 1) { ctx.fillStyle = colour; ctx.fillRect(X(s.points[0][0]) - 3, Y(s.points[0][1]) - 3, 6, 6); }
      ctx.setLineDash([]); ctx.fillStyle = colour;
      ctx.fillRect(lx, H - 14, 14, 3); ctx.fillStyle = fg; ctx.fillText(s.label, lx + 18, H - 9);
      lx += 28 + ctx.measureText(s.label).width;
    });
  }

  // matrix: rows of counts; darker cells hold more of their row.
  function heatMap(canvas, matrix) {
    const ctx = canvas.getContext("2d"), n = matrix.length, pad = 24;
    const cell = (Math.min(canvas.width, canvas.height) - pad) / n;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    // The picture as a sentence for a screen reader: how many are right, and the worst mix-up.
    let right = 0, total = 0, worst = null;
    matrix.forEach((row, i) => row.forEach((v, j) => {
      total += v; if (i === j) right += v; else if (v && (!worst || v > worst[2])) worst = [i, j, v];
    }));
    canvas.setAttribute("aria-label", `Confusion matrix: ${right} of ${total} test images classified correctly` +
      (worst ? `; most often confused: true ${worst[0]} predicted as ${worst[1]} (${worst[2]} times).` : "."));
    ctx.font = "11px system-ui, sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
    matrix.forEach((row, i) => {
      const total = row.reduce((a, b) => a + b, 0) || 1;
      row.forEach((v, j) => {
        const share = v / total;
        ctx.fillStyle = i === j ? `rgba(22, 163, 74, ${0.15 + 0.85 * share})` : `rgba(220, 38, 38, ${Math.min(1, share * 4)})`;
        ctx.fillRect(pad + j * cell, pad + i * cell, cell - 1, cell - 1);
        ctx.fillStyle = share > 0.5 ? "#fff" : cssVar("--fg", "#111");
        if (v) ctx.fillText(String(v), pad + (j + 0.5) * cell, pad + (i + 0.5) * cell);
      });
      ctx.fillStyle = cssVar("--muted", "#666");
      ctx.fillText(String(i), pad / 2, pad + (i + 0.5) * cell);
      ctx.fillText(String(i), pad + (i + 0.5) * cell, pad / 2);
    });
  }

  // pixels: 28 rows of 0-255 values; drawn white ink on black, scaled up.
  function digit(pixels, scale = 2) {
    const c = document.createElement("canvas");
    c.width = c.height = 28 * scale;
    const ctx = c.getContext("2d"), img = ctx.createImageData(28, 28);
    pixels.flat().forEach((v, i) => { img.data.set([v, v, v, 255], i * 4); });
    const tmp = document.createElement("canvas"); tmp.width = tmp.height = 28;
    tmp.getContext("2d").putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false; ctx.drawImage(tmp, 0, 0, c.width, c.height);
    return c;
  }

  window.PGCharts = { lineChart, heatMap, digit, niceTicks, PALETTE };
})();
