// The upload form: once submitted, say that the file is being sent and checked (a bank of 50,000 questions takes
// a few seconds), with an indeterminate progress bar, and ignore a second click meanwhile. Without this file the
// form works the same, only without the message.
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload]");
  if (!form) return;
  var status = form.querySelector("[data-upload-status]");
  var sent = false;
  form.addEventListener("submit", function (event) {
    if (sent) { event.preventDefault(); return; }
    sent = true;
    if (!status) return;
    var bar = document.createElement("progress");
    bar.setAttribute("aria-label", "Checking the file");
    status.textContent = "Checking the file… A large bank takes a few seconds; the preview opens when it is done.";
    status.insertBefore(bar, status.firstChild);
  });
  // Back from the preview (the page restored from the cache): the form may be sent again.
  window.addEventListener("pageshow", function () {
    sent = false;
    if (status) status.textContent = "";
  });
})();
