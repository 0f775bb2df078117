package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// submit posts form to path as a browser does: the answer must be a 303
// (post, redirect, get), which is followed once. It returns the page shown.
func (b *browser) submit(path string, form url.Values) (*http.Response, string) {
	b.h.t.Helper()
	res, body := b.post(path, form)
	if res.StatusCode != http.StatusSeeOther {
		b.h.t.Fatalf("POST %s: got %d, want 303 (post, redirect, get)\n%s", path, res.StatusCode, body)
	}
	return b.get(res.Header.Get("Location"))
}

// codeStatus is what /verify/status answers.
type codeStatus struct {
	State       string `json:"state"`
	Message     string `json:"message"`
	At          string `json:"at"`
	CodeBox     bool   `json:"code_box"`
	TriesLeft   int    `json:"tries_left"`
	NewCode     bool   `json:"new_code"`
	SendsLeft   int    `json:"sends_left"`
	CanResendAt string `json:"can_resend_at"`
	Buttons     []struct {
		Channel string `json:"channel"`
		Label   string `json:"label"`
	} `json:"buttons"`
	LockedUntil string `json:"locked_until"`
	Reply       bool   `json:"reply"`
	Next        string `json:"next"`
	Deliveries  []struct {
		Channel   string `json:"channel"`
		Status    string `json:"status"`
		ErrorCode int    `json:"error_code"`
	} `json:"deliveries"`
}

// status reads /verify/status.
func (b *browser) status(t *testing.T) codeStatus {
	t.Helper()
	res, body := b.get("/verify/status")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /verify/status: got %d\n%s", res.StatusCode, body)
	}
	var st codeStatus
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return st
}

// markSent records a send of the challenge's code in the store, as a send
// from the page would, without the send limits of the number and the
// client address counting it: for tests that need many sessions whose code
// is on its way (a code is only checked once one was sent).
func (h *harness) markSent(t *testing.T, challengeID string) {
	t.Helper()
	ctx := context.Background()
	c, err := h.db.Challenge(ctx, challengeID)
	if err != nil {
		t.Fatal(err)
	}
	now := h.clock.Now()
	if _, err := h.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: phonegate.ChannelSMS, To: c.Phone,
		ClientAddr: "192.0.2.1", Now: now}); err != nil {
		t.Fatal(err)
	}
	if err := h.db.PruneEvents(ctx, now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
}

// tries says n tries as the code page does: "1 try", "2 tries".
func tries(n int) string {
	if n == 1 {
		return "1 try"
	}
	return strconv.Itoa(n) + " tries"
}
