// localtime.js shows each <time data-local> in the browser's own time
// zone, on one line ("1 Mar 2026, 10:00"). The server writes the time in
// UTC, which stays in the element's title, in ISO 8601, and is what the
// page shows without JavaScript.
(function () {
  "use strict";
  var format;
  try {
    format = new Intl.DateTimeFormat(undefined, {
      year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit"
    });
  } catch (e) {
    return;
  }
  var times = document.querySelectorAll("time[data-local]");
  Array.prototype.forEach.call(times, function (t) {
    var d = new Date(t.getAttribute("datetime"));
    if (!isNaN(d.getTime())) {
      t.textContent = format.format(d);
    }
  });
})();
