package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

var sixDigitsRE = regexp.MustCompile(`\b\d{6}\b`)

// TestAccountNotices: what a user does to their account is told to them
// by email, each once, and no message holds a code.
func TestAccountNotices(t *testing.T) {
	h := newTwoFactor(t, withMailbox())
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	h.enroll(b, testPhone)
	step := func(name string, want ...string) {
		t.Helper()
		if got := h.mailKinds("ada@example.com"); !slices.Equal(got, want) {
			t.Fatalf("after %s: ada's mailbox holds %v, want %v", name, got, want)
		}
	}
	step("the first phone") // a first phone is no change

	b.get("/account")
	res, _ := b.post("/account/emergency", url.Values{"password": {goodPassword}})
	expectRedirect(t, res, "/phone/done")
	_, body := b.get("/phone/done?next=%2Faccount")
	emergency := regexpFind(t, `id="emergency-code">([^<]+)<`, body)
	step("a new emergency code", phonegate.NoticeEmergencyRenewed)

	b.get("/account")
	res, _ = b.post("/account/phone", url.Values{"password": {goodPassword}, "country": {"US"},
		"phone": {testPhone2}, "channel": {"sms"}})
	expectRedirect(t, res, "/verify")
	res, _ = b.post("/verify", url.Values{"code": {h.sender.lastCode(t)}, "next": {"/account"}})
	b.get(expectRedirect(t, res, "/phone/done"))
	step("a phone change", phonegate.NoticeEmergencyRenewed, phonegate.NoticePhoneChanged)
	changed := h.mailTo("ada@example.com")[0]
	for _, want := range []string{phonegate.MaskPhone(testPhone), phonegate.MaskPhone(testPhone2)} {
		if !strings.Contains(changed.Text, want) {
			t.Errorf("the phone-changed message lacks %q:\n%s", want, changed.Text)
		}
	}

	b.get("/account")
	res, body = b.post("/account/password", url.Values{"current_password": {goodPassword},
		"new_password": {"another good password"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("password change: %d\n%s", res.StatusCode, body)
	}
	step("a password change", phonegate.NoticeEmergencyRenewed, phonegate.NoticePhoneChanged, phonegate.NoticePasswordChanged)

	// The emergency code made above died with the phone change; make one
	// more and use it from a login.
	b.get("/account")
	b.post("/account/emergency", url.Values{"password": {"another good password"}})
	_, body = b.get("/phone/done?next=%2Faccount")
	emergency = regexpFind(t, `id="emergency-code">([^<]+)<`, body)
	u := h.browser()
	u.login("ada@example.com", "another good password")
	u.get("/verify")
	res, _ = u.post("/verify/emergency", url.Values{"emergency_code": {emergency}})
	expectRedirect(t, res, "/phone")
	step("the emergency code used", phonegate.NoticeEmergencyRenewed, phonegate.NoticePhoneChanged, phonegate.NoticePasswordChanged,
		phonegate.NoticeEmergencyRenewed, phonegate.NoticeEmergencyUsed)

	for _, m := range h.mailTo("ada@example.com") {
		if c := sixDigitsRE.FindString(m.Text + m.HTML); c != "" {
			t.Errorf("the %s message holds %q", m.Kind, c)
		}
		if strings.Contains(m.Text, emergency) {
			t.Errorf("the %s message holds the emergency code", m.Kind)
		}
	}
}

// TestFailedCodesNotice: the right password followed by 3 wrong codes
// tells the user, once per login session.
func TestFailedCodesNotice(t *testing.T) {
	tests := []struct {
		name  string
		wrong []int // wrong codes typed in each session
		want  int   // notices
	}{
		{"two wrong codes", []int{2}, 0},
		{"three wrong codes", []int{3}, 1},
		{"four wrong codes", []int{4}, 1},
		{"two sessions of two", []int{2, 2}, 0},
		{"two sessions of three", []int{3, 3}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTwoFactor(t, withMailbox())
			_, p := h.addUser("ada@example.com", goodPassword, "Engine")
			h.setLevel(p.ID, phonegate.LevelEveryLogin)
			h.enroll(h.pending(), testPhone)
			for _, n := range tt.wrong {
				b := h.pending()
				code := h.sendSMS(b)
				for range n {
					b.get("/verify")
					res, _ := b.post("/verify", url.Values{"code": {wrongCode(code)}})
					expectRedirect(t, res, "/verify")
				}
			}
			got := 0
			for _, m := range h.mailTo("ada@example.com") {
				if m.Kind == phonegate.NoticeFailedCodes {
					got++
				}
			}
			if got != tt.want {
				t.Errorf("%d failed-codes notices, want %d", got, tt.want)
			}
		})
	}
}

// TestLevelChangeNotice: a project's owners and admins are told when its
// two-factor level changes, and only when it changes.
func TestLevelChangeNotice(t *testing.T) {
	h, p := team(t, withMailbox())
	b := h.as("admin@example.com")
	path := "/projects/" + strconvFormat(p.ID) + "/settings"
	b.get(path)
	b.post(path+"/authenticate", url.Values{"password": {goodPassword}})
	for _, level := range []string{"off", "every_login"} { // the first save changes nothing
		b.get(path)
		res, _ := b.post(path, url.Values{"level": {level}})
		if level == "off" {
			expectRedirect(t, res, path)
		} else {
			expectRedirect(t, res, "/phone?on=") // no phone yet: it comes first
		}
	}
	for _, tt := range []struct {
		email string
		want  int
	}{{"owner@example.com", 1}, {"admin@example.com", 1}, {"dev@example.com", 0}, {"stranger@example.com", 0}} {
		ms := h.mailTo(tt.email)
		if len(ms) != tt.want {
			t.Errorf("%s got %d messages, want %d", tt.email, len(ms), tt.want)
			continue
		}
		if tt.want == 1 && (ms[0].Kind != phonegate.NoticeLevelChanged || !strings.Contains(ms[0].Text, `from "Off" to "Every time you log in"`) ||
			!strings.Contains(ms[0].Text, "admin@example.com changed")) {
			t.Errorf("%s got %s:\n%s", tt.email, ms[0].Kind, ms[0].Text)
		}
	}
}

// TestResetNotice: a reset by a project's admin, or by the command line,
// tells the user who did it.
func TestResetNotice(t *testing.T) {
	h, p := team(t, withMailbox())
	ctx := context.Background()
	dev, _ := h.db.UserByEmail(ctx, "dev@example.com")
	// The developer owns a project of their own: the owner resets them as
	// an admin of it too.
	owner, _ := h.db.UserByEmail(ctx, "owner@example.com")
	if err := h.db.AddMember(ctx, ownProject(t, h, dev.ID).ID, owner.ID, phonegate.RoleAdmin, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	b := h.as("owner@example.com")
	members := "/projects/" + strconvFormat(p.ID) + "/members"
	b.get(members)
	b.post("/projects/"+strconvFormat(p.ID)+"/settings/authenticate", url.Values{"password": {goodPassword}, "next": {members}})
	b.get(members)
	res, body := b.post(members+"/reset", url.Values{"user": {strconvFormat(dev.ID)}, "confirm": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: got %d\n%s", res.StatusCode, body)
	}
	_, body = b.get(res.Header.Get("Location"))
	shown := recoveryRE.FindStringSubmatch(body)
	if shown == nil {
		t.Fatalf("no recovery code shown to the admin:\n%s", body)
	}
	printed, err := h.srv.ResetSecondFactor(ctx, "dev@example.com", 0)
	if err != nil {
		t.Fatal(err)
	}
	ms := h.mailTo("dev@example.com")
	if len(ms) != 2 || ms[0].Kind != phonegate.NoticeReset || ms[1].Kind != phonegate.NoticeReset {
		t.Fatalf("dev's mailbox: %+v; want two resets", ms)
	}
	if !strings.Contains(ms[1].Text, "owner@example.com, who manages the project Engine, reset") {
		t.Errorf("the admin's reset says:\n%s", ms[1].Text)
	}
	if !strings.Contains(ms[0].Text, "The server's operator reset") {
		t.Errorf("the command line's reset says:\n%s", ms[0].Text)
	}
	// Each reset's message carries its own recovery code, the one the
	// admin was shown or the command line printed.
	if !strings.Contains(ms[1].Text, shown[1]) || !strings.Contains(ms[0].Text, printed) {
		t.Errorf("the resets' messages do not carry their recovery codes %s and %s:\n%s\n%s", shown[1], printed, ms[1].Text, ms[0].Text)
	}
}

// TestInviteWithoutMail: where no mail can be sent, an email without an
// account cannot be invited from the page (no account is made, no link
// shown) and the page points to the command line; an existing account is
// invited as before.
func TestInviteWithoutMail(t *testing.T) {
	h := newTwoFactor(t)
	ctx := context.Background()
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.addUser("bob@example.com", goodPassword, "Bob's")
	b := h.as("ada@example.com")
	members := "/projects/" + strconvFormat(p.ID) + "/members"
	b.get(members)
	res, at, body := b.follow(b.post(members, url.Values{"email": {"ceo@example.com"}, "role": {"developer"}}))
	expectFormError(t, res, at, body, members, "phonegate user add --email ADDRESS --project PROJECT --invite")
	if strings.Contains(body, "/invite/") {
		t.Error("the page shows an invite link")
	}
	if _, err := h.db.UserByEmail(ctx, "ceo@example.com"); err == nil {
		t.Error("an account was made for ceo@")
	}
	if page := addByPage(t, b, p.ID, "bob@example.com", "developer"); !strings.Contains(page, invitedWords) {
		t.Errorf("inviting an existing account:\n%s", page)
	}
}

// TestDevMailbox: in dev mode without SMTP, mail lands in the dev mailbox
// at /dev/mail, linked from the dev phone, with its links to follow.
func TestDevMailbox(t *testing.T) {
	h := newHarness(t)
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	if _, page := b.get("/dev/mail"); !strings.Contains(page, "No mail yet.") {
		t.Errorf("the empty dev mailbox:\n%s", page)
	}
	addByPage(t, b, p.ID, "carol@example.com", "developer")
	h.deliverMail()
	res, page := b.get("/dev/mail")
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET /dev/mail: %d, Cache-Control %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	for _, want := range []string{"Set up your phonegate account for Engine", "carol@example.com",
		`class="dev-mail-link" href="http://127.0.0.1:8080/invite/`, `href="/dev/phone"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the dev mailbox lacks %q:\n%s", want, page)
		}
	}
	if _, page := b.get("/dev/phone"); !strings.Contains(page, `href="/dev/mail"`) {
		t.Error("the dev phone does not link to the dev mailbox")
	}
}

// TestSetupNeedsNoEmailProof: the first owner, whom the setup link from
// the log vouches for, gets a password at once, with no mail.
func TestSetupNeedsNoEmailProof(t *testing.T) {
	h := newHarness(t)
	link, err := h.srv.SetupLink(context.Background())
	if err != nil || link == "" {
		t.Fatalf("setup link %q, %v", link, err)
	}
	path := strings.TrimPrefix(link, "http://127.0.0.1:8080")
	b := h.browser()
	b.get(path)
	res, body := b.post(path, url.Values{"email": {"ada@example.com"}, "password": {goodPassword}, "project": {"Engine"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup: got %d\n%s", res.StatusCode, body)
	}
	if res := b.login("ada@example.com", goodPassword); !loggedIn(res) {
		t.Errorf("login after setup: got %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := b.get("/"); res.StatusCode != http.StatusOK {
		t.Errorf("home after setup: got %d", res.StatusCode)
	}
	if got := h.mailTo("ada@example.com"); len(got) != 0 {
		t.Errorf("setup sent mail: %+v", got)
	}
}
