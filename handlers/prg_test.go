package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// formSection returns the form of page whose id is id, up to its end, or
// "" when the page has no such form.
func formSection(page, id string) string {
	i := strings.Index(page, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	i = strings.LastIndex(page[:i], "<")
	j := strings.Index(page[i:], "</form>")
	if j < 0 {
		return page[i:]
	}
	return page[i : i+j]
}

// prgFixture is ada, owner of Engine at "once per computer", in the
// browser where she verified her phone (so it is trusted), with bob a
// developer of Engine.
type prgFixture struct {
	h       *twoFactor
	b       *browser
	project int64
	bob     phonegate.User
}

func newPRGFixture(t *testing.T) *prgFixture {
	t.Helper()
	h, b, id := trustedBrowser(t, phonegate.LevelPerComputer)
	bob, _ := h.addUser("bob@example.com", goodPassword, "Bob own")
	if err := h.db.AddMember(context.Background(), id, bob.ID, phonegate.RoleDeveloper, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	return &prgFixture{h: h, b: b, project: id, bob: bob}
}

func (f *prgFixture) path(p string) string {
	return strings.ReplaceAll(strings.ReplaceAll(p, "{id}", strconvFormat(f.project)), "{bob}", strconvFormat(f.bob.ID))
}

func (f *prgFixture) authenticate(t *testing.T) {
	t.Helper()
	f.b.get(f.path("/projects/{id}/settings"))
	res, _ := f.b.post(f.path("/projects/{id}/settings/authenticate"), url.Values{"password": {goodPassword}})
	expectRedirect(t, res, f.path("/projects/{id}/settings"))
}

// TestFormErrorsAfterRedirect posts each form of a logged-in user with a
// mistake: the answer is 303 to the form's own page, which shows the error
// beside that form (once), with what was typed but never the password;
// a second GET of the page no longer shows it.
func TestFormErrorsAfterRedirect(t *testing.T) {
	const wrong = "wrong password here"
	tests := []struct {
		name     string
		before   func(f *prgFixture, t *testing.T)
		page     string // opened first, for its CSRF token
		post     string
		form     url.Values
		wantPath string
		formID   string // the form (or element) the error must be shown in; "" for the top of the page
		msg      string
		typed    []string // what must come back in that form
	}{
		{name: "create a project", page: "/", post: "/projects", form: url.Values{"name": {"a,b"}},
			wantPath: "/", formID: "project-form", msg: nameRuleWords, typed: []string{`value="a,b"`}},
		{name: "authenticate to make changes", page: "/projects/{id}/settings", post: "/projects/{id}/settings/authenticate",
			form: url.Values{"password": {wrong}}, wantPath: "/projects/{id}/settings", formID: "authenticate-form",
			msg: "That password is not right."},
		{name: "save a level without authenticating", page: "/projects/{id}/settings", post: "/projects/{id}/settings",
			form: url.Values{"level": {"off"}}, wantPath: "/projects/{id}/settings", formID: "authenticate-form",
			msg: "Authenticate to make changes: enter your password, then save again."},
		{name: "save an unknown level", before: (*prgFixture).authenticate, page: "/projects/{id}/settings",
			post: "/projects/{id}/settings", form: url.Values{"level": {"sometimes"}}, wantPath: "/projects/{id}/settings",
			formID: "level-form", msg: "Choose one of the levels."},
		{name: "authenticate on the members page", page: "/projects/{id}/members", post: "/projects/{id}/settings/authenticate",
			form: url.Values{"password": {wrong}, "next": {"/projects/{id}/members"}}, wantPath: "/projects/{id}/members",
			formID: "authenticate-form", msg: "That password is not right."},
		{name: "add a member", page: "/projects/{id}/members", post: "/projects/{id}/members",
			form: url.Values{"email": {"nobody"}, "role": {"admin"}}, wantPath: "/projects/{id}/members", formID: "add-form",
			msg: "Enter a valid email address.", typed: []string{`value="nobody"`, `value="admin" selected`}},
		{name: "demote the last owner", page: "/projects/{id}/members", post: "/projects/{id}/members/role",
			form: url.Values{"user": {"{ada}"}, "role": {"developer"}}, wantPath: "/projects/{id}/members",
			formID: "members-error", msg: "A project must keep at least one owner"},
		{name: "remove the last owner", page: "/projects/{id}/members", post: "/projects/{id}/members/remove",
			form: url.Values{"user": {"{ada}"}, "confirm": {"1"}}, wantPath: "/projects/{id}/members", formID: "members-error",
			msg: "A project must keep at least one owner"},
		{name: "reset without authenticating", page: "/projects/{id}/members", post: "/projects/{id}/members/reset",
			form: url.Values{"user": {"{bob}"}}, wantPath: "/projects/{id}/members", formID: "members-error",
			msg: "Authenticate to make changes: enter your password, then reset again."},
		{name: "change the password, wrong current one", page: "/account", post: "/account/password",
			form: url.Values{"current_password": {wrong}, "new_password": {"a brand new password"}}, wantPath: "/account",
			formID: "password-form", msg: "That password is not right."},
		{name: "change the password, too short", page: "/account", post: "/account/password",
			form: url.Values{"current_password": {goodPassword}, "new_password": {"short"}}, wantPath: "/account",
			formID: "password-form", msg: "The new password was not accepted. The password must be 12 to 128 characters long."},
		{name: "change the phone, a bad number", page: "/account", post: "/account/phone",
			form:     url.Values{"password": {goodPassword}, "country": {"GB"}, "phone": {"12"}, "channel": {"call"}},
			wantPath: "/account", formID: "phone-form", msg: "That does not look like a valid phone number",
			typed: []string{`value="12"`, `value="GB" selected`, `id="channel-call" name="channel" value="call" checked`}},
		{name: "remove a member removed meanwhile", page: "/projects/{id}/members", post: "/projects/{id}/members/remove",
			form: url.Values{"user": {"9999"}}, wantPath: "/projects/{id}/members", formID: "members-error",
			msg: "That member is not known."},
		{name: "end a session ended meanwhile", page: "/account", post: "/account/sessions/revoke",
			form: url.Values{"session": {"00ff"}}, wantPath: "/account", formID: "", msg: "That session is not known"},
		{name: "forget a computer forgotten meanwhile", page: "/account", post: "/account/trusted/revoke",
			form: url.Values{"computer": {"00ff"}}, wantPath: "/account", formID: "", msg: "That computer is not known"},
		{name: "new emergency code, wrong password", page: "/account", post: "/account/emergency",
			form: url.Values{"password": {wrong}}, wantPath: "/account", formID: "emergency-form",
			msg: "That password is not right."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPRGFixture(t)
			ada, _ := f.h.db.UserByEmail(context.Background(), "ada@example.com")
			if tt.before != nil {
				tt.before(f, t)
			}
			form := url.Values{}
			for k, v := range tt.form {
				form[k] = []string{strings.ReplaceAll(f.path(v[0]), "{ada}", strconvFormat(ada.ID))}
			}
			f.b.get(f.path(tt.page))
			res, body := f.b.post(f.path(tt.post), form)
			want := f.path(tt.wantPath)
			if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != want {
				t.Fatalf("got %d to %q, want 303 to %s\n%s", res.StatusCode, loc, want, body)
			}
			res, page := f.b.get(want)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: got %d", want, res.StatusCode)
			}
			section := formSection(page, tt.formID)
			if tt.formID == "" { // a page-wide error: at the top of the page, before its heading
				section = page[strings.Index(page, "<main>"):strings.Index(page, "<h1>")]
			}
			if section == "" {
				t.Fatalf("the page has no form %q:\n%s", tt.formID, page)
			}
			if !strings.Contains(section, `class="error" role="alert"`) || !strings.Contains(section, html.EscapeString(tt.msg)) {
				t.Errorf("the error %q is not beside form %q:\n%s", tt.msg, tt.formID, section)
			}
			if got := strings.Count(page, `class="error"`); got != 1 {
				t.Errorf("the page shows %d errors, want 1", got)
			}
			for _, s := range tt.typed {
				if !strings.Contains(section, s) {
					t.Errorf("form %q lacks what was typed, %q:\n%s", tt.formID, s, section)
				}
			}
			if strings.Contains(page, wrong) || strings.Contains(page, `value="`+goodPassword) {
				t.Error("the page shows a password that was typed")
			}
			if _, again := f.b.get(want); strings.Contains(again, `class="error"`) {
				t.Errorf("a second GET still shows the error:\n%s", formSection(again, tt.formID))
			}
		})
	}
}

// TestOpenFormErrorsAfterRedirect does the same for the forms shown before
// login: login, setup and an invite link.
func TestOpenFormErrorsAfterRedirect(t *testing.T) {
	t.Run("login", func(t *testing.T) {
		h := newHarness(t)
		h.addUser("ada@example.com", goodPassword, "P")
		b := h.browser()
		b.get("/login?next=%2Faccount")
		res, _ := b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {"not the password"}, "next": {"/account"}})
		expectTwice(t, b, res, "/login?next=%2Faccount", errBadLoginWords, `value="ada@example.com"`, `name="next" value="/account"`)
	})
	t.Run("setup", func(t *testing.T) {
		h := newHarness(t)
		link, err := h.srv.SetupLink(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		path := strings.TrimPrefix(link, "http://127.0.0.1:8080")
		b := h.browser()
		b.get(path)
		res, _ := b.post(path, url.Values{"email": {"ada@example.com"}, "password": {"short"}, "project": {"Engine"}})
		expectTwice(t, b, res, path, "The password must be 12 to 128 characters long.", `value="ada@example.com"`, `value="Engine"`)
	})
	t.Run("invite", func(t *testing.T) {
		h := newHarness(t, withMailbox())
		_, p := h.addUser("ada@example.com", goodPassword, "Engine")
		ada := h.browser()
		ada.login("ada@example.com", goodPassword)
		addByPage(t, ada, p.ID, "new@example.com", "developer")
		link := h.inviteLinkIn("new@example.com")
		b := h.browser()
		b.get(link)
		res, _ := b.post(link, url.Values{"password": {"short"}})
		expectTwice(t, b, res, link, "The password must be 12 to 128 characters long.", "new@example.com")
	})
}

const errBadLoginWords = "That email and password do not match an account."

// expectTwice checks that res is 303 to want, that the page there shows
// msg and each of typed, and that a second GET no longer shows msg.
func expectTwice(t *testing.T, b *browser, res *http.Response, want, msg string, typed ...string) {
	t.Helper()
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != want {
		t.Fatalf("got %d to %q, want 303 to %s", res.StatusCode, loc, want)
	}
	_, page := b.get(want)
	if !strings.Contains(page, html.EscapeString(msg)) {
		t.Errorf("the page does not say %q:\n%s", msg, page)
	}
	for _, s := range typed {
		if !strings.Contains(page, s) {
			t.Errorf("the form lacks what was typed, %q", s)
		}
	}
	if _, again := b.get(want); strings.Contains(again, html.EscapeString(msg)) {
		t.Errorf("a second GET still says %q", msg)
	}
}

var (
	sessionRowRE  = regexp.MustCompile(`(?s)<tr><td>([^<]*(?:<strong>\(this one\)</strong>)?)</td>.*?name="session" value="([0-9a-f]+)"`)
	computerRowRE = regexp.MustCompile(`name="computer" value="([0-9a-f]+)"`)
)

// TestFormFlashOnce sends each form of a logged-in user that succeeds: the
// page it is sent to says so, once; a second GET does not.
func TestFormFlashOnce(t *testing.T) {
	tests := []struct {
		name     string
		before   func(f *prgFixture, t *testing.T)
		page     string
		post     string
		form     func(t *testing.T, f *prgFixture, page string) url.Values
		wantPath string // "" when the path holds a new ID: only the prefix is checked
		flash    string
	}{
		{name: "create a project", page: "/", post: "/projects", form: values("name", "Second"),
			wantPath: "/projects/", flash: "Project created: Second."},
		{name: "authenticate", page: "/projects/{id}/settings", post: "/projects/{id}/settings/authenticate",
			form: values("password", goodPassword), wantPath: "/projects/{id}/settings",
			flash: "You can make changes for the next 10 minutes."},
		{name: "save a level", before: (*prgFixture).authenticate, page: "/projects/{id}/settings", post: "/projects/{id}/settings",
			form: values("level", "off"), wantPath: "/projects/{id}/settings", flash: "Two-factor authentication is off for Engine."},
		{name: "change a role", page: "/projects/{id}/members", post: "/projects/{id}/members/role",
			form: values("user", "{bob}", "role", "admin"), wantPath: "/projects/{id}/members",
			flash: "Role changed: bob@example.com is now Admin."},
		{name: "remove a member", page: "/projects/{id}/members", post: "/projects/{id}/members/remove",
			form: values("user", "{bob}", "confirm", "1"), wantPath: "/projects/{id}/members", flash: "Member removed: bob@example.com."},
		{name: "change the password", page: "/account", post: "/account/password",
			form:     values("current_password", goodPassword, "new_password", "a brand new password"),
			wantPath: "/account", flash: "Your password was changed."},
		{name: "forget a trusted computer", page: "/account", post: "/account/trusted/revoke",
			form: func(t *testing.T, f *prgFixture, page string) url.Values {
				m := computerRowRE.FindStringSubmatch(page)
				if m == nil {
					t.Fatalf("no trusted computer on the account page:\n%s", page)
				}
				return url.Values{"computer": {m[1]}}
			}, wantPath: "/account", flash: "The computer was forgotten"},
		{name: "end another session", before: func(f *prgFixture, t *testing.T) { f.h.browser().login("ada@example.com", goodPassword) },
			page: "/account", post: "/account/sessions/revoke",
			form: func(t *testing.T, f *prgFixture, page string) url.Values {
				for _, m := range sessionRowRE.FindAllStringSubmatch(page, -1) {
					if !strings.Contains(m[1], "this one") {
						return url.Values{"session": {m[2]}}
					}
				}
				t.Fatalf("no other session on the account page:\n%s", page)
				return nil
			}, wantPath: "/account", flash: "The session was ended."},
		{name: "log out", page: "/", post: "/logout", form: values(), wantPath: "/login", flash: "Logged out."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPRGFixture(t)
			if tt.before != nil {
				tt.before(f, t)
			}
			_, page := f.b.get(f.path(tt.page))
			res, body := f.b.post(f.path(tt.post), tt.form(t, f, page))
			loc := res.Header.Get("Location")
			if want := f.path(tt.wantPath); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, want) {
				t.Fatalf("got %d to %q, want 303 to %s\n%s", res.StatusCode, loc, want, body)
			}
			expectFlashOnce(t, f.b, loc, tt.flash)
		})
	}
}

// values returns a form of fixed fields ({id} and {bob} replaced).
func values(kv ...string) func(*testing.T, *prgFixture, string) url.Values {
	return func(_ *testing.T, f *prgFixture, _ string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], f.path(kv[i+1]))
		}
		return v
	}
}

// expectFlashOnce opens path and checks that it shows the flash msg, and
// that a second GET does not.
func expectFlashOnce(t *testing.T, b *browser, path, msg string) {
	t.Helper()
	res, page := b.get(path)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, `<p class="flash" role="status">`+html.EscapeString(msg)) {
		t.Errorf("GET %s: got %d, want the flash %q:\n%s", path, res.StatusCode, msg, page)
	}
	if _, again := b.get(path); strings.Contains(again, html.EscapeString(msg)) {
		t.Errorf("a second GET of %s still says %q", path, msg)
	}
}

// TestOpenFormFlashOnce: setup, an invite link and the answers to an
// invitation say what they did, once.
func TestOpenFormFlashOnce(t *testing.T) {
	t.Run("setup", func(t *testing.T) {
		h := newHarness(t)
		link, _ := h.srv.SetupLink(context.Background())
		path := strings.TrimPrefix(link, "http://127.0.0.1:8080")
		b := h.browser()
		b.get(path)
		res, _ := b.post(path, url.Values{"email": {"ada@example.com"}, "password": {goodPassword}, "project": {"Engine"}})
		expectRedirect(t, res, "/login")
		expectFlashOnce(t, b, "/login", "Setup done: log in.")
	})
	t.Run("invite link", func(t *testing.T) {
		h := newHarness(t, withMailbox())
		_, p := h.addUser("ada@example.com", goodPassword, "Engine")
		ada := h.browser()
		ada.login("ada@example.com", goodPassword)
		addByPage(t, ada, p.ID, "new@example.com", "developer")
		link := h.inviteLinkIn("new@example.com")
		b := h.browser()
		b.get(link)
		res, _ := b.post(link, url.Values{"password": {goodPassword}})
		expectRedirect(t, res, "/")
		expectFlashOnce(t, b, "/", "Welcome: your account is ready.")
	})
	for _, answer := range []struct{ path, to, flash string }{
		{"/accept", "/projects/", "Invitation accepted: you are a member of Carols."},
		{"/decline", "/", "The invitation to Carols was declined."},
	} {
		t.Run(answer.path, func(t *testing.T) {
			h := newHarness(t)
			ada, _ := h.addUser("ada@example.com", goodPassword, "Engine")
			carol, p := h.addUser("carol@example.com", goodPassword, "Carols")
			now := h.clock.Now()
			if _, err := h.db.InviteMemberCapped(context.Background(), ada.Email, p.ID, phonegate.RoleDeveloper,
				phonegate.Inviter{UserID: carol.ID, Addr: "192.0.2.1"},
				phonegate.HashToken(phonegate.NewToken()), now.Add(phonegate.InviteLife), now); err != nil {
				t.Fatal(err)
			}
			b := h.browser()
			b.login("ada@example.com", goodPassword)
			b.get("/")
			res, _ := b.post("/projects/"+strconvFormat(p.ID)+answer.path, url.Values{})
			loc := expectRedirect(t, res, answer.to)
			expectFlashOnce(t, b, loc, answer.flash)
		})
	}
}

// TestChangePhoneErrorOpensItsForm: the change-phone form sits in a
// closed <details>; when it failed, the page after the redirect opens it,
// so that the error beside it is seen.
func TestChangePhoneErrorOpensItsForm(t *testing.T) {
	f := newPRGFixture(t)
	if _, page := f.b.get("/account"); strings.Contains(page, "<details open>") {
		t.Fatal("the change-phone form is open before any error")
	}
	f.b.post("/account/phone", url.Values{"password": {goodPassword}, "country": {"US"}, "phone": {"12"}, "channel": {"sms"}})
	if _, page := f.b.get("/account"); !strings.Contains(page, "<details open>") {
		t.Error("the change-phone form is closed after its error")
	}
}
