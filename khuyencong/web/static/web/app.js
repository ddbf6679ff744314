// The little the pages need from a script; each page works without it.
//
// The menu folds away on a phone behind one button. Without this script the menu simply stays open: the "js" class
// below is what lets the stylesheet fold it.
document.documentElement.classList.add("js");

// A table wider than its box scrolls inside it (app.css); it must then take the keyboard's focus too, or a keyboard
// user could never scroll it (WCAG 2.1.1; axe-core's scrollable-region-focusable).
function focusScrollables() {
  document.querySelectorAll("table, .table-scroll, .document-preview").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0");
    } else if (box.getAttribute("tabindex") === "0") {
      box.removeAttribute("tabindex");
    }
  });
}

document.addEventListener("DOMContentLoaded", function () {
  focusScrollables();
  window.addEventListener("resize", focusScrollables);
  var button = document.querySelector(".menu-toggle");
  if (!button) return;
  var bar = button.closest(".topbar");
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    bar.classList.toggle("open", open);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && bar.classList.contains("open")) {
      bar.classList.remove("open");
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
  });
});
