/* Account pages: focus the error summary so that screen readers announce it, and let residents show the
   password they type. Progressive enhancement: everything works without this script. */
(function () {
  "use strict";
  var summary = document.getElementById("erreurs");
  if (summary) {
    summary.focus();
  }
  var inputs = document.querySelectorAll("input[data-password-toggle]");
  Array.prototype.forEach.call(inputs, function (input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary password-toggle";
    button.setAttribute("aria-controls", input.id);
    button.textContent = "Afficher le mot de passe";
    button.addEventListener("click", function () {
      var shown = input.type === "text";
      input.type = shown ? "password" : "text";
      button.textContent = shown ? "Afficher le mot de passe" : "Masquer le mot de passe";
    });
    button.style.marginTop = "0.5rem";
    input.insertAdjacentElement("afterend", button);
  });
  // Back to a hidden password before sending, so that browsers do not store it as plain text.
  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.querySelectorAll("input[data-password-toggle]"), function (input) {
        input.type = "password";
      });
    });
  });
})();
