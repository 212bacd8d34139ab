// BPQL graph and impact views: legend and filter by kind, neighbourhood highlight, tooltips,
// impact highlighting (the blueprint and diff views are drawings: drawing.js). Every string
// from the data reaches the page through textContent, never as HTML. window.bpql tells tests
// and benchmarks what the page holds and when it is drawn.
(function () {
  "use strict";
  const read = (id) => JSON.parse(document.getElementById(id).textContent);
  const view = read("bpql-view");
  const nodeData = read("bpql-nodes");
  const edgeData = read("bpql-edges");
  const options = read("bpql-options");
  const FADED = "rgba(200,200,200,0.35)";

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function tip(title, subtitle, props) {
    const box = el("div", null, "bpql-tip");
    box.appendChild(el("b", title));
    if (subtitle) box.appendChild(el("i", subtitle));
    const keys = Object.keys(props || {});
    if (keys.length) {
      const table = el("table");
      for (const k of keys) {
        const tr = el("tr");
        tr.appendChild(el("td", k.replace(/_/g, " ")));
        const v = props[k];
        const shown = Array.isArray(v) ? v.join(", ") : v === true ? "yes" : v === false ? "no" : v;
        tr.appendChild(el("td", shown));
        table.appendChild(tr);
      }
      box.appendChild(table);
    }
    return box;
  }

  for (const n of nodeData) {
    n.title = tip(n.fullName, n.kindTitle, n.props);
    n.baseColor = n.color;
    n.baseOpacity = n.opacity === undefined ? 1 : n.opacity;
  }
  for (const e of edgeData) {
    e.title = tip(e.type, e.fromName + " \u2192 " + e.toName, e.props);
    e.baseColor = e.color;
  }
  const nodes = new vis.DataSet(nodeData);
  const edges = new vis.DataSet(edgeData);
  const container = document.getElementById("bpql-network");
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, options);

  // --- side panel -----------------------------------------------------------------------
  document.getElementById("bpql-title").textContent = view.title;
  document.getElementById("bpql-subtitle").textContent = view.subtitle || "";
  if (view.message) {
    const m = document.getElementById("bpql-message");
    m.textContent = view.message;
    m.hidden = false;
  }
  document.getElementById("bpql-counts").textContent =
    nodes.length + " nodes, " + edges.length + " edges";

  function swatch(item) {
    const s = el("span", null, "swatch" + (item.style ? " " + item.style : ""));
    s.style.background = item.color;
    s.style.borderColor = item.color;
    return s;
  }

  const hiddenKinds = new Set();
  const legend = document.querySelector("#bpql-legend ul");
  function legendItem(item) {
    const li = el("li");
    const label = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.kind = item.key;
    box.addEventListener("change", () => {
      if (box.checked) hiddenKinds.delete(item.key);
      else hiddenKinds.add(item.key);
      applyFilter();
    });
    label.append(box, swatch(item), el("span", item.title), el("span", item.count, "n"));
    li.appendChild(label);
    legend.appendChild(li);
  }
  view.legend.forEach(legendItem);

  // nodes added by expanding one: counted in their kind's entry, or a new entry for a new kind
  function addToLegend(added) {
    for (const n of added) {
      const box = [...legend.querySelectorAll("input")].find((b) => b.dataset.kind === n.kind);
      if (box) {
        const count = box.parentNode.querySelector(".n");
        count.textContent = String(Number(count.textContent) + 1);
      } else {
        const title = String(n.kindTitle || n.kind).split(" \u00b7 ")[0];
        legendItem({ key: n.kind, title: title, color: n.color, count: 1 });
      }
    }
  }

  function applyFilter() {
    nodes.update(nodes.get().map((n) => ({ id: n.id, hidden: hiddenKinds.has(n.kind) })));
  }

  function listSection(id, heading, items) {
    if (!items || !items.length) return;
    const sec = document.getElementById(id);
    if (heading) sec.querySelector("h2").textContent = heading;
    const ul = sec.querySelector("ul");
    for (const item of items) {
      const li = el("li");
      li.append(swatch(item), el("span", item.title));
      if (item.count !== undefined) li.appendChild(el("span", item.count, "n"));
      ul.appendChild(li);
    }
    sec.hidden = false;
  }
  listSection("bpql-roles", null, view.roles);
  if (view.extra) listSection("bpql-extra", view.extra.title, view.extra.items);

  if (view.summary) {
    const sec = document.getElementById("bpql-summary");
    const table = sec.querySelector("table");
    const head = el("tr");
    for (const c of view.summary.columns) head.appendChild(el("th", c));
    table.appendChild(head);
    for (const row of view.summary.rows) {
      const tr = el("tr");
      for (const v of row) tr.appendChild(el("td", Array.isArray(v) ? v.join(", ") : v));
      table.appendChild(tr);
    }
    sec.hidden = false;
  }

  if (view.matrix) {
    const m = view.matrix;
    const sec = document.getElementById("bpql-matrix");
    const table = sec.querySelector("table");
    const head = el("tr");
    head.appendChild(el("th", "department"));
    for (const s of m.services) head.appendChild(el("th", s));
    table.appendChild(head);
    const cell = (c) => (c ? c[0] + " / " + c[1] : "");
    for (const row of m.rows) {
      const tr = el("tr");
      tr.appendChild(el("th", row.department));
      for (const c of row.cells) tr.appendChild(el("td", cell(c), c ? "bpql-hit" : ""));
      table.appendChild(tr);
    }
    const total = el("tr", null, "bpql-total");
    total.appendChild(el("th", "all steps"));
    for (const c of m.total) total.appendChild(el("td", cell(c)));
    table.appendChild(total);
    sec.hidden = false;
  }
  if (view.routes) {
    const sec = document.getElementById("bpql-routes");
    const ul = sec.querySelector("ul");
    for (const r of view.routes) {
      const li = el("li");
      const s = el("span", null, "swatch ring" + (r.dash ? " dashed" : ""));
      s.style.borderColor = r.color;
      li.append(s, el("span", r.title), el("span", r.count, "n"));
      ul.appendChild(li);
    }
    sec.hidden = false;
  }

  // --- neighbourhood highlight -------------------------------------------------------------
  function restore() {
    nodes.update(
      nodes.get().map((n) => ({ id: n.id, color: n.baseColor, opacity: n.baseOpacity }))
    );
    edges.update(edges.get().map((e) => ({ id: e.id, color: e.baseColor })));
  }

  function highlight(id) {
    const near = new Set(network.getConnectedNodes(id));
    near.add(id);
    nodes.update(
      nodes.get().map((n) =>
        near.has(n.id)
          ? { id: n.id, color: n.baseColor, opacity: 1 }
          : { id: n.id, color: FADED, opacity: 0.35 }
      )
    );
    const mine = new Set(network.getConnectedEdges(id));
    edges.update(
      edges.get().map((e) => ({ id: e.id, color: mine.has(e.id) ? e.baseColor : FADED }))
    );
  }

  // --- served by `bpql serve`: expand a node, open a service's blueprint ------------------
  const served = location.protocol === "http:" || location.protocol === "https:";
  const selected = document.getElementById("bpql-selected");

  // the explorer's token, which its server wants on every request (none in a saved file)
  const token = document.querySelector('meta[name="bpql-token"]');

  async function neighbours(id) {
    const answer = await fetch("/api/expand?node=" + encodeURIComponent(id), {
      headers: token ? { "X-BPQL-Token": token.content } : {},
    });
    const data = await answer.json();
    if (!answer.ok || data.error) {
      throw new Error(data.error ? data.error.message : answer.statusText);
    }
    return data;
  }

  // a department group of a collapsed drawing opens into its services from the page's own
  // data (the server could not tell which services of the answer it holds); each service
  // then expands into its neighbours like any node
  function openGroup(group) {
    const look = view.serviceLook || {};
    const biggest = Math.max(1, ...group.services.map((s) => s[2]));
    const added = group.services.map(([sid, name, count]) => ({
      id: "Service:" + sid,
      label: name.length > 30 ? name.slice(0, 29).trimEnd() + "\u2026" : name,
      shape: look.shape,
      color: look.color,
      size: 10 + 16 * Math.sqrt(count / biggest),
      kind: "Service",
      kindTitle: "Service \u00b7 " + sid,
      fullName: name,
      props: { "nodes in this answer": count },
    }));
    const links = added.map((n) => ({
      from: group.id,
      to: n.id,
      type: "holds",
      fromName: group.fullName,
      toName: n.fullName,
      props: {},
      color: look.color,
      dashes: true,
    }));
    return { nodes: added, edges: links };
  }

  async function expand(id) {
    const group = nodes.get(id);
    const data = group && group.services ? openGroup(group) : await neighbours(id);
    const have = new Set(nodes.getIds());
    const added = data.nodes.filter((n) => !have.has(n.id));
    const pos = network.getPositions([id])[id] || { x: 0, y: 0 };
    const radius = Math.max(160, 8 * added.length);
    added.forEach((n, i) => {
      const a = (2 * Math.PI * i) / Math.max(added.length, 1);
      n.x = pos.x + radius * Math.cos(a);
      n.y = pos.y + radius * Math.sin(a);
      n.title = tip(n.fullName, n.kindTitle, n.props);
      n.baseColor = n.color;
      n.baseOpacity = 1;
    });
    const known = new Set(edges.get().map((e) => e.from + "|" + e.type + "|" + e.to));
    const newEdges = data.edges.filter((e) => !known.has(e.from + "|" + e.type + "|" + e.to));
    for (const e of newEdges) {
      e.title = tip(e.type, e.fromName + " \u2192 " + e.toName, e.props);
      e.baseColor = e.color;
    }
    nodes.add(added);
    edges.add(newEdges);
    addToLegend(added);
    document.getElementById("bpql-counts").textContent =
      nodes.length + " nodes, " + edges.length + " edges";
    return added.length;
  }

  function select(id) {
    if (!served || !selected) return;
    const n = nodes.get(id);
    const box = selected.querySelector("div");
    box.replaceChildren(el("b", n.fullName), el("div", n.kindTitle, "bpql-kind"));
    const more = el("button", "Expand neighbours");
    more.type = "button";
    more.id = "bpql-expand";
    more.addEventListener("click", () => expand(id));
    box.appendChild(more);
    const [label, ...rest] = String(id).split(":");
    const key = rest.join(":");
    if (label === "Service") {
      const a = el("a", "Open its blueprint");
      a.href = "/?blueprint=" + encodeURIComponent(key);
      a.target = "_top";
      a.id = "bpql-open-blueprint";
      box.appendChild(a);
    }
    if (n.services) {
      selected.hidden = false;
      return; // a department group of a collapsed drawing: no query names it
    }
    const show = el("a", "Show its neighbourhood");
    show.href = "/?q=" + encodeURIComponent("show " + label.toLowerCase() + ' "' + key + '"');
    show.target = "_top";
    box.appendChild(show);
    selected.hidden = false;
  }

  network.on("click", (params) => {
    if (params.nodes.length) {
      highlight(params.nodes[0]);
      select(params.nodes[0]);
    } else restore();
  });
  // a department group opens from the page's data, in a saved file too
  network.on("doubleClick", (params) => {
    const id = params.nodes[0];
    if (id !== undefined && (served || nodes.get(id).services)) expand(id);
  });

  const toggle = document.getElementById("bpql-toggle");
  if (toggle) {
    toggle.addEventListener("click", () => {
      document.body.classList.toggle("bpql-panel-hidden");
      toggle.textContent = document.body.classList.contains("bpql-panel-hidden")
        ? "Show panel"
        : "Hide panel";
      network.redraw();
    });
  }

  // --- readiness, for tests and benchmarks -------------------------------------------------
  const state = {
    view: view.kind,
    ready: false,
    firstStableFrameMs: null,
    counts: () => ({ nodes: nodes.length, edges: edges.length }),
    visibleCounts: () => ({
      nodes: nodes.get({ filter: (n) => !n.hidden }).length,
    }),
    network: network,
    expand: expand,
    impact: view.impact || null,
    nodes: nodes,
    edges: edges,
  };
  window.bpql = state;
  function markReady() {
    network.once("afterDrawing", () => {
      state.firstStableFrameMs = performance.now();
      state.ready = true;
    });
    network.redraw();
  }
  if (options.physics && options.physics.enabled && nodes.length > 0) {
    network.once("stabilizationIterationsDone", markReady);
  } else {
    markReady();
  }
})();
