// verify.js keeps the code page current: every 2 seconds it asks
// /verify/status for the state of each SMS and call and shows it in words,
// counts down the wait before another send, and moves on by itself when
// an SMS reply verified the phone. Without it the page's Refresh link does
// the same by hand.
(function () {
  "use strict";
  var list = document.getElementById("deliveries");
  if (!list || !window.fetch) {
    return;
  }
  var wait = document.getElementById("resend-wait");
  var labels = { sms: "Text message", call: "Call" };
  var shown = "";
  var stopped = false;

  function show(st) {
    if (st.next) {
      stopped = true;
      window.location.assign(st.next);
      return;
    }
    if (st.state !== "pending" && st.state !== "approved") {
      stopped = true;
    }
    if (wait && st.can_resend_at) {
      wait.dataset.at = st.can_resend_at;
    }
    var key = JSON.stringify(st.deliveries);
    if (st.deliveries.length > 0 && key !== shown) {
      shown = key;
      list.replaceChildren();
      st.deliveries.forEach(function (d) {
        var li = document.createElement("li");
        li.textContent = (labels[d.channel] || d.channel) + ": " + d.words;
        list.appendChild(li);
      });
    }
    // A failed delivery changes what the page offers (the other method,
    // verification by reply): reload once to show it, unless a code is
    // being typed.
    var code = document.getElementById("code");
    if (st.reply && list.dataset.reply !== "1" && (!code || code.value === "")) {
      stopped = true;
      window.location.reload();
    }
  }

  function poll() {
    if (stopped) {
      return;
    }
    fetch("/verify/status", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (st) { if (st) { show(st); } })
      .catch(function () {})
      .then(function () { if (!stopped) { setTimeout(poll, 2000); } });
  }

  function tick() {
    if (!wait || !wait.dataset.at) {
      return;
    }
    var left = Math.ceil((Date.parse(wait.dataset.at) - Date.now()) / 1000);
    wait.textContent = left > 0 ? "You can ask for another code in " + left + " seconds." : "";
  }

  setTimeout(poll, 2000);
  setInterval(tick, 1000);
})();
