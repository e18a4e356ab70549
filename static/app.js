// Keyboard shortcuts for quiz pages. Everything works without this file.
document.addEventListener("keydown", function (event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  var target = event.target;
  if (target && (target.tagName === "INPUT" && target.type !== "radio" || target.tagName === "SELECT" || target.tagName === "TEXTAREA")) return;
  var form = document.querySelector("form[data-question]");
  if (form && /^[1-9]$/.test(event.key)) {
    var option = form.querySelector('input[type=radio][data-key="' + event.key + '"]');
    if (option) { option.checked = true; option.focus(); event.preventDefault(); }
    return;
  }
  var next = document.querySelector("[data-next]");
  if (next && (event.key === "n" || event.key === "N")) { next.click(); event.preventDefault(); }
});
