/* Live preview of a field being edited in the builder: after a short pause in typing, the form is posted to
   the preview address (data-bld-preview) and the field, as residents will see it, replaces the preview.
   Progressive enhancement: without JavaScript the preview shows the field as last saved. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-bld-preview]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var target = document.getElementById(form.getAttribute("data-bld-preview-target"));
  var timer = null;
  var sequence = 0;

  function refresh() {
    var mine = ++sequence;
    fetch(form.getAttribute("data-bld-preview"), {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"X-Requested-With": "fetch"}
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html !== null && mine === sequence) {
        target.innerHTML = html;
      }
    }).catch(function () { /* the saved preview stays */ });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 400);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
