// Charts of the dashboard, contact and engagement pages (Chart.js, served locally).
(function () {
  "use strict";
  const css = getComputedStyle(document.documentElement);
  const colour = (sector) => css.getPropertyValue("--" + sector).trim() || "#8c959f";
  const data = (id) => {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  };

  const mix = data("sector-mix-data");
  if (mix && document.getElementById("sector-mix")) {
    new Chart(document.getElementById("sector-mix"), {
      type: "bar",
      data: {
        labels: mix.labels,
        datasets: mix.datasets.map((d) => ({ label: d.label, data: d.data, backgroundColor: colour(d.sector) })),
      },
      options: {
        responsive: true,
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
      },
    });
  }

  const growth = data("growth-data");
  if (growth && document.getElementById("growth")) {
    const names = data("growth-labels") || { first: "first", cross: "cross" };
    new Chart(document.getElementById("growth"), {
      type: "line",
      data: {
        labels: growth.labels,
        datasets: [
          { label: names.first, data: growth.first_timers, borderColor: colour("government"), tension: 0.2 },
          { label: names.cross, data: growth.new_cross_sector_ties, borderColor: colour("media"), tension: 0.2, yAxisID: "y1" },
        ],
      },
      options: { responsive: true, scales: { y: { beginAtZero: true }, y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } } } },
    });
  }

  const scores = data("score-data");
  if (scores && scores.labels.length && document.getElementById("score-history")) {
    new Chart(document.getElementById("score-history"), {
      type: "line",
      data: { labels: scores.labels, datasets: [{ label: "score", data: scores.scores, borderColor: colour("civil_society"), tension: 0.2 }] },
      options: { responsive: true, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
    });
  }

  const returning = data("returning-data");
  if (returning && document.getElementById("returning")) {
    new Chart(document.getElementById("returning"), {
      type: "line",
      data: { labels: returning.labels, datasets: [{ label: "%", data: returning.rates.map((r) => Math.round(r * 100)), borderColor: colour("academia"), tension: 0.2 }] },
      options: { responsive: true, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, max: 100 } } },
    });
  }
})();
