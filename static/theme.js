// The dark-mode toggle and the phone menu of the header. Pages work without this file: the theme then follows
// the system setting (or the "theme" cookie, which the server turns into <html data-theme>), and the menu shows
// every link. It is a file, not an inline script, because the Content-Security-Policy forbids inline scripts; it
// runs in <head>, undeferred, so that a phone never draws the menu open before it folds.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  var COOKIE = "theme";
  var YEAR = 365 * 24 * 3600;
  var system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function systemTheme() { return system && system.matches ? "dark" : "light"; }
  function currentTheme() { return root.getAttribute("data-theme") || systemTheme(); }

  // A choice that matches the system setting is no choice: forget it, so the page follows the system again.
  function choose(theme) {
    if (theme === systemTheme()) {
      document.cookie = COOKIE + "=; Path=/; Max-Age=0; SameSite=Lax";
      root.removeAttribute("data-theme");
    } else {
      document.cookie = COOKIE + "=" + theme + "; Path=/; Max-Age=" + YEAR + "; SameSite=Lax";
      root.setAttribute("data-theme", theme);
    }
  }

  function wireTheme(button) {
    function sync() { button.setAttribute("aria-pressed", currentTheme() === "dark" ? "true" : "false"); }
    sync();
    button.addEventListener("click", function () {
      choose(currentTheme() === "dark" ? "light" : "dark");
      sync();
    });
    if (system && system.addEventListener) system.addEventListener("change", sync);
  }

  function wireMenu(button) {
    var nav = button.closest("nav");
    if (!nav) return;
    function setOpen(open) {
      nav.classList.toggle("open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    button.addEventListener("click", function () { setOpen(!nav.classList.contains("open")); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("open")) { setOpen(false); button.focus(); }
    });
  }

  function wire() {
    var theme = document.querySelector("[data-theme-toggle]");
    if (theme) wireTheme(theme);
    var menu = document.querySelector("[data-menu-toggle]");
    if (menu) wireMenu(menu);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
})();
