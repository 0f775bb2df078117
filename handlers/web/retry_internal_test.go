package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
)

// TestFailHasherBusy: a full password-hash queue is answered 503 with
// Retry-After and a page in words, not as a fault.
func TestFailHasherBusy(t *testing.T) {
	tpl, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{tpl: tpl, log: zerolog.Nop(), now: time.Now}
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/login", nil)
	s.fail(w, r, fmt.Errorf("verify: %w", phonegate.ErrHasherBusy))
	if got, want := w.Code, http.StatusServiceUnavailable; got != want {
		t.Errorf("status = %d, want %d", got, want)
	}
	if got, want := w.Header().Get("Retry-After"), "2"; got != want {
		t.Errorf("Retry-After = %q, want %q", got, want)
	}
	if body := w.Body.String(); !strings.Contains(body, "Too many people are logging in right now") {
		t.Errorf("page lacks the words:\n%s", body)
	}
}
