package web

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// A flash is the one-time message of post, redirect, get: a form's
// handler keeps it with s.flash and answers 303; the page the browser is
// sent to shows it once (render reads it), so that a reload shows the
// page without the message and never posts the form again.
//
// It travels in a short-lived cookie sealed with the server key (AES-GCM):
// the browser can neither read nor forge it, so a page never shows words
// that did not come from this server, and it works where no session does
// (after logout, after setup). It must never carry a secret (a password, a
// code, a token): the sealed cookie still leaves the server.

// Kinds of flash.
const (
	flashSuccess = "success" // shown as page.Flash: "Project created"
	flashError   = "error"   // shown as page.Error, beside the form it concerns (flashNote.Form)
)

// flashLife is how long a flash waits for the page that shows it.
const flashLife = 2 * time.Minute

// flashMax bounds a flash's message and kept fields, so that the cookie
// stays well under the 4 KB browsers keep.
const flashMax = 1500

// flashNote is a flash as the next page reads it.
type flashNote struct {
	Kind string `json:"k"`
	Msg  string `json:"m"`
	// Form names the form the message concerns on a page with several
	// (page.ErrorFor); empty for the page as a whole.
	Form string `json:"f,omitempty"`
	// Fields are what the user had typed, to fill the form in again
	// (never a password or a code).
	Fields url.Values `json:"v,omitempty"`
	At     int64      `json:"t"`
	// Retry is when a refusal by a cap ends (Unix seconds), for the page's
	// 429 and Retry-After (capStatus); 0 for any other message.
	Retry int64 `json:"r,omitempty"`
}

// flashLabel binds a sealed flash to its purpose: no other sealed value of
// the server opens as a flash.
const flashLabel = "flash"

func (s *Server) flashCookie() string {
	if s.secure {
		return "__Host-phonegate_flash"
	}
	return "phonegate_flash"
}

// flash keeps msg, of kind flashSuccess or flashError, for the next page
// this browser is shown.
func (s *Server) flash(w http.ResponseWriter, r *http.Request, kind, msg string) {
	s.keepFlash(w, flashNote{Kind: kind, Msg: msg})
}

// flashForm is flash for the form named form of a page (empty for the
// page as a whole), keeping the fields the user typed so that the page can
// fill them in again: bad input loses nothing across the redirect.
func (s *Server) flashForm(w http.ResponseWriter, r *http.Request, kind, msg, form string, fields url.Values) {
	s.keepFlash(w, flashNote{Kind: kind, Msg: msg, Form: form, Fields: fields})
}

func (s *Server) keepFlash(w http.ResponseWriter, n flashNote) {
	n.At = s.now().Unix()
	b, err := json.Marshal(n)
	if err != nil || len(b) > flashMax {
		// Too long to keep whole: the message goes, the typed fields not.
		n.Fields = nil
		n.Msg = truncate(n.Msg, flashMax/2)
		b, _ = json.Marshal(n)
	}
	s.setCookie(w, s.flashCookie(), base64.RawURLEncoding.EncodeToString(s.cfg.Keys.Seal(flashLabel, string(b))), flashLife)
}

// flashed returns the flash the request carries, if any is sealed by this
// server and still fresh. It changes nothing: render clears the cookie
// once the flash is shown, and a page builder may read the kept fields
// before that.
func (s *Server) flashed(r *http.Request) (flashNote, bool) {
	c, err := r.Cookie(s.flashCookie())
	if err != nil || c.Value == "" {
		return flashNote{}, false
	}
	sealed, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return flashNote{}, false
	}
	plain, err := s.cfg.Keys.Open(flashLabel, sealed)
	if err != nil {
		return flashNote{}, false
	}
	var n flashNote
	if json.Unmarshal([]byte(plain), &n) != nil {
		return flashNote{}, false
	}
	if age := s.now().Sub(time.Unix(n.At, 0)); age < -time.Minute || age > flashLife {
		return flashNote{}, false
	}
	return n, true
}

// showFlash puts the request's flash on page p and clears the cookie, so
// that it is shown once. A message the handler set itself wins. When this
// response already sets the cookie (a new flash, or dropFlash) the
// request's flash is not shown.
func (s *Server) showFlash(w http.ResponseWriter, r *http.Request, p *page) {
	if _, err := r.Cookie(s.flashCookie()); err != nil || settingCookie(w, s.flashCookie()) {
		return
	}
	n, ok := s.flashed(r)
	s.clearCookie(w, s.flashCookie())
	if !ok {
		return
	}
	switch n.Kind {
	case flashError:
		if p.Error == "" {
			p.Error, p.ErrorFor = n.Msg, n.Form
		}
	default:
		if p.Flash == "" {
			p.Flash = n.Msg
		}
	}
}

// dropFlash discards the request's flash unseen: for a page whose state
// says all there is to say (the code page while the lock holds).
func (s *Server) dropFlash(w http.ResponseWriter, r *http.Request) {
	if _, err := r.Cookie(s.flashCookie()); err == nil && !settingCookie(w, s.flashCookie()) {
		s.clearCookie(w, s.flashCookie())
	}
}

// settingCookie reports whether the response already sets cookie name.
func settingCookie(w http.ResponseWriter, name string) bool {
	for _, v := range w.Header().Values("Set-Cookie") {
		if strings.HasPrefix(v, name+"=") {
			return true
		}
	}
	return false
}
