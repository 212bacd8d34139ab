// BPQL drawings (the blueprint and diff views): the SVG made in Python, fitted to the window's
// width (never so small that a box's text is under 11 px), kinds to hide, a thing's links picked
// out on click. Every string from the data reaches the page through textContent, never as HTML.
// window.bpql tells tests and the explorer what the page holds and when it is drawn.
(function () {
  "use strict";
  const read = (id) => JSON.parse(document.getElementById(id).textContent);
  const view = read("bpql-view");
  const nodes = read("bpql-nodes");
  const edges = read("bpql-edges");
  const frame = document.getElementById("bpql-drawing");
  const svg = document.querySelector("#bpql-canvas > svg");
  const box = svg.viewBox.baseVal;
  // a step's name is 13 px in the drawing: at 0.87 it is 11.3 px on screen
  const MIN = 0.87;
  const MAX = 1.6;
  let scale = 1;
  let fitted = true;

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function setScale(s) {
    scale = Math.max(MIN * 0.5, Math.min(MAX * 1.5, s));
    svg.setAttribute("width", String(Math.round(box.width * scale)));
    svg.setAttribute("height", String(Math.round(box.height * scale)));
    document.getElementById("bpql-zoom").textContent = Math.round(scale * 100) + "%";
  }
  function fitWidth() {
    fitted = true;
    const room = frame.clientWidth - 20;
    setScale(Math.min(MAX, Math.max(MIN, room / box.width)));
  }
  document.getElementById("bpql-fit").addEventListener("click", fitWidth);
  document.getElementById("bpql-zoom-in").addEventListener("click", () => {
    fitted = false;
    setScale(scale * 1.2);
  });
  document.getElementById("bpql-zoom-out").addEventListener("click", () => {
    fitted = false;
    setScale(scale / 1.2);
  });
  window.addEventListener("resize", () => {
    if (fitted) fitWidth();
  });
  fitWidth();

  const toggle = document.getElementById("bpql-toggle");
  toggle.addEventListener("click", () => {
    document.body.classList.toggle("bpql-panel-hidden");
    toggle.textContent = document.body.classList.contains("bpql-panel-hidden")
      ? "Show panel"
      : "Hide panel";
    if (fitted) fitWidth();
  });

  // --- what is drawn: things by key, lines by their ends ----------------------------------
  const things = new Map();
  for (const g of svg.querySelectorAll("[data-key]")) things.set(g.dataset.key, g);
  const lines = [...svg.querySelectorAll("path.bpql-edge")];
  const near = new Map();
  for (const e of edges) {
    if (!near.has(e.from)) near.set(e.from, new Set());
    if (!near.has(e.to)) near.set(e.to, new Set());
    near.get(e.from).add(e.to);
    near.get(e.to).add(e.from);
  }

  const hiddenKinds = new Set();
  function applyFilter() {
    const hidden = new Set();
    for (const [key, g] of things) {
      const off = hiddenKinds.has(g.dataset.kind);
      g.classList.toggle("bpql-hidden", off);
      if (off) hidden.add(key);
    }
    for (const line of lines) {
      line.classList.toggle(
        "bpql-hidden",
        hidden.has(line.dataset.from) || hidden.has(line.dataset.to)
      );
    }
  }
  for (const box of document.querySelectorAll("#bpql-legend input[data-kind]")) {
    box.addEventListener("change", () => {
      if (box.checked) hiddenKinds.delete(box.dataset.kind);
      else hiddenKinds.add(box.dataset.kind);
      applyFilter();
    });
  }

  // --- a thing and what it is linked to, picked out --------------------------------------
  const served = location.protocol === "http:" || location.protocol === "https:";
  const selected = document.getElementById("bpql-selected");
  function clear() {
    for (const g of things.values()) g.classList.remove("bpql-faded", "bpql-picked");
    for (const line of lines) line.classList.remove("bpql-faded");
    if (selected) selected.hidden = true;
  }
  function pick(key) {
    const keep = new Set(near.get(key) || []);
    keep.add(key);
    for (const [k, g] of things) {
      g.classList.toggle("bpql-faded", !keep.has(k));
      g.classList.toggle("bpql-picked", k === key);
    }
    for (const line of lines) {
      line.classList.toggle(
        "bpql-faded",
        line.dataset.from !== key && line.dataset.to !== key
      );
    }
    if (served && selected) {
      const n = nodes.find((x) => x.id === key);
      const panel = selected.querySelector("div");
      panel.replaceChildren(el("b", n ? n.name : key), el("div", n ? n.lines[1] : "", "bpql-kind"));
      const [label, ...rest] = String(key).split(":");
      const id = rest.join(":");
      if (!id.includes("|")) {
        const show = el("a", "Show its neighbourhood");
        show.href = "/?q=" + encodeURIComponent("show " + label.toLowerCase() + ' "' + id + '"');
        show.target = "_top";
        panel.appendChild(show);
      }
      selected.hidden = false;
    }
  }
  svg.addEventListener("click", (ev) => {
    const g = ev.target.closest("[data-key]");
    if (g) pick(g.dataset.key);
    else clear();
  });

  // --- readiness, for tests and the explorer -------------------------------------------------
  const state = {
    view: view.kind,
    ready: false,
    firstStableFrameMs: null,
    nodes: nodes,
    edges: edges,
    counts: () => ({ nodes: nodes.length, edges: edges.length }),
    visibleCounts: () => ({
      nodes: [...things.values()].filter((g) => !g.classList.contains("bpql-hidden")).length,
    }),
    scale: () => scale,
    fitWidth: fitWidth,
    pick: pick,
    clear: clear,
  };
  window.bpql = state;
  requestAnimationFrame(() => {
    state.firstStableFrameMs = performance.now();
    state.ready = true;
  });
})();
