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

  // Charts over time put each point at its date on a linear axis of milliseconds, so the
  // years between two snapshots take the room they took (no date adapter is needed).
  const dayFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { year: "numeric", month: "short" });
  const fullFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: "medium" });
  const time = (iso) => Date.parse(iso + "T00:00:00Z");
  const timeAxis = {
    type: "linear",
    ticks: { callback: (value) => dayFormat.format(new Date(value)), maxRotation: 0, autoSkip: true, maxTicksLimit: 6 },
  };
  const timeTooltip = { callbacks: { title: (items) => items.length ? fullFormat.format(new Date(items[0].parsed.x)) : "" } };
  const points = (dates, values) => dates.map((d, i) => ({ x: time(d), y: values[i] }));

  const scores = data("score-data");
  if (scores && scores.dates.length && document.getElementById("score-history")) {
    new Chart(document.getElementById("score-history"), {
      type: "line",
      data: { datasets: [{ label: "score", data: points(scores.dates, scores.scores), borderColor: colour("civil_society"), tension: 0.2 }] },
      options: { responsive: true, plugins: { legend: { display: false }, tooltip: timeTooltip }, scales: { x: timeAxis, y: { beginAtZero: true } } },
    });
  }

  const position = data("position-data");
  if (position && position.dates.length && document.getElementById("position-history")) {
    const names = data("position-labels") || {};
    new Chart(document.getElementById("position-history"), {
      type: "line",
      data: {
        datasets: [
          { label: names.betweenness, data: points(position.dates, position.betweenness), borderColor: colour("government"), yAxisID: "y" },
          { label: names.pagerank, data: points(position.dates, position.pagerank), borderColor: colour("academia"), yAxisID: "y" },
          { label: names.degree, data: points(position.dates, position.degree), borderColor: colour("business"), yAxisID: "y1" },
        ],
      },
      options: {
        responsive: true,
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } }, tooltip: timeTooltip },
        scales: {
          x: timeAxis,
          y: { beginAtZero: true },
          y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, ticks: { precision: 0 } },
        },
      },
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
