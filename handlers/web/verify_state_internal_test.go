package web

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

// TestCodeStateOf checks the order in which one state of the code page
// hides another, and what each offers, on facts made by hand.
func TestCodeStateOf(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	live := phonegate.Challenge{State: phonegate.ChallengePending, Sends: 1, LastSendAt: now.Add(-time.Minute), ExpiresAt: now.Add(5 * time.Minute)}
	sms := func(status string) phonegate.Delivery {
		return phonegate.Delivery{Channel: phonegate.ChannelSMS, Status: status}
	}
	call := func(status string) phonegate.Delivery {
		return phonegate.Delivery{Channel: phonegate.ChannelCall, Status: status}
	}
	with := func(c phonegate.Challenge, f func(*phonegate.Challenge)) phonegate.Challenge { f(&c); return c }
	tests := []struct {
		name     string
		facts    phonegate.CodeFacts
		kind     codeKind
		buttons  []string // channels, the main one first
		codeBox  bool
		words    string // in the message
		resendAt time.Time
	}{
		{name: "the lock hides a dead code", kind: codeLocked, words: "locked until {at}",
			facts: phonegate.CodeFacts{Challenge: with(live, func(c *phonegate.Challenge) { c.Checks = 5 }), Deliveries: []phonegate.Delivery{sms("delivered")},
				LockedUntil: now.Add(time.Minute), Emergency: true}},
		{name: "a dead code at the number's limit offers nothing", kind: codeDead, words: "No more codes can be sent to this number now",
			facts: phonegate.CodeFacts{Challenge: with(live, func(c *phonegate.Challenge) { c.Checks = 5 }), Deliveries: []phonegate.Delivery{sms("delivered")},
				Blocks: phonegate.SendBlocks{NumberUntil: now.Add(time.Hour)}}},
		{name: "an expired code of an opted-out number", kind: codeExpired, buttons: []string{"call"}, words: "expired",
			facts: phonegate.CodeFacts{Challenge: with(live, func(c *phonegate.Challenge) { c.ExpiresAt = now }), OptedOut: true, Preferred: phonegate.ChannelSMS}},
		{name: "five sends of a live code", kind: codeLimited, codeBox: true, words: "once it expires, at {at}",
			facts: phonegate.CodeFacts{Challenge: with(live, func(c *phonegate.Challenge) { c.Sends = 5 }), Deliveries: []phonegate.Delivery{sms("sent")}}},
		{name: "a wrong code hides the automatic call", kind: codeWrong, codeBox: true, buttons: []string{"call", "sms"}, words: "4 tries left",
			facts: phonegate.CodeFacts{Challenge: with(live, func(c *phonegate.Challenge) { c.Checks, c.AutoCallDone = 1, true }),
				Deliveries: []phonegate.Delivery{sms("undelivered"), call("ringing")}, Preferred: phonegate.ChannelSMS}},
		{name: "the automatic call", kind: codeAutoCall, codeBox: true, buttons: []string{"call", "sms"}, words: "calling you",
			facts: phonegate.CodeFacts{Challenge: with(live, func(c *phonegate.Challenge) { c.AutoCallDone = true }),
				Deliveries: []phonegate.Delivery{sms("undelivered"), call("ringing")}, Preferred: phonegate.ChannelSMS}},
		{name: "the automatic call not answered either", kind: codeFailed, codeBox: true, buttons: []string{"sms", "call"}, words: "The call was not answered.",
			facts: phonegate.CodeFacts{Challenge: with(live, func(c *phonegate.Challenge) { c.AutoCallDone = true }),
				Deliveries: []phonegate.Delivery{sms("undelivered"), call("no-answer")}, Preferred: phonegate.ChannelSMS}},
		{name: "the preferred call goes first", kind: codeNone, buttons: []string{"call", "sms"},
			facts: phonegate.CodeFacts{Challenge: with(live, func(c *phonegate.Challenge) { c.Sends = 0 }), Preferred: phonegate.ChannelCall}},
		{name: "the 30-second wait", kind: codeSent, codeBox: true, buttons: []string{"sms", "call"}, resendAt: now.Add(20 * time.Second),
			facts: phonegate.CodeFacts{Challenge: with(live, func(c *phonegate.Challenge) { c.LastSendAt = now.Add(-10 * time.Second) }),
				Deliveries: []phonegate.Delivery{sms("queued")}, Preferred: phonegate.ChannelSMS}},
		{name: "the day's SMS cap leaves the call", kind: codeSent, codeBox: true, buttons: []string{"call"},
			facts: phonegate.CodeFacts{Challenge: live, Deliveries: []phonegate.Delivery{sms("delivered")}, Preferred: phonegate.ChannelSMS,
				Blocks: phonegate.SendBlocks{DailySMS: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.facts.Now = now
			st := codeStateOf(tt.facts)
			if st.Kind != tt.kind {
				t.Errorf("kind: got %q, want %q", st.Kind, tt.kind)
			}
			var got []string
			for _, b := range st.Buttons {
				got = append(got, b.Channel)
			}
			if diff := cmp.Diff(tt.buttons, got); diff != "" {
				t.Errorf("buttons (-want +got):\n%s", diff)
			}
			if st.CodeBox != tt.codeBox {
				t.Errorf("code box: got %v, want %v", st.CodeBox, tt.codeBox)
			}
			if !strings.Contains(st.Message, tt.words) {
				t.Errorf("message %q does not say %q", st.Message, tt.words)
			}
			if !st.ResendAt.Equal(tt.resendAt) {
				t.Errorf("resend at: got %v, want %v", st.ResendAt, tt.resendAt)
			}
			if st.Kind == codeLocked && (st.Emergency || st.Reply || len(st.Buttons) > 0) {
				t.Errorf("the lock offers something: %+v", st)
			}
		})
	}
}

func TestCodeStateHTML(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 15, 0, 0, time.UTC)
	st := codeState{Message: "Locked until {at}. <b>", At: at}
	if got, want := string(st.HTML()), `Locked until <time class="local" datetime="2026-03-01T09:15:00Z">09:15 UTC</time>. &lt;b&gt;`; got != want {
		t.Errorf("HTML: got %q, want %q", got, want)
	}
	if got, want := st.Text(), "Locked until 09:15 UTC. <b>"; got != want {
		t.Errorf("Text: got %q, want %q", got, want)
	}
}
