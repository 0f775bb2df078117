package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

func TestMembersAccess(t *testing.T) {
	tests := []struct {
		email string
		want  int
	}{
		{"owner@example.com", http.StatusOK},
		{"admin@example.com", http.StatusOK},
		{"dev@example.com", http.StatusForbidden},
		{"stranger@example.com", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			h, p := team(t)
			b := h.as(tt.email)
			res, body := b.get("/projects/" + strconvFormat(p.ID) + "/members")
			if res.StatusCode != tt.want {
				t.Fatalf("got %d, want %d", res.StatusCode, tt.want)
			}
			if tt.want == http.StatusOK {
				for _, want := range []string{"owner@example.com", "admin@example.com", "dev@example.com", "Not verified", "never"} {
					if !strings.Contains(body, want) {
						t.Errorf("the member list lacks %q", want)
					}
				}
			}
		})
	}
}

func TestAddMemberInvite(t *testing.T) {
	h, p := team(t, withMailbox())
	b := h.as("admin@example.com")
	members := "/projects/" + strconvFormat(p.ID) + "/members"
	b.get(members)

	res, _ := b.post(members, url.Values{"email": {"new@example.com"}, "role": {"developer"}})
	loc := expectRedirect(t, res, "/projects/"+strconvFormat(p.ID)+"/invited")
	res, body := b.get(loc)
	if strings.Contains(body, "/invite/") || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the confirmation shows a link, or Cache-Control is %q:\n%s", res.Header.Get("Cache-Control"), body)
	}
	link := h.inviteLinkIn("new@example.com")
	if !strings.HasPrefix(link, "/invite/") {
		t.Fatalf("new@'s mailbox holds no invite link: %q", link)
	}
	newcomer := h.browser()
	if res, _ := newcomer.get(link); res.StatusCode != http.StatusOK {
		t.Errorf("the invite link: got %d", res.StatusCode)
	}

	tests := []struct {
		name  string
		form  url.Values
		want  int
		words string
	}{
		{"already a member", url.Values{"email": {"dev@example.com"}, "role": {"developer"}}, http.StatusSeeOther, "already a member"},
		{"bad email", url.Values{"email": {"nobody"}, "role": {"developer"}}, http.StatusSeeOther, "valid email"},
		{"an admin cannot make owners", url.Values{"email": {"x@example.com"}, "role": {"owner"}}, http.StatusSeeOther, "role you can give"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b.get(members)
			res, at, body := b.follow(b.post(members, tt.form))
			expectFormError(t, res, at, body, members, tt.words)
		})
	}
}

func TestMemberRolesAndRemoval(t *testing.T) {
	h, p := team(t)
	ctx := context.Background()
	owner, _ := h.db.UserByEmail(ctx, "owner@example.com")
	dev, _ := h.db.UserByEmail(ctx, "dev@example.com")
	admin, _ := h.db.UserByEmail(ctx, "admin@example.com")
	members := "/projects/" + strconvFormat(p.ID) + "/members"
	id := strconvFormat

	tests := []struct {
		name  string
		as    string
		path  string
		form  url.Values
		want  int
		words string
	}{
		{"owner demotes the last owner", "owner@example.com", "/role", url.Values{"user": {id(owner.ID)}, "role": {"admin"}},
			http.StatusSeeOther, "at least one owner"},
		{"owner removes the last owner", "owner@example.com", "/remove", url.Values{"user": {id(owner.ID)}, "confirm": {"1"}},
			http.StatusSeeOther, "at least one owner"},
		{"admin demotes the owner", "admin@example.com", "/role", url.Values{"user": {id(owner.ID)}, "role": {"developer"}},
			http.StatusSeeOther, "Only an owner"},
		{"developer promotes themself", "dev@example.com", "/role", url.Values{"user": {id(dev.ID)}, "role": {"admin"}},
			http.StatusForbidden, "owners and admins"},
		{"admin promotes the developer", "admin@example.com", "/role", url.Values{"user": {id(dev.ID)}, "role": {"admin"}},
			http.StatusSeeOther, ""},
		{"owner makes the admin an owner", "owner@example.com", "/role", url.Values{"user": {id(admin.ID)}, "role": {"owner"}},
			http.StatusSeeOther, ""},
		{"now the first owner may leave", "owner@example.com", "/remove", url.Values{"user": {id(owner.ID)}, "confirm": {"1"}},
			http.StatusSeeOther, ""},
		{"a stranger's ID", "admin@example.com", "/remove", url.Values{"user": {"9999"}, "confirm": {"1"}},
			http.StatusSeeOther, "not known"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := h.as(tt.as)
			b.get("/")
			// An error the user can fix comes back on the members page.
			res, _, body := b.follow(b.post(members+tt.path, tt.form))
			if res.StatusCode != tt.want || !strings.Contains(body, tt.words) {
				t.Errorf("got %d, want %d saying %q\n%s", res.StatusCode, tt.want, tt.words, body)
			}
		})
	}
	ms, _ := h.db.Members(ctx, p.ID)
	var got []string
	for _, m := range ms {
		got = append(got, m.User.Email+":"+m.Role)
	}
	if want := "admin@example.com:owner dev@example.com:admin"; strings.Join(got, " ") != want {
		t.Errorf("members = %v, want %s", got, want)
	}
}

func TestResetMemberSecondFactor(t *testing.T) {
	h, p := team(t)
	ctx := context.Background()
	h.setLevel(p.ID, phonegate.LevelPerComputer)
	dev := h.as("dev@example.com")
	h.enroll(dev, testPhone2)
	devUser, _ := h.db.UserByEmail(ctx, "dev@example.com")

	b := h.as("owner@example.com")
	h.enroll(b, testPhone)
	members := "/projects/" + strconvFormat(p.ID) + "/members"
	_, page := b.get(members)
	if !strings.Contains(page, "Verified") {
		t.Error("the member list does not show verified phones")
	}
	res, at, body := b.follow(b.post(members+"/reset", url.Values{"user": {strconvFormat(devUser.ID)}, "confirm": {"1"}}))
	expectFormError(t, res, at, body, members, "Authenticate to make changes")
	b.post("/projects/"+strconvFormat(p.ID)+"/settings/authenticate", url.Values{"password": {goodPassword}, "next": {members}})
	// The developer owns a project of their own: the owner may reset them
	// only as an admin of it too.
	ownerUser, _ := h.db.UserByEmail(ctx, "owner@example.com")
	if err := h.db.AddMember(ctx, ownProject(t, h, devUser.ID).ID, ownerUser.ID, phonegate.RoleAdmin, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	b.get(members)
	res, _ = b.post(members+"/reset", url.Values{"user": {strconvFormat(devUser.ID)}, "confirm": {"1"}})
	expectRedirect(t, res, "/projects/"+strconvFormat(p.ID)+"/recovery")

	got, _ := h.db.User(ctx, devUser.ID)
	if got.PhoneVerified || got.EmergencyHash != "" {
		t.Errorf("after reset: phone verified %v, emergency hash %q", got.PhoneVerified, got.EmergencyHash)
	}
	if res, _ := dev.get("/"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("the reset member's session lives on: got %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	es, _ := h.db.AuditEvents(ctx, p.ID, 0, 10)
	var found bool
	for _, e := range es {
		found = found || (e.Kind == "2fa.reset" && e.UserEmail == "dev@example.com" && e.ActorEmail == "owner@example.com")
	}
	if !found {
		t.Error("the reset is not in the audit log")
	}
}
