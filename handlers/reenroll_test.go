package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// ownProject returns the project userID owns.
func ownProject(t *testing.T, h *twoFactor, userID int64) phonegate.Project {
	t.Helper()
	ms, err := h.db.Memberships(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Role == phonegate.RoleOwner {
			return m.Project
		}
	}
	t.Fatalf("user %d owns no project", userID)
	return phonegate.Project{}
}

var recoveryRE = regexp.MustCompile(`id="recovery-code">([^<]+)<`)

// resetFixture is a team whose developer verified a phone, and the owner,
// also an admin of the developer's own project, elevated on the members
// page of the team's project.
type resetFixture struct {
	*twoFactor
	project phonegate.Project
	owner   *browser
	dev     phonegate.User
}

func newResetFixture(t *testing.T, adminOfDevProject bool) *resetFixture {
	t.Helper()
	h, p := team(t)
	ctx := context.Background()
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	h.enroll(h.as("dev@example.com"), testPhone2)
	dev, _ := h.db.UserByEmail(ctx, "dev@example.com")
	owner, _ := h.db.UserByEmail(ctx, "owner@example.com")
	if adminOfDevProject {
		if err := h.db.AddMember(ctx, ownProject(t, h, dev.ID).ID, owner.ID, phonegate.RoleAdmin, h.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	b := h.as("owner@example.com")
	h.enroll(b, testPhone)
	f := &resetFixture{twoFactor: h, project: p, owner: b, dev: dev}
	b.post(projectURL(p)+"/settings/authenticate", url.Values{"password": {goodPassword}})
	b.get(projectURL(p) + "/members")
	return f
}

func projectURL(p phonegate.Project) string { return "/projects/" + strconvFormat(p.ID) }

// reset resets the developer from the members page and returns the
// answer and the page it leads to.
func (f *resetFixture) reset() (*http.Response, string) {
	f.t.Helper()
	res, body := f.owner.post(projectURL(f.project)+"/members/reset", url.Values{"user": {strconvFormat(f.dev.ID)}, "confirm": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		return res, body
	}
	return f.owner.get(res.Header.Get("Location"))
}

// resetCode resets the developer and returns the recovery code shown.
func (f *resetFixture) resetCode() string {
	f.t.Helper()
	res, body := f.reset()
	m := recoveryRE.FindStringSubmatch(body)
	if res.StatusCode != http.StatusOK || m == nil {
		f.t.Fatalf("reset: got %d with no recovery code\n%s", res.StatusCode, body)
	}
	return m[1]
}

// useRecovery types code on the phone page of b.
func useRecovery(b *browser, code string) *http.Response {
	b.get("/phone")
	res, _ := b.post("/phone/recovery", url.Values{"recovery_code": {code}})
	return res
}

// recoveryRefused reports whether the answer to a recovery code refused
// it: 303 back to the phone page (post, redirect, get), which then says
// why in an alert. It opens that page, as a browser does.
func recoveryRefused(b *browser, res *http.Response) bool {
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/phone") {
		return false
	}
	_, page := b.get(res.Header.Get("Location"))
	return strings.Contains(page, `role="alert"`)
}

// TestResetRecoveryCode: the admin is shown the recovery code once; the
// reset member's phone page asks for it and refuses to enroll without it;
// a wrong code is refused and counted; the right one lets that session,
// and no other, verify a phone, once.
func TestResetRecoveryCode(t *testing.T) {
	f := newResetFixture(t, true)
	ctx := context.Background()
	code := f.resetCode()
	if res, body := f.owner.get(projectURL(f.project) + "/recovery"); res.StatusCode != http.StatusOK ||
		recoveryRE.MatchString(body) || !strings.Contains(body, "already shown") {
		t.Errorf("the recovery page again: got %d, want it shown no more\n%s", res.StatusCode, body)
	}

	a, b := f.as("dev@example.com"), f.as("dev@example.com")
	res, body := a.get("/phone")
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, `name="recovery_code"`) || strings.Contains(body, `name="phone"`) {
		t.Errorf("GET /phone after the reset: got %d, want 403 with the recovery code field\n%s", res.StatusCode, body)
	}
	if res, _ := a.submit("/phone", url.Values{"country": {"US"}, "phone": {phoneY}, "channel": {"sms"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("POST /phone without the recovery code: the page after it got %d, want 403", res.StatusCode)
	}
	if n := f.sender.sentTo(phoneY); n != 0 {
		t.Errorf("%d codes went out before the recovery code", n)
	}

	if res := useRecovery(b, "0000-0000-0000-0000"); !recoveryRefused(b, res) {
		t.Errorf("a wrong recovery code: got %d to %q, want 303 back to the phone page saying why", res.StatusCode, res.Header.Get("Location"))
	}
	if u, _ := f.db.User(ctx, f.dev.ID); u.MFAFailures != 1 {
		t.Errorf("failures after a wrong recovery code = %d, want 1", u.MFAFailures)
	}

	expectRedirect(t, useRecovery(a, strings.ToLower(code)), "/phone")
	if res := useRecovery(b, code); !recoveryRefused(b, res) {
		t.Errorf("the recovery code a second time, in another session: got %d, want it refused", res.StatusCode)
	}
	if res, _ := b.submit("/phone", url.Values{"country": {"US"}, "phone": {phoneX}, "channel": {"sms"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("POST /phone from the other session: the page after it got %d, want 403", res.StatusCode)
	}
	fresh := f.enroll(a, phoneY)
	f.checkPhone(f.dev.ID, phoneY, fresh)

	kinds := map[string]int{}
	for _, e := range userAudit(t, f.twoFactor, f.dev.ID) {
		kinds[e.Kind]++
		if strings.Contains(e.Detail, code) {
			t.Errorf("the audit log holds the recovery code: %+v", e)
		}
	}
	if kinds["recovery.issued"] != 1 || kinds["recovery.used"] != 1 {
		t.Errorf("audit kinds %v, want one recovery.issued and one recovery.used", kinds)
	}
	if strings.Contains(f.logs.String(), code) {
		t.Error("the logs hold the recovery code")
	}
}

// TestRecoveryCodeExpires: the recovery code works for 24 hours.
func TestRecoveryCodeExpires(t *testing.T) {
	tests := []struct {
		name  string
		after time.Duration
		want  int
	}{
		{"after 23 hours", 23 * time.Hour, http.StatusSeeOther},
		{"after 24 hours", 24 * time.Hour, 0}, // refused: back to the phone page, which says so
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newResetFixture(t, true)
			code := f.resetCode()
			f.clock.Add(tt.after)
			b := f.as("dev@example.com")
			res := useRecovery(b, code)
			if refused := recoveryRefused(b, res); refused != (tt.want != http.StatusSeeOther) {
				t.Errorf("the recovery code %v after the reset: refused %v (%d)", tt.after, refused, res.StatusCode)
			}
			if tt.want != http.StatusSeeOther {
				if _, body := b.get("/phone"); !strings.Contains(body, "expired") {
					t.Errorf("the phone page does not say the recovery code expired\n%s", body)
				}
			}
		})
	}
}

// TestResetRefusedOutsideAuthority: an owner may not reset a member who
// also belongs to a project the owner does not administer; the page says
// who can, and nothing of the member changes.
func TestResetRefusedOutsideAuthority(t *testing.T) {
	f := newResetFixture(t, false)
	res, body := f.reset()
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "owner or admin of every project") ||
		!strings.Contains(body, "phonegate user reset-2fa") {
		t.Errorf("reset outside the owner's authority: got %d, want the members page saying who can\n%s", res.StatusCode, body)
	}
	if u, _ := f.db.User(context.Background(), f.dev.ID); !u.PhoneVerified || u.EmergencyHash == "" {
		t.Errorf("after the refused reset: phone verified %v, emergency hash kept %v", u.PhoneVerified, u.EmergencyHash != "")
	}
}

// TestRecoveryCodesLock: ten wrong recovery codes lock the second factor,
// and the right code is refused until the lock ends.
func TestRecoveryCodesLock(t *testing.T) {
	f := newResetFixture(t, true)
	code := f.resetCode()
	b := f.as("dev@example.com")
	for i := range phonegate.MaxMFAFailures {
		if res := useRecovery(b, "0000-0000-0000-000"+strconvFormat(int64(i))); !recoveryRefused(b, res) {
			t.Fatalf("wrong recovery code %d: got %d, want it refused", i+1, res.StatusCode)
		}
	}
	b.get("/phone")
	res, _ := b.post("/phone/recovery", url.Values{"recovery_code": {code}})
	if _, body := b.get(res.Header.Get("Location")); res.StatusCode != http.StatusSeeOther || !strings.Contains(body, "locked") {
		t.Errorf("the right recovery code while locked: got %d, want 303 to a page saying it is locked\n%s", res.StatusCode, body)
	}
	f.clock.Add(phonegate.MFALockDuration)
	expectRedirect(t, useRecovery(b, code), "/phone")
}

// TestEmergencyBindingOrphaned: once the session that used the emergency
// code logs out, no session may verify the phone, and the phone page says
// that an admin's reset is the way back.
func TestEmergencyBindingOrphaned(t *testing.T) {
	h, _, emergency := emergencySetup(t)
	p := h.pending()
	h.useEmergency(p, emergency)
	p.get("/phone")
	p.post("/logout", url.Values{})
	n := h.pending()
	res, body := n.get("/phone")
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "its session has ended") {
		t.Errorf("GET /phone after the emergency session ended: got %d, want 403 pointing to a reset\n%s", res.StatusCode, body)
	}
	if res, _ := n.submit("/phone", url.Values{"country": {"US"}, "phone": {phoneX}, "channel": {"sms"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("POST /phone: the page after it got %d, want 403", res.StatusCode)
	}
}
