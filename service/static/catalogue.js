// The catalogue page: the "Copy" buttons of the Python and R snippets (the textareas work
// without them).
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function () {
      var area = document.getElementById(button.getAttribute("data-copy"));
      area.select();
      if (navigator.clipboard) { navigator.clipboard.writeText(area.value).catch(function () {}); }
      else { document.execCommand("copy"); }
      button.setAttribute("data-copied", "true");
    });
  });
})();
