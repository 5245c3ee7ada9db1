// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  document.documentElement.classList.add("has-js");

  // Quick exit: leave at once, and keep this site out of the back button; entries
  // written offline and not yet sent (offline.js) are dropped, as what is being typed is.
  function quickExit(event) {
    if (event) { event.preventDefault(); }
    try { window.localStorage.removeItem("ebbflow-queue"); } catch (e) {}  // written offline: not kept either
    window.location.replace("https://www.bbc.co.uk/weather");
  }
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < 800) { quickExit(); }
    lastEscape = now;
  });

  // What a page wants read first: a refused form's problems, or "Recorded".
  function focusFirst() {
    var target = document.querySelector("[data-focus-first]") || document.getElementById("recorded");
    if (target) { target.focus(); }
  }

  function copyButtons() {
    var status = document.getElementById("copy-status");
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-copy"));
        if (!source || !navigator.clipboard) { return; }
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          if (status) { status.textContent = "Copied."; }
        });
      });
    });
  }

  // The examples of a first need fill the need form and open it.
  function examples() {
    document.querySelectorAll("[data-example]").forEach(function (button) {
      button.addEventListener("click", function () {
        var card = document.getElementById("record-need");
        var field = document.getElementById("need-need");
        if (!card || !field) { return; }
        card.open = true;
        field.value = button.getAttribute("data-example");
        field.focus();
      });
    });
  }

  // The parts of the home that the live refresh and the replay replace.
  function parts() {
    var found = {};
    document.querySelectorAll("[data-live]").forEach(function (element) {
      found[element.getAttribute("data-live")] = element;
    });
    return found;
  }

  function replaceParts(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var targets = parts();
    holder.querySelectorAll("[data-part]").forEach(function (part) {
      var target = targets[part.getAttribute("data-part")];
      if (target) { target.innerHTML = part.innerHTML; }
    });
  }

  // Whether replacing the live parts now would lose something: an open response,
  // focus inside them, or words typed there.
  function busy() {
    var targets = parts();
    return Object.keys(targets).some(function (name) {
      var target = targets[name];
      if (target.querySelector("details[open]")) { return true; }
      if (target.contains(document.activeElement) && document.activeElement !== document.body) { return true; }
      return Array.prototype.some.call(target.querySelectorAll("textarea, input[type=text], input:not([type])"), function (field) {
        return field.value !== field.defaultValue;
      });
    });
  }

  // Live timeline: poll the newest position I may see; when it moves, show the new
  // entries at once, or, if I am in the middle of something, offer to.
  var LIVE_POLL_MS = 3000;
  function followLive() {
    var flow = document.getElementById("as-of");
    var replay = document.getElementById("replay");
    var status = document.getElementById("live-status");
    if (!flow || !flow.dataset.liveUrl) { return; }
    var atUrl = replay ? replay.dataset.url : flow.dataset.liveUrl.replace(/\/live$/, "/at");
    var known = Number(flow.dataset.position || 0);
    var waiting = false;
    var offer = document.createElement("p");
    offer.className = "live-offer";
    offer.hidden = true;
    var show = document.createElement("button");
    show.type = "button";
    show.className = "secondary";
    show.textContent = "New entries \u2014 show them";
    offer.appendChild(show);
    status.parentNode.insertBefore(offer, status.nextSibling);

    function refresh() {
      return fetch(atUrl + window.location.search, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          if (flow.dataset.week) { return; }
          replaceParts(html);
          waiting = false;
          offer.hidden = true;
          status.textContent = "Updated with something new.";
        });
    }
    show.addEventListener("click", function () {
      refresh().then(function () {
        var timeline = document.getElementById("timeline-title");
        if (timeline) { timeline.setAttribute("tabindex", "-1"); timeline.focus(); }
      });
    });

    var polling = false;
    setInterval(function () {
      if (polling || document.hidden || flow.dataset.week) { return; }
      polling = true;
      fetch(flow.dataset.liveUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) {
          if (data.position <= known) { return null; }
          known = data.position;
          if (busy()) {
            if (!waiting) { status.textContent = "There are new entries."; }
            waiting = true;
            offer.hidden = false;
            return null;
          }
          return refresh();
        })
        .catch(function () {})
        .then(function () { polling = false; });
    }, LIVE_POLL_MS);
  }

  // Replay: the slider speaks weeks, the chosen week is in the address (back,
  // bookmark and share work), the last week is today.
  function followReplay() {
    var replay = document.getElementById("replay");
    if (!replay) { return; }
    var weeks = JSON.parse(replay.dataset.weeks || "[]");
    var labels = JSON.parse(replay.dataset.labels || "[]");
    var slider = document.getElementById("week-slider");
    var select = document.getElementById("week");
    var play = document.getElementById("play");
    var flow = document.getElementById("as-of");
    var timer = null;
    var pending = null;

    function addressOf(index) {
      var last = index === weeks.length - 1;
      return replay.dataset.home + (last ? "" : "?week=" + encodeURIComponent(weeks[index]));
    }

    function show(index, how) {
      var week = weeks[index];
      var last = index === weeks.length - 1;
      select.value = week;
      slider.value = String(index);
      slider.setAttribute("aria-valuetext", labels[index] || week);
      if (how === "push") { history.pushState({ index: index }, "", addressOf(index)); }
      if (how === "replace") { history.replaceState({ index: index }, "", addressOf(index)); }
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(replay.dataset.url + (last ? "" : "?week=" + encodeURIComponent(week)),
            { credentials: "same-origin", signal: pending.signal })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          if (last) { delete flow.dataset.week; } else { flow.dataset.week = week; }
          replaceParts(html);
        })
        .catch(function () {});
    }
    slider.addEventListener("input", function () { show(Number(slider.value), "replace"); });
    slider.addEventListener("change", function () { show(Number(slider.value), "push"); });
    select.addEventListener("change", function () { show(weeks.indexOf(select.value), "push"); });
    window.addEventListener("popstate", function () {
      var week = new URLSearchParams(window.location.search).get("week");
      var index = week ? weeks.indexOf(week) : weeks.length - 1;
      show(index < 0 ? weeks.length - 1 : index, null);
    });
    play.addEventListener("click", function () {
      if (timer) { clearInterval(timer); timer = null; play.textContent = "Play"; return; }
      var index = Number(slider.value) >= weeks.length - 1 ? 0 : Number(slider.value);
      play.textContent = "Pause";
      timer = setInterval(function () {
        show(index, "replace");
        index += 1;
        if (index >= weeks.length) { clearInterval(timer); timer = null; play.textContent = "Play"; }
      }, 700);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var exit = document.getElementById("quick-exit");
    if (exit) { exit.addEventListener("click", quickExit); }
    focusFirst();
    copyButtons();
    examples();
    followLive();
    followReplay();
  });
})();
