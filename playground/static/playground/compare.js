// Overlay the validation loss of several runs (data from json_script).
(() => {
  "use strict";
  document.addEventListener("DOMContentLoaded", () => {
    const curves = JSON.parse(document.getElementById("pg-curves").textContent);
    const series = curves.map((c) => ({ label: c.label, points: ((c.history || {}).val || []).map((p) => [p.epoch, p.val_loss]) }));
    const train = curves.map((c) => ({ label: c.label, points: ((c.history || {}).train || []).map((p) => [p.step, p.loss]) }));
    window.PGCharts.lineChart(document.getElementById("compare-train"), train, { empty: "Pick runs above" });
    window.PGCharts.lineChart(document.getElementById("compare-loss"), series, { xLabel: "epoch", empty: "Pick runs above" });
    const legend = document.getElementById("legend");
    curves.forEach((c, i) => {
      const li = document.createElement("li"), a = document.createElement("a");
      li.style.color = window.PGCharts.PALETTE[i % window.PGCharts.PALETTE.length];
      a.href = c.url; a.textContent = c.label; li.appendChild(a); legend.appendChild(li);
    });
  });
})();
