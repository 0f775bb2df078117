package sqlite_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/sqlite"
)

// auditScopeFixture: uma belongs to Apollo (alice's, two-factor on) and
// Borealis (bob's, two-factor off), and was invited to Cygnus (carol's,
// two-factor on) without accepting.
type auditScopeFixture struct {
	db                       *sqlite.DB
	uma                      phonegate.User
	apollo, borealis, cygnus phonegate.Project
	alice, bob, carol        phonegate.User
}

func newAuditScopeFixture(t *testing.T) *auditScopeFixture {
	t.Helper()
	ctx := context.Background()
	f := &auditScopeFixture{db: open(t)}
	user := func(email string) phonegate.User {
		u, err := f.db.CreateUser(ctx, email, "h", t0)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	project := func(owner phonegate.User, name, level string) phonegate.Project {
		p, err := f.db.CreateProject(ctx, owner.ID, name, t0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.SetMFALevel(ctx, p.ID, owner.ID, level, t0); err != nil {
			t.Fatal(err)
		}
		return p
	}
	f.alice, f.bob, f.carol, f.uma = user("alice@example.com"), user("bob@example.com"), user("carol@example.com"), user("uma@example.com")
	f.apollo = project(f.alice, "Apollo", "every_login")
	f.borealis = project(f.bob, "Borealis", "off")
	f.cygnus = project(f.carol, "Cygnus", "every_login")
	for _, p := range []phonegate.Project{f.apollo, f.borealis} {
		if err := f.db.AddMember(ctx, p.ID, f.uma.ID, "developer", t0); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := f.db.InviteMember(ctx, f.uma.Email, f.cygnus.ID, "developer", f.carol.ID, nil, t0.Add(time.Hour), t0); err != nil {
		t.Fatal(err)
	}
	return f
}

// umaKinds returns the kinds of the events about uma in a project's log.
func (f *auditScopeFixture) umaKinds(t *testing.T, p phonegate.Project) []string {
	t.Helper()
	es, err := f.db.AuditEvents(context.Background(), p.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range es {
		if e.UserID == f.uma.ID && e.Kind != "member.added" && e.Kind != "member.joined" {
			kinds = append(kinds, e.Kind)
		}
	}
	return kinds
}

// TestUserAuditScope: an event about a user shows in the projects it
// concerns. Second-factor events go to the accepted projects with
// two-factor on; account events to every accepted project; a project the
// user has not accepted gets neither.
func TestUserAuditScope(t *testing.T) {
	tests := []struct {
		kind string
		in   []string // the projects whose log shows it
	}{
		{"code.sent", []string{"Apollo"}},
		{"code.delivered", []string{"Apollo"}},
		{"code.denied", []string{"Apollo"}},
		{"2fa.passed", []string{"Apollo"}},
		{"2fa.failed", []string{"Apollo"}},
		{"2fa.locked", []string{"Apollo"}},
		{"password.changed", []string{"Apollo", "Borealis"}},
		{"phone.verified", []string{"Apollo", "Borealis"}},
		{"2fa.emergency", []string{"Apollo", "Borealis"}},
		{"emergency.regenerated", []string{"Apollo", "Borealis"}},
		{"sessions.revoked", []string{"Apollo", "Borealis"}},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			f := newAuditScopeFixture(t)
			if err := f.db.AddUserAudit(context.Background(), phonegate.AuditEvent{UserID: f.uma.ID, Kind: tt.kind, At: t0}); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range []phonegate.Project{f.apollo, f.borealis, f.cygnus} {
				if kinds := f.umaKinds(t, p); len(kinds) > 0 {
					if !slices.Equal(kinds, []string{tt.kind}) {
						t.Errorf("%s shows %v, want just %s", p.Name, kinds, tt.kind)
					}
					got = append(got, p.Name)
				}
			}
			if !slices.Equal(got, tt.in) {
				t.Errorf("%s shows in %v, want %v", tt.kind, got, tt.in)
			}
		})
	}
}

// TestUserAuditScopeAtTheTime: the scope is the projects as they stood
// when the event happened. A failed code through the store's own method
// goes to Apollo only; after bob turns two-factor on, the next one goes to
// Borealis too, and the first stays out of it; after uma accepts Cygnus,
// only later events reach it.
func TestUserAuditScopeAtTheTime(t *testing.T) {
	f := newAuditScopeFixture(t)
	ctx := context.Background()
	if _, err := f.db.FailSecondFactor(ctx, f.uma.ID, "", "wrong emergency code", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SetMFALevel(ctx, f.borealis.ID, f.bob.ID, "per_computer", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := f.db.AcceptMembership(ctx, f.cygnus.ID, f.uma.ID, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.FailSecondFactor(ctx, f.uma.ID, "", "wrong emergency code", t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		p    phonegate.Project
		want int
	}{{f.apollo, 2}, {f.borealis, 1}, {f.cygnus, 1}} {
		kinds := f.umaKinds(t, tt.p)
		n := 0
		for _, k := range kinds {
			if k == "2fa.failed" {
				n++
			}
		}
		if n != tt.want {
			t.Errorf("%s shows %d failed attempts (%v), want %d", tt.p.Name, n, kinds, tt.want)
		}
	}
}
