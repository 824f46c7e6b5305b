// The intake pages work without this file; it only saves a page or a few clicks.
(function () {
  "use strict";

  // The browser's time zone, into the zone field (a hidden one on the first step, the
  // selector on the times step), unless the person has already chosen one.
  function detectZone() {
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (e) {
      return;
    }
    if (!zone) {
      return;
    }
    document.querySelectorAll("[data-detect-zone]").forEach(function (field) {
      if (field.tagName === "SELECT") {
        var known = Array.prototype.some.call(field.options, function (option) {
          return option.value === zone;
        });
        if (!known) {
          field.add(new Option(zone.replace(/_/g, " "), zone), 0);
        }
      }
      field.value = zone;
    });
  }

  // PHQ-9 and GAD-7 open in place when the two-question check is positive; without script
  // the server asks the rest on a page of its own.
  function expandChecks() {
    document.querySelectorAll("[data-expansion-of]").forEach(function (box) {
      var code = box.getAttribute("data-expansion-of");
      var at = parseInt(box.getAttribute("data-positive-at"), 10);
      var radios = document.querySelectorAll('input[type="radio"][data-instrument="' + code + '"]');
      function update() {
        var total = 0;
        radios.forEach(function (radio) {
          if (radio.checked) {
            total += parseInt(radio.value, 10);
          }
        });
        box.hidden = total < at;
      }
      radios.forEach(function (radio) {
        radio.addEventListener("change", update);
      });
      update();
    });
  }

  // The partner's state matters only for couples.
  function partnerState() {
    var box = document.querySelector('[data-shows-for="couples"]');
    var choices = document.querySelectorAll('input[name="format"]');
    if (!box || choices.length === 0) {
      return;
    }
    function update() {
      var chosen = document.querySelector('input[name="format"]:checked');
      box.hidden = !(chosen && chosen.value === "couples");
    }
    choices.forEach(function (choice) {
      choice.addEventListener("change", update);
    });
    update();
  }

  function focusProblems() {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  }

  detectZone();
  expandChecks();
  partnerState();
  focusProblems();
})();
