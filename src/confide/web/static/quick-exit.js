// "Leave this site": go to a neutral page and take this page out of the tab's history, so the
// back button does not bring it back. Without this file the link still leaves.
(function () {
  "use strict";

  function leave(event) {
    var exit = document.querySelector("a.quick-exit");
    if (!exit) {
      return;
    }
    if (event) {
      event.preventDefault();
    }
    window.location.replace(exit.href);
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("a.quick-exit") : null;
    if (target) {
      leave(event);
    }
  });
})();
