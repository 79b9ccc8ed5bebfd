/* Shared progressive enhancement: focus the error summary of a form sent back with errors, so that
   screen readers announce it. Everything works without this script. */
(function () {
  "use strict";
  var summary = document.getElementById("erreurs");
  if (summary && document.activeElement === document.body) {
    summary.focus();
  }
})();
