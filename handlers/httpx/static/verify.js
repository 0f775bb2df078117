// verify.js keeps the code page current. The server derives one state of
// the page from the challenge (none, sent, auto_call, wrong, dead, locked
// and the rest) and says it both in the page and at /verify/status; every
// 2 seconds this script asks for it, shows each SMS and call in words, and
// reloads the page when the state changes (unless a code is being typed),
// so that what the page offers is always the server's. It also disables the
// send buttons during the 30-second wait with a countdown, shows times in
// the browser's local time, and moves on by itself when an SMS reply
// verified the phone. Without it the page works as is: a click during the
// wait shows the same page with the same countdown, and Refresh reloads.
(function () {
  "use strict";

  // Times: the page writes them in UTC; say them in local time.
  document.querySelectorAll("time.local").forEach(function (t) {
    var d = new Date(t.getAttribute("datetime"));
    if (!isNaN(d)) {
      t.title = t.textContent;
      t.textContent = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    }
  });

  var box = document.getElementById("code-state");
  if (!box) {
    return;
  }
  var wait = document.getElementById("resend-wait");
  var buttons = document.querySelectorAll("#send button[name=channel]");
  var labels = { sms: "Text message", call: "Call" };
  var shown = "";
  var stopped = false;

  function tick() {
    if (!wait || !wait.dataset.at) {
      return;
    }
    var left = Math.ceil((Date.parse(wait.dataset.at) - Date.now()) / 1000);
    wait.textContent = left > 0 ? "You can ask for another code in " + left + (left === 1 ? " second." : " seconds.") : "";
    buttons.forEach(function (b) { b.disabled = left > 0; });
  }

  function typing() {
    var code = document.getElementById("code");
    var em = document.getElementById("emergency_code");
    return (code && code.value !== "") || (em && em.value !== "");
  }

  function show(st) {
    if (st.next) {
      stopped = true;
      window.location.assign(st.next);
      return;
    }
    if (st.state !== box.dataset.state || String(st.tries_left) !== box.dataset.tries) {
      if (!typing()) {
        stopped = true;
        window.location.reload();
      }
      return;
    }
    if (wait && st.can_resend_at) {
      wait.dataset.at = st.can_resend_at;
      tick();
    }
    var list = document.getElementById("deliveries");
    var key = JSON.stringify(st.deliveries);
    if (list && key !== shown) {
      shown = key;
      list.replaceChildren();
      st.deliveries.forEach(function (d) {
        var li = document.createElement("li");
        li.textContent = (labels[d.channel] || d.channel) + ": " + d.words;
        list.appendChild(li);
      });
    }
  }

  function poll() {
    if (stopped) {
      return;
    }
    fetch("/verify/status" + window.location.search, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (st) { if (st) { show(st); } })
      .catch(function () {})
      .then(function () { if (!stopped) { setTimeout(poll, 2000); } });
  }

  tick();
  setInterval(tick, 1000);
  if (window.fetch) {
    setTimeout(poll, 2000);
  }
})();
