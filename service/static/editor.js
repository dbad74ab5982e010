// YASGUI wired to this service's /sparql; the project's prefixes built in; no third-party lookups
// (the LOV class/property completers are off, prefixes come from our own list, not prefix.cc).
(function () {
  "use strict";
  var holder = document.getElementById("yasgui");
  var data = JSON.parse(document.getElementById("editor-data").textContent);
  if (!holder || typeof Yasgui === "undefined") return;
  var endpoint = new URL(data.endpoint, window.location.href).toString();
  var names = Object.keys(data.prefixes);
  Yasgui.Yasqe.forkAutocompleter("prefixes", {
    name: "kgPrefixes",
    get: function () {
      return Promise.resolve(names.map(function (p) { return p + ": <" + data.prefixes[p] + ">"; }).sort());
    }
  }, false);
  var yasgui = new Yasgui(holder, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: "kompetensgraf-editor",
    populateFromUrl: true,
    yasqe: { value: data.default_query, autocompleters: ["variables", "kgPrefixes"], prefixCcApi: null },
    yasr: { prefixes: data.prefixes }
  });
  // Declare the project's prefixes a query uses but does not declare, just before it is sent.
  function declareUsedPrefixes(yasqe) {
    var text = yasqe.getValue();
    var declared = yasqe.getPrefixesFromQuery();
    var missing = {};
    names.forEach(function (p) {
      if (!(p in declared) && new RegExp("(^|[\\s(,;/^|!])" + p + ":").test(text)) missing[p] = data.prefixes[p];
    });
    if (Object.keys(missing).length) yasqe.addPrefixes(missing);
  }
  yasgui.on("queryBefore", function (instance, tab) { declareUsedPrefixes(tab.getYasqe()); });
  var select = document.getElementById("example");
  if (select) {
    select.addEventListener("change", function () {
      var chosen = data.examples.filter(function (e) { return e.id === select.value; })[0];
      if (chosen) yasgui.getTab().getYasqe().setValue(chosen.query);
    });
  }
  // Accessibility repairs of YASGUI's markup: names for its unlabelled fields, and the "+" button
  // moved out of the tablist (a tablist may only hold tabs).
  var sv = document.documentElement.lang === "sv";
  var fieldNames = { "input.autocomplete": sv ? "SPARQL-ändpunkt" : "SPARQL endpoint",
                "textarea": sv ? "SPARQL-fråga" : "SPARQL query" };
  function repair() {
    Object.keys(fieldNames).forEach(function (selector) {
      holder.querySelectorAll(selector).forEach(function (el) {
        if (!el.getAttribute("aria-label") && !el.id) el.setAttribute("aria-label", fieldNames[selector]);
      });
    });
    holder.querySelectorAll(".tabsList").forEach(function (list) {
      var add = list.querySelector("button.addTab");
      if (add) list.parentNode.insertBefore(add, list.nextSibling);
    });
  }
  repair();
  new MutationObserver(repair).observe(holder, { childList: true, subtree: true });
  window.kgYasgui = yasgui;
})();
