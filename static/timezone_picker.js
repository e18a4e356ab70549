// Time-zone pickers (select[data-zone-picker]): a filter box above the list, and the browser's own zone chosen
// when the page offers the default (UTC). Without this file the list is a plain select, UTC by default.
(function () {
  "use strict";
  document.querySelectorAll("select[data-zone-picker]").forEach(function (select) {
    var browserZone = "";
    try { browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { browserZone = ""; }
    if (select.hasAttribute("data-guess") && browserZone) {
      var match = select.querySelector('option[value="' + browserZone.replace(/"/g, "") + '"]');
      if (match) select.value = browserZone;
    }
    var filter = document.getElementById(select.getAttribute("data-zone-picker"));
    if (!filter) return;
    filter.closest("[hidden]") && (filter.closest("[hidden]").hidden = false);
    filter.addEventListener("input", function () {
      var words = filter.value.trim().toLowerCase().replace(/ /g, "_");
      var first = null;
      select.querySelectorAll("option").forEach(function (option) {
        var shown = !words || option.value.toLowerCase().indexOf(words) !== -1;
        option.hidden = !shown;
        if (shown && !first) first = option;
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      if (first && select.selectedOptions[0] && select.selectedOptions[0].hidden) select.value = first.value;
    });
  });
})();
