// Network explorer: the stored snapshot's strongest ties, drawn with sigma.js (WebGL).
// Positions come from the server (fixed per snapshot), so nothing is laid out here.
(function () {
  "use strict";
  const container = document.getElementById("graph");
  if (!container) return;
  const css = getComputedStyle(document.documentElement);
  const colour = (sector) => css.getPropertyValue("--" + (sector || "other")).trim() || "#8c959f";
  const forums = JSON.parse(document.getElementById("forums-data").textContent || "[]");
  const status = document.getElementById("graph-status");
  const summary = document.getElementById("node-summary");
  const field = (id) => document.getElementById(id);
  let renderer = null;
  let graph = null;
  let pending = null;

  function query() {
    const params = new URLSearchParams();
    params.set("limit", field("f-limit").value);
    params.set("size_by", field("f-size").value);
    params.set("min_weight", field("f-weight").value || "1");
    if (field("f-sector").value) params.set("sector", field("f-sector").value);
    if (field("f-community").value !== "") params.set("community", field("f-community").value);
    const until = field("f-time");
    if (until && forums.length && Number(until.value) < forums.length - 1) {
      params.set("to_forum", forums[Number(until.value)].id);
    }
    const since = field("f-from");
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

  async function load() {
    status.textContent = "…";
    const response = await fetch(container.dataset.api + "?" + query().toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) {
      status.textContent = response.status + " " + (await response.text()).slice(0, 200);
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
    renderer = new Sigma(graph, container, { renderEdgeLabels: false, labelRenderedSizeThreshold: 9 });
    renderer.on("afterRender", () => { container.dataset.nodesDrawn = String(graph.order); });
    renderer.refresh();  // the first frame, now: tests and users can tell it is drawn
    container.dataset.nodesDrawn = String(graph.order);
    renderer.on("clickNode", ({ node }) => show(node));
    const names = field("f-names");
    names.innerHTML = "";
    graph.forEachNode((key, attrs) => {
      const option = document.createElement("option");
      option.value = attrs.label;
      names.appendChild(option);
    });
    status.textContent = data.nodes.length + " / " + data.edges.length;
  }

  function show(node) {
    const attrs = graph.getNodeAttributes(node);
    const link = container.dataset.contactUrl.replace("/0/", "/" + node + "/");
    summary.hidden = false;
    summary.innerHTML = "";
    const title = document.createElement("a");
    title.href = link;
    title.textContent = attrs.label;
    const detail = document.createElement("p");
    detail.className = "muted";
    detail.textContent = (attrs.sector || "—") + " · #" + attrs.community + " · " + field("f-size").value +
      " " + Number(attrs.metric).toPrecision(3) + " · " + graph.degree(node);
    summary.append(title, detail);
    renderer.getCamera().animate({ ...renderer.getNodeDisplayData(node), ratio: 0.3 }, { duration: 400 });
  }

  function reload() {
    clearTimeout(pending);
    pending = setTimeout(load, 250);
  }

  for (const id of ["f-sector", "f-community", "f-weight", "f-size", "f-limit"]) {
    field(id).addEventListener("change", reload);
  }
  for (const [id, label] of [["f-time", "f-time-label"], ["f-from", "f-from-label"]]) {
    const slider = field(id);
    if (!slider) continue;
    slider.addEventListener("input", () => {
      field(label).textContent = forums[Number(slider.value)].label;
      reload();
    });
  }
  field("f-search").addEventListener("change", (event) => {
    const wanted = event.target.value.trim().toLowerCase();
    if (!graph || !wanted) return;
    const match = graph.findNode((key, attrs) => (attrs.label || "").toLowerCase() === wanted) ||
      graph.findNode((key, attrs) => (attrs.label || "").toLowerCase().includes(wanted));
    if (match) show(match);
  });
  load();
})();
