// Draws the ego network with Cytoscape.js (served locally); the table and form work without it.
(function () {
  "use strict";
  var holder = document.getElementById("cy");
  var source = document.getElementById("network-data");
  if (!holder || !source || typeof cytoscape === "undefined") return;
  var data = JSON.parse(source.textContent);
  var colours = ["#0b3d5c", "#0b5d3b", "#8a3b00", "#5b2a86", "#7a0a2a", "#2f4f4f", "#6b5300"];
  var types = {};
  var elements = [];
  data.nodes.forEach(function (n) {
    if (!(n.type in types)) types[n.type] = colours[Object.keys(types).length % colours.length];
    elements.push({ data: { id: n.id, label: n.label, network: n.network, colour: types[n.type],
                            ego: n.distance === 0 ? 1 : 0, distance: n.distance } });
  });
  data.edges.forEach(function (e) {
    elements.push({ data: { id: e.id, source: e.source, target: e.target,
                            label: e.relation_label + (e.role_label ? " (" + e.role_label + ")" : "") } });
  });
  var cy = cytoscape({
    container: holder,
    elements: elements,
    style: [
      { selector: "node", style: { "background-color": "data(colour)", "label": "data(label)",
        "font-size": 9, "text-wrap": "ellipsis", "text-max-width": 140, "width": 16, "height": 16,
        "text-valign": "bottom", "text-margin-y": 3 } },
      { selector: "node[ego = 1]", style: { "width": 30, "height": 30, "border-width": 3, "border-color": "#d4351c" } },
      { selector: "edge", style: { "width": 1.5, "line-color": "#8795a1", "target-arrow-color": "#8795a1",
        "target-arrow-shape": "triangle", "curve-style": "bezier", "font-size": 8,
        "color": "#333", "text-rotation": "autorotate" } },
      { selector: "edge:selected, edge.hover", style: { "label": "data(label)", "line-color": "#d4351c", "width": 3 } },
      { selector: "node.hover", style: { "text-max-width": 400, "font-size": 11, "z-index": 10 } }
    ],
    // Ego network in rings: the actor in the middle, each further step one ring out.
    layout: { name: "concentric", animate: false, minNodeSpacing: 36, startAngle: 3 / 2 * Math.PI,
              concentric: function (node) { return 3 - node.data("distance"); },
              levelWidth: function () { return 1; } }
  });
  cy.on("mouseover", "node, edge", function (ev) { ev.target.addClass("hover"); ev.target.connectedEdges && ev.target.connectedEdges().addClass("hover"); });
  cy.on("mouseout", "node, edge", function (ev) { ev.target.removeClass("hover"); ev.target.connectedEdges && ev.target.connectedEdges().removeClass("hover"); });
  cy.on("tap", "node", function (ev) {
    var target = window.kgSafeUrl ? window.kgSafeUrl(ev.target.data("network")) : null;
    if (target) window.location.assign(target + window.location.search);
  });
  // A legend of the node colours (the types), as text next to the drawing.
  var legend = document.createElement("ul");
  legend.className = "facets network-legend";
  legend.setAttribute("aria-label", document.documentElement.lang === "sv" ? "Teckenförklaring" : "Legend");
  var labels = {};
  data.nodes.forEach(function (n) { labels[n.type] = n.type_label || n.type || "–"; });
  Object.keys(types).forEach(function (t) {
    var li = document.createElement("li");
    var dot = document.createElement("span");
    dot.className = "dot"; dot.style.background = types[t]; dot.setAttribute("aria-hidden", "true");
    li.appendChild(dot); li.appendChild(document.createTextNode(" " + labels[t]));
    legend.appendChild(li);
  });
  holder.parentNode.insertBefore(legend, holder.nextSibling);
  window.kgNetwork = cy;
})();
