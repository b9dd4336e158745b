// pufa page behaviour: no inline scripts anywhere, so the content security policy holds.
(function () {
  "use strict";
  // HTMX requests carry the CSRF token from the <meta> tag.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
  });
  // <form data-confirm="…"> asks before submitting (deletions, workflow steps).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);
  // <select data-autosubmit> submits its form on change (filters that work without HTMX too).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.dataset && el.dataset.autosubmit !== undefined && el.form && !el.form.hasAttribute("hx-get")) {
      el.form.submit();
    }
  });
  // <select multiple data-chips> becomes chips with a search box, for phones: the chosen options show as
  // chips (tap to remove) and typing lists the matching options (tap to add). The select stays in the form
  // and carries the value, so the page works the same without JavaScript.
  function chipPicker(select) {
    if (select.dataset.chipsReady) { return; }
    select.dataset.chipsReady = "1";
    var box = document.createElement("div");
    var chips = document.createElement("div");
    var input = document.createElement("input");
    var list = document.createElement("div");
    box.className = "pufa-picker";
    chips.className = "pufa-chips";
    input.type = "search";
    input.className = "form-control form-control-sm mt-1";
    input.placeholder = "输入名称搜索并添加";
    input.autocomplete = "off";
    input.id = select.id ? select.id + "-search" : "";
    list.className = "pufa-picker-list";
    list.hidden = true;
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label && input.id) { label.htmlFor = input.id; }
    function groupOf(option) {
      return option.parentNode && option.parentNode.tagName === "OPTGROUP" ? option.parentNode.label : "";
    }
    function render() {
      chips.textContent = "";
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.selected) { return; }
        var chip = document.createElement("button");
        chip.type = "button";
        chip.className = "pufa-chip pufa-chip-on";
        chip.dataset.value = option.value;
        chip.title = "点击移除";
        chip.textContent = option.text + " ×";
        chip.addEventListener("click", function () { option.selected = false; render(); search(); });
        chips.appendChild(chip);
      });
      if (!chips.children.length) {
        var none = document.createElement("span");
        none.className = "pufa-muted small";
        none.textContent = "未选择";
        chips.appendChild(none);
      }
    }
    function search() {
      var query = input.value.trim().toLowerCase();
      list.textContent = "";
      if (!query) { list.hidden = true; return; }
      var shown = 0;
      Array.prototype.forEach.call(select.options, function (option) {
        var group = groupOf(option);
        if (shown >= 20 || option.selected || (option.text + " " + group).toLowerCase().indexOf(query) < 0) { return; }
        var item = document.createElement("button");
        item.type = "button";
        item.className = "pufa-picker-item";
        item.textContent = group ? option.text + "（" + group + "）" : option.text;
        item.addEventListener("click", function () {
          option.selected = true; input.value = ""; render(); search(); input.focus();
        });
        list.appendChild(item);
        shown += 1;
      });
      if (!shown) {
        var empty = document.createElement("div");
        empty.className = "pufa-muted small px-2 py-1";
        empty.textContent = "没有匹配的选项";
        list.appendChild(empty);
      }
      list.hidden = false;
    }
    input.addEventListener("input", search);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // add the first match instead of submitting the form
        event.preventDefault();
        var first = list.querySelector(".pufa-picker-item");
        if (first) { first.click(); }
      }
    });
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    box.appendChild(chips);
    box.appendChild(input);
    box.appendChild(list);
    select.parentNode.insertBefore(box, select.nextSibling);
    render();
  }
  function startPickers() {
    Array.prototype.forEach.call(document.querySelectorAll("select[multiple][data-chips]"), chipPicker);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startPickers);
  } else {
    startPickers();
  }
})();
