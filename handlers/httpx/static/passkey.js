// passkey.js adds passkeys on the account page and uses them on the code
// page (WebAuthn). Their forms are in the page but hidden, and shown only
// when the browser can make passkeys: without this script, or in a browser
// without WebAuthn, the pages offer the other ways in. A passkey form asks
// the server for a ceremony's options (POST to its data-options URL, with
// the form's fields), hands them to the browser (navigator.credentials
// create or get, as data-ceremony says), and sends the browser's answer as
// the form's "credential" field by the form's own POST, which answers as
// every form does. The options and the answer carry binary values as
// base64url, which this script turns into bytes and back.
(function () {
  "use strict";

  if (!window.PublicKeyCredential || !navigator.credentials) {
    return;
  }
  document.querySelectorAll(".passkey").forEach(function (el) {
    el.hidden = false;
  });

  function toBytes(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) {
      s += "=";
    }
    var bin = atob(s);
    var b = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) {
      b[i] = bin.charCodeAt(i);
    }
    return b.buffer;
  }

  function toText(buf) {
    var b = new Uint8Array(buf);
    var s = "";
    for (var i = 0; i < b.length; i++) {
      s += String.fromCharCode(b[i]);
    }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function credentialIDs(list) {
    (list || []).forEach(function (c) {
      c.id = toBytes(c.id);
    });
  }

  // ask hands the server's options to the browser.
  function ask(ceremony, o) {
    o.challenge = toBytes(o.challenge);
    if (ceremony === "create") {
      o.user.id = toBytes(o.user.id);
      credentialIDs(o.excludeCredentials);
      return navigator.credentials.create({ publicKey: o });
    }
    credentialIDs(o.allowCredentials);
    return navigator.credentials.get({ publicKey: o });
  }

  // answer is the browser's credential as the server reads it (JSON).
  function answer(cred) {
    var r = cred.response;
    var out = {
      id: cred.id,
      rawId: toText(cred.rawId),
      type: cred.type,
      clientExtensionResults: cred.getClientExtensionResults(),
      response: { clientDataJSON: toText(r.clientDataJSON) }
    };
    if (cred.authenticatorAttachment) {
      out.authenticatorAttachment = cred.authenticatorAttachment;
    }
    if (r.attestationObject) {
      out.response.attestationObject = toText(r.attestationObject);
      if (r.getTransports) {
        out.response.transports = r.getTransports();
      }
    } else {
      out.response.authenticatorData = toText(r.authenticatorData);
      out.response.signature = toText(r.signature);
      if (r.userHandle) {
        out.response.userHandle = toText(r.userHandle);
      }
    }
    return JSON.stringify(out);
  }

  function start(form) {
    var note = form.querySelector(".passkey-error");
    var button = form.querySelector("button[type=submit]");
    function say(words) {
      note.textContent = words;
      note.hidden = false;
      button.disabled = false;
    }
    var fields = new URLSearchParams(new FormData(form));
    fields.delete("credential");
    button.disabled = true;
    fetch(form.getAttribute("data-options"), {
      method: "POST",
      body: fields,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (res) {
      return res.json().then(function (j) {
        if (j.reload) {
          window.location.reload();
          return;
        }
        if (!res.ok) {
          say(j.error || "The passkey could not be started. Try again.");
          return;
        }
        return ask(form.getAttribute("data-ceremony"), j.publicKey).then(function (cred) {
          form.elements.credential.value = answer(cred);
          var pw = form.elements.password;
          if (pw) {
            pw.value = "";
          }
          HTMLFormElement.prototype.submit.call(form);
        });
      });
    }).catch(function (e) {
      say(e && e.name === "NotAllowedError" ?
        "No passkey was used: the browser's request was cancelled or timed out. Try again, or use another way." :
        "The passkey did not work in this browser (" + (e && e.message || e) + "). Try again, or use another way.");
    });
  }

  document.querySelectorAll("form[data-ceremony]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      start(form);
    });
  });
})();
