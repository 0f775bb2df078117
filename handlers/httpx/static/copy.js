// copy.js gives a one-time code its "Copy" and "Download" buttons. They
// are in the page but hidden, so that without JavaScript the page shows
// only the code, which can still be selected and copied by hand. The code
// never leaves the page: the download is made in the browser.
(function () {
  "use strict";

  function say(button, words) {
    var note = document.getElementById(button.getAttribute("data-note"));
    if (note) {
      note.textContent = words;
    }
  }

  // selectAndCopy selects the code, so that it can be copied by hand if
  // the browser refuses the copy too.
  function selectAndCopy(button) {
    var box = document.getElementById(button.getAttribute("data-copy"));
    var range = document.createRange();
    range.selectNodeContents(box);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    say(button, ok ? "Copied." : "Selected: copy it with your keyboard.");
  }

  function copy(button, text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () {
        say(button, "Copied.");
      }, function () {
        selectAndCopy(button);
      });
      return;
    }
    selectAndCopy(button);
  }

  function download(button, text) {
    var lines = [button.getAttribute("data-heading"), "", text, "", button.getAttribute("data-footer"), ""];
    var blob = new Blob([lines.join("\r\n")], { type: "text/plain;charset=utf-8" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = button.getAttribute("data-filename");
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
    say(button, "Downloaded as " + a.download + ".");
  }

  var buttons = document.querySelectorAll("button[data-copy], button[data-download]");
  Array.prototype.forEach.call(buttons, function (button) {
    var id = button.getAttribute("data-copy") || button.getAttribute("data-download");
    var box = document.getElementById(id);
    if (!box) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = box.textContent.trim();
      if (button.hasAttribute("data-copy")) {
        copy(button, text);
      } else {
        download(button, text);
      }
    });
  });
})();
