package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

// testAuditEventsAfter checks the page of newer events: the ones just
// above the cursor, newest first, and none of another project's.
func testAuditEventsAfter(t *testing.T, open opener) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	db := open(t)
	ada, _ := db.CreateUser(ctx, "ada@example.com", "x", now)
	p, _ := db.CreateProject(ctx, ada.ID, "Engine", now)
	other, _ := db.CreateProject(ctx, ada.ID, "Other", now)
	for i := range 6 {
		// An account event about ada goes into the log of each of her two
		// projects.
		if err := db.AddUserAudit(ctx, phonegate.AuditEvent{UserID: ada.ID, Kind: "test.event", Detail: fmt.Sprint(i), At: now}); err != nil {
			t.Fatal(err)
		}
	}
	if es, err := db.AuditEvents(ctx, other.ID, 0, 100); err != nil || len(es) != 7 {
		t.Fatalf("AuditEvents of the other project = %d events, %v", len(es), err)
	}
	all, err := db.AuditEvents(ctx, p.ID, 0, 100) // newest first: 5 4 3 2 1 0, project.created
	if err != nil || len(all) != 7 {
		t.Fatalf("AuditEvents = %d events, %v", len(all), err)
	}
	details := func(es []phonegate.AuditEvent) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Detail)
		}
		return out
	}
	tests := []struct {
		name  string
		after int64
		limit int
		want  []string
	}{
		{"the two just above event 0", all[5].ID, 2, []string{"2", "1"}},
		{"up to the newest", all[2].ID, 10, []string{"5", "4"}},
		{"past the newest", all[0].ID, 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.AuditEventsAfter(ctx, p.ID, tt.after, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, details(got)); diff != "" {
				t.Errorf("AuditEventsAfter(%d, %d) (-want +got):\n%s", tt.after, tt.limit, diff)
			}
		})
	}
}

// auditScopeFixture: uma belongs to Apollo (alice's, two-factor on) and
// Borealis (bob's, two-factor off), and was invited to Cygnus (carol's,
// two-factor on) without accepting.
type auditScopeFixture struct {
	db                       phonegate.Store
	uma                      phonegate.User
	apollo, borealis, cygnus phonegate.Project
	alice, bob, carol        phonegate.User
}

func newAuditScopeFixture(t *testing.T, open opener) *auditScopeFixture {
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
		if err := addMember(ctx, f.db, p.ID, f.uma, "developer", t0); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := invite(ctx, f.db, f.uma.Email, f.cygnus.ID, "developer", f.carol.ID, nil, t0.Add(time.Hour), t0); err != nil {
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

// testUserAuditScope: an event about a user shows in the projects it
// concerns. Second-factor events go to the accepted projects with
// two-factor on; account events to every accepted project; a project the
// user has not accepted gets neither.
func testUserAuditScope(t *testing.T, open opener) {
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
			f := newAuditScopeFixture(t, open)
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

// testUserAuditScopeAtTheTime: the scope is the projects as they stood
// when the event happened. A failed code through the store's own method
// goes to Apollo only; after bob turns two-factor on, the next one goes to
// Borealis too, and the first stays out of it; after uma accepts Cygnus,
// only later events reach it.
func testUserAuditScopeAtTheTime(t *testing.T, open opener) {
	f := newAuditScopeFixture(t, open)
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
