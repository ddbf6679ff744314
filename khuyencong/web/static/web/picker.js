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
        if (!r.ok) { throw new Error(body.message || "Không tìm được."); }
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
    input.setAttribute("aria-describedby", id + "-status");
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
    var box = searchBox(select, "Tìm trong danh sách (gõ không dấu cũng được)");
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
        box.status.textContent = body.results.length ? body.results.length + (body.more ? "+" : "") + " kết quả." : "Không có kết quả.";
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
    var box = searchBox(field, "Tìm cơ sở theo tên, mã, mã số thuế, địa danh");
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
      box.status.textContent = "Đã thêm " + code + ".";
    }
    searchAs(field, box, list, function (r) { add(r.code); }, function (n, more) {
      return n ? n + (more ? "+" : "") + " cơ sở; chọn để thêm." : "Không có cơ sở nào khớp.";
    });
  }

  function onePicker(field) {
    var box = searchBox(field, field.dataset.pickerPrompt || "Tìm theo tên, mã (gõ không dấu cũng được)");
    var chosen = document.createElement("p");
    chosen.className = "picker-chosen";
    chosen.id = field.id + "-chosen";
    chosen.setAttribute("aria-live", "polite");
    var list = document.createElement("ul");
    list.className = "picker-results";
    box.wrap.appendChild(chosen);
    box.wrap.appendChild(list);
    function show(text) { chosen.textContent = text ? "Đã chọn: " + text : ""; }
    if (field.value) { show(field.dataset.pickerChosen || field.value); }
    field.hidden = true;
    searchAs(field, box, list, function (r) {
      field.value = r.code;
      show(r.label + " (" + r.code + ")");
      list.innerHTML = "";
      box.status.textContent = "";
    }, function (n, more) {
      return n ? n + (more ? "+" : "") + " kết quả; chọn một." : "Không có kết quả.";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-picker='select']").forEach(selectPicker);
    document.querySelectorAll("input[data-picker='codes']").forEach(codesPicker);
    document.querySelectorAll("input[data-picker='one']").forEach(onePicker);
  });
})();
