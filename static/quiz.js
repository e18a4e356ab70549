// The quiz countdown. The server's deadline is the truth: the page carries it in UTC milliseconds with the
// server's clock at render time, so a wrong clock on the device does not move the limit. A polite live region
// warns once at one minute; at zero the answer on screen is sent if there is one, otherwise the quiz is
// submitted. Without this file the server still ends the attempt at its limit.
(function () {
  "use strict";
  var timer = document.querySelector("[data-deadline-ms]");
  if (!timer) return;
  var deadline = Number(timer.getAttribute("data-deadline-ms"));
  var skew = Number(timer.getAttribute("data-now-ms")) - Date.now();
  var shown = timer.querySelector("[data-timer]");
  var warning = timer.querySelector("[data-timer-warning]");
  var warned = false;
  var sent = false;

  function text(seconds) {
    var s = seconds % 60;
    return Math.floor(seconds / 60) + " min " + (s < 10 ? "0" : "") + s + " s";
  }

  function answered(form) {
    if (!form) return false;
    if (form.querySelector("input[type=radio]:checked, input[type=checkbox]:checked")) return true;
    var fields = form.querySelectorAll("input[type=text], input:not([type]), textarea, select");
    for (var i = 0; i < fields.length; i++) if (fields[i].value.trim() !== "") return true;
    return false;
  }

  function timeUp() {
    sent = true;
    var form = document.querySelector("form[data-question]");
    // A posted answer goes through the usual route; the next page (now at zero) submits the quiz.
    (answered(form) ? form : timer.querySelector("form[data-time-up-submit]")).submit();
  }

  function tick() {
    var left = Math.max(0, Math.ceil((deadline - (Date.now() + skew)) / 1000));
    shown.textContent = text(left);
    if (left <= 60 && !warned) {
      warned = true;
      timer.classList.add("warning");
      warning.textContent = left > 0
        ? "Less than a minute left. When the time is up, your answers are submitted automatically."
        : "Time is up: submitting your answers.";
    }
    if (left === 0) {
      if (!sent) timeUp();
      return;
    }
    window.setTimeout(tick, 250);
  }
  tick();
})();
