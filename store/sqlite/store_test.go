package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/sqlite"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func open(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := db.SchemaVersion(ctx)
	if err != nil || v1 < 1 {
		t.Fatalf("schema version after first open = %d, %v", v1, err)
	}
	if _, err := db.CreateUser(ctx, "ada@example.com", "h", t0); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// A second start applies nothing and keeps the data.
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if v2, _ := db.SchemaVersion(ctx); v2 != v1 {
		t.Errorf("schema version moved from %d to %d on a second start", v1, v2)
	}
	if n, _ := db.CountUsers(ctx); n != 1 {
		t.Errorf("users after restart = %d, want 1", n)
	}
	if ok, err := db.IntegrityCheck(ctx); ok != "ok" || err != nil {
		t.Errorf("integrity check = %q, %v", ok, err)
	}
	db.Close()

	// A database from a newer version is refused, clearly.
	sqlite.MarkNewer(t, path, v1+1)
	_, err = sqlite.Open(ctx, path)
	if !errors.Is(err, phonegate.ErrTooNew) {
		t.Fatalf("opening a newer database: err = %v, want ErrTooNew", err)
	}
}

func TestUsers(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	u, err := db.CreateUser(ctx, "Ada@Example.com", "hash", t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, "ada@example.COM", "hash", t0); !errors.Is(err, phonegate.ErrConflict) {
		t.Errorf("duplicate email (other case): err = %v, want ErrConflict", err)
	}
	got, err := db.UserByEmail(ctx, "ADA@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(u, got); diff != "" {
		t.Errorf("UserByEmail (-want +got):\n%s", diff)
	}
	if _, err := db.UserByEmail(ctx, "nobody@example.com"); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("unknown email: err = %v, want ErrNotFound", err)
	}
	if err := db.SetPasswordHash(ctx, 999, "x"); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("SetPasswordHash of a missing user: err = %v, want ErrNotFound", err)
	}
}

func TestProjectsAndMembers(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	owner, _ := db.CreateUser(ctx, "owner@example.com", "h", t0)
	dev, _ := db.CreateUser(ctx, "dev@example.com", "h", t0)
	p, err := db.CreateProject(ctx, owner.ID, "Engine", t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AddMember(ctx, p.ID, dev.ID, phonegate.RoleDeveloper, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.AddMember(ctx, p.ID, dev.ID, phonegate.RoleAdmin, t0); !errors.Is(err, phonegate.ErrConflict) {
		t.Errorf("adding a member twice: err = %v, want ErrConflict", err)
	}
	m, err := db.Membership(ctx, p.ID, dev.ID)
	if err != nil || m.Role != phonegate.RoleDeveloper || m.Project.Name != "Engine" {
		t.Errorf("Membership = %+v, %v", m, err)
	}
	members, _ := db.Members(ctx, p.ID)
	var got []string
	for _, x := range members {
		got = append(got, x.User.Email+":"+x.Role)
	}
	if diff := cmp.Diff([]string{"owner@example.com:owner", "dev@example.com:developer"}, got); diff != "" {
		t.Errorf("Members (-want +got):\n%s", diff)
	}

	tests := []struct {
		name string
		op   func() error
		want error
	}{
		{"demote the last owner", func() error { return db.SetRole(ctx, p.ID, owner.ID, phonegate.RoleAdmin) }, phonegate.ErrLastOwner},
		{"remove the last owner", func() error { return db.RemoveMember(ctx, p.ID, owner.ID) }, phonegate.ErrLastOwner},
		{"promote the developer", func() error { return db.SetRole(ctx, p.ID, dev.ID, phonegate.RoleOwner) }, nil},
		{"now the first owner may step down", func() error { return db.SetRole(ctx, p.ID, owner.ID, phonegate.RoleAdmin) }, nil},
		{"remove a stranger", func() error { return db.RemoveMember(ctx, p.ID, 999) }, phonegate.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.op(); !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := db.Membership(ctx, p.ID, 999); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("membership of a stranger: err = %v, want ErrNotFound", err)
	}
}

func TestSessions(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	s := phonegate.Session{TokenHash: []byte("hash-1"), UserID: u.ID, CSRFToken: "c1", CreatedAt: t0, LastSeenAt: t0}
	if err := db.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	idle, abs := 30*time.Minute, 12*time.Hour
	get := func(now time.Time) error {
		_, err := db.Session(ctx, []byte("hash-1"), now, now.Add(-idle), now.Add(-abs))
		return err
	}
	if err := get(t0.Add(29 * time.Minute)); err != nil {
		t.Fatalf("29 minutes: %v", err)
	}
	if err := get(t0.Add(58 * time.Minute)); err != nil {
		t.Fatalf("29 minutes after the last request: %v", err)
	}
	if err := db.RenewSession(ctx, []byte("hash-1"), []byte("hash-2"), "c2", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := get(t0.Add(time.Hour)); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("old hash after renewal: err = %v, want ErrNotFound", err)
	}
	got, err := db.Session(ctx, []byte("hash-2"), t0.Add(time.Hour), t0, t0.Add(-abs))
	if err != nil || got.CSRFToken != "c2" || !got.MFAAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("renewed session = %+v, %v", got, err)
	}
	if err := db.DeleteUserSessions(ctx, u.ID, nil); err != nil {
		t.Fatal(err)
	}
	if ss, _ := db.UserSessions(ctx, u.ID); len(ss) != 0 {
		t.Errorf("sessions after DeleteUserSessions = %d", len(ss))
	}
}

func TestTakeEvent(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	for i := range 3 {
		if err := db.TakeEvent(ctx, "k", 3, t0.Add(-time.Hour), t0.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	if err := db.TakeEvent(ctx, "k", 3, t0.Add(-time.Hour), t0.Add(time.Minute)); !errors.Is(err, phonegate.ErrLimited) {
		t.Errorf("fourth event: err = %v, want ErrLimited", err)
	}
	// An hour on, the window holds none of them.
	later := t0.Add(time.Hour + time.Minute)
	if err := db.TakeEvent(ctx, "k", 3, later.Add(-time.Hour), later); err != nil {
		t.Errorf("after the window: %v", err)
	}
}

func TestFirstOwnerOnce(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	if err := db.SetSetting(ctx, phonegate.SettingSetupToken, "abc"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.CreateFirstOwner(ctx, "ada@example.com", "h", "P", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Setting(ctx, phonegate.SettingSetupToken); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("setup token survives setup: %v", err)
	}
	if _, _, err := db.CreateFirstOwner(ctx, "eve@example.com", "h", "Q", t0); !errors.Is(err, phonegate.ErrConflict) {
		t.Errorf("second setup: err = %v, want ErrConflict", err)
	}
}

func TestInvites(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	owner, _ := db.CreateUser(ctx, "owner@example.com", "h", t0)
	p, _ := db.CreateProject(ctx, owner.ID, "P", t0)
	u, invited, err := db.InviteMember(ctx, "new@example.com", p.ID, phonegate.RoleDeveloper, owner.ID, []byte("tok"), t0.Add(7*24*time.Hour), t0)
	if err != nil || !invited || u.PasswordHash != "" {
		t.Fatalf("InviteMember = %+v, %v, %v", u, invited, err)
	}
	if _, err := db.AcceptInvite(ctx, []byte("tok"), "hash", t0.Add(8*24*time.Hour)); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("expired invite: err = %v, want ErrNotFound", err)
	}
	if _, err := db.AcceptInvite(ctx, []byte("tok"), "hash", t0.Add(time.Hour)); err != nil {
		t.Fatalf("accept: %v", err)
	}
	if _, err := db.AcceptInvite(ctx, []byte("tok"), "hash2", t0.Add(2*time.Hour)); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("second use: err = %v, want ErrNotFound", err)
	}
	got, _ := db.User(ctx, u.ID)
	if got.PasswordHash != "hash" {
		t.Errorf("password after accepting = %q", got.PasswordHash)
	}
	events, _ := db.AuditEvents(ctx, p.ID, 0, 10)
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	if diff := cmp.Diff([]string{"member.joined", "member.added", "project.created"}, kinds); diff != "" {
		t.Errorf("audit kinds, newest first (-want +got):\n%s", diff)
	}
}

func TestDatabaseFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "private.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("database mode = %v, want 0600", perm)
	}
}

func TestPingWrites(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	if err := db.Ping(ctx, t0); err != nil {
		t.Fatal(err)
	}
	if v, err := db.Setting(ctx, "health_checked_at"); err != nil || v == "" {
		t.Errorf("health check left no trace: %q, %v", v, err)
	}
}
