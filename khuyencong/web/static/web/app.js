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

// A list's filters fill a phone's whole first screen (eleven fields before the first đề án). There, a form marked
// data-fold shows its first field (the search box) and its button, the rest behind one toggle that says how many of
// them are in use; a form with an error stays unfolded, so that what is wrong is never hidden.
function foldFilters() {
  var more = document.body.dataset.filtersMore;
  if (!more) return;
  document.querySelectorAll("form.filters[data-fold]").forEach(function (form) {
    var first = form.firstElementChild;
    var rest = Array.prototype.filter.call(form.children, function (child) {
      return child !== first && !child.querySelector("button");
    });
    if (rest.length < 2 || form.querySelector(".field-error")) return;
    var used = rest.filter(inUse).length;
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "filters-toggle";
    toggle.textContent = used ? more + " (" + used + ")" : more;
    toggle.setAttribute("aria-expanded", "false");
    rest.forEach(function (child) { child.classList.add("foldable"); });
    form.classList.add("folded");
    first.insertAdjacentElement("afterend", toggle);
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      form.classList.toggle("folded", !open);
    });
  });
}

// Whether a filter narrows the list: a choice other than its first ("Tất cả", or the default order), a value typed,
// a box ticked.
function inUse(field) {
  return Array.prototype.some.call(field.querySelectorAll("select, input"), function (control) {
    if (control.tagName === "SELECT") return control.selectedIndex > 0;
    if (control.type === "checkbox" || control.type === "radio") return control.checked;
    return control.type !== "hidden" && control.value !== "";
  });
}

// The event form's amount and percent boxes follow the step chosen (projects/forms.py ActionSelect): shown only for a
// step that states one, the amount labelled by what it means, each marked when the step needs it. A hidden box is
// disabled, so that what it holds is not sent; one the server refused stays shown with its error. Without the
// script both boxes stay, and the server refuses what the step does not state.
function eventFields() {
  document.querySelectorAll("select[data-amount-field]").forEach(function (select) {
    var amount = document.getElementById(select.dataset.amountField);
    var percent = document.getElementById(select.dataset.percentField);
    if (!amount || !percent) return;
    var amountLabel = amount.closest(".field").querySelector("label");
    var percentLabel = percent.closest(".field").querySelector("label");
    var amountText = amountLabel.textContent.trim();
    var percentText = percentLabel.textContent.trim();
    function show(input, label, text, shown, required) {
      var box = input.closest(".field");
      var refused = box.querySelector(".field-error") !== null;
      box.hidden = !(shown || refused);
      input.disabled = box.hidden;
      label.textContent = text;
      if (required) {
        var star = document.createElement("span");
        star.setAttribute("aria-hidden", "true");
        star.textContent = " *";
        label.appendChild(star);
      }
    }
    function follow() {
      var option = select.options[select.selectedIndex];
      var data = option ? option.dataset : {};
      show(amount, amountLabel, data.amount || amountText, data.amount !== undefined,
           data.amountRequired !== undefined);
      show(percent, percentLabel, percentText, data.percent !== undefined, data.percent !== undefined);
    }
    select.addEventListener("change", follow);
    follow();
  });
}

// An error summary's link leads to its field with the field's label in view, and to the control the user can type in:
// a picker's search box when the field itself is hidden or stands below it (picker.js).
function errorLinks() {
  document.querySelectorAll(".error-box a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      var field = target.closest(".field") || target;
      var search = document.getElementById(target.id + "-search");
      var control = search || target;
      event.preventDefault();
      field.scrollIntoView({ block: "start" });
      control.focus({ preventScroll: true });
    });
  });
}

// A refused form comes back at the address it was sent to (…/act/): the page's own address is put back, so that
// reloading or sharing it opens the page rather than asking to send the form again.
function restoreAddress() {
  var meta = document.querySelector('meta[name="page-address"]');
  if (meta && meta.content && window.history.replaceState) {
    window.history.replaceState(null, "", meta.content + window.location.hash);
  }
}

// A form refused because another write held its records (conflict.html): the browser's own Back returns to the form
// with what was typed, which reopening its address would lose. Shown only where there is a page to go back to.
function backButtons() {
  document.querySelectorAll("[data-back]").forEach(function (button) {
    if (window.history.length < 2) return;
    button.hidden = false;
    button.addEventListener("click", function () { window.history.back(); });
  });
}

document.addEventListener("DOMContentLoaded", function () {
  restoreAddress();
  backButtons();
  errorLinks();
  localiseFileInputs();
  eventFields();
  foldFilters();
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
