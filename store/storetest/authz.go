package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

// authzSeen is what a test compares of AuthzFacts.
type authzSeen struct {
	Project     string
	Live        bool
	User        string
	PhoneOK     bool
	Role        string
	Memberships []string // "project level role", in the store's order
	Reveal      bool
	Trusted     bool
}

func seenOf(f phonegate.AuthzFacts) authzSeen {
	s := authzSeen{Project: f.Project.Name, Live: f.Live, User: f.User.Email, PhoneOK: f.User.PhoneVerified,
		Role: f.Role, Reveal: f.RevealWaits, Trusted: f.Trust.UserID != 0}
	for _, m := range f.Memberships {
		s.Memberships = append(s.Memberships, m.Project.Name+" "+m.Project.MFALevel+" "+m.Role)
	}
	return s
}

// authzFixture: ada owns Apollo (app.example.com, every login) and Zeta
// (*.example.com, once per computer), and has a verified phone; bob owns
// Gemini and is invited to Apollo, not accepted; eve owns Other.
func authzFixture(t *testing.T, open opener) (phonegate.Store, phonegate.User) {
	t.Helper()
	db := open(t)
	ctx := context.Background()
	ada, _ := db.CreateUser(ctx, "ada@example.com", "ada's hash", t0)
	bob, _ := db.CreateUser(ctx, "bob@example.com", "h", t0)
	eve, _ := db.CreateUser(ctx, "eve@example.com", "h", t0)
	apollo, _ := db.CreateProject(ctx, ada.ID, "Apollo", t0)
	zeta, _ := db.CreateProject(ctx, ada.ID, "Zeta", t0)
	db.CreateProject(ctx, bob.ID, "Gemini", t0)
	db.CreateProject(ctx, eve.ID, "Other", t0)
	for _, set := range []struct {
		p     phonegate.Project
		level phonegate.Level
	}{{apollo, phonegate.LevelEveryLogin}, {zeta, phonegate.LevelPerComputer}} {
		if _, err := db.SetMFALevel(ctx, set.p.ID, ada.ID, string(set.level), t0); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AddSite(ctx, "app.example.com", apollo.ID, ada.ID, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.AddSite(ctx, "*.example.com", zeta.ID, ada.ID, t0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := invite(ctx, db, bob.Email, apollo.ID, phonegate.RoleDeveloper, ada.ID, []byte("i"), t0.Add(week), t0); err != nil {
		t.Fatal(err)
	}
	c := newChallenge(t, db, ada.ID, "enroll", phonegate.PurposeEnroll, t0)
	if _, err := db.TakeCheck(ctx, c.ID, c.SessionHash, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PassChallenge(ctx, c.ID, c.SessionHash, phonegate.Pass{EmergencyHash: "$argon2id$e"}, t0); err != nil {
		t.Fatal(err)
	}
	for _, s := range []phonegate.Session{
		{TokenHash: []byte("ada"), UserID: ada.ID, CreatedAt: t0, LastSeenAt: t0},
		{TokenHash: []byte("ada, reveal"), UserID: ada.ID, CreatedAt: t0, LastSeenAt: t0},
		{TokenHash: []byte("ada, idle"), UserID: ada.ID, CreatedAt: t0.Add(-40 * time.Minute), LastSeenAt: t0.Add(-31 * time.Minute)},
		{TokenHash: []byte("ada, old"), UserID: ada.ID, CreatedAt: t0.Add(-13 * time.Hour), LastSeenAt: t0},
		{TokenHash: []byte("ada, gone"), UserID: ada.ID, CreatedAt: t0, LastSeenAt: t0},
		{TokenHash: []byte("bob"), UserID: bob.ID, CreatedAt: t0, LastSeenAt: t0},
		{TokenHash: []byte("eve"), UserID: eve.ID, CreatedAt: t0, LastSeenAt: t0},
	} {
		s.CSRFToken = "c"
		if err := db.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeleteSession(ctx, []byte("ada, gone")); err != nil {
		t.Fatal(err)
	}
	if err := db.SetReveal(ctx, []byte("ada, reveal"), phonegate.RevealEmergency, []byte("sealed"), t0); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []phonegate.TrustedComputer{
		{TokenHash: []byte("ada's pc"), UserID: ada.ID, CreatedAt: t0, LastMFAAt: t0},
		{TokenHash: []byte("eve's pc"), UserID: eve.ID, CreatedAt: t0, LastMFAAt: t0},
	} {
		if err := db.AddTrustedComputer(ctx, tc); err != nil {
			t.Fatal(err)
		}
	}
	return db, ada
}

// authzAt is the query of one check at t0 plus a minute.
func authzAt(host, wildcard, session, trust string) phonegate.AuthzQuery {
	now := t0.Add(time.Minute)
	q := phonegate.AuthzQuery{Host: host, Wildcard: wildcard,
		IdleSince: now.Add(-30 * time.Minute), CreatedSince: now.Add(-12 * time.Hour)}
	if session != "" {
		q.SessionHash = []byte(session)
	}
	if trust != "" {
		q.TrustHash = []byte(trust)
	}
	return q
}

// testAuthzFacts: the one read of the forward-auth check, fact by fact.
func testAuthzFacts(t *testing.T, open opener) {
	db, _ := authzFixture(t, open)
	ctx := context.Background()
	adaMs := []string{"Apollo every_login owner", "Zeta per_computer owner"}
	ada := authzSeen{Project: "Apollo", Live: true, User: "ada@example.com", PhoneOK: true, Role: "owner", Memberships: adaMs}
	with := func(s authzSeen, edit func(*authzSeen)) authzSeen { edit(&s); return s }
	notLive := func(p string) authzSeen { return authzSeen{Project: p} }
	for _, tt := range []struct {
		name string
		q    phonegate.AuthzQuery
		want authzSeen
	}{
		{"exact host", authzAt("app.example.com", "", "ada", ""), ada},
		{"exact beats wildcard", authzAt("app.example.com", "*.example.com", "ada", ""), ada},
		{"wildcard host", authzAt("wiki.example.com", "*.example.com", "ada", ""),
			with(ada, func(s *authzSeen) { s.Project = "Zeta" })},
		{"no session", authzAt("app.example.com", "", "", ""), notLive("Apollo")},
		{"unknown session", authzAt("app.example.com", "", "nobody", ""), notLive("Apollo")},
		{"idle session", authzAt("app.example.com", "", "ada, idle", ""), notLive("Apollo")},
		{"past its absolute life", authzAt("app.example.com", "", "ada, old", ""), notLive("Apollo")},
		{"deleted session", authzAt("app.example.com", "", "ada, gone", ""), notLive("Apollo")},
		{"pending membership", authzAt("app.example.com", "", "bob", ""),
			authzSeen{Project: "Apollo", Live: true, User: "bob@example.com", Memberships: []string{"Gemini off owner"}}},
		{"member of another project only", authzAt("app.example.com", "", "eve", ""),
			authzSeen{Project: "Apollo", Live: true, User: "eve@example.com", Memberships: []string{"Other off owner"}}},
		{"reveal waiting", authzAt("app.example.com", "", "ada, reveal", ""),
			with(ada, func(s *authzSeen) { s.Reveal = true })},
		{"own trusted computer", authzAt("app.example.com", "", "ada", "ada's pc"),
			with(ada, func(s *authzSeen) { s.Trusted = true })},
		{"another user's trusted computer", authzAt("app.example.com", "", "ada", "eve's pc"), ada},
		{"a trusted computer without a session", authzAt("app.example.com", "", "", "ada's pc"), notLive("Apollo")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := db.AuthzFacts(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, seenOf(f)); diff != "" {
				t.Errorf("facts (-want +got):\n%s", diff)
			}
			if f.User.PasswordHash != "" || f.User.EmergencyHash != "" {
				t.Errorf("the check read a hash: %+v", f.User)
			}
		})
	}
	for _, tt := range []struct{ name, host, wildcard string }{
		{"unknown host", "other.test", ""},
		{"no site, wildcard of another level", "a.b.example.com", "*.b.example.com"},
		{"a wildcard does not cover its own domain", "example.com", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := db.AuthzFacts(ctx, authzAt(tt.host, tt.wildcard, "ada", "")); !errors.Is(err, phonegate.ErrNotFound) {
				t.Errorf("err = %v, want ErrNotFound", err)
			}
		})
	}
	t.Run("the session and the trust as stored", func(t *testing.T) {
		f, err := db.AuthzFacts(ctx, authzAt("app.example.com", "", "ada", "ada's pc"))
		if err != nil {
			t.Fatal(err)
		}
		if string(f.Session.TokenHash) != "ada" || f.Session.UserID != f.User.ID || f.User.ID == 0 ||
			!f.Session.LastSeenAt.Equal(t0) || !f.Trust.LastMFAAt.Equal(t0) || !f.Trust.CreatedAt.Equal(t0) {
			t.Errorf("session %+v, user %d, trust %+v", f.Session, f.User.ID, f.Trust)
		}
		for _, m := range f.Memberships {
			if m.UserID != f.User.ID || m.Project.ID == 0 {
				t.Errorf("membership %+v of user %d", m, f.User.ID)
			}
		}
	})
}

// testAuthzFactsAgain: the same check asked again after a change answers
// from the change, whatever a store keeps between checks; and time alone
// ends a session, in either direction of the clock.
func testAuthzFactsAgain(t *testing.T, open opener) {
	ctx := context.Background()
	at := func(q phonegate.AuthzQuery, d time.Duration) phonegate.AuthzQuery {
		q.IdleSince, q.CreatedSince = q.IdleSince.Add(d), q.CreatedSince.Add(d)
		return q
	}
	ada := authzAt("app.example.com", "", "ada", "")
	for _, tt := range []struct {
		name          string
		first, second phonegate.AuthzQuery
		change        func(t *testing.T, db phonegate.Store, f phonegate.AuthzFacts)
		want          func(t *testing.T, f phonegate.AuthzFacts, err error)
	}{
		{"logout", ada, ada, func(t *testing.T, db phonegate.Store, f phonegate.AuthzFacts) {
			must(t, db.DeleteSession(ctx, []byte("ada")))
		}, func(t *testing.T, f phonegate.AuthzFacts, err error) {
			if err != nil || f.Live {
				t.Errorf("after logout: live %v, %v", f.Live, err)
			}
		}},
		{"level tightened", ada, ada, func(t *testing.T, db phonegate.Store, f phonegate.AuthzFacts) {
			_, err := db.SetMFALevel(ctx, f.Project.ID, f.User.ID, string(phonegate.Level30Days), t0)
			must(t, err)
		}, func(t *testing.T, f phonegate.AuthzFacts, err error) {
			if err != nil || len(f.Memberships) == 0 || f.Memberships[0].Project.MFALevel != string(phonegate.Level30Days) {
				t.Errorf("after the level changed: %+v, %v", f.Memberships, err)
			}
		}},
		{"site removed", ada, ada, func(t *testing.T, db phonegate.Store, f phonegate.AuthzFacts) {
			must(t, db.RemoveSite(ctx, "app.example.com", f.Project.ID, f.User.ID, t0))
		}, func(t *testing.T, f phonegate.AuthzFacts, err error) {
			if !errors.Is(err, phonegate.ErrNotFound) {
				t.Errorf("after the site was removed: %v, want ErrNotFound", err)
			}
		}},
		{"site added", authzAt("new.test", "", "ada", ""), authzAt("new.test", "", "ada", ""),
			func(t *testing.T, db phonegate.Store, _ phonegate.AuthzFacts) {
				u, err := db.UserByEmail(ctx, "ada@example.com")
				must(t, err)
				ms, err := db.Memberships(ctx, u.ID)
				must(t, err)
				must(t, db.AddSite(ctx, "new.test", ms[0].Project.ID, u.ID, t0))
			}, func(t *testing.T, f phonegate.AuthzFacts, err error) {
				if err != nil || f.Project.Name != "Apollo" || !f.Live {
					t.Errorf("after the site was added: %q live %v, %v", f.Project.Name, f.Live, err)
				}
			}},
		{"second factor reset", ada, ada, func(t *testing.T, db phonegate.Store, f phonegate.AuthzFacts) {
			must(t, db.ResetSecondFactor(ctx, f.User.ID, f.User.ID, []byte("recovery"), t0))
		}, func(t *testing.T, f phonegate.AuthzFacts, err error) {
			if err != nil || f.User.PhoneVerified {
				t.Errorf("after a reset: phone verified %v, %v", f.User.PhoneVerified, err)
			}
		}},
		{"emergency code to show", ada, ada, func(t *testing.T, db phonegate.Store, f phonegate.AuthzFacts) {
			must(t, db.SetReveal(ctx, []byte("ada"), phonegate.RevealEmergency, []byte("sealed"), t0))
		}, func(t *testing.T, f phonegate.AuthzFacts, err error) {
			if err != nil || !f.RevealWaits {
				t.Errorf("after a reveal was set: %v, %v", f.RevealWaits, err)
			}
		}},
		{"idle by time alone", ada, at(ada, 30*time.Minute), nil, func(t *testing.T, f phonegate.AuthzFacts, err error) {
			if err != nil || f.Live || f.User.ID != 0 || len(f.Memberships) != 0 || f.Project.Name != "Apollo" {
				t.Errorf("half an hour later: %+v, %v", f, err)
			}
		}},
		{"past its absolute life by time alone", ada, at(ada, 12*time.Hour), nil, func(t *testing.T, f phonegate.AuthzFacts, err error) {
			if err != nil || f.Live {
				t.Errorf("twelve hours later: live %v, %v", f.Live, err)
			}
		}},
		{"a clock moved back", at(ada, 30*time.Minute), ada, nil, func(t *testing.T, f phonegate.AuthzFacts, err error) {
			if err != nil || !f.Live {
				t.Errorf("asked again at an earlier time: live %v, %v", f.Live, err)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := authzFixture(t, open)
			f, err := db.AuthzFacts(ctx, tt.first)
			if tt.first.Host == "new.test" {
				if !errors.Is(err, phonegate.ErrNotFound) {
					t.Fatalf("before: %v, want ErrNotFound", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if tt.change != nil {
				tt.change(t, db, f)
			}
			f, err = db.AuthzFacts(ctx, tt.second)
			tt.want(t, f, err)
		})
	}
}

// must stops the test at an error of a step it builds on.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
