// Overlay the loss curves of several runs (data from json_script): one pair of charts per kind
// of run, since a CNN's cross-entropy over 10 digits and a character model's over its vocabulary
// do not share a scale.
(() => {
  "use strict";
  document.addEventListener("DOMContentLoaded", () => {
    const groups = JSON.parse(document.getElementById("pg-groups").textContent);
    const C = window.PGCharts;
    groups.forEach((g) => {
      const train = g.curves.map((c) => ({ label: c.label, points: ((c.history || {}).train || []).map((p) => [p.step, p.loss]) }));
      const val = g.curves.map((c) => ({ label: c.label, points: ((c.history || {}).val || []).map((p) => [p.epoch, p.val_loss]) }));
      C.lineChart(document.getElementById(`compare-train-${g.kind}`), train, { empty: "No points yet", title: `Training loss of the ${g.title}` });
      C.lineChart(document.getElementById(`compare-loss-${g.kind}`), val, { xLabel: "epoch", empty: "No points yet", title: `Validation loss of the ${g.title}` });
      const legend = document.getElementById(`legend-${g.kind}`);
      g.curves.forEach((c, i) => {
        const li = document.createElement("li"), a = document.createElement("a");
        li.dataset.colour = String(i % C.PALETTE.length);
        a.href = c.url; a.textContent = c.label; li.appendChild(a); legend.appendChild(li);
      });
    });
  });
})();
