package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// attackerName is a project name written to be read out as a message of
// its own.
const attackerName = "URGENT: Bank account locked. Call +1 415 555 0199 now"

const nameRuleWords = "only letters, digits, spaces and the signs - . _"

// TestProjectNameSetup: the setup page refuses a name an SMS may not say,
// in words, and creates nothing.
func TestProjectNameSetup(t *testing.T) {
	for _, tt := range []struct {
		name, project, words string
	}{
		{"attacker's text", attackerName, "1 to 30 characters"},
		{"a phone number", "Call +14155550199", nameRuleWords},
		{"an apostrophe", "Bob's", nameRuleWords},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			link, err := h.srv.SetupLink(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			token := link[strings.Index(link, "token=")+len("token="):]
			b := h.browser()
			b.get("/setup?token=" + token)
			res, at, body := b.follow(b.post("/setup", url.Values{"token": {token}, "email": {"ada@example.com"},
				"password": {goodPassword}, "project": {tt.project}}))
			expectFormError(t, res, at, body, "/setup", tt.words)
			if n, _ := h.db.CountUsers(context.Background()); n != 0 {
				t.Errorf("got %d users after a refused setup, want 0", n)
			}
			res, _ = b.post("/setup", url.Values{"token": {token}, "email": {"ada@example.com"},
				"password": {goodPassword}, "project": {"Team-42 v2.0_b"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Errorf("a fitting name after the refusal: got %d, want 303", res.StatusCode)
			}
		})
	}
}

// TestProjectNameNewProject: POST /projects refuses the same names.
func TestProjectNameNewProject(t *testing.T) {
	h := newHarness(t)
	u, _ := h.addUser("ada@example.com", goodPassword, "Engine")
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	b.get("/")
	for _, name := range []string{attackerName, "Call +14155550199", "see https://x.example", "a,b"} {
		res, at, body := b.follow(b.post("/projects", url.Values{"name": {name}}))
		if res.StatusCode != http.StatusSeeOther || at != "/" || !strings.Contains(body, "1 to 30") && !strings.Contains(body, nameRuleWords) {
			t.Errorf("name %q: got %d to %q, want 303 home with the rule in words", name, res.StatusCode, at)
		}
	}
	ps, err := h.db.Memberships(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 {
		t.Errorf("got %d projects after refused names, want 1", len(ps))
	}
}

// TestProjectNameCommandLine: `phonegate user add --project` (AddUser)
// refuses to create a project with such a name and creates no account.
func TestProjectNameCommandLine(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if _, err := h.srv.AddUser(ctx, "bob@example.com", attackerName, phonegate.RoleOwner, goodPassword); err == nil ||
		!strings.Contains(err.Error(), phonegate.ErrProjectName.Error()) {
		t.Errorf("AddUser with the attacker's name: err = %v, want the rule", err)
	}
	if _, err := h.db.UserByEmail(ctx, "bob@example.com"); err == nil {
		t.Error("a refused AddUser created the account")
	}
	if _, err := h.srv.AddUser(ctx, "bob@example.com", "Engine 2", phonegate.RoleOwner, goodPassword); err != nil {
		t.Errorf("AddUser with a fitting name: %v", err)
	}
}

// TestCodeTextsNameOnlyFittingProjects: a project named before the rule
// is written and said as "your project"; the fixed words come first and
// the WebOTP line stays last.
func TestCodeTextsNameOnlyFittingProjects(t *testing.T) {
	for _, tt := range []struct{ label, sms, call string }{
		{"Apollo", "Your phonegate code is 042917 for Apollo. It expires in 10 minutes.",
			"Hello. This is a call with your phonegate verification code for Apollo."},
		{attackerName, "Your phonegate code is 042917 for your project. It expires in 10 minutes.",
			"Hello. This is a call with your phonegate verification code for your project."},
		{"Tom & Jerry's", "Your phonegate code is 042917 for your project.",
			"Hello. This is a call with your phonegate verification code for your project."},
		{"phonegate", "Your phonegate code is 042917. It expires",
			"Hello. This is a call with your phonegate verification code."},
	} {
		t.Run(tt.label, func(t *testing.T) {
			h := newWebhookHarness(t)
			h.send(labelled(h, whPhone, tt.label), "sms")
			sms, _ := h.sender.sent()
			body := sms[0].Body
			if !strings.HasPrefix(body, tt.sms) || !strings.HasSuffix(body, "\n\n@phonegate.example.com #042917") {
				t.Errorf("SMS = %q, want it to start %q and end with the WebOTP line", body, tt.sms)
			}
			if strings.Contains(body, "URGENT") || strings.Contains(body, "0199") {
				t.Errorf("the attacker's words are in the SMS: %q", body)
			}
			// The call: the label stored with the challenge is what it says.
			d := h.send(labelled(h, whOther, tt.label), "call")
			res, doc := h.twilio("/twilio/voice?d="+d.ID, whForm(t, "voice", "CallSid", h.delivery(d.ID).SID))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("voice: %d", res.StatusCode)
			}
			if got := said(t, doc); len(got) == 0 || got[0] != tt.call {
				t.Errorf("the call says %q, want %q", got, tt.call)
			}
			if strings.Contains(doc, "URGENT") || strings.Contains(doc, "0199") {
				t.Errorf("the attacker's words are in the call:\n%s", doc)
			}
		})
	}
}

// labelled stores a pending login challenge for phone, as h.challenge
// does, named after label.
func labelled(h *whHarness, phone, label string) phonegate.Challenge {
	h.t.Helper()
	h.n++
	id := "labelled-" + strconvFormat(int64(h.n))
	now := h.clock.Now()
	c := phonegate.Challenge{ID: id, UserID: h.user.ID, SessionHash: phonegate.HashToken(id), Purpose: phonegate.PurposeLogin,
		Label: label, Phone: phone, CodeMAC: h.keys.CodeMAC(id, whCode), CodeSealed: h.keys.Seal(id, whCode),
		CreatedAt: now, ExpiresAt: now.Add(phonegate.ChallengeLife)}
	if err := h.db.CreateChallenge(context.Background(), c); err != nil {
		h.t.Fatal(err)
	}
	return c
}
