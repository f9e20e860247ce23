// "Recompute" on the network page: queue a snapshot through the API, then follow its
// progress without holding any request open; reload when it is done.
(function () {
  "use strict";
  const button = document.getElementById("recompute");
  if (!button) return;
  const bar = document.getElementById("recompute-progress");
  const stage = document.getElementById("recompute-stage");
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;

  async function follow(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) { stage.textContent = String(response.status); return; }
    const snapshot = await response.json();
    const percent = snapshot.progress || 0;  // already a percentage
    bar.firstElementChild.style.width = percent + "%";
    bar.setAttribute("aria-valuenow", String(percent));
    stage.textContent = snapshot.status + (snapshot.stage ? " · " + snapshot.stage : "");
    if (snapshot.status === "done") { window.location.reload(); return; }
    if (snapshot.status === "failed") { stage.textContent += " · " + (snapshot.error || ""); button.disabled = false; return; }
    setTimeout(() => follow(url), 1000);
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    bar.hidden = false;
    const response = await fetch(button.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: "{}",
    });
    const snapshot = await response.json();
    if (!response.ok) { stage.textContent = JSON.stringify(snapshot); button.disabled = false; return; }
    follow(button.dataset.api + snapshot.id + "/");
  });
})();
