// Live progress from the API; stops when nothing is queued or in flight.
(function () {
  const bar = document.getElementById("progress");
  const text = document.getElementById("progress-text");
  const labels = JSON.parse(document.getElementById("status-labels").textContent);
  async function poll() {
    const response = await fetch(bar.dataset.api, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const data = await response.json();
    const counts = data.counts || {};
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const open = (counts.queued || 0) + (counts.sending || 0);
    const percent = total ? Math.round((100 * (total - open)) / total) : 100;
    bar.firstElementChild.style.width = percent + "%";
    bar.setAttribute("aria-valuenow", String(percent));
    text.textContent = percent + "% · " + Object.entries(counts).filter(([, n]) => n).map(([s, n]) => (labels.outbox[s] || s) + " " + n).join(" · ");
    document.getElementById("mailing-status").textContent = labels.mailing[data.status] || data.status;
    if (open && data.status === "sending") setTimeout(poll, 1000);
  }
  poll();
})();
