package handlers_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// consent is the scene of the security review's second attack: Alice owns
// Alpha, Eve owns EveCorp, and Eve adds Alice to EveCorp without asking.
type consent struct {
	*twoFactor
	alice, eve     phonegate.User
	alpha, evecorp phonegate.Project
	eveLevel       phonegate.Level
}

func newConsent(t *testing.T, aliceLevel, eveLevel phonegate.Level) *consent {
	t.Helper()
	h := &consent{twoFactor: newTwoFactor(t), eveLevel: eveLevel}
	h.alice, h.alpha = h.addUser("alice@example.com", goodPassword, "Alpha")
	h.eve, h.evecorp = h.addUser("eve@example.com", goodPassword, "EveCorp")
	h.setLevel(h.alpha.ID, aliceLevel)
	h.setLevel(h.evecorp.ID, eveLevel)
	return h
}

// eveAddsAlice adds Alice to EveCorp through Eve's members page, with role,
// and returns Eve's browser.
func (h *consent) eveAddsAlice(role string) *browser {
	h.t.Helper()
	eve := h.as("eve@example.com")
	if h.eveLevel != phonegate.LevelOff {
		h.enroll(eve, testPhone2)
	}
	addByPage(h.t, eve, h.evecorp.ID, "alice@example.com", role)
	return eve
}

func (h *consent) path(suffix string) string {
	return "/projects/" + strconvFormat(h.evecorp.ID) + suffix
}

// aliceEvents lists the kinds of EveCorp's audit events about Alice.
func (h *consent) aliceEvents() []string {
	h.t.Helper()
	es, err := h.db.AuditEvents(context.Background(), h.evecorp.ID, 0, 100)
	if err != nil {
		h.t.Fatal(err)
	}
	var kinds []string
	for _, e := range es {
		if e.UserID == h.alice.ID {
			kinds = append([]string{e.Kind}, kinds...)
		}
	}
	return kinds
}

// TestResetNeedsConsent: Eve may not reset the second factor of Alice,
// whom she added to EveCorp but who never accepted.
func TestResetNeedsConsent(t *testing.T) {
	h := newConsent(t, phonegate.LevelPerComputer, phonegate.LevelOff)
	alice := h.as("alice@example.com")
	h.enroll(alice, testPhone)
	before, _ := h.db.User(context.Background(), h.alice.ID)
	eve := h.eveAddsAlice("developer")
	eve.post(h.path("/settings/authenticate"), url.Values{"password": {goodPassword}, "next": {h.path("/members")}})

	_, page := eve.get(h.path("/members"))
	if row := memberRow(page, "alice@example.com"); strings.Contains(row, "erified") || !strings.Contains(row, "Invitation pending") {
		t.Errorf("the members page tells Alice's phone state, or not that she is pending:\n%s", row)
	}
	if row := memberRow(page, "alice@example.com"); strings.Contains(row, "/members/reset") {
		t.Errorf("the members page offers to reset a pending member:\n%s", row)
	}
	res, at, body := eve.follow(eve.post(h.path("/members/reset"), url.Values{"user": {strconvFormat(h.alice.ID)}, "confirm": {"1"}}))
	expectFormError(t, res, at, body, h.path("/members"), "has not accepted")
	after, _ := h.db.User(context.Background(), h.alice.ID)
	if !after.PhoneVerified || after.Phone != before.Phone || after.EmergencyHash != before.EmergencyHash {
		t.Errorf("Alice's second factor changed: %+v", after)
	}
	if res, _ := alice.get("/"); res.StatusCode != http.StatusOK {
		t.Errorf("Alice's session after the refused reset: got %d, want 200", res.StatusCode)
	}
	if diff := strings.Join(h.aliceEvents(), " "); diff != "member.added" {
		t.Errorf("EveCorp's events about Alice: %s, want member.added alone", diff)
	}
}

// TestPendingMembershipGrantsNothing: before Alice accepts, EveCorp is not
// hers: she cannot open it, its level does not gate her, and her events
// stay out of its log. Accepting changes all three.
func TestPendingMembershipGrantsNothing(t *testing.T) {
	h := newConsent(t, phonegate.LevelOff, phonegate.LevelEveryLogin)
	h.eveAddsAlice("admin")
	alice := h.as("alice@example.com")

	res, home := alice.get("/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("EveCorp's level gates Alice before she accepted: GET / got %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	for _, want := range []string{"EveCorp", "eve@example.com", `action="` + h.path("/accept") + `"`, `action="` + h.path("/decline") + `"`} {
		if !strings.Contains(home, want) {
			t.Errorf("Alice's home lacks %q", want)
		}
	}
	for _, p := range []string{"", "/settings", "/members", "/audit", "/invited"} {
		if res, _ := alice.get(h.path(p)); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s by a pending member: got %d, want 404", h.path(p), res.StatusCode)
		}
	}
	alice.get("/account")
	res, _ = alice.post("/account/password", url.Values{"current_password": {goodPassword}, "new_password": {"a fresh violet tractor spoon"}})
	expectRedirect(t, res, "/account")
	es, _ := h.db.AuditEvents(context.Background(), h.alpha.ID, 0, 1)
	if len(es) != 1 || es[0].Kind != "password.changed" {
		t.Fatalf("Alpha's newest event: %+v, want password.changed", es)
	}
	if got := strings.Join(h.aliceEvents(), " "); got != "member.added" {
		t.Errorf("EveCorp's events about Alice before she accepted: %s, want member.added alone", got)
	}

	alice.get("/")
	res, _ = alice.post(h.path("/accept"), url.Values{})
	expectRedirect(t, res, h.path(""))
	if res, _ := alice.get(h.path("")); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/phone") {
		t.Errorf("after accepting, EveCorp's level does not apply: got %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if got := strings.Join(h.aliceEvents(), " "); got != "member.added member.accepted" {
		t.Errorf("EveCorp's events about Alice: %s, want member.added member.accepted", got)
	}
}

func TestAcceptAndDecline(t *testing.T) {
	tests := []struct {
		name     string
		action   string
		wantTo   string
		wantKind string
		member   bool // Alice is a member afterwards
	}{
		{"accept", "/accept", "/projects/", "member.accepted", true},
		{"decline", "/decline", "/", "member.declined", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newConsent(t, phonegate.LevelOff, phonegate.LevelOff)
			h.eveAddsAlice("developer")
			alice := h.as("alice@example.com")
			alice.get("/")
			if res, _ := alice.post(h.path(tt.action), url.Values{"csrf_token": {"forged"}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("without the CSRF token: got %d, want 403", res.StatusCode)
			}
			res, _ := alice.post(h.path(tt.action), url.Values{})
			if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, tt.wantTo) {
				t.Fatalf("got %d to %q, want 303 to %s", res.StatusCode, loc, tt.wantTo)
			}
			_, err := h.db.Membership(context.Background(), h.evecorp.ID, h.alice.ID)
			if member := err == nil; member != tt.member {
				t.Errorf("Alice is a member: %v, want %v (%v)", member, tt.member, err)
			}
			if got := h.aliceEvents(); len(got) != 2 || got[1] != tt.wantKind {
				t.Errorf("EveCorp's events about Alice: %v, want member.added %s", got, tt.wantKind)
			}
			_, home := alice.get("/")
			if strings.Contains(home, h.path("/accept")) {
				t.Error("the invitation is still offered")
			}
			for _, action := range []string{"/accept", "/decline"} {
				if res, _ := alice.post(h.path(action), url.Values{}); res.StatusCode != http.StatusNotFound {
					t.Errorf("POST %s once answered: got %d, want 404", action, res.StatusCode)
				}
			}
		})
	}
}

// TestAcceptOnlyYourInvitations: nobody accepts a project they were not
// invited to, nor their own accepted one.
func TestAcceptOnlyYourInvitations(t *testing.T) {
	h := newConsent(t, phonegate.LevelOff, phonegate.LevelOff)
	h.eveAddsAlice("developer")
	tests := []struct {
		name string
		as   string
		path string
	}{
		{"a stranger's project", "eve@example.com", "/projects/" + strconvFormat(h.alpha.ID) + "/accept"},
		{"one's own project", "alice@example.com", "/projects/" + strconvFormat(h.alpha.ID) + "/decline"},
		{"no such project", "alice@example.com", "/projects/9999/accept"},
		{"not a project", "alice@example.com", "/projects/x/accept"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := h.as(tt.as)
			b.get("/")
			if res, _ := b.post(tt.path, url.Values{}); res.StatusCode != http.StatusNotFound {
				t.Errorf("got %d, want 404", res.StatusCode)
			}
		})
	}
	if _, err := h.db.Membership(context.Background(), h.alpha.ID, h.alice.ID); err != nil {
		t.Errorf("Alice lost Alpha: %v", err)
	}
}

// TestRemovePendingMember: an owner cancels an invitation by removing it,
// and a pending owner does not let the last real owner leave.
func TestRemovePendingMember(t *testing.T) {
	h := newConsent(t, phonegate.LevelOff, phonegate.LevelOff)
	eve := h.eveAddsAlice("owner")
	members := h.path("/members")

	eve.get(members)
	res, at, body := eve.follow(eve.post(members+"/remove", url.Values{"user": {strconvFormat(h.eve.ID)}, "confirm": {"1"}}))
	expectFormError(t, res, at, body, members, "at least one owner")
	res, _ = eve.post(members+"/role", url.Values{"user": {strconvFormat(h.alice.ID)}, "role": {"developer"}})
	expectRedirect(t, res, members)
	res, _ = eve.post(members+"/remove", url.Values{"user": {strconvFormat(h.alice.ID)}, "confirm": {"1"}})
	expectRedirect(t, res, members)
	if _, err := h.db.Member(context.Background(), h.evecorp.ID, h.alice.ID); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("the pending membership survives its removal: %v", err)
	}
	_, home := h.as("alice@example.com").get("/")
	if strings.Contains(home, "EveCorp") {
		t.Error("Alice still sees the cancelled invitation")
	}
}

// memberRow returns the table row of the members page that names email.
func memberRow(page, email string) string {
	for _, row := range strings.Split(page, "<tr>") {
		if strings.Contains(row, email) {
			row, _, _ = strings.Cut(row, "</tr>")
			return row
		}
	}
	return ""
}
