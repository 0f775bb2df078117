package main

import (
	"strings"
	"testing"
)

// devPhoneLayoutJS returns, as one string, what is wrong with the dev
// phone's layout: within each entry of a timeline, the date, the
// description, the state and each button must not overlap; dates and
// buttons must hold on one line; the keypad's keys must not overlap; and
// nothing may stick out of the page sideways.
const devPhoneLayoutJS = `(function(){
  var bad = [];
  function box(el) { return el.getBoundingClientRect(); }
  function overlap(a, b) {
    return a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  }
  function name(el) { return el.tagName.toLowerCase() + (el.className ? "." + el.className : "") + " '" + el.textContent.trim().slice(0, 24) + "'"; }
  function oneLine(el) {
    var cs = getComputedStyle(el), r = box(el);
    var line = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.5;
    var extra = parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom) + parseFloat(cs.borderTopWidth) + parseFloat(cs.borderBottomWidth);
    return r.height <= line * 1.5 + extra;
  }
  function apart(els, where) {
    for (var i = 0; i < els.length; i++) for (var j = i + 1; j < els.length; j++)
      if (overlap(box(els[i]), box(els[j]))) bad.push(where + ": " + name(els[i]) + " overlaps " + name(els[j]));
  }
  var entries = document.querySelectorAll(".dev-entry");
  if (entries.length === 0) bad.push("no entries");
  entries.forEach(function(e, k) {
    var parts = Array.prototype.slice.call(e.querySelectorAll(".dev-when, .dev-what, .dev-state, .dev-buttons button"));
    apart(parts, "entry " + k);
    e.querySelectorAll(".dev-when, .dev-buttons button").forEach(function(el) {
      if (!oneLine(el)) bad.push("entry " + k + ": " + name(el) + " wraps (" + box(el).height + " px high)");
    });
  });
  var keys = Array.prototype.slice.call(document.querySelectorAll("#keypad button"));
  if (keys.length !== 12) bad.push(keys.length + " keys on the keypad, want 12");
  apart(keys, "keypad");
  keys.forEach(function(el) { if (!oneLine(el)) bad.push("keypad: " + name(el) + " wraps"); });
  if (document.documentElement.scrollWidth > window.innerWidth) bad.push("the page is " + document.documentElement.scrollWidth + " px wide in a window of " + window.innerWidth);
  return bad.join("\n");
})()`

// TestBrowserDevPhoneLayout fills the dev phone with a text message and
// its status buttons, a call that rings, the phone's own texts and the
// server's reply, answers the call so that the keypad shows, and checks at
// 1100 px wide that nothing wraps or overlaps.
func TestBrowserDevPhoneLayout(t *testing.T) {
	e := startE2E(t, true)
	b := setUpOwner(t, e)
	b.enroll(devPhone, "sms")
	code := b.devCode()
	b.open("/verify")
	b.fill("#code", code)
	b.submit("form[action='/verify'] button")
	b.submit("main a")

	// A new phone, by call: a second timeline, with a call that rings.
	const second = "+14155550142"
	b.open("/account")
	b.do(clickJS("details summary"))
	b.fill("#phone_password", password)
	b.fill("#phone_number", second)
	b.do(clickJS("#channel-call"))
	b.submit("form[action='/account/phone'] button[type=submit]")

	b.open("/dev/phone")
	b.fill("#from", devPhone)
	b.submit("button[name=quick][value=HELP]")
	b.waitText("Sent from this phone")
	b.waitJS(`document.querySelector("form[action='/dev/phone/answer'] button") !== null`)
	b.submit("form[action='/dev/phone/answer'] button")
	b.waitText("Keypad")
	if w := b.windowWidth(); w != 1100 {
		t.Logf("the window is %d px wide", w)
	}
	b.shot("dev-phone-call")
	if bad := b.evalString(devPhoneLayoutJS); bad != "" {
		t.Errorf("the dev phone's layout at 1100 px:\n%s", bad)
	}
	if !strings.Contains(b.text("#dev-banner"), "every code") {
		t.Errorf("the banner says %q", b.text("#dev-banner"))
	}
}

// windowWidth is the page's width in CSS pixels.
func (b *tab) windowWidth() int {
	b.t.Helper()
	s := b.evalString(`String(window.innerWidth)`)
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// evalString evaluates a JavaScript expression that gives a string.
func (b *tab) evalString(js string) string {
	b.t.Helper()
	s, err := runString(b.ctx, js)
	if err != nil {
		b.t.Fatalf("eval: %v", err)
	}
	return s
}
