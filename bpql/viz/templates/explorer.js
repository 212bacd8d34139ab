// The BPQL explorer (bpql serve): a query box with completion, answers as a view, a table and
// their Cypher, search by name, shareable URLs. Strings from the store reach the page through
// textContent only. window.bpqlExplorer tells tests and benchmarks what the page holds.
// Every request to the API carries the server's token (X-BPQL-Token, from this page's meta):
// the server refuses any that does not, so no other site can make a browser ask it. Views
// open by the ticket an answer comes with (an iframe cannot send a header).
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const q = $("q");
  const suggest = $("suggest");
  const token = document.querySelector('meta[name="bpql-token"]').content;
  const state = { ready: false, answer: null, error: null, busy: 0, view: null, home: null };
  window.bpqlExplorer = state;

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  async function getJSON(path, params) {
    const url = path + "?" + new URLSearchParams(params).toString();
    state.busy++;
    try {
      const r = await fetch(url, { headers: { "X-BPQL-Token": token } });
      let body;
      try {
        body = await r.json();
      } catch (e) {
        const text = "error: the server answered " + r.status + " " + r.statusText;
        body = { error: { message: text, pretty: text } };
      }
      return { ok: r.ok && !body.error, body: body };
    } finally {
      state.busy--;
    }
  }

  // --- tabs ----------------------------------------------------------------------------
  function tab(name) {
    for (const b of document.querySelectorAll("#tabs button")) {
      b.classList.toggle("on", b.dataset.tab === name);
    }
    for (const t of ["graph", "table", "cypher"]) $("tab-" + t).hidden = t !== name;
    if (name === "cypher") loadCypher();
  }
  for (const b of document.querySelectorAll("#tabs button")) {
    b.addEventListener("click", () => tab(b.dataset.tab));
  }

  let cypherFor = null;
  async function loadCypher() {
    const text = state.query;
    if (!text || cypherFor === text) return;
    cypherFor = text;
    $("cypher").textContent = "…";
    const got = await getJSON("/api/explain", { q: text });
    $("cypher").textContent = got.ok ? got.body.cypher : got.body.error.pretty;
  }

  // --- answers -------------------------------------------------------------------------
  function showError(err) {
    state.error = err;
    $("error").textContent = err.pretty;
    $("error").hidden = false;
  }

  // a cell as text: the answer keeps JSON values (numbers stay numbers); a list is joined
  function cell(v) {
    if (v === null || v === undefined) return "";
    if (Array.isArray(v)) return v.map(cell).join("; ");
    return String(v);
  }

  function fillTable(answer) {
    const table = $("table");
    table.replaceChildren();
    const head = el("tr");
    const units = answer.units || {};
    for (const c of answer.columns) head.appendChild(el("th", units[c] ? c + " (" + units[c] + ")" : c));
    table.appendChild(head);
    for (const row of answer.rows) {
      const tr = el("tr");
      for (const v of row) {
        const td = el("td", cell(v));
        if (typeof v === "number") td.className = "num";
        tr.appendChild(td);
      }
      table.appendChild(tr);
    }
  }

  // the summary above the answer: the drawing's counts, kept up to date as nodes are expanded
  let rowsShown = "";
  function summarise(nodes, edges) {
    $("summary").textContent = nodes + " nodes, " + edges + " edges" + rowsShown;
  }

  function showView(src) {
    state.view = src;
    const frame = $("view");
    frame.src = src;
  }

  $("view").addEventListener("load", () => {
    const w = $("view").contentWindow;
    const drawing = w && w.bpql;
    if (!drawing || !drawing.nodes || !drawing.edges) return;
    const update = () => summarise(drawing.nodes.length, drawing.edges.length);
    update();
    // the network view grows as nodes are expanded; a blueprint or diff drawing is fixed
    if (typeof drawing.nodes.on === "function") drawing.nodes.on("add", update);
    if (typeof drawing.edges.on === "function") drawing.edges.on("add", update);
  });

  async function run(text, push) {
    text = text.trim();
    if (!text) return;
    closeSuggest();
    state.query = text;
    state.answer = null;
    state.error = null;
    state.view = null;
    cypherFor = null;
    $("error").hidden = true;
    $("welcome").hidden = true;
    if (push) history.pushState({ q: text }, "", "?q=" + encodeURIComponent(text));
    const got = await getJSON("/api/query", { q: text });
    if (!got.ok) {
      $("tabs").hidden = true;
      for (const t of ["graph", "table", "cypher"]) $("tab-" + t).hidden = true;
      showError(got.body.error);
      return;
    }
    const answer = got.body;
    state.answer = answer;
    fillTable(answer);
    $("tabs").hidden = false;
    document.querySelector('#tabs [data-tab="graph"]').hidden = !answer.drawn;
    document.querySelector('#tabs [data-tab="cypher"]').hidden = false;
    const shown = answer.rows.length < answer.total ? " (first " + answer.rows.length + ")" : "";
    const rows = answer.total + (answer.total === 1 ? " row" : " rows") + shown;
    if (answer.drawn) {
      rowsShown = "; " + rows;
      // an answer drawn collapsed has no node count until its view is drawn
      if (answer.nodes === null) $("summary").textContent = rows;
      else summarise(answer.nodes, answer.edges);
      showView(answer.view);
      tab("graph");
    } else {
      $("summary").textContent = rows;
      tab("table");
    }
  }

  // a drawing with no query behind it (a blueprint, a diff): only its view, no table or Cypher
  async function openDrawing(params, summary, push) {
    closeSuggest();
    state.query = null;
    state.answer = null;
    state.error = null;
    state.view = null; // until the new view is asked for
    $("error").hidden = true;
    $("welcome").hidden = true;
    const qs = new URLSearchParams(params).toString();
    if (push) history.pushState(params, "", "?" + qs);
    const got = await getJSON("/api/drawing", params);
    if (!got.ok) {
      $("tabs").hidden = true;
      for (const t of ["graph", "table", "cypher"]) $("tab-" + t).hidden = true;
      showError(got.body.error);
      return;
    }
    $("tabs").hidden = false;
    document.querySelector('#tabs [data-tab="graph"]').hidden = false;
    document.querySelector('#tabs [data-tab="table"]').hidden = true;
    document.querySelector('#tabs [data-tab="cypher"]').hidden = true;
    rowsShown = "; " + summary;
    summarise(got.body.nodes, got.body.edges);
    showView(got.body.view);
    tab("graph");
  }

  function openBlueprint(service, scenario, push) {
    const params = { blueprint: service };
    if (scenario) params.scenario = scenario;
    openDrawing(params, "blueprint of " + service, push);
  }

  function openDiff(service, variant, push) {
    const params = { diff: service };
    if (variant) params.variant = variant;
    openDrawing(params, "as-is against to-be of " + service, push);
  }

  function fromLocation() {
    const params = new URLSearchParams(location.search);
    if (params.get("diff")) {
      q.value = "";
      openDiff(params.get("diff"), params.get("variant"), false);
    } else if (params.get("blueprint")) {
      q.value = "";
      openBlueprint(params.get("blueprint"), params.get("scenario"), false);
    } else if (params.get("q")) {
      q.value = params.get("q");
      run(q.value, false);
    }
  }
  window.addEventListener("popstate", fromLocation);

  $("ask").addEventListener("submit", (ev) => {
    ev.preventDefault();
    run(q.value, true);
  });

  // --- completion ----------------------------------------------------------------------
  let items = [];
  let chosen = -1;
  let asked = 0;
  let from = 0;

  function closeSuggest() {
    suggest.hidden = true;
    items = [];
    chosen = -1;
    asked++; // an answer still on its way is for text that has been run or left
  }

  function mark(i) {
    chosen = i;
    [...suggest.children].forEach((li, j) => li.classList.toggle("on", j === i));
  }

  function accept(i) {
    const c = items[i];
    if (!c) return;
    const cursor = q.selectionStart;
    const before = q.value.slice(0, from) + c.text + " ";
    q.value = before + q.value.slice(cursor).replace(/^\S*/, "").replace(/^ /, "");
    q.setSelectionRange(before.length, before.length);
    closeSuggest();
    q.focus();
    askCompletion();
  }

  async function askCompletion() {
    const ticket = ++asked;
    const got = await getJSON("/api/complete", { q: q.value, pos: q.selectionStart });
    if (ticket !== asked || !got.ok) return;
    items = got.body.candidates;
    from = got.body.start;
    suggest.replaceChildren();
    items.forEach((c, i) => {
      const li = el("li");
      li.setAttribute("role", "option");
      li.append(el("span", c.text), el("small", c.meta));
      li.addEventListener("mousedown", (ev) => {
        ev.preventDefault();
        accept(i);
      });
      suggest.appendChild(li);
    });
    suggest.hidden = items.length === 0 || document.activeElement !== q;
    mark(items.length ? 0 : -1);
    state.suggestions = items.map((c) => c.text);
  }

  q.addEventListener("input", askCompletion);
  q.addEventListener("focus", askCompletion);
  q.addEventListener("blur", () => setTimeout(closeSuggest, 100));
  q.addEventListener("keydown", (ev) => {
    const open = !suggest.hidden && items.length > 0;
    if (ev.key === "Tab" && open) {
      ev.preventDefault();
      accept(chosen < 0 ? 0 : chosen);
    } else if (ev.key === "ArrowDown" && open) {
      ev.preventDefault();
      mark((chosen + 1) % items.length);
    } else if (ev.key === "ArrowUp" && open) {
      ev.preventDefault();
      mark((chosen - 1 + items.length) % items.length);
    } else if (ev.key === "Escape") {
      closeSuggest();
    }
  });

  // --- search by name ------------------------------------------------------------------
  let searchTimer = null;
  async function find(text) {
    const found = $("found");
    found.replaceChildren();
    if (!text.trim()) {
      found.hidden = true;
      return;
    }
    const got = await getJSON("/api/search", { name: text });
    if (!got.ok) return;
    for (const t of got.body.things) {
      const li = el("li");
      li.dataset.key = t.label + ":" + t.id;
      li.append(el("span", t.kind + " "), el("b", t.name), el("span", " (" + t.id + ")"));
      const show = el("a", "show");
      show.href = "?q=" + encodeURIComponent("show " + t.kind + ' "' + t.id + '"');
      show.addEventListener("click", (ev) => {
        ev.preventDefault();
        q.value = "show " + t.kind + ' "' + t.id + '"';
        run(q.value, true);
      });
      li.appendChild(show);
      if (t.label === "Service") {
        const bp = el("a", "blueprint");
        bp.href = "?blueprint=" + encodeURIComponent(t.id);
        bp.addEventListener("click", (ev) => {
          ev.preventDefault();
          openBlueprint(t.id, null, true);
        });
        const cmp = el("a", "compare");
        cmp.href = "?diff=" + encodeURIComponent(t.id);
        cmp.title = "the as-is against its to-be (bpql diff)";
        cmp.addEventListener("click", (ev) => {
          ev.preventDefault();
          openDiff(t.id, null, true);
        });
        li.append(bp, cmp);
      }
      found.appendChild(li);
    }
    found.hidden = got.body.things.length === 0;
    state.found = got.body.things.length;
  }
  $("name").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => find($("name").value), 150);
  });
  $("find").addEventListener("submit", (ev) => {
    ev.preventDefault();
    find($("name").value);
  });

  // --- the home page: examples made of what is loaded, the services to open ---------------
  function link(text, href, action) {
    const a = el("a", text);
    a.href = href;
    a.addEventListener("click", (ev) => {
      ev.preventDefault();
      action();
    });
    return a;
  }

  async function fillHome() {
    const got = await getJSON("/api/home", {});
    if (!got.ok) return;
    const home = got.body;
    for (const text of home.examples) {
      const li = el("li");
      li.appendChild(
        link(text, "?q=" + encodeURIComponent(text), () => {
          q.value = text;
          run(text, true);
        })
      );
      $("examples").appendChild(li);
    }
    if (home.examples.length > 1) q.placeholder = home.examples[1] + "   (Tab completes)";
    for (const s of home.services) {
      const li = el("li");
      li.dataset.key = "Service:" + s.id;
      li.append(el("b", s.name), el("span", " (" + s.id + ") "));
      li.appendChild(
        link("blueprint", "?blueprint=" + encodeURIComponent(s.id), () =>
          openBlueprint(s.id, null, true)
        )
      );
      if (s.redesigned) {
        li.appendChild(
          link("compare", "?diff=" + encodeURIComponent(s.id), () => openDiff(s.id, null, true))
        );
      }
      $("services").appendChild(li);
    }
    $("services-title").hidden = home.services.length === 0;
    if (home.total > home.services.length) {
      $("services-more").textContent =
        "and " + (home.total - home.services.length) + " more: search for them by name above";
      $("services-more").hidden = false;
    }
    state.home = home;
  }

  // --- then whatever the URL asks ----------------------------------------------------------
  fillHome();
  fromLocation();
  requestAnimationFrame(() => {
    state.firstPaintMs = performance.now();
    state.ready = true;
  });
})();
