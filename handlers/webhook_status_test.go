package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/phonegate/phonegate"
)

// TestStatusCallbacks plays sequences of captured status callbacks, in and
// out of order and replayed: the delivery ends in the latest state, each
// status is recorded once, and Twilio always gets 204.
func TestStatusCallbacks(t *testing.T) {
	tests := []struct {
		name       string
		channel    string
		forms      []string
		wantStatus string
		wantCode   int
		wantEvents []string
	}{
		{"sms in order", "sms", []string{"sms-status-queued", "sms-status-sending", "sms-status-sent", "sms-status-delivered"},
			"delivered", 0, []string{"sending", "sent", "delivered"}},
		{"sms sent after delivered", "sms", []string{"sms-status-delivered", "sms-status-sent"},
			"delivered", 0, []string{"delivered"}},
		{"sms replayed", "sms", []string{"sms-status-sent", "sms-status-sent", "sms-status-delivered", "sms-status-delivered"},
			"delivered", 0, []string{"sent", "delivered"}},
		{"sms undelivered with its code", "sms", []string{"sms-status-sent", "sms-status-undelivered", "sms-status-sent"},
			"undelivered", 30003, []string{"sent", "undelivered"}},
		{"call answered and ended", "call", []string{"call-status-initiated", "call-status-ringing", "call-status-in-progress",
			"call-status-completed", "call-status-ringing"}, "completed", 0, []string{"ringing", "in-progress", "completed"}},
		{"call not answered", "call", []string{"call-status-ringing", "call-status-no-answer", "call-status-no-answer"},
			"no-answer", 0, []string{"ringing", "no-answer"}},
		{"a call status on the sms route is ignored", "sms", []string{"call-status-completed"}, "queued", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newWebhookHarness(t)
			d := h.send(h.challenge(whPhone, ""), tt.channel)
			path := "/twilio/sms/status?d=" + d.ID
			if strings.HasPrefix(tt.forms[0], "call-") && tt.channel == "call" {
				path = "/twilio/voice/status?d=" + d.ID
			}
			for _, f := range tt.forms {
				h.clock.Add(time.Second)
				if res, _ := h.twilio(path, whForm(t, f)); res.StatusCode != http.StatusNoContent {
					t.Errorf("%s: status %d, want 204", f, res.StatusCode)
				}
			}
			got := h.delivery(d.ID)
			if got.Status != tt.wantStatus || got.ErrorCode != tt.wantCode {
				t.Errorf("delivery ends %s (%d), want %s (%d)", got.Status, got.ErrorCode, tt.wantStatus, tt.wantCode)
			}
			events, err := h.db.DeliveryEvents(context.Background(), d.ID)
			if err != nil {
				t.Fatal(err)
			}
			var statuses []string
			for _, e := range events {
				statuses = append(statuses, e.Status)
			}
			if diff := cmp.Diff(tt.wantEvents, statuses); diff != "" {
				t.Errorf("delivery events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestStatusUnknownDelivery: Twilio gets 204 for a delivery phonegate does
// not know, and nothing changes.
func TestStatusUnknownDelivery(t *testing.T) {
	h := newWebhookHarness(t)
	h.send(h.challenge(whPhone, ""), "sms")
	for _, path := range []string{"/twilio/sms/status?d=dunknown", "/twilio/sms/status", "/twilio/voice/status?d=dunknown"} {
		t.Run(path, func(t *testing.T) {
			before := dump(t, h.db)
			if res, _ := h.twilio(path, whForm(t, "sms-status-undelivered")); res.StatusCode != http.StatusNoContent {
				t.Errorf("status = %d, want 204", res.StatusCode)
			}
			if after := dump(t, h.db); after != before {
				t.Errorf("database changed:\n%s\n---\n%s", before, after)
			}
		})
	}
}

// TestFallbackCall: an SMS that is not delivered places a call at once,
// once per challenge, however many failure callbacks come and however
// they race; the outcome is audited.
func TestFallbackCall(t *testing.T) {
	h := newWebhookHarness(t)
	c := h.challenge(whPhone, "")
	first := h.send(c, "sms")
	h.clock.Add(40 * time.Second)
	second := h.send(c, "sms")

	var wg sync.WaitGroup
	for _, f := range []struct{ id, form string }{
		{first.ID, "sms-status-undelivered"}, {second.ID, "sms-status-failed"},
		{first.ID, "sms-status-failed"}, {second.ID, "sms-status-undelivered"},
	} {
		wg.Go(func() {
			res, _ := h.twilio("/twilio/sms/status?d="+f.id, whForm(t, f.form))
			if res.StatusCode != http.StatusNoContent {
				t.Errorf("status = %d, want 204", res.StatusCode)
			}
		})
	}
	wg.Wait()

	_, calls := h.sender.sent()
	if len(calls) != 1 {
		t.Fatalf("%d calls placed, want 1", len(calls))
	}
	ds, err := h.db.Deliveries(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	call := ds[len(ds)-1]
	want := phonegate.Call{To: whPhone, URL: whPublic + "/twilio/voice?d=" + call.ID,
		StatusCallback: whPublic + "/twilio/voice/status?d=" + call.ID, Timeout: 30}
	if diff := cmp.Diff(want, calls[0]); diff != "" {
		t.Errorf("fallback call (-want +got):\n%s", diff)
	}
	if call.Channel != "call" || call.SID == "" {
		t.Errorf("last delivery = %+v, want the call with its SID", call)
	}
	// The callbacks raced, so the order of their events is not fixed.
	wantKinds := []string{"code.sent", "code.sent", "code.undelivered", "code.undelivered", "code.sent", "code.fallback"}
	if diff := cmp.Diff(wantKinds, h.auditKinds(), cmpopts.SortSlices(strings.Compare)); diff != "" {
		t.Errorf("audit kinds (-want +got):\n%s", diff)
	}

	// The call is not answered: nothing more is placed, the page offers SMS.
	h.twilio("/twilio/voice/status?d="+call.ID, whForm(t, "call-status-no-answer"))
	if sms, calls := h.sender.sent(); len(sms) != 2 || len(calls) != 1 {
		t.Errorf("after the unanswered call: %d SMS and %d calls, want 2 and 1", len(sms), len(calls))
	}
}

// TestFallbackCallWithinLimits: the automatic call counts against the
// challenge's sends; when none is left, it is not placed, and the audit
// log says why.
func TestFallbackCallWithinLimits(t *testing.T) {
	h := newWebhookHarness(t)
	c := h.challenge(whPhone, "")
	var last phonegate.Delivery
	for range phonegate.MaxChallengeSends {
		last = h.send(c, "sms")
		h.clock.Add(31 * time.Second)
	}
	h.twilio("/twilio/sms/status?d="+last.ID, whForm(t, "sms-status-undelivered"))
	if _, calls := h.sender.sent(); len(calls) != 0 {
		t.Errorf("%d calls placed past the limit", len(calls))
	}
	es, _ := h.db.AuditEvents(context.Background(), h.project.ID, 0, 1)
	if len(es) != 1 || es[0].Kind != "code.fallback" || !strings.Contains(es[0].Detail, "5 sends") {
		t.Errorf("newest audit event = %+v, want code.fallback saying the sends are used up", es)
	}
}

// TestFallbackCallNotForEndedChallenge: no call for a challenge that was
// cancelled or expired by the time the failure is reported.
func TestFallbackCallNotForEndedChallenge(t *testing.T) {
	h := newWebhookHarness(t)
	c := h.challenge(whPhone, "")
	d := h.send(c, "sms")
	h.clock.Add(11 * time.Minute)
	h.twilio("/twilio/sms/status?d="+d.ID, whForm(t, "sms-status-undelivered"))
	if _, calls := h.sender.sent(); len(calls) != 0 {
		t.Errorf("%d calls placed for an expired challenge", len(calls))
	}
	if got := h.delivery(d.ID); got.Status != "undelivered" {
		t.Errorf("delivery = %s, want undelivered still recorded", got.Status)
	}
}

// TestFallbackCallForEveryFailedSMS: every status that means the text
// message will not arrive places the automatic call, "canceled" included.
func TestFallbackCallForEveryFailedSMS(t *testing.T) {
	for _, status := range []string{"undelivered", "failed", "canceled"} {
		t.Run(status, func(t *testing.T) {
			h := newWebhookHarness(t)
			d := h.send(h.challenge(whPhone, ""), "sms")
			h.twilio("/twilio/sms/status?d="+d.ID, whForm(t, "sms-status-failed",
				"MessageStatus", status, "SmsStatus", status))
			if _, calls := h.sender.sent(); len(calls) != 1 {
				t.Errorf("%d calls placed after the text message was %s, want 1", len(calls), status)
			}
		})
	}
}

// TestStatusStoreFailure: when the status cannot be stored, Twilio gets a
// 503, never a 2xx that would claim the update is safe.
func TestStatusStoreFailure(t *testing.T) {
	h := newWebhookHarness(t)
	d := h.send(h.challenge(whPhone, ""), "sms")
	h.db.Close()
	res, _ := h.twilio("/twilio/sms/status?d="+d.ID, whForm(t, "sms-status-undelivered"))
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status with the database closed = %d, want 503", res.StatusCode)
	}
}
