// Network explorer: the stored snapshot's strongest ties, drawn with sigma.js (WebGL).
// Positions come from the server (fixed per snapshot), so nothing is laid out here. The
// filters live in the address (history.replaceState), so a view can be shared and reloads
// as it was; names are searched and people summarised by the server, in the page's language.
(function () {
  "use strict";
  const container = document.getElementById("graph");
  if (!container) return;
  const css = getComputedStyle(document.documentElement);
  const colour = (sector) => css.getPropertyValue("--" + (sector || "other")).trim() || "#8c959f";
  const json = (id) => JSON.parse(document.getElementById(id).textContent || "null");
  const forums = json("forums-data") || [];
  const texts = json("explorer-texts") || {};
  const field = (id) => document.getElementById(id);
  const explorer = field("explorer");
  const status = field("graph-status");
  const summary = field("node-summary");
  const results = field("search-results");
  const snapshot = container.dataset.snapshot;
  const since = field("f-from");
  const until = field("f-time");
  // Address parameter -> filter field; the parameters are the graph API's own names.
  const FILTERS = [["sector", "f-sector"], ["community", "f-community"], ["min_weight", "f-weight"],
    ["size_by", "f-size"], ["limit", "f-limit"]];
  const defaults = Object.fromEntries(FILTERS.map(([name, id]) => [name, field(id).value]));
  let renderer = null;
  let graph = null;
  let pending = null;
  let chosen = null;
  let highlighted = null;
  let searchTimer = null;
  let searchRound = 0;

  function forumIndex(id) {
    return forums.findIndex((forum) => String(forum.id) === String(id));
  }

  function restore() {
    const params = new URLSearchParams(window.location.search);
    for (const [name, id] of FILTERS) {
      if (!params.has(name)) continue;
      const input = field(id);
      const value = params.get(name);
      const allowed = input.tagName !== "SELECT" || [...input.options].some((o) => o.value === value);
      input.value = allowed ? value : defaults[name];
    }
    if (since && forumIndex(params.get("from_forum")) >= 0) since.value = forumIndex(params.get("from_forum"));
    if (until && forumIndex(params.get("to_forum")) >= 0) until.value = forumIndex(params.get("to_forum"));
    uncross(null);
    labelSliders();
    if (/^\d+$/.test(params.get("person") || "")) chosen = params.get("person");
  }

  function remember() {
    const params = new URLSearchParams();
    for (const [name, id] of FILTERS) {
      const value = field(id).value;
      if (value !== "" && value !== defaults[name]) params.set(name, value);
    }
    if (since && Number(since.value) > 0) params.set("from_forum", forums[Number(since.value)].id);
    if (until && Number(until.value) < forums.length - 1) params.set("to_forum", forums[Number(until.value)].id);
    if (chosen) params.set("person", chosen);
    const search = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  }

  function query() {
    const params = new URLSearchParams();
    if (snapshot) params.set("snapshot", snapshot);
    params.set("limit", field("f-limit").value);
    params.set("size_by", field("f-size").value);
    params.set("min_weight", field("f-weight").value || "1");
    if (field("f-sector").value) params.set("sector", field("f-sector").value);
    if (field("f-community").value !== "") params.set("community", field("f-community").value);
    if (until && forums.length && Number(until.value) < forums.length - 1) {
      params.set("to_forum", forums[Number(until.value)].id);
    }
    if (since && forums.length && Number(since.value) > 0) {
      params.set("from_forum", forums[Number(since.value)].id);
    }
    // Everyone, with the strongest ties between them; over a range of forums, only the
    // people those ties join (someone who came later has no tie in the range).
    if (!params.has("to_forum") && !params.has("from_forum")) params.set("everyone", "true");
    return params;
  }

  function scale(values) {
    const top = Math.max(...values, 0) || 1;
    return (v) => 2 + 10 * Math.sqrt(Math.max(v || 0, 0) / top);
  }

  // Labels are drawn only where they do not cover one already drawn in this frame: sigma's
  // label grid thins them per cell, but a long name still runs into the next cell.
  const labelBoxes = [];
  function drawLabel(context, data, settings) {
    if (!data.label) return;
    const size = settings.labelSize;
    context.font = `${settings.labelWeight} ${size}px ${settings.labelFont}`;
    const x = data.x + data.size + 3;
    const width = context.measureText(data.label).width;
    const box = [x - 2, data.y - size / 2 - 2, x + width + 2, data.y + size / 2 + 2];
    for (const b of labelBoxes) {
      if (box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]) return;
    }
    labelBoxes.push(box);
    context.fillStyle = "#1d2430";
    context.fillText(data.label, x, data.y + size / 3);
  }

  async function load() {
    status.textContent = texts.loading || "…";
    const response = await fetch(container.dataset.api + "?" + query().toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) {
      status.textContent = (texts.failed || "") + " " + response.status + " " + (await response.text()).slice(0, 200);
      return;
    }
    const data = await response.json();
    const size = scale(data.nodes.map((n) => n.size));
    const maxWeight = Math.max(...data.edges.map((e) => e.weight), 1);
    graph = new graphology.Graph({ type: "undirected", multi: false });
    for (const node of data.nodes) {
      graph.addNode(String(node.id), {
        x: node.x, y: node.y, size: size(node.size), label: node.name,
        color: colour(node.sector), sector: node.sector, community: node.community, metric: node.size,
      });
    }
    for (const edge of data.edges) {
      const key = edge.source + "-" + edge.target;
      if (!graph.hasEdge(key)) {
        graph.addEdgeWithKey(key, String(edge.source), String(edge.target), {
          size: 0.3 + 2.5 * (edge.weight / maxWeight), color: "#c5ccd6", weight: edge.weight,
        });
      }
    }
    if (renderer) renderer.kill();
    highlighted = null;
    renderer = new Sigma(graph, container, {
      renderEdgeLabels: false,
      labelRenderedSizeThreshold: 9,
      labelDensity: 1,
      labelGridCellSize: 120,
      defaultDrawNodeLabel: drawLabel,
    });
    renderer.on("beforeRender", () => { labelBoxes.length = 0; });
    renderer.on("afterRender", () => { container.dataset.nodesDrawn = String(graph.order); });
    renderer.refresh();  // the first frame, now: tests and users can tell it is drawn
    container.dataset.nodesDrawn = String(graph.order);
    renderer.on("clickNode", ({ node }) => choose(node));
    status.textContent = (texts.drawn || "%(people)s / %(ties)s")
      .replace("%(people)s", data.nodes.length).replace("%(ties)s", data.edges.length);
    if (chosen) choose(chosen);
  }

  function closeSummary() {
    chosen = null;
    summary.hidden = true;
    summary.innerHTML = "";
    delete summary.dataset.node;
    explorer.classList.remove("with-summary");
    if (highlighted && graph && graph.hasNode(highlighted)) graph.setNodeAttribute(highlighted, "highlighted", false);
    highlighted = null;
    resize();
    remember();
  }

  function resize() {
    if (!renderer) return;
    renderer.resize();
    renderer.refresh();
  }

  async function choose(node) {
    chosen = String(node);
    remember();
    const url = container.dataset.personUrl.replace("/0/", "/" + chosen + "/") +
      (snapshot ? "?snapshot=" + snapshot : "");
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) {
      closeSummary();
      return;
    }
    summary.innerHTML = await response.text();
    summary.dataset.node = chosen;
    if (!graph || !graph.hasNode(chosen)) {
      const note = document.createElement("p");
      note.className = "muted";
      note.textContent = texts.not_drawn || "";
      summary.append(note);
    }
    summary.hidden = false;
    explorer.classList.add("with-summary");
    resize();
    if (!graph || !renderer || !graph.hasNode(chosen)) return;
    if (highlighted && graph.hasNode(highlighted)) graph.setNodeAttribute(highlighted, "highlighted", false);
    graph.setNodeAttribute(chosen, "highlighted", true);
    highlighted = chosen;
    renderer.getCamera().animate({ ...renderer.getNodeDisplayData(chosen), ratio: 0.3 }, { duration: 400 });
  }

  async function search(pickTheOnlyOne) {
    const wanted = field("f-search").value.trim();
    const round = ++searchRound;
    if (!wanted) {
      results.innerHTML = "";
      return;
    }
    const params = new URLSearchParams({ q: wanted });
    if (snapshot) params.set("snapshot", snapshot);
    const response = await fetch(field("f-find").dataset.url + "?" + params.toString(), {
      credentials: "same-origin",
    });
    if (round !== searchRound) return;  // a later keystroke's answer wins
    results.innerHTML = response.ok ? await response.text() : "";
    const found = results.querySelectorAll("[data-node]");
    if (pickTheOnlyOne && found.length === 1) choose(found[0].dataset.node);
  }

  // The two forum sliders bound a range: the first may not pass the last. Whichever moved
  // pushes the other along, and the note says so.
  function uncross(moved) {
    if (!since || !until) return;
    const note = field("slider-note");
    if (Number(since.value) <= Number(until.value)) {
      note.textContent = "";
      return;
    }
    if (moved === until) since.value = until.value;
    else until.value = since.value;
    note.textContent = texts.crossed || "";
  }

  function labelSliders() {
    if (since) field("f-from-label").textContent = forums[Number(since.value)].label;
    if (until) field("f-time-label").textContent = forums[Number(until.value)].label;
  }

  function reload() {
    remember();
    clearTimeout(pending);
    pending = setTimeout(load, 250);
  }

  for (const [, id] of FILTERS) field(id).addEventListener("change", reload);
  for (const slider of [since, until]) {
    if (!slider) continue;
    slider.addEventListener("input", () => {
      uncross(slider);
      labelSliders();
      reload();
    });
  }
  field("f-find").addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(searchTimer);
    search(true);
  });
  field("f-search").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => search(false), 300);
  });
  results.addEventListener("click", (event) => {
    const button = event.target.closest("[data-node]");
    if (button) choose(button.dataset.node);
  });
  summary.addEventListener("click", (event) => {
    if (event.target.closest("[data-close-summary]")) closeSummary();
  });
  restore();
  load();
})();
