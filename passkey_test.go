package phonegate_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/internal/softkey"
)

// withPasskey is people whose ada has a session, a verified phone and a
// passkey named "Laptop" made by key, a software authenticator.
type withPasskey struct {
	*people
	sess phonegate.Session
	key  *softkey.Authenticator
}

func newWithPasskey(t *testing.T) *withPasskey {
	t.Helper()
	w := &withPasskey{people: newPeople(t), key: softkey.New("https://gate.example")}
	w.ada.PhoneVerified = true // the phone is the anchor: a passkey comes beside it
	w.sess = w.newSession(t, "session")
	// Second-factor events go to the audit log of projects with 2FA on.
	if _, err := w.db.SetMFALevel(context.Background(), w.p.ID, w.ada.ID, string(phonegate.LevelEveryLogin), w.now); err != nil {
		t.Fatal(err)
	}
	if _, err := w.register(w.sess, "Laptop"); err != nil {
		t.Fatal(err)
	}
	return w
}

// newSession stores a session of ada's whose token hash is hash.
func (w *withPasskey) newSession(t *testing.T, hash string) phonegate.Session {
	t.Helper()
	s := phonegate.Session{TokenHash: []byte(hash), UserID: w.ada.ID, CSRFToken: "c", CreatedAt: w.now, LastSeenAt: w.now}
	if err := w.db.CreateSession(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

// register adds a passkey named name through the two steps of the
// account page, in session sess.
func (w *withPasskey) register(sess phonegate.Session, name string) (phonegate.Factor, error) {
	ctx := context.Background()
	options, err := w.svc.BeginPasskey(ctx, w.ada, sess, name)
	if err != nil {
		return phonegate.Factor{}, err
	}
	answer, err := w.key.Create(options)
	if err != nil {
		return phonegate.Factor{}, err
	}
	return w.svc.FinishPasskey(ctx, w.ada, sess, answer)
}

// options asks for a login's options in session sess.
func (w *withPasskey) options(t *testing.T, sess phonegate.Session) []byte {
	t.Helper()
	u, _ := w.db.User(context.Background(), w.ada.ID)
	o, err := w.svc.BeginPasskeyLogin(context.Background(), u, sess)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// login answers options with the authenticator, in session sess.
func (w *withPasskey) login(t *testing.T, sess phonegate.Session, options []byte) error {
	t.Helper()
	answer, err := w.key.Get(options)
	if err != nil {
		t.Fatal(err)
	}
	return w.use(sess, answer)
}

// use sends answer as session sess's passkey login.
func (w *withPasskey) use(sess phonegate.Session, answer []byte) error {
	u, err := w.db.User(context.Background(), w.ada.ID)
	if err != nil {
		return err
	}
	_, err = w.svc.UsePasskey(context.Background(), u, sess, "", answer)
	return err
}

// failures is ada's count of second-factor failures.
func (w *withPasskey) failures(t *testing.T) int {
	t.Helper()
	u, err := w.db.User(context.Background(), w.ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	return u.MFAFailures
}

// challengeOf reads the challenge of a ceremony's options.
func challengeOf(t *testing.T, options []byte) string {
	t.Helper()
	var o struct {
		PublicKey struct {
			Challenge string `json:"challenge"`
		} `json:"publicKey"`
	}
	if err := json.Unmarshal(options, &o); err != nil || o.PublicKey.Challenge == "" {
		t.Fatalf("options %s: no challenge (%v)", options, err)
	}
	return o.PublicKey.Challenge
}

// signAt answers challenge with credential c of key, at sign count counter.
func signAt(key *softkey.Authenticator, c *softkey.Credential, challenge string, counter uint32) ([]byte, error) {
	key.Counter = counter
	return key.Sign(c, challenge)
}

// auditDetails joins the details of the audit events of kind in ada's
// project, newest first.
func auditDetails(t *testing.T, w *people, kind string) string {
	t.Helper()
	es, err := w.db.AuditEvents(context.Background(), w.p.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if e.Kind == kind {
			out = append(out, e.Detail)
		}
	}
	return strings.Join(out, "; ")
}

// TestPasskeyAdded: the passkey is stored sealed under its name, counts at
// once, is audited and mailed about; the relying party is PUBLIC_URL's host.
func TestPasskeyAdded(t *testing.T) {
	w := newWithPasskey(t)
	ctx := context.Background()
	if got, want := w.svc.PasskeyRPID(), "gate.example"; got != want {
		t.Errorf("relying-party ID: got %q, want %q", got, want)
	}
	fs, _ := w.db.Factors(ctx, w.ada.ID)
	if len(fs) != 1 || fs[0].Kind != phonegate.FactorPasskey || fs[0].Name != "Laptop" || !fs[0].Confirmed() {
		t.Fatalf("factors: got %+v, want one confirmed passkey named Laptop", fs)
	}
	if strings.Contains(string(fs[0].Secret), "publicKey") {
		t.Error("the credential is stored in the clear")
	}
	if n := w.mail.sent(phonegate.NoticeFactorAdded); len(n) != 1 || !strings.Contains(n[0].Factor, "Laptop") {
		t.Errorf("factor-added notices: got %+v, want one naming the passkey", n)
	}
	if has, first, err := w.svc.HasPasskey(ctx, w.ada); !has || !first || err != nil {
		t.Errorf("HasPasskey = %v, %v, %v; want had, and first (the newest way in)", has, first, err)
	}
	// The same authenticator's key again is refused by the browser
	// (excluded); a second one is welcome.
	w.key = softkey.New("https://gate.example")
	if _, err := w.register(w.sess, "Phone"); err != nil {
		t.Fatalf("a second passkey: %v", err)
	}
	for _, name := range []string{"", "   ", strings.Repeat("x", 41), "bad\x00name"} {
		if _, err := w.svc.BeginPasskey(ctx, w.ada, w.sess, name); phonegate.ErrorCode(err) != phonegate.EInvalid {
			t.Errorf("name %q: got %v, want EInvalid", name, err)
		}
	}
	noPhone := w.ada
	noPhone.PhoneVerified = false
	if _, err := w.svc.BeginPasskey(ctx, noPhone, w.sess, "Tablet"); phonegate.ErrorMessage(err) == "" {
		t.Errorf("a passkey without a verified phone: got %v, want refused in words", err)
	}
}

// TestPasskeyLogin: a passkey's answer passes the second factor, moves its
// counter on, is audited and makes it the first offer.
func TestPasskeyLogin(t *testing.T) {
	w := newWithPasskey(t)
	w.key.Counter = 5
	w.now = w.now.Add(time.Minute)
	if err := w.login(t, w.sess, w.options(t, w.sess)); err != nil {
		t.Fatalf("login: %v", err)
	}
	fs, _ := w.db.Factors(context.Background(), w.ada.ID)
	if fs[0].Counter != 6 || !fs[0].LastUsedAt.Equal(w.now) {
		t.Errorf("after a login: got %+v, want counter 6, used now", fs[0])
	}
	if got := auditDetails(t, w.people, "2fa.passed"); !strings.Contains(got, "passkey “Laptop” accepted") {
		t.Errorf("audit of the pass: got %q", got)
	}
}

// TestPasskeyCounterBackwards: an answer whose sign counter is not above
// the stored one is refused, counted and audited; both zero (an
// authenticator without a count) passes.
func TestPasskeyCounterBackwards(t *testing.T) {
	tests := []struct {
		name          string
		stored, given uint32 // the counter of a first login, then of the answer
		pass          bool
	}{
		{"forward", 7, 8, true},
		{"the same", 7, 7, false},
		{"backwards", 7, 3, false},
		{"back to zero", 7, 0, false},
		{"both zero", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWithPasskey(t)
			cred := w.key.Credentials()[0]
			if tt.stored != 0 {
				w.key.Counter = tt.stored - 1 // Sign moves it on to stored
				if err := w.login(t, w.sess, w.options(t, w.sess)); err != nil {
					t.Fatal(err)
				}
			}
			w.key.Counter = 0
			options := w.options(t, w.sess)
			challenge := challengeOf(t, options)
			answer, err := signAt(w.key, cred, challenge, tt.given)
			if err != nil {
				t.Fatal(err)
			}
			err = w.use(w.sess, answer)
			if got := err == nil; got != tt.pass {
				t.Fatalf("passed: got %v (%v), want %v", got, err, tt.pass)
			}
			if tt.pass {
				return
			}
			if !errors.Is(err, phonegate.ErrCodeRefused) || phonegate.ErrorMessage(err) == "" {
				t.Errorf("refusal: got %v, want ErrCodeRefused in words", err)
			}
			if got := w.failures(t); got != 1 {
				t.Errorf("failures: got %d, want 1", got)
			}
			if got := auditDetails(t, w.people, "2fa.failed"); !strings.Contains(got, "sign counter went back") {
				t.Errorf("audit: got %q, want the counter named", got)
			}
		})
	}
}

// TestPasskeyChallengeRules: a login's challenge works once, within five
// minutes, for the session that asked only; none of these refusals
// compares anything, so none counts toward the lock.
func TestPasskeyChallengeRules(t *testing.T) {
	t.Run("used twice", func(t *testing.T) {
		w := newWithPasskey(t)
		options := w.options(t, w.sess)
		answer, err := w.key.Get(options)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.use(w.sess, answer); err != nil {
			t.Fatal(err)
		}
		if err := w.use(w.sess, answer); !errors.Is(err, phonegate.ErrCodeRefused) {
			t.Errorf("the same answer again: got %v, want ErrCodeRefused", err)
		}
	})
	t.Run("expiry", func(t *testing.T) {
		for _, tt := range []struct {
			after time.Duration
			pass  bool
		}{{phonegate.PasskeyChallengeLife - time.Second, true}, {phonegate.PasskeyChallengeLife, false}} {
			w := newWithPasskey(t)
			options := w.options(t, w.sess)
			w.now = w.now.Add(tt.after)
			if err := w.login(t, w.sess, options); (err == nil) != tt.pass {
				t.Errorf("after %v: got %v, want passed %v", tt.after, err, tt.pass)
			}
		}
	})
	t.Run("another session's", func(t *testing.T) {
		w := newWithPasskey(t)
		other := w.newSession(t, "other")
		options := w.options(t, w.sess)
		if err := w.login(t, other, options); !errors.Is(err, phonegate.ErrCodeRefused) {
			t.Errorf("answered in another session: got %v, want ErrCodeRefused", err)
		}
		// That session's own challenge does not take another's answer.
		w.options(t, other)
		if err := w.login(t, other, options); !errors.Is(err, phonegate.ErrCodeRefused) {
			t.Errorf("answered in a session with its own challenge: got %v, want ErrCodeRefused", err)
		}
		if err := w.login(t, w.sess, options); err != nil {
			t.Errorf("the asking session, after: %v", err)
		}
	})
	t.Run("registration's challenge", func(t *testing.T) {
		w := newWithPasskey(t)
		options, err := w.svc.BeginPasskey(context.Background(), w.ada, w.sess, "Phone")
		if err != nil {
			t.Fatal(err)
		}
		w.now = w.now.Add(phonegate.PasskeyChallengeLife)
		answer, _ := softkey.New("https://gate.example").Create(options)
		if _, err := w.svc.FinishPasskey(context.Background(), w.ada, w.sess, answer); phonegate.ErrorMessage(err) == "" {
			t.Errorf("registration after its challenge's life: got %v, want refused in words", err)
		}
	})
}

// TestPasskeyLock: wrong answers count toward the same lock as codes,
// taken before the comparison; the tenth locks, and then neither options
// nor a right answer are given.
func TestPasskeyLock(t *testing.T) {
	w := newWithPasskey(t)
	forged := softkey.New("https://gate.example")
	forged.Create([]byte(`{"publicKey":{"challenge":"AAAA","rp":{"id":"gate.example"},"user":{"id":"MQ"}}}`))
	stolenID := w.key.Credentials()[0]
	for i := range phonegate.MaxMFAFailures {
		options := w.options(t, w.sess)
		// Another key's signature under the passkey's credential ID.
		fake := *forged.Credentials()[0]
		fake.ID, fake.RPID = stolenID.ID, stolenID.RPID
		answer, err := forged.Sign(&fake, challengeOf(t, options))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.use(w.sess, answer); !errors.Is(err, phonegate.ErrCodeRefused) {
			t.Fatalf("forged answer %d: got %v, want ErrCodeRefused", i+1, err)
		}
	}
	u, _ := w.db.User(context.Background(), w.ada.ID)
	if !w.svc.Locked(u) {
		t.Fatal("ten forged answers did not lock")
	}
	if _, err := w.svc.BeginPasskeyLogin(context.Background(), u, w.sess); !errors.Is(err, phonegate.ErrCodeRefused) {
		t.Errorf("options while locked: got %v, want ErrCodeRefused", err)
	}
}

// TestPasskeysOffForAnIP: a gate reached by an IP address offers no
// passkeys (browsers refuse such a relying-party ID), and says why.
func TestPasskeysOffForAnIP(t *testing.T) {
	w := newPeople(t)
	db, keys := openStore(t, 0)
	svc, err := phonegate.New(phonegate.Config{Store: db, Sender: noCodes{t}, Keys: keys, Hasher: phonegate.NewHasher(fast),
		PublicURL: "http://127.0.0.1:8080"})
	if err != nil {
		t.Fatal(err)
	}
	if svc.PasskeysOn() || !w.svc.PasskeysOn() {
		t.Errorf("PasskeysOn: got %v for an IP and %v for a name, want false and true", svc.PasskeysOn(), w.svc.PasskeysOn())
	}
	u := w.ada
	u.PhoneVerified = true
	if _, err := svc.BeginPasskey(context.Background(), u, phonegate.Session{}, "Laptop"); !strings.Contains(phonegate.ErrorMessage(err), "IP address") {
		t.Errorf("BeginPasskey on an IP: got %v, want the reason in words", err)
	}
}

// TestPasskeyRPIDIsTheCookieDomain: with a cookie domain, passkeys are
// made for it, so that they work on every host of it.
func TestPasskeyRPIDIsTheCookieDomain(t *testing.T) {
	db, keys := openStore(t, 0)
	svc, err := phonegate.New(phonegate.Config{Store: db, Sender: noCodes{t}, Keys: keys, Hasher: phonegate.NewHasher(fast),
		PublicURL: "https://gate.example.com", CookieDomain: "example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := svc.PasskeyRPID(), "example.com"; got != want {
		t.Errorf("relying-party ID: got %q, want %q", got, want)
	}
}
