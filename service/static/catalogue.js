// The catalogue page: the "Copy" button of the Python snippet (the textarea works without it).
(function () {
  "use strict";
  var button = document.getElementById("copy-snippet");
  if (!button) return;
  button.addEventListener("click", function () {
    var area = document.getElementById(button.getAttribute("data-copy"));
    area.select();
    if (navigator.clipboard) { navigator.clipboard.writeText(area.value).catch(function () {}); }
    else { document.execCommand("copy"); }
    button.setAttribute("data-copied", "true");
  });
})();
