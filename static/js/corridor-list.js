/* /corridors: the year slider shows its value while moving and applies the year when let go. */
(function () {
  "use strict";
  var range = document.getElementById("qj-list-year");
  if (!range) return;
  var out = document.getElementById("qj-list-year-out");
  range.addEventListener("input", function () { out.textContent = range.value; });
  range.addEventListener("change", function () { document.getElementById("qj-year-form").submit(); });
})();
