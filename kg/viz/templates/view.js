/* kg graph view: draws window.KG_DATA with vis-network, shows escaped tooltip
 * markup built by kg.viz.render, stops physics once stabilised, and focuses a
 * node's neighbourhood on click. Globals kept for tests and the console:
 * network, nodes, edges (vis DataSets) and kgStatus. */
(function () {
  "use strict";
  var D = window.KG_DATA;
  var container = document.getElementById("kg-network");
  var stage = document.getElementById("kg-stage");
  var tip = document.getElementById("kg-tooltip");
  var panel = document.getElementById("kg-details-body");
  var resetBtn = document.getElementById("kg-reset");
  var focusInfo = document.getElementById("kg-focus");
  var progress = document.getElementById("kg-progress");
  var t0 = performance.now();

  /* stabilizeMs: from this script's start; sinceNavigationMs: from navigation start
   * (includes reading and parsing the page). */
  window.kgStatus = { stabilized: false, stabilizeMs: null, sinceNavigationMs: null, drawnMs: null,
                      nodes: D.nodes.length, edges: D.edges.length };
  window.nodes = new vis.DataSet(D.nodes);
  window.edges = new vis.DataSet(D.edges);
  window.network = new vis.Network(container, { nodes: window.nodes, edges: window.edges }, D.options);
  var network = window.network;

  /* Labels readable at the first zoom: once laid out and fitted, the canvas font
   * size becomes D.labelPx / scale, so labels are D.labelPx CSS pixels on screen
   * (edge labels 10/12 of that). Zooming in makes them larger. */
  function readableLabels() {
    if (!D.labelPx) { return; }
    network.fit({ animation: false });
    var s = network.getScale();
    if (!(s > 0)) { return; }
    var base = (D.options.nodes.font && D.options.nodes.font.size) || 12;
    var size = Math.max(base, Math.ceil(D.labelPx / s));
    var edgeSize = Math.max(9, Math.ceil(D.labelPx * 10 / 12 / s));
    network.setOptions({ nodes: { font: { size: size } }, edges: { font: { size: edgeSize } } });
    window.kgStatus.scale = s;
    window.kgStatus.labelSize = size;
  }
  function stabilised() {
    if (window.kgStatus.stabilized) { return; }
    network.setOptions({ physics: { enabled: false } });
    readableLabels();
    window.kgStatus.stabilized = true;
    window.kgStatus.stabilizeMs = performance.now() - t0;
    window.kgStatus.sinceNavigationMs = performance.now();
    document.body.classList.add("kg-stable");
  }
  network.once("afterDrawing", function () { window.kgStatus.drawnMs = performance.now() - t0; });
  /* Layout: vis-network runs physics in chunks of options.physics.stabilization.iterations
   * ticks without drawing; after each chunk we continue only while the layout has not
   * converged (physics.stabilized), fewer than D.layout.maxIterations ticks have run
   * and another chunk as long as the last one would end inside D.layout.budgetMs.
   * Then physics is switched off for good. */
  if (D.options.physics && D.options.physics.enabled !== false) {
    var chunk = D.options.physics.stabilization.iterations;
    var ticks = 0;
    var chunkStart = performance.now();
    network.on("stabilizationProgress", function (p) {
      if (progress) { progress.textContent = (ticks + p.iterations) + " steps"; }
    });
    network.on("stabilizationIterationsDone", function () {
      if (window.kgStatus.stabilized) { return; }
      var now = performance.now();
      var lastChunk = now - chunkStart;
      ticks += network.physics.stabilizationIterations || chunk;
      window.kgStatus.iterations = ticks;
      var converged = network.physics.stabilized === true;
      /* start another chunk only if it is expected to end inside the budget */
      if (!converged && ticks < D.layout.maxIterations && now + lastChunk - t0 < D.layout.budgetMs) {
        setTimeout(function () { chunkStart = performance.now(); network.stabilize(chunk); }, 0);
      } else {
        window.kgStatus.converged = converged;
        stabilised();
      }
    });
  } else {
    network.once("afterDrawing", stabilised);
  }

  function details(kind, id) {
    var map = kind === "node" ? D.nodeDetails : D.edgeDetails;
    return Object.prototype.hasOwnProperty.call(map, id) ? map[id] : "";
  }
  function showTip(kind, id, pos) {
    var markup = details(kind, id);
    if (!markup) { return; }
    tip.innerHTML = markup;  /* built and escaped by kg.viz.render */
    tip.hidden = false;
    var w = stage.clientWidth, h = stage.clientHeight;
    var x = pos.x + 14, y = pos.y + 14;
    if (x + tip.offsetWidth > w) { x = Math.max(0, pos.x - tip.offsetWidth - 14); }
    if (y + tip.offsetHeight > h) { y = Math.max(0, h - tip.offsetHeight - 4); }
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  function hideTip() { tip.hidden = true; }
  function pin(kind, id) {
    var markup = details(kind, id);
    if (markup) { panel.innerHTML = markup; panel.classList.remove("kg-muted"); }
  }

  network.on("hoverNode", function (p) { showTip("node", p.node, p.pointer.DOM); });
  network.on("blurNode", hideTip);
  network.on("hoverEdge", function (p) { showTip("edge", p.edge, p.pointer.DOM); });
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);

  function focusNode(id) {
    if (!window.nodes.get(id)) { return false; }
    var keep = {};
    keep[id] = true;
    network.getConnectedNodes(id).forEach(function (n) { keep[n] = true; });
    window.nodes.update(window.nodes.getIds().map(function (n) { return { id: n, hidden: !keep[n] }; }));
    network.selectNodes([id]);
    network.fit({ nodes: Object.keys(keep), animation: false });
    pin("node", id);
    resetBtn.hidden = false;
    focusInfo.textContent = "Neighbourhood of " + window.nodes.get(id).label + ": " + Object.keys(keep).length + " nodes";
    return true;
  }
  function showAll() {
    window.nodes.update(window.nodes.getIds().map(function (n) { return { id: n, hidden: false }; }));
    network.unselectAll();
    network.fit({ animation: false });
    resetBtn.hidden = true;
    focusInfo.textContent = "";
  }
  network.on("click", function (p) {
    hideTip();
    if (p.nodes.length) { focusNode(p.nodes[0]); }
    else if (p.edges.length) { pin("edge", p.edges[0]); }
  });
  resetBtn.addEventListener("click", showAll);
  /* links in the details panel (arXiv, documents) open in a new tab */
  panel.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("a") : null;
    if (a) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
  });

  var search = document.getElementById("kg-search");
  search.addEventListener("change", function () {
    var want = search.value.trim().toLowerCase();
    var opts = document.querySelectorAll("#kg-names option");
    for (var i = 0; i < opts.length; i++) {
      if (opts[i].value.toLowerCase() === want) { focusNode(opts[i].getAttribute("data-id")); return; }
    }
  });

  window.kgFocus = focusNode;
  window.kgShowAll = showAll;
  if (D.centre && window.nodes.get(D.centre)) {
    network.once("afterDrawing", function () { network.selectNodes([D.centre]); pin("node", D.centre); });
  }
})();
