// The hold's countdown: minutes and seconds on screen; for screen readers, a polite word each
// minute (and at 30 seconds), never every second. The page already says until when the time
// is held; this only counts down to it, by the server's count of seconds left, so a wrong
// clock on the device does not matter.
(function () {
  "use strict";
  var box = document.querySelector(".countdown[data-seconds]");
  if (!box) { return; }
  var left = parseInt(box.getAttribute("data-seconds"), 10);
  var deadline = Date.now() + left * 1000;
  var clock = box.querySelector(".countdown-clock");
  var shown = box.querySelector(".countdown-left");
  var status = box.querySelector(".countdown-status");
  var ended = box.querySelector(".countdown-ended");
  var lastSaid = null;
  var minutesSaid = Math.ceil(left / 60);  // the page already says this much
  var halfMinuteSaid = left <= 30;

  function say(text) {
    if (text !== lastSaid) { status.textContent = text; lastSaid = text; }
  }

  function tick() {
    var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var m = Math.floor(seconds / 60), s = seconds % 60;
    shown.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    if (seconds === 0) {
      clock.hidden = true;
      ended.hidden = false;
      say("");
      var confirm = document.querySelector("form.confirm button");
      if (confirm) { confirm.disabled = true; }
      return;
    }
    var minutes = Math.ceil(seconds / 60);
    if (seconds <= 30 && !halfMinuteSaid) {
      halfMinuteSaid = true;
      say("30 seconds left to book this time.");
    } else if (minutes < minutesSaid && seconds > 30) {
      say(minutes === 1 ? "1 minute left to book this time." : minutes + " minutes left to book this time.");
    }
    minutesSaid = Math.min(minutesSaid, minutes);
    window.setTimeout(tick, 1000 - ((deadline - Date.now()) % 1000 + 1000) % 1000 || 1000);
  }

  clock.hidden = false;
  tick();
})();
