/* Parvis form engine — conditions on the same page (progressive enhancement).
 *
 * Elements carrying data-fe-condition (a field's wrapper or a section's fieldset) are hidden while their
 * condition is false, and shown again as soon as it holds. Without JavaScript every field stays visible
 * with a hint saying when to fill it, and the server ignores answers of hidden fields. The conditions
 * follow the Python evaluation (parvis/formengine/conditions.py).
 */
(function () {
  "use strict";

  function isFilled(value) {
    if (value === null || value === undefined || value === "") { return false; }
    if (Array.isArray(value)) { return value.length > 0; }
    return true;
  }

  function same(answer, expected) {
    if (typeof answer === "boolean" || typeof expected === "boolean") { return answer === expected; }
    if (typeof answer === "string" && typeof expected === "string") { return answer === expected; }
    var a = Number(String(answer).replace(",", ".")), b = Number(String(expected).replace(",", "."));
    return isFinite(a) && isFinite(b) && a === b;
  }

  function matches(answer, expected) {
    if (Array.isArray(answer)) { return answer.some(function (item) { return same(item, expected); }); }
    return same(answer, expected);
  }

  function evaluate(condition, valueOf) {
    if (!condition) { return true; }
    if (condition.all) { return condition.all.every(function (c) { return evaluate(c, valueOf); }); }
    if (condition.any) { return condition.any.some(function (c) { return evaluate(c, valueOf); }); }
    var answer = valueOf(condition.field);
    if (condition.op === "filled") { return isFilled(answer); }
    if (!isFilled(answer)) { return condition.op === "not_equals"; }
    if (condition.op === "equals") { return matches(answer, condition.value); }
    if (condition.op === "not_equals") { return !matches(answer, condition.value); }
    if (condition.op === "one_of") {
      return condition.value.some(function (expected) { return matches(answer, expected); });
    }
    return false;
  }

  function setUp(form) {
    var blob = document.getElementById("fe-answers");
    var earlier = {};
    try { earlier = blob ? JSON.parse(blob.textContent) || {} : {}; } catch (e) { earlier = {}; }

    function valueOf(key) {
      var wrapper = form.querySelector('[data-fe-key="' + key + '"]');
      if (!wrapper) { return Object.prototype.hasOwnProperty.call(earlier, key) ? earlier[key] : null; }
      if (wrapper.closest("[hidden]")) { return null; }
      var type = wrapper.getAttribute("data-fe-type");
      var inputs = wrapper.querySelectorAll("input, select, textarea");
      var i;
      if (type === "yesno") {
        for (i = 0; i < inputs.length; i++) { if (inputs[i].checked) { return inputs[i].value === "true"; } }
        return null;
      }
      if (type === "choice") {
        for (i = 0; i < inputs.length; i++) {
          if (inputs[i].tagName === "SELECT") { return inputs[i].value || null; }
          if (inputs[i].checked) { return inputs[i].value; }
        }
        return null;
      }
      if (type === "multichoice") {
        var ticked = [];
        for (i = 0; i < inputs.length; i++) { if (inputs[i].checked) { ticked.push(inputs[i].value); } }
        return ticked;
      }
      if (type === "consent") { return inputs.length ? inputs[0].checked : null; }
      if (type === "address") {
        for (i = 0; i < inputs.length; i++) { if (inputs[i].value.trim()) { return { filled: true }; } }
        return null;
      }
      if (type === "file") {
        var files = [];
        for (i = 0; i < inputs.length; i++) {
          if (inputs[i].type === "file") { files = files.concat(Array.prototype.slice.call(inputs[i].files)); }
          if (inputs[i].type === "checkbox" && !inputs[i].checked) { files.push(inputs[i].value); }
        }
        return files;
      }
      var field = wrapper.querySelector("input, textarea, select");
      return field && field.value.trim() ? field.value.trim() : null;
    }

    function apply() {
      var items = form.querySelectorAll("[data-fe-condition]");
      for (var i = 0; i < items.length; i++) {
        var condition;
        try { condition = JSON.parse(items[i].getAttribute("data-fe-condition")); } catch (e) { continue; }
        items[i].hidden = !evaluate(condition, valueOf);
      }
    }

    form.classList.add("fe-js");
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    apply();
  }

  function init() {
    var forms = document.querySelectorAll("form[data-fe-form]");
    for (var i = 0; i < forms.length; i++) { setUp(forms[i]); }
    // After a refused page, move the focus to the error summary so that it is announced.
    var summary = document.querySelector("form[data-fe-form] .error-summary");
    if (summary) { summary.focus(); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
