// Small progressive enhancements; everything works without them but the replay animation.
(function () {
  "use strict";
  document.documentElement.classList.add("has-js");

  // Quick exit: leave at once, and keep this site out of the back button.
  function quickExit(event) {
    if (event) { event.preventDefault(); }
    window.location.replace("https://www.bbc.co.uk/weather");
  }
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < 800) { quickExit(); }
    lastEscape = now;
  });

  // Live timeline: poll the ledger's newest visible position; when it moves and the
  // page shows "now" (not a replayed week), fetch the timeline and chart again.
  var LIVE_POLL_MS = 3000;
  function followLive() {
    var target = document.getElementById("as-of");
    var replay = document.getElementById("replay");
    var status = document.getElementById("live-status");
    if (!target || !target.dataset.liveUrl || !replay) { return; }
    var known = Number(target.dataset.position || 0);
    var busy = false;
    setInterval(function () {
      if (busy || document.hidden || target.dataset.week) { return; }
      busy = true;
      fetch(target.dataset.liveUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) {
          if (data.position <= known) { return null; }
          known = data.position;
          return fetch(replay.dataset.url + window.location.search, { credentials: "same-origin" })
            .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
            .then(function (html) {
              if (target.dataset.week) { return; }
              target.innerHTML = html;
              if (status) { status.textContent = "Updated with something new."; }
            });
        })
        .catch(function () {})
        .then(function () { busy = false; });
    }, LIVE_POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var exit = document.getElementById("quick-exit");
    if (exit) { exit.addEventListener("click", quickExit); }

    followLive();
    var replay = document.getElementById("replay");
    if (!replay) { return; }
    var weeks = JSON.parse(replay.dataset.weeks || "[]");
    var slider = document.getElementById("week-slider");
    var select = document.getElementById("week");
    var play = document.getElementById("play");
    var target = document.getElementById("as-of");
    var output = document.getElementById("replay-date");
    var timer = null;
    var pending = null;

    function show(index) {
      var week = weeks[index];
      select.value = week;
      slider.value = String(index);
      output.textContent = "week " + week;
      var url = replay.dataset.url + "?week=" + encodeURIComponent(week);
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(url, { credentials: "same-origin", signal: pending.signal })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          target.innerHTML = html;
          if (index === weeks.length - 1) { delete target.dataset.week; } else { target.dataset.week = week; }
        })
        .catch(function () {});
    }
    slider.addEventListener("input", function () { show(Number(slider.value)); });
    select.addEventListener("change", function () { show(weeks.indexOf(select.value)); });
    play.addEventListener("click", function () {
      if (timer) { clearInterval(timer); timer = null; play.textContent = "Play"; return; }
      var index = Number(slider.value) >= weeks.length - 1 ? 0 : Number(slider.value);
      play.textContent = "Pause";
      timer = setInterval(function () {
        show(index);
        index += 1;
        if (index >= weeks.length) { clearInterval(timer); timer = null; play.textContent = "Play"; }
      }, 700);
    });
  });
})();
