package handlers_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
)

func TestSendSMS(t *testing.T) {
	h := newWebhookHarness(t)
	c := h.challenge(whPhone, "")
	h.clock.Add(4*time.Minute + 10*time.Second)
	d := h.send(c, "sms")
	sms, calls := h.sender.sent()
	want := []phonegate.SMS{{
		To: whPhone,
		Body: "Your phonegate code is 042917 for Apollo. It expires in 6 minutes. Don't share it with anyone.\n\n" +
			"@phonegate.example.com #042917",
		StatusCallback: whPublic + "/twilio/sms/status?d=" + d.ID,
	}}
	if diff := cmp.Diff(want, sms); diff != "" || len(calls) != 0 {
		t.Errorf("sent (-want +got):\n%s\ncalls: %v", diff, calls)
	}
	if got := h.delivery(d.ID); got.SID != "SM00000000000000000000000000000001" || got.Status != "queued" {
		t.Errorf("delivery = %+v, want queued with the SID", got)
	}
	es, _ := h.db.AuditEvents(context.Background(), h.project.ID, 0, 1)
	if len(es) != 1 || es[0].Kind != "code.sent" || es[0].Detail != "text message to +1 ••• ••• •671" {
		t.Errorf("audit = %+v, want code.sent naming the masked number", es)
	}
}

func TestSendCall(t *testing.T) {
	h := newWebhookHarness(t)
	d := h.send(h.challenge(whPhone, ""), "call")
	_, calls := h.sender.sent()
	want := []phonegate.Call{{To: whPhone, URL: whPublic + "/twilio/voice?d=" + d.ID,
		StatusCallback: whPublic + "/twilio/voice/status?d=" + d.ID, Timeout: 30}}
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if strings.Contains(calls[0].URL+calls[0].StatusCallback, whCode) {
		t.Error("the code is in a URL")
	}
}

// TestSendLimits drives the limits of DESIGN §2 through sendCode with the
// injected clock, and checks what the user reads.
func TestSendLimits(t *testing.T) {
	t.Run("cooldown", func(t *testing.T) {
		h := newWebhookHarness(t)
		c := h.challenge(whPhone, "")
		h.send(c, "sms")
		h.clock.Add(7 * time.Second)
		checkRefused(t, h, c, "call", http.StatusTooManyRequests, "You can send another code in 23 seconds.")
		h.clock.Add(22*time.Second + 500*time.Millisecond)
		checkRefused(t, h, c, "call", http.StatusTooManyRequests, "You can send another code in 1 second.")
		h.clock.Add(time.Second)
		h.send(c, "call")
	})
	t.Run("five per challenge", func(t *testing.T) {
		h := newWebhookHarness(t)
		c := h.challenge(whPhone, "")
		for range 5 {
			h.send(c, "sms")
			h.clock.Add(30 * time.Second)
		}
		checkRefused(t, h, c, "call", http.StatusTooManyRequests, "This challenge has used its 5 sends; start again.")
	})
	t.Run("ten per number per hour", func(t *testing.T) {
		h := newWebhookHarness(t)
		for range 10 {
			h.send(h.challenge(whPhone, ""), "sms")
			h.clock.Add(time.Minute)
		}
		c := h.challenge(whPhone, "")
		checkRefused(t, h, c, "sms", http.StatusTooManyRequests,
			"Too many codes were sent to this number; try again after 10:00 UTC.")
		h.send(h.challenge(whOther, ""), "sms") // another number is not affected
		h.clock.Add(50 * time.Minute)           // 10:00: the first send leaves the window
		h.send(h.challenge(whPhone, ""), "sms")
	})
	t.Run("ended challenge", func(t *testing.T) {
		h := newWebhookHarness(t)
		c := h.challenge(whPhone, "")
		h.clock.Add(10 * time.Minute)
		_, err := h.srv.SendCodeForTest(context.Background(), c, "sms", false)
		if !errors.Is(err, phonegate.ErrChallengeEnded) {
			t.Errorf("err = %v, want ErrChallengeEnded", err)
		}
	})
}

// checkRefused expects the send to be refused with status and msg, and
// nothing sent.
func checkRefused(t *testing.T, h *whHarness, c phonegate.Challenge, channel string, status int, msg string) {
	t.Helper()
	sms, calls := h.sender.sent()
	_, err := h.srv.SendCodeForTest(context.Background(), c, channel, false)
	if !errors.Is(err, phonegate.ErrLimited) {
		t.Errorf("err = %v, want ErrLimited", err)
	}
	gotStatus, gotMsg, _ := handlers.UserMessageForTest(err)
	if gotStatus != status || gotMsg != msg {
		t.Errorf("the user reads %d %q, want %d %q", gotStatus, gotMsg, status, msg)
	}
	if sms2, calls2 := h.sender.sent(); len(sms2) != len(sms) || len(calls2) != len(calls) {
		t.Error("a refused send went out")
	}
}

// TestSendFailures: each reason a Sender gives becomes a failed delivery
// with the provider's code, an audit entry in words, and a message that
// says what to do. Nothing secret is written anywhere.
func TestSendFailures(t *testing.T) {
	tests := []struct {
		name    string
		channel string
		err     error
		status  int
		msg     string
	}{
		{"opted out", "sms", &phonegate.SendError{Code: 21610, Reason: phonegate.ErrOptedOut}, http.StatusConflict, "call you instead"},
		{"invalid number", "sms", &phonegate.SendError{Code: 21211, Reason: phonegate.ErrInvalidNumber}, http.StatusUnprocessableEntity, "refused as invalid"},
		{"no SMS", "sms", &phonegate.SendError{Code: 21614, Reason: phonegate.ErrNoSMS}, http.StatusConflict, "cannot receive text messages. We can call you instead"},
		{"not permitted", "call", &phonegate.SendError{Code: 21408, Reason: phonegate.ErrNoRoute}, http.StatusUnprocessableEntity, "Try a voice call"},
		{"no route", "sms", &phonegate.SendError{Code: 21612, Reason: phonegate.ErrNoRoute}, http.StatusUnprocessableEntity, "not enabled"},
		{"credentials", "call", &phonegate.SendError{Code: 20003, Reason: phonegate.ErrCredentials, Detail: "Authenticate"},
			http.StatusServiceUnavailable, "Codes cannot be sent right now: the server's Twilio credentials were refused. Tell your administrator."},
		{"anything else", "sms", &phonegate.SendError{Code: 30001, Reason: phonegate.ErrSendFailed}, http.StatusBadGateway, "use the other method"},
		{"not a SendError", "call", errors.New("dial tcp: i/o timeout"), http.StatusBadGateway, "Try again in a moment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newWebhookHarness(t)
			h.sender.failSMS, h.sender.failCall = tt.err, tt.err
			c := h.challenge(whPhone, "")
			d, err := h.srv.SendCodeForTest(context.Background(), c, tt.channel, false)
			status, msg, ok := handlers.UserMessageForTest(err)
			if !ok || status != tt.status || !strings.Contains(msg, tt.msg) {
				t.Errorf("the user reads %d %q, want %d with %q", status, msg, tt.status, tt.msg)
			}
			if se, ok := errors.AsType[*phonegate.SendError](tt.err); ok && !errors.Is(err, se.Reason) {
				t.Errorf("err = %v, want it to match %v", err, se.Reason)
			}
			got := h.delivery(d.ID)
			wantCode := 0
			if se, ok := errors.AsType[*phonegate.SendError](tt.err); ok {
				wantCode = se.Code
			}
			if got.Status != "failed" || got.ErrorCode != wantCode {
				t.Errorf("delivery = %s (%d), want failed (%d)", got.Status, got.ErrorCode, wantCode)
			}
			es, _ := h.db.AuditEvents(context.Background(), h.project.ID, 0, 1)
			if len(es) != 1 || es[0].Kind != "code.failed" || !strings.Contains(es[0].Detail, "+1 ••• ••• •671") {
				t.Errorf("audit = %+v, want code.failed naming the masked number", es)
			}
			// The refused send is given back: the other method works at once.
			other := map[string]string{"sms": "call", "call": "sms"}[tt.channel]
			h.sender.failSMS, h.sender.failCall = nil, nil
			if _, err := h.srv.SendCodeForTest(context.Background(), c, other, false); err != nil && tt.name != "opted out" {
				t.Errorf("the other method right after: %v", err)
			}
			if tt.name == "credentials" && !strings.Contains(h.logs.String(), `"level":"error"`) {
				t.Errorf("refused credentials are not logged as an error:\n%s", h.logs)
			}
			if strings.Contains(h.logs.String(), whCode) || strings.Contains(dump(t, h.db), whCode) {
				t.Error("the code is in the logs or the database")
			}
		})
	}
}

func TestDeliveryWords(t *testing.T) {
	tests := []struct {
		channel, status string
		code            int
		want            string
	}{
		{"sms", "queued", 0, "Queued"},
		{"sms", "sending", 0, "Sending"},
		{"sms", "sent", 0, "Sent"},
		{"sms", "delivered", 0, "Delivered"},
		{"sms", "undelivered", 30003, "Not delivered: the phone is off or out of coverage (30003 unreachable)"},
		{"sms", "undelivered", 30005, "Not delivered: the number does not exist or is no longer in service (30005 unknown number)"},
		{"sms", "failed", 30006, "Failed: the number is a landline or its carrier cannot take texts (30006 landline or unreachable carrier)"},
		{"sms", "undelivered", 30007, "Not delivered: the carrier filtered it as spam (30007 filtered)"},
		{"sms", "failed", 12345, "Failed (error 12345)"},
		{"sms", "undelivered", 0, "Not delivered"},
		{"call", "initiated", 0, "Calling"},
		{"call", "ringing", 0, "Ringing"},
		{"call", "in-progress", 0, "Answered"},
		{"call", "completed", 0, "Call ended"},
		{"call", "no-answer", 0, "No answer"},
		{"call", "busy", 0, "Busy"},
		{"call", "failed", 0, "Call failed"},
		{"call", "canceled", 0, "Cancelled"},
		{"sms", "partially_delivered", 0, "Partially_delivered"},
	}
	for _, tt := range tests {
		t.Run(tt.channel+" "+tt.status, func(t *testing.T) {
			got := handlers.DeliveryWordsForTest(phonegate.Delivery{Channel: tt.channel, Status: tt.status, ErrorCode: tt.code})
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
