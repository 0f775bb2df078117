package phonegate_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/sqlite"
)

const peoplePassword = "correct horse battery staple"

// outbox is a Mailer that keeps the notices it is given.
type outbox struct {
	mu      sync.Mutex
	notices []phonegate.Notice
}

func (o *outbox) Notify(_ context.Context, n phonegate.Notice) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.notices = append(o.notices, n)
	return nil
}

func (o *outbox) sent(kind string) []phonegate.Notice {
	o.mu.Lock()
	defer o.mu.Unlock()
	var got []phonegate.Notice
	for _, n := range o.notices {
		if n.Kind == kind {
			got = append(got, n)
		}
	}
	return got
}

// noCodes is a Sender for stories that send no code.
type noCodes struct{ t *testing.T }

func (s noCodes) SendSMS(context.Context, phonegate.SMS) (string, error) {
	s.t.Error("a code was sent by SMS")
	return "", errors.New("no code is sent here")
}

func (s noCodes) PlaceCall(context.Context, phonegate.Call) (string, error) {
	s.t.Error("a call was placed")
	return "", errors.New("no call is placed here")
}

// people is a service on a real SQLite store, with a fixed clock, whose
// first owner is ada@example.com of project Engine.
type people struct {
	svc  *phonegate.Service
	db   *sqlite.DB
	mail *outbox
	now  time.Time
	ada  phonegate.User
	p    phonegate.Project
}

func newPeople(t *testing.T) *people {
	t.Helper()
	ctx := context.Background()
	db, keys := openStore(t, 0)
	var err error
	w := &people{db: db, mail: &outbox{}, now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	w.svc, err = phonegate.New(phonegate.Config{Store: db, Sender: noCodes{t}, Mailer: w.mail, Keys: keys,
		Hasher: phonegate.NewHasher(fast), Now: func() time.Time { return w.now }, Logger: zerolog.Nop(),
		PublicURL: "https://gate.example"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.AddUser(ctx, "ada@example.com", "Engine", phonegate.RoleOwner, peoplePassword); err != nil {
		t.Fatal(err)
	}
	if w.ada, err = db.UserByEmail(ctx, "ada@example.com"); err != nil {
		t.Fatal(err)
	}
	if w.p, err = db.ProjectByName(ctx, "Engine"); err != nil {
		t.Fatal(err)
	}
	return w
}

// TestAddUser: the command line's AddUser makes an account ready to log
// in, or an invite link; it never takes an existing account over.
func TestAddUser(t *testing.T) {
	w := newPeople(t)
	ctx := context.Background()
	if _, ok, err := w.svc.CheckLogin(ctx, "ada@example.com", peoplePassword, phonegate.PasswordAsker{}); err != nil || !ok {
		t.Fatalf("the owner made by AddUser cannot log in: %v, %v", ok, err)
	}
	res, err := w.svc.AddUser(ctx, "bob@example.com", "Engine", phonegate.RoleDeveloper, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.InviteURL, "https://gate.example/invite/") || res.Role != phonegate.RoleDeveloper {
		t.Errorf("AddUser without a password = %+v, want a developer with an invite link", res)
	}
	res, err = w.svc.AddUser(ctx, "ada@example.com", "Wheels", phonegate.RoleDeveloper, "another fine passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if !res.PasswordIgnored || res.InviteURL != "" || res.Role != phonegate.RoleOwner {
		t.Errorf("AddUser of an existing account to a new project = %+v, want its owner, password ignored, no link", res)
	}
	if _, ok, _ := w.svc.CheckLogin(ctx, "ada@example.com", peoplePassword, phonegate.PasswordAsker{}); !ok {
		t.Error("the account's password changed when another was given for it")
	}
	if _, err := w.svc.AddUser(ctx, "not an email", "Engine", phonegate.RoleDeveloper, ""); err == nil {
		t.Error("AddUser accepted an invalid email")
	}
}

// TestCheckPasswordThrottles: once the account's limit of failures is
// reached the right password is refused, but not from a device of the
// account with its own limit to spare.
func TestCheckPasswordThrottles(t *testing.T) {
	w := newPeople(t)
	ctx := context.Background()
	for i := 0; i < phonegate.LoginFailLimit; i++ {
		if ok, err := w.svc.CheckPassword(ctx, w.ada, "wrong password", phonegate.PasswordAsker{Addr: "192.0.2.1"}); err != nil || ok {
			t.Fatalf("wrong password %d: %v, %v", i, ok, err)
		}
	}
	if ok, err := w.svc.CheckPassword(ctx, w.ada, peoplePassword, phonegate.PasswordAsker{}); err != nil || ok {
		t.Errorf("right password past the account's limit: ok %v, err %v, want refused", ok, err)
	}
	device := phonegate.PasswordAsker{DeviceUser: w.ada.ID, DeviceNonce: strings.Repeat("ab", 16)}
	if ok, err := w.svc.CheckPassword(ctx, w.ada, peoplePassword, device); err != nil || !ok {
		t.Errorf("right password from the account's device: ok %v, err %v, want accepted", ok, err)
	}
	other := phonegate.PasswordAsker{DeviceUser: w.ada.ID + 1, DeviceNonce: strings.Repeat("cd", 16)}
	if ok, _ := w.svc.CheckPassword(ctx, w.ada, peoplePassword, other); ok {
		t.Error("a device cookie of another account lifted the account's limit")
	}
}

// TestResetMember: a reset needs a member who accepted, another than the
// admin, an elevated session, and authority over all of the member's
// projects; the member is told, with the recovery code.
func TestResetMember(t *testing.T) {
	w := newPeople(t)
	ctx := context.Background()
	for _, add := range []struct{ email, project, role string }{
		{"bob@example.com", "Engine", phonegate.RoleAdmin},
		{"cy@example.com", "Engine", phonegate.RoleDeveloper},
		{"dee@example.com", "Engine", phonegate.RoleDeveloper},
		{"dee@example.com", "Wheels", phonegate.RoleDeveloper}, // Wheels is dee's own
	} {
		if _, err := w.svc.AddUser(ctx, add.email, add.project, add.role, peoplePassword); err != nil {
			t.Fatal(err)
		}
	}
	member := func(email string) phonegate.Member {
		t.Helper()
		u, err := w.db.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		m, err := w.db.Member(ctx, w.p.ID, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	bob := member("bob@example.com")
	refusals := []struct {
		name     string
		elevated bool
		target   phonegate.Member
		want     string
	}{
		{"self", true, bob, "Change your own phone on the account page."},
		{"pending", true, phonegate.Member{User: phonegate.User{ID: 99}, Pending: true}, "not accepted the invitation"},
		{"not elevated", false, member("cy@example.com"), "Authenticate to make changes"},
		{"allowed", true, member("cy@example.com"), ""},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			got := phonegate.ResetRefusal(bob.User, tt.elevated, tt.target)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("ResetRefusal = %q, want %q", got, tt.want)
			}
		})
	}

	_, err := w.svc.ResetMember(ctx, w.p, bob.User, member("dee@example.com"))
	if phonegate.ErrorCode(err) != phonegate.EForbidden || !strings.Contains(phonegate.ErrorMessage(err), "projects you do not administer") {
		t.Errorf("reset of a member of another project: %v, want refused for authority", err)
	}
	code, err := w.svc.ResetMember(ctx, w.p, bob.User, member("cy@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	got := w.mail.sent(phonegate.NoticeReset)
	if len(got) != 1 || got[0].To != "cy@example.com" || got[0].RecoveryCode != code || got[0].By != "bob@example.com" ||
		got[0].Link != "https://gate.example/login" {
		t.Errorf("reset notices = %+v, want one to cy with code %s, by bob", got, code)
	}
}

// TestChangeLevel: a level changes only from an elevated session of a
// manager, and tells the project's owners and admins who accepted.
func TestChangeLevel(t *testing.T) {
	w := newPeople(t)
	ctx := context.Background()
	for _, add := range []struct{ email, role string }{
		{"bob@example.com", phonegate.RoleAdmin},
		{"cy@example.com", phonegate.RoleDeveloper},
	} {
		if _, err := w.svc.AddUser(ctx, add.email, "Engine", add.role, peoplePassword); err != nil {
			t.Fatal(err)
		}
	}
	owner := phonegate.Membership{Project: w.p, UserID: w.ada.ID, Role: phonegate.RoleOwner}
	dev := phonegate.Membership{Project: w.p, Role: phonegate.RoleDeveloper}
	elevated := phonegate.Session{ElevatedUntil: w.now.Add(time.Minute)}
	tests := []struct {
		name  string
		m     phonegate.Membership
		sess  phonegate.Session
		level string
		want  error
		code  string
	}{
		{"developer", dev, elevated, string(phonegate.LevelEveryLogin), phonegate.ErrNotManager, phonegate.EForbidden},
		{"not elevated", owner, phonegate.Session{ElevatedUntil: w.now}, string(phonegate.LevelEveryLogin), phonegate.ErrNotElevated, phonegate.EForbidden},
		{"unknown level", owner, elevated, "sometimes", nil, phonegate.EInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.svc.ChangeLevel(ctx, tt.m, w.ada, tt.sess, tt.level)
			if (tt.want != nil && !errors.Is(err, tt.want)) || phonegate.ErrorCode(err) != tt.code {
				t.Errorf("ChangeLevel = %v, want %v (%s)", err, tt.want, tt.code)
			}
		})
	}
	if n := len(w.mail.sent(phonegate.NoticeLevelChanged)); n != 0 {
		t.Fatalf("%d level notices after refused changes, want none", n)
	}
	if _, err := w.svc.ChangeLevel(ctx, owner, w.ada, elevated, string(phonegate.LevelEveryLogin)); err != nil {
		t.Fatal(err)
	}
	var to []string
	for _, n := range w.mail.sent(phonegate.NoticeLevelChanged) {
		to = append(to, n.To)
		if n.Link != "https://gate.example/projects/"+strconv.FormatInt(w.p.ID, 10)+"/settings" || n.By != "ada@example.com" {
			t.Errorf("level notice %+v: wrong link or author", n)
		}
	}
	if strings.Join(to, " ") != "ada@example.com bob@example.com" && strings.Join(to, " ") != "bob@example.com ada@example.com" {
		t.Errorf("level notices went to %v, want the owner and the admin", to)
	}
	if p, _ := w.db.ProjectByName(ctx, "Engine"); p.MFALevel != string(phonegate.LevelEveryLogin) {
		t.Errorf("level after the change = %q", p.MFALevel)
	}
}
