package phonegate_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
)

// countedAuthz is an authzWorld whose service counts its store's calls.
func countedAuthz(t *testing.T) (*authzWorld, *countingStore, *phonegate.Service) {
	t.Helper()
	w := newAuthzWorld(t)
	c := &countingStore{Store: w.db}
	svc, err := phonegate.New(phonegate.Config{Store: c, Sender: w.sender, Keys: w.keys,
		Hasher: phonegate.NewHasher(fast), Now: func() time.Time { return w.now },
		Logger: zerolog.Nop(), PublicURL: "https://phonegate.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	c.take()
	return w, c, svc
}

// TestAuthorizeOneRead: each check is one read of the store, whoever asks
// and whatever the answer, and writes nothing until the session's idle
// clock is a minute old; then one touch, and one read again after it.
func TestAuthorizeOneRead(t *testing.T) {
	ctx := context.Background()
	w, c, svc := countedAuthz(t)
	one := []string{"AuthzFacts"}
	for _, tt := range []struct {
		name, token, trust, host string
		after                    time.Duration // on the clock before the check
		want                     []string
		verdict                  phonegate.Verdict
	}{
		{"a member", w.token, "", "app.example.com", 10 * time.Second, one, phonegate.VerdictAllow},
		{"with a trusted computer", w.token, "some trust token", "app.example.com", 10 * time.Second, one, phonegate.VerdictAllow},
		{"no session", "", "", "app.example.com", 10 * time.Second, one, phonegate.VerdictLogin},
		{"an unknown token", "nope", "", "app.example.com", 10 * time.Second, one, phonegate.VerdictLogin},
		{"a wildcard's subdomain, unknown", w.token, "", "wiki.example.com", 10 * time.Second, one, phonegate.VerdictUnknownHost},
		{"not a hostname", w.token, "", "::1", 0, nil, phonegate.VerdictUnknownHost},
		{"a minute on: one touch", w.token, "", "app.example.com", 15 * time.Second, []string{"AuthzFacts", "TouchSession"}, phonegate.VerdictAllow},
		{"just after the touch", w.token, "", "app.example.com", time.Second, one, phonegate.VerdictAllow},
		{"59 seconds after it", w.token, "", "app.example.com", 58 * time.Second, one, phonegate.VerdictAllow},
	} {
		w.now = w.now.Add(tt.after)
		res, err := svc.Authorize(ctx, tt.token, tt.trust, tt.host)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if res.Verdict != tt.verdict {
			t.Errorf("%s: verdict got %v, want %v", tt.name, res.Verdict, tt.verdict)
		}
		if diff := cmp.Diff(tt.want, c.take()); diff != "" {
			t.Errorf("%s: store calls (-want +got):\n%s", tt.name, diff)
		}
	}
}

// gateState is one combination of what the gate looks at.
type gateState struct {
	level                          phonegate.Level
	phone, passed, reveal, trusted bool
}

// set puts the world's owner and session into st.
func (w *authzWorld) set(t *testing.T, st gateState) {
	t.Helper()
	ctx := context.Background()
	if _, err := w.db.SetMFALevel(ctx, w.proj.ID, w.user.ID, string(st.level), w.now); err != nil {
		t.Fatal(err)
	}
	if st.phone {
		c := phonegate.Challenge{ID: "enroll", UserID: w.user.ID, SessionHash: w.sess.TokenHash, Purpose: phonegate.PurposeEnroll,
			Label: "Apollo", Phone: testPhone, CodeMAC: []byte("mac"), CodeSealed: []byte("sealed"),
			CreatedAt: w.now, ExpiresAt: w.now.Add(phonegate.ChallengeLife)}
		if err := w.db.CreateChallenge(ctx, c); err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.TakeCheck(ctx, c.ID, c.SessionHash, w.now); err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.PassChallenge(ctx, c.ID, c.SessionHash, phonegate.Pass{EmergencyHash: "$argon2id$e"}, w.now); err != nil {
			t.Fatal(err)
		}
	}
	if st.passed {
		token, _, err := w.svc.RenewSession(ctx, w.token, w.now)
		if err != nil {
			t.Fatal(err)
		}
		w.token = token
	}
	if st.reveal {
		if err := w.db.SetReveal(ctx, phonegate.HashToken(w.token), phonegate.RevealEmergency, []byte("sealed"), w.now); err != nil {
			t.Fatal(err)
		}
	}
	if st.trusted {
		if err := w.db.AddTrustedComputer(ctx, phonegate.TrustedComputer{TokenHash: phonegate.HashToken("trust"),
			UserID: w.user.ID, CreatedAt: w.now.Add(-time.Hour), LastMFAAt: w.now.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAuthorizeAgreesWithGate: the check lets a session through exactly
// when the gate lets it into phonegate's pages, at every level, with and
// without a phone, the code passed, an emergency code waiting and a
// trusted computer.
func TestAuthorizeAgreesWithGate(t *testing.T) {
	ctx := context.Background()
	steps := map[phonegate.Step]int{}
	for _, level := range phonegate.Levels {
		for i := range 16 {
			st := gateState{level: level, phone: i&1 != 0, passed: i&2 != 0, reveal: i&4 != 0, trusted: i&8 != 0}
			w := newAuthzWorld(t)
			w.set(t, st)
			sess, u, err := w.svc.OpenSession(ctx, w.token)
			if err != nil {
				t.Fatal(err)
			}
			g, err := w.svc.Gate(ctx, u, sess, "trust")
			if err != nil {
				t.Fatal(err)
			}
			steps[g.Step]++
			res, err := w.svc.Authorize(ctx, w.token, "trust", "app.example.com")
			if err != nil {
				t.Fatal(err)
			}
			if got, want := res.Verdict == phonegate.VerdictAllow, g.Step == phonegate.StepNone; got != want {
				t.Errorf("%+v: allowed %v, but the gate's step is %v", st, got, g.Step)
			}
		}
	}
	if len(steps) != 4 {
		t.Errorf("the states reached only the steps %v, want all four", steps)
	}
}
