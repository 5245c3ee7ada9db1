// Offline: the service worker (the shell and an offline page, nothing private), and the
// queue of entries written while offline. A record form (data-queue) submitted offline
// is kept on this device with its idempotency key (its submission id) and sent when the
// browser is back online. The server records a submission id once, so a retry after a
// lost answer, a reload or two tabs sending at once can never record it twice; an entry
// leaves the queue only once the server has answered 2xx or 3xx (or refused it).
// Not covered: when the browser believes it is online but the site cannot be reached, the
// form is sent as usual and the browser shows its own error (Back keeps the words typed).
(function () {
  "use strict";
  var KEY = "ebbflow-queue";
  var NAMES = { need: "Your need", care: "Your care", check_in: "Your check-in", moment: "Your moment" };
  var sending = false;
  var RETRY_SOON_MS = 1000;  // the network may come back a moment after the browser says so
  var RETRY_MS = 15000;
  var SW_AFTER_LOAD_MS = 2000;

  if ("serviceWorker" in navigator) {  // once the page has settled: it is not urgent
    window.addEventListener("load", function () {
      setTimeout(function () {
        navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
      }, SW_AFTER_LOAD_MS);
    });
  }

  function owner() { return document.body.getAttribute("data-account"); }
  function read() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function write(items) { window.localStorage.setItem(KEY, JSON.stringify(items)); }
  function update(key, change) {  // read again first: another tab may have changed it
    write(read().map(function (item) { return item.key === key ? change(item) : item; })
      .filter(Boolean));
  }
  function say(words) {
    var status = document.getElementById("queue-status");
    if (status) { status.textContent = words; }
  }
  function freshKey(kind) {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); })
      .join("") + "-" + kind;
  }

  // What this page shows of the queue: on my own pages my entries with their words; on
  // the offline page (no one signed in) only what kind of entry waits; someone else
  // signed in on this device sees nothing of mine.
  function show() {
    var list = document.getElementById("queue");
    if (!list) { return; }
    var items = read().filter(function (item) { return !owner() || item.owner === owner(); });
    if (!items.length && list.hidden && !list.firstChild) { return; }  // no needless restyle
    list.textContent = "";
    items.forEach(function (item) {
      var mine = item.owner === owner();
      var line = document.createElement("li");
      line.setAttribute("data-key", item.key);
      var words = (mine && item.words) ? " “" + item.words + "”" : "";
      var state = item.state === "refused" ? " — not sent: something in it needs a change."
        : " — waiting to send. It will be sent when you're back online.";
      line.textContent = (NAMES[item.kind] || "Your entry") + words + state;
      if (mine && item.state === "refused") { line.appendChild(refusedActions(item)); }
      list.appendChild(line);
    });
    list.hidden = items.length === 0;
  }

  // A refused entry goes back into its form (if it is on this page), or is let go.
  function refusedActions(item) {
    var box = document.createElement("span");
    var form = document.querySelector("form[data-queue][action='" + item.path + "']");
    if (form) {
      var back = document.createElement("button");
      back.type = "button";
      back.className = "small secondary";
      back.textContent = "Put it back in the form";
      back.addEventListener("click", function () {
        item.body.forEach(function (pair) {
          if (pair[0] === "csrf_token" || pair[0] === "submission_id") { return; }
          var field = form.elements.namedItem(pair[0]);
          if (!field) { return; }
          if (field.type === "checkbox") { field.checked = true; } else { field.value = pair[1]; }
        });
        update(item.key, function () { return null; });
        show();
        var card = form.closest("details");
        if (card) { card.open = true; }
        var first = form.querySelector("textarea, input:not([type=hidden])");
        if (first) { first.focus(); }
      });
      box.appendChild(document.createTextNode(" "));
      box.appendChild(back);
    }
    var drop = document.createElement("button");
    drop.type = "button";
    drop.className = "small secondary";
    drop.textContent = "Let it go";
    drop.addEventListener("click", function () {
      update(item.key, function () { return null; });
      show();
      say("Let go.");
    });
    box.appendChild(document.createTextNode(" "));
    box.appendChild(drop);
    return box;
  }

  function keep(form, event) {
    if (navigator.onLine) { return; }  // online: the form is sent as it always is
    event.preventDefault();
    if (!form.checkValidity()) { form.reportValidity(); return; }
    var kind = form.getAttribute("data-queue");
    var body = [];
    new FormData(form).forEach(function (value, name) { body.push([name, String(value)]); });
    var text = form.querySelector("textarea");
    var items = read();
    items.push({ key: form.elements.namedItem("submission_id").value, kind: kind,
                 path: form.getAttribute("action"), body: body, owner: owner(),
                 words: text ? text.value.slice(0, 60) : "", state: "waiting" });
    try { write(items); } catch (e) {  // storage full or refused: the words stay in the form
      say("This device could not keep it. Please send it again once you're back online.");
      return;
    }
    form.reset();
    form.elements.namedItem("submission_id").value = freshKey(kind);  // the next one is new
    var card = form.closest("details");
    if (card) { card.open = false; }
    show();
    say((NAMES[kind] || "Your entry") + " is kept on this device. It will be sent when you're back online.");
  }

  function sendOne(item) {
    var token = document.querySelector("input[name=csrf_token]");  // this session's
    var body = new URLSearchParams();
    item.body.forEach(function (pair) {
      body.append(pair[0], pair[0] === "csrf_token" && token ? token.value : pair[1]);
    });
    return fetch(item.path, { method: "POST", body: body, credentials: "same-origin",
                              cache: "no-store", redirect: "follow" })
      .then(function (response) {
        if (response.ok && /[?&]done=/.test(response.url)) { return "sent"; }  // after its 303
        if (response.status === 422) { return "refused"; }
        return "later";  // signed out, a server problem: kept, tried again later
      }, function () { return "later"; });
  }

  function sendAll() {
    if (sending || !navigator.onLine || !owner()) { return Promise.resolve(); }
    var mine = read().filter(function (item) { return item.owner === owner() && item.state === "waiting"; });
    if (!mine.length) { return Promise.resolve(); }
    sending = true;
    say("Sending what you wrote offline…");
    var sent = 0;
    var chain = mine.reduce(function (previous, item) {
      return previous.then(function () {
        return sendOne(item).then(function (outcome) {
          if (outcome === "sent") { sent += 1; update(item.key, function () { return null; }); }
          if (outcome === "refused") {
            update(item.key, function (kept) { kept.state = "refused"; return kept; });
          }
        });
      });
    }, Promise.resolve());
    return chain.then(function () {
      sending = false;
      show();
      var left = read().filter(function (item) { return item.owner === owner(); });
      var refused = left.filter(function (item) { return item.state === "refused"; }).length;
      var words = sent ? "Recorded what you wrote offline." : "";
      if (refused) { words += " Something you wrote needs a change before it can be recorded."; }
      else if (left.length) { words += " Not everything was sent yet; it will be tried again."; }
      say(words.trim());
    });
  }

  function sendLocked() {  // one tab at a time, where the browser can say so
    if (navigator.locks) { return navigator.locks.request(KEY, sendAll); }
    return sendAll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-queue]").forEach(function (form) {
      form.addEventListener("submit", function (event) { keep(form, event); });
    });
    show();
    if (document.querySelector("[data-offline-page]")) {  // back online: the page itself
      var retry = function (ms) { setTimeout(function () { window.location.reload(); }, ms); };
      window.addEventListener("online", function () { retry(RETRY_SOON_MS); });
      if (navigator.onLine) { retry(RETRY_MS); }  // online, but the site did not answer
    }
    if (!owner()) { return; }  // signed out: the next page of mine sends
    window.addEventListener("online", sendLocked);
    window.addEventListener("offline", function () {
      say("You're offline. What you record now will be sent when you're back online.");
    });
    window.addEventListener("storage", function (event) { if (event.key === KEY) { show(); } });
    sendLocked();
  });
})();
