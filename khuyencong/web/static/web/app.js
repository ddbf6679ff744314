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

// A file input's own button and its "no file chosen" are written in the browser's language, not the page's ("Choose
// File" on a Vietnamese page): they are covered by the page's words (base.html gives them), the input itself kept,
// focusable and labelled, for the keyboard, screen readers and the form.
function localiseFileInputs() {
  var choose = document.body.dataset.fileChoose;
  var none = document.body.dataset.fileNone;
  if (!choose) return;
  document.querySelectorAll('input[type="file"]').forEach(function (input) {
    if (input.closest(".file-picker")) return;
    var picker = document.createElement("span");
    picker.className = "file-picker";
    // The page's button is a label of the input, so that a click on it is the input's own click; inside a label
    // already (a click on which reaches the input), a plain box — a second click would open the chooser twice.
    var inLabel = input.closest("label");
    var button = document.createElement(inLabel || !input.id ? "span" : "label");
    if (!inLabel && input.id) button.htmlFor = input.id;
    button.className = "button file-button";
    button.textContent = choose;
    button.setAttribute("aria-hidden", "true");
    var name = document.createElement("span");
    name.className = "file-name";
    name.textContent = none;
    name.setAttribute("aria-hidden", "true");
    input.parentNode.insertBefore(picker, input);
    picker.appendChild(input);
    picker.appendChild(button);
    picker.appendChild(name);
    if (!inLabel && !input.id) button.addEventListener("click", function () { input.click(); });
    input.addEventListener("change", function () {
      var names = Array.prototype.map.call(input.files, function (file) { return file.name; });
      name.textContent = names.length ? names.join(", ") : none;
    });
  });
}

document.addEventListener("DOMContentLoaded", function () {
  localiseFileInputs();
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
