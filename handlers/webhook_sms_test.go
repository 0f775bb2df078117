package handlers_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
)

const (
	replyHelpText     = "phonegate verification codes. Reply STOP to stop texts, NO if you did not ask for a code."
	replyUnknownText  = "Sorry, that was not understood. Reply HELP for help."
	replyVerifiedText = "Thanks, your phone is verified. Go back to the page to continue."
	replyCancelText   = "Thanks. The pending code request was cancelled."
	replyNoneText     = "There was no pending code request for this number."
)

// TestInboundSMS sends captured inbound messages with various bodies, from
// the phone of a pending challenge or another, and checks the reply and
// what changed.
func TestInboundSMS(t *testing.T) {
	tests := []struct {
		name      string
		from      string
		body      string
		optedOut  bool // before the message
		reply     []string
		wantOut   bool
		wantState string
	}{
		{"STOP", whPhone, "STOP", false, nil, true, phonegate.ChallengePending},
		{"stop, shouted with spaces", whPhone, "  Stop! ", false, nil, true, phonegate.ChallengePending},
		{"STOPALL", whPhone, "stopall", false, nil, true, phonegate.ChallengePending},
		{"UNSUBSCRIBE", whPhone, "Unsubscribe", false, nil, true, phonegate.ChallengePending},
		{"CANCEL", whPhone, "cancel", false, nil, true, phonegate.ChallengePending},
		{"END", whPhone, "end.", false, nil, true, phonegate.ChallengePending},
		{"QUIT", whPhone, "QUIT", false, nil, true, phonegate.ChallengePending},
		{"START", whPhone, "START", true, []string{"You are opted back in to verification texts."}, false, phonegate.ChallengePending},
		{"YES", whPhone, "yes", true, []string{"You are opted back in to verification texts."}, false, phonegate.ChallengePending},
		{"UNSTOP", whPhone, "unstop", true, []string{"You are opted back in to verification texts."}, false, phonegate.ChallengePending},
		{"HELP", whPhone, "help", false, []string{replyHelpText}, false, phonegate.ChallengePending},
		{"INFO", whPhone, "Info?", false, []string{replyHelpText}, false, phonegate.ChallengePending},
		{"NO", whPhone, "No", false, []string{replyCancelText}, false, phonegate.ChallengeCancelled},
		{"NOT ME", whPhone, " not   me! ", false, []string{replyCancelText}, false, phonegate.ChallengeCancelled},
		{"NO from another number", whOther, "NO", false, []string{replyNoneText}, false, phonegate.ChallengePending},
		{"the reply code", whPhone, "K7Q4M", false, []string{replyVerifiedText}, false, phonegate.ChallengeApproved},
		{"the reply code, lower case with spaces", whPhone, " k7 q4m ", false, []string{replyVerifiedText}, false, phonegate.ChallengeApproved},
		{"the reply code from another number", whOther, "K7Q4M", false, []string{replyUnknownText}, false, phonegate.ChallengePending},
		{"a wrong reply code", whPhone, "K7Q4N", false, []string{replyUnknownText}, false, phonegate.ChallengePending},
		{"the six-digit code is not a reply code", whPhone, whCode, false, []string{replyUnknownText}, false, phonegate.ChallengePending},
		{"anything else", whPhone, "hello?", false, []string{replyUnknownText}, false, phonegate.ChallengePending},
		{"empty", whPhone, "", false, []string{replyUnknownText}, false, phonegate.ChallengePending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newWebhookHarness(t)
			ctx := context.Background()
			c := h.challenge(whPhone, "K7Q4M")
			if tt.optedOut {
				if err := h.db.SetOptOut(ctx, tt.from, true, h.clock.Now()); err != nil {
					t.Fatal(err)
				}
			}
			res, body := h.twilio("/twilio/sms/inbound", whForm(t, "sms-inbound", "From", tt.from, "Body", tt.body))
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/xml; charset=utf-8" {
				t.Errorf("status %d, Content-Type %q; want 200 text/xml", res.StatusCode, res.Header.Get("Content-Type"))
			}
			if diff := cmp.Diff(tt.reply, said(t, body)); diff != "" {
				t.Errorf("reply (-want +got):\n%s", diff)
			}
			if out, _ := h.db.OptedOut(ctx, tt.from); out != tt.wantOut {
				t.Errorf("opted out = %v, want %v", out, tt.wantOut)
			}
			if got, _ := h.db.Challenge(ctx, c.ID); got.State != tt.wantState {
				t.Errorf("challenge state = %s, want %s", got.State, tt.wantState)
			}
			if tt.wantState == phonegate.ChallengeCancelled {
				if kinds := h.auditKinds(); len(kinds) == 0 || kinds[len(kinds)-1] != "code.denied" {
					t.Errorf("audit kinds = %v, want code.denied last", kinds)
				}
			}
			if strings.Contains(h.logs.String(), "K7Q4M") || strings.Contains(h.logs.String(), whCode) {
				t.Errorf("the logs hold a code:\n%s", h.logs)
			}
		})
	}
}

// TestOptOutOffersCall: after STOP no SMS goes to the number, the user is
// told why and offered a call, and a call still works; START undoes it.
func TestOptOutOffersCall(t *testing.T) {
	h := newWebhookHarness(t)
	ctx := context.Background()
	c := h.challenge(whPhone, "")
	h.twilio("/twilio/sms/inbound", whForm(t, "sms-inbound", "Body", "STOP"))

	_, err := h.srv.SendCodeForTest(ctx, c, "sms", false)
	if !errors.Is(err, phonegate.ErrOptedOut) {
		t.Fatalf("SMS to an opted-out number: err = %v, want ErrOptedOut", err)
	}
	status, msg, ok := handlers.UserMessageForTest(err)
	if !ok || status != http.StatusConflict || !strings.Contains(msg, "opted out") || !strings.Contains(msg, "call you instead") {
		t.Errorf("the user reads %d %q, want 409 offering a call", status, msg)
	}
	if sms, _ := h.sender.sent(); len(sms) != 0 {
		t.Errorf("%d SMS sent to an opted-out number", len(sms))
	}
	if _, err := h.srv.SendCodeForTest(ctx, c, "call", false); err != nil {
		t.Errorf("call to an opted-out number: %v", err)
	}

	h.twilio("/twilio/sms/inbound", whForm(t, "sms-inbound", "Body", "START"))
	h.clock.Add(phonegate.SendCooldown)
	if _, err := h.srv.SendCodeForTest(ctx, c, "sms", false); err != nil {
		t.Errorf("SMS after START: %v", err)
	}
}
