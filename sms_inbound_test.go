package phonegate_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/sqlite"
)

// twilioSender refuses to send: the inbound and voice paths never send.
type twilioSender struct{ t *testing.T }

func (s twilioSender) SendSMS(context.Context, phonegate.SMS) (string, error) {
	s.t.Error("an SMS was sent")
	return "", nil
}

func (s twilioSender) PlaceCall(context.Context, phonegate.Call) (string, error) {
	s.t.Error("a call was placed")
	return "", nil
}

// twilioWorld is a service on a fresh SQLite file, with a fixed clock, a
// user and the log it writes.
type twilioWorld struct {
	svc  *phonegate.Service
	db   *sqlite.DB
	keys *phonegate.Keys
	user phonegate.User
	now  time.Time
	logs *bytes.Buffer
}

func newTwilioWorld(t *testing.T) *twilioWorld {
	t.Helper()
	ctx := context.Background()
	db, keys := openStore(t, 3)
	var err error
	w := &twilioWorld{db: db, keys: keys, now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), logs: &bytes.Buffer{}}
	w.svc, err = phonegate.New(phonegate.Config{Store: db, Sender: twilioSender{t}, Keys: keys,
		Hasher: phonegate.NewHasher(fast), Now: func() time.Time { return w.now },
		Logger: zerolog.New(w.logs), PublicURL: "https://phonegate.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if w.user, err = db.CreateUser(ctx, "ada@example.com", "", w.now); err != nil {
		t.Fatal(err)
	}
	return w
}

// challenge stores a pending challenge of the user for phone with the
// code and the reply code reply, living ten minutes.
func (w *twilioWorld) challenge(t *testing.T, id, phone, code, reply string) phonegate.Challenge {
	t.Helper()
	c := phonegate.Challenge{ID: id, UserID: w.user.ID, SessionHash: phonegate.HashToken(id),
		Purpose: phonegate.PurposeLogin, Label: "Apollo", Phone: phone,
		CodeMAC: w.keys.CodeMAC(id, code), CodeSealed: w.keys.Seal(id, code), ReplyMAC: w.keys.ReplyMAC(phone, reply),
		CreatedAt: w.now, ExpiresAt: w.now.Add(10 * time.Minute)}
	if err := w.db.CreateChallenge(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestInboundSMS: each command does what it asks and answers in the words
// the holder reads; the reply code approves the number's challenge only.
func TestInboundSMS(t *testing.T) {
	const phone, other = "+14155552671", "+14155550100"
	tests := []struct {
		name      string
		from      string
		body      string
		want      string
		wantOut   bool
		wantState string
	}{
		{"STOP", phone, "  Stop! ", "", true, phonegate.ChallengePending},
		{"START", phone, "unstop", "You are opted back in to verification texts.", false, phonegate.ChallengePending},
		{"HELP", phone, "Info?", "phonegate verification codes. Reply STOP to stop texts, NO if you did not ask for a code.", false, phonegate.ChallengePending},
		{"NOT ME", phone, " not   me! ", "Thanks. The pending code request was cancelled.", false, phonegate.ChallengeCancelled},
		{"NO from another number", other, "NO", "There was no pending code request for this number.", false, phonegate.ChallengePending},
		{"the reply code", phone, " k7 q4m ", "Thanks, your phone is verified. Go back to the page to continue.", false, phonegate.ChallengeApproved},
		{"the reply code from another number", other, "K7Q4M", "Sorry, that was not understood. Reply HELP for help.", false, phonegate.ChallengePending},
		{"the code is not a reply code", phone, "042917", "Sorry, that was not understood. Reply HELP for help.", false, phonegate.ChallengePending},
		{"no sender", "", "HELP", "Sorry, that was not understood. Reply HELP for help.", false, phonegate.ChallengePending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			w := newTwilioWorld(t)
			c := w.challenge(t, "challenge-1", phone, "042917", "K7Q4M")
			got, err := w.svc.InboundSMS(ctx, tt.from, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if got.Text != tt.want {
				t.Errorf("reply = %q, want %q", got.Text, tt.want)
			}
			if out, _ := w.db.OptedOut(ctx, tt.from); out != tt.wantOut {
				t.Errorf("opted out = %v, want %v", out, tt.wantOut)
			}
			if got, _ := w.db.Challenge(ctx, c.ID); got.State != tt.wantState {
				t.Errorf("challenge state = %s, want %s", got.State, tt.wantState)
			}
			if logs := w.logs.String(); strings.Contains(logs, "K7Q4M") || strings.Contains(logs, "042917") || strings.Contains(logs, phone) {
				t.Errorf("the logs hold a code or a whole number:\n%s", logs)
			}
		})
	}
}
