// Pickers for forms (progressive enhancement: without this script the fields stay a plain list and a plain box of
// codes, and the form works the same). Each field marked data-picker gets a search box that asks the server, whose
// search ignores diacritics and offers only what the user may choose:
//   data-picker="select": the search narrows the list's options to the matches;
//   data-picker="codes":  the search lists matching records; choosing one adds its code to the box, separated by "; ";
//   data-picker="one":    the search lists matching records; choosing one puts its code in the box (then hidden) and
//                         says what was chosen (data-picker-chosen: what the page chose already).
(function () {
  "use strict";
  var SEPARATOR = "; ";
  // The words of the page's language, given by the page (web/_picker.html, from the translation catalogues); the
  // Vietnamese here only if a page loads the script without them.
  var WORDS = {
    notFound: "Không tìm được.", inList: "Tìm trong danh sách (gõ không dấu cũng được)",
    listCount: "%(count)s kết quả.", noResult: "Không có kết quả.",
    facilitySearch: "Tìm cơ sở theo tên, mã, mã số thuế, địa danh", added: "Đã thêm %(code)s.",
    facilitiesFound: "%(count)s cơ sở; chọn để thêm.", noFacility: "Không có cơ sở nào khớp.",
    onePrompt: "Tìm theo tên, mã (gõ không dấu cũng được)", chosen: "Đã chọn: %(text)s",
    resultsOne: "%(count)s kết quả; chọn một."
  };
  var given = document.getElementById("picker-words");
  if (given) {
    var read = JSON.parse(given.textContent);
    Object.keys(read).forEach(function (key) { WORDS[key] = read[key]; });
  }
  function say(key, values) {
    return WORDS[key].replace(/%\((\w+)\)s/g, function (_all, name) { return String(values[name]); });
  }
  function counted(n, more) { return n + (more ? "+" : ""); }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function ask(url, query) {
    var address = url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query);
    return fetch(address, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) { throw new Error(body.message || WORDS.notFound); }
        return body;
      });
    });
  }

  function searchBox(field, text) {
    var wrap = document.createElement("div");
    wrap.className = "picker";
    var id = field.id + "-search";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = text;
    label.className = "picker-label";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    // A refused field's search box is the control the user sees: it is marked, and reads the refusal, as the field.
    var refusal = field.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (refusal ? refusal + " " : "") + id + "-status");
    if (field.getAttribute("aria-invalid") === "true") { input.setAttribute("aria-invalid", "true"); }
    var status = document.createElement("p");
    status.id = id + "-status";
    status.className = "hint";
    status.setAttribute("aria-live", "polite");
    wrap.appendChild(label);
    wrap.appendChild(input);
    wrap.appendChild(status);
    field.parentNode.insertBefore(wrap, field);
    return { wrap: wrap, input: input, status: status };
  }

  function selectPicker(select) {
    var box = searchBox(select, WORDS.inList);
    var run = debounce(function () {
      var query = box.input.value.trim();
      if (!query) {
        Array.prototype.forEach.call(select.options, function (o) { o.hidden = false; });
        box.status.textContent = "";
        return;
      }
      ask(select.dataset.pickerUrl, query).then(function (body) {
        var wanted = {};
        body.results.forEach(function (r) { wanted[r.value] = true; });
        var first = null;
        Array.prototype.forEach.call(select.options, function (o) {
          // In a list of several choices, what is chosen stays in sight.
          o.hidden = o.value !== "" && !wanted[o.value] && !(select.multiple && o.selected);
          if (!o.hidden && o.value !== "" && first === null) { first = o; }
        });
        if (!select.multiple && first && (!select.value || select.selectedOptions[0].hidden)) { select.value = first.value; }
        box.status.textContent = body.results.length ? say("listCount", { count: counted(body.results.length, body.more) }) : WORDS.noResult;
      }).catch(function (e) { box.status.textContent = e.message; });
    }, 250);
    box.input.addEventListener("input", run);
  }

  // The search of the two list pickers: each result a button, `choose` called with the row chosen, `said` the status.
  function searchAs(field, box, list, choose, said) {
    var run = debounce(function () {
      var query = box.input.value.trim();
      list.innerHTML = "";
      if (!query) { box.status.textContent = ""; return; }
      ask(field.dataset.pickerUrl, query).then(function (body) {
        body.results.forEach(function (r) {
          var item = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          button.className = "link";
          button.textContent = r.label + " (" + r.code + ")" + (r.detail ? " · " + r.detail : "");
          button.addEventListener("click", function () { choose(r); });
          item.appendChild(button);
          list.appendChild(item);
        });
        box.status.textContent = said(body.results.length, body.more);
      }).catch(function (e) { box.status.textContent = e.message; });
    }, 250);
    box.input.addEventListener("input", run);
  }

  function codesPicker(field) {
    var box = searchBox(field, WORDS.facilitySearch);
    var list = document.createElement("ul");
    list.className = "picker-results";
    box.wrap.appendChild(list);
    function codes() {
      return field.value.split(/[;,]/).map(function (c) { return c.trim(); }).filter(Boolean);
    }
    function add(code) {
      var current = codes();
      if (current.indexOf(code) < 0) { current.push(code); }
      field.value = current.join(SEPARATOR);
      box.status.textContent = say("added", { code: code });
    }
    searchAs(field, box, list, function (r) { add(r.code); }, function (n, more) {
      return n ? say("facilitiesFound", { count: counted(n, more) }) : WORDS.noFacility;
    });
  }

  function onePicker(field) {
    var box = searchBox(field, field.dataset.pickerPrompt || WORDS.onePrompt);
    var chosen = document.createElement("p");
    chosen.className = "picker-chosen";
    chosen.id = field.id + "-chosen";
    chosen.setAttribute("aria-live", "polite");
    var list = document.createElement("ul");
    list.className = "picker-results";
    box.wrap.appendChild(chosen);
    box.wrap.appendChild(list);
    function show(text) { chosen.textContent = text ? say("chosen", { text: text }) : ""; }
    if (field.value) { show(field.dataset.pickerChosen || field.value); }
    field.hidden = true;
    searchAs(field, box, list, function (r) {
      field.value = r.code;
      show(r.label + " (" + r.code + ")");
      list.innerHTML = "";
      box.status.textContent = "";
    }, function (n, more) {
      return n ? say("resultsOne", { count: counted(n, more) }) : WORDS.noResult;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-picker='select']").forEach(selectPicker);
    document.querySelectorAll("input[data-picker='codes']").forEach(codesPicker);
    document.querySelectorAll("input[data-picker='one']").forEach(onePicker);
  });
})();
