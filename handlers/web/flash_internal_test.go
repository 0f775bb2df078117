package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/internal/teststore"
)

// flashServer is a server on a fresh database whose clock the test moves.
func flashServer(t *testing.T, now *time.Time) *Server {
	t.Helper()
	db := teststore.Open(t)
	keys, err := phonegate.NewKeys(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return newTestServer(t, db, func() time.Time { return *now },
		phonegate.NewHasher(phonegate.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}), keys)
}

// carrying returns a GET request that carries the cookies rec set.
func carrying(rec *httptest.ResponseRecorder) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range rec.Result().Cookies() {
		r.AddCookie(c)
	}
	return r
}

func TestFlashIsShownOnceOnTheNextPage(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := flashServer(t, &now)
	tests := []struct {
		name               string
		keep               func(w http.ResponseWriter, r *http.Request)
		wantFlash, wantErr string
		wantFor            string
		wantFields         url.Values
	}{
		{name: "success", keep: func(w http.ResponseWriter, r *http.Request) { s.flash(w, r, flashSuccess, "Project created") },
			wantFlash: "Project created"},
		{name: "error of the page", keep: func(w http.ResponseWriter, r *http.Request) {
			s.flash(w, r, flashError, "That code is not valid.")
		}, wantErr: "That code is not valid."},
		{name: "error of one form, with what was typed", keep: func(w http.ResponseWriter, r *http.Request) {
			s.flashForm(w, r, flashError, "Enter a phone number.", "phone", url.Values{"phone": {"+1 555"}, "country": {"US"}})
		}, wantErr: "Enter a phone number.", wantFor: "phone", wantFields: url.Values{"phone": {"+1 555"}, "country": {"US"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			post := httptest.NewRecorder()
			tt.keep(post, httptest.NewRequest(http.MethodPost, "/", nil))
			r := carrying(post)
			n, ok := s.flashed(r)
			if !ok {
				t.Fatal("got no flash on the next request, want one")
			}
			if got, want := n.Fields.Encode(), tt.wantFields.Encode(); got != want {
				t.Errorf("fields: got %q, want %q", got, want)
			}
			var p page
			get := httptest.NewRecorder()
			s.showFlash(get, r, &p)
			if p.Flash != tt.wantFlash || p.Error != tt.wantErr || p.ErrorFor != tt.wantFor {
				t.Errorf("page: got flash %q, error %q for %q; want %q, %q for %q",
					p.Flash, p.Error, p.ErrorFor, tt.wantFlash, tt.wantErr, tt.wantFor)
			}
			cleared := false
			for _, c := range get.Result().Cookies() {
				cleared = cleared || (c.Name == s.flashCookie() && c.MaxAge < 0)
			}
			if !cleared {
				t.Errorf("the page that showed the flash did not clear its cookie: %v", get.Header().Values("Set-Cookie"))
			}
		})
	}
}

func TestFlashRefusesForgedAndStaleCookies(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := flashServer(t, &now)
	post := httptest.NewRecorder()
	s.flash(post, httptest.NewRequest(http.MethodPost, "/", nil), flashSuccess, "Logged out")
	sealed := post.Result().Cookies()[0].Value
	if strings.Contains(sealed, "Logged") {
		t.Fatalf("the cookie carries the message in the clear: %q", sealed)
	}
	tests := []struct {
		name  string
		value string
		age   time.Duration
		want  bool
	}{
		{name: "fresh", value: sealed, want: true},
		{name: "stale", value: sealed, age: flashLife + time.Second},
		{name: "forged", value: "eyJrIjoiZXJyb3IiLCJtIjoiaGVsbG8ifQ"},
		{name: "one byte changed", value: "A" + sealed[1:]},
		{name: "not base64", value: "***"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).Add(tt.age)
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.AddCookie(&http.Cookie{Name: s.flashCookie(), Value: tt.value})
			n, got := s.flashed(r)
			if got != tt.want {
				t.Fatalf("flashed: got %v (%q), want %v", got, n.Msg, tt.want)
			}
			var p page
			s.showFlash(httptest.NewRecorder(), r, &p)
			if shown := p.Flash != ""; shown != tt.want {
				t.Errorf("shown: got %v, want %v", shown, tt.want)
			}
		})
	}
}

func TestFlashKeptByThisResponseIsNotCleared(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s := flashServer(t, &now)
	first := httptest.NewRecorder()
	s.flash(first, httptest.NewRequest(http.MethodPost, "/", nil), flashSuccess, "old")
	r := carrying(first)
	w := httptest.NewRecorder()
	s.flash(w, r, flashError, "new")
	var p page
	s.showFlash(w, r, &p)
	if got := len(w.Header().Values("Set-Cookie")); got != 1 {
		t.Errorf("Set-Cookie headers: got %d, want 1 (the new flash): %v", got, w.Header().Values("Set-Cookie"))
	}
	n, ok := s.flashed(carrying(w))
	if !ok || n.Msg != "new" {
		t.Errorf("next flash: got %q (%v), want %q", n.Msg, ok, "new")
	}
}
