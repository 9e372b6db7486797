// Ego graph of the entity page, drawn with vis-network (served by this server).
// Data come from the JSON block #kg-ego-data; labels are drawn on the canvas,
// no HTML tooltip is used.  Clicking a neighbour opens its page.
(function () {
  "use strict";
  var box = document.getElementById("kg-ego");
  var src = document.getElementById("kg-ego-data");
  if (!box || !src || !window.vis) { return; }
  var data = JSON.parse(src.textContent);
  var nodes = data.nodes.map(function (n) {
    return {
      id: n.id, label: n.label.length > 40 ? n.label.slice(0, 39) + "…" : n.label,
      color: n.colour || "#bbbbbb", shape: "dot", size: n.centre ? 18 : 10,
      font: { size: n.centre ? 16 : 13, bold: n.centre }
    };
  });
  var edges = data.edges.map(function (e, i) {
    return { id: "e" + i, from: e.from, to: e.to, label: e.label, value: e.value, arrows: "to" };
  });
  var net = new vis.Network(box, { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) }, {
    physics: { stabilization: { iterations: 300 }, barnesHut: { springLength: 140 } },
    edges: { font: { size: 10, color: "#555" }, color: { color: "#9aa3ad" }, scaling: { min: 1, max: 5 } },
    interaction: { hover: true }
  });
  window.kgEgo = { ready: false, nodes: nodes.length };
  net.once("stabilizationIterationsDone", function () {
    net.setOptions({ physics: false });
    window.kgEgo.ready = true;
  });
  net.on("click", function (p) {
    if (p.nodes.length === 1 && p.nodes[0] !== data.nodes[0].id) {
      window.location.href = "/entity/" + encodeURIComponent(p.nodes[0]);
    }
  });
})();
