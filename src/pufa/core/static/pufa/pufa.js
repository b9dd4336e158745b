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
})();
