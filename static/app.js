// Keyboard shortcuts and in-page card flips. Every page works without this file.
(function () {
  "use strict";

  function typing(target) {
    if (!target) return false;
    var tag = target.tagName;
    return tag === "SELECT" || tag === "TEXTAREA" || (tag === "INPUT" && target.type !== "radio" && target.type !== "checkbox");
  }

  // Flashcards: "Show answer" flips in place; the back gets focus so screen readers read it.
  function flip(card) {
    var back = card.querySelector(".back");
    var ratings = card.querySelector("[data-ratings]");
    var button = card.querySelector("[data-flip]");
    if (!back || !back.hidden) return false;
    back.hidden = false;
    if (ratings) ratings.hidden = false;
    if (button) button.parentNode.hidden = true;
    card.setAttribute("data-shown", "true");
    var good = card.querySelector('[data-rating="3"]') || card.querySelector("[data-next]");
    (good || back).focus();
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-flip]");
    if (!link) return;
    var card = link.closest("[data-review]");
    if (card && flip(card)) event.preventDefault();
  });

  // Enter in a matching question's select submits the question, as it does in a text box.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || !target || target.tagName !== "SELECT") return;
    var form = target.closest("form[data-question]");
    if (!form) return;
    event.preventDefault();
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var key = event.key;
    var card = document.querySelector("[data-review]");
    if (card) {
      var shown = card.getAttribute("data-shown") === "true";
      if (!shown && (key === " " || key === "Enter")) { flip(card); event.preventDefault(); return; }
      if (shown && /^[1-4]$/.test(key)) {
        var rate = card.querySelector('[data-rating="' + key + '"]');
        if (rate) { rate.click(); event.preventDefault(); return; }
      }
      if (key === "u" || key === "U") {
        var undo = document.querySelector("form[data-undo]");
        if (undo) { undo.submit(); event.preventDefault(); return; }
      }
    }
    var form = document.querySelector("form[data-question]");
    if (form && /^[1-9]$/.test(key)) {
      // A number chooses a radio option, or ticks and unticks a checkbox, as the hint says.
      var option = form.querySelector('input[type=radio][data-key="' + key + '"], input[type=checkbox][data-key="' + key + '"]');
      if (option) {
        option.checked = option.type === "radio" ? true : !option.checked;
        option.focus();
        event.preventDefault();
      }
      return;
    }
    var next = document.querySelector("[data-next]");
    if (next && (key === "n" || key === "N") && (!card || card.getAttribute("data-shown") === "true")) {
      next.click(); event.preventDefault();
    }
  });
})();
