package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/phonegate/phonegate"
)

// bHost is the app that project B protects.
const bHost = "b.example.test"

// TestTwoProjectsOneAccount: ada is in project A, which asks for a code,
// and in project B, which does not and protects b.example.test. Once on,
// two-factor authentication is asked of the whole account (DESIGN §2,
// §7): the password alone does not let the session into B's app; the
// check sends it to log in with rd, the login asks for the code (or a
// phone first), and the code page ends at B's app, which then lets it in.
func TestTwoProjectsOneAccount(t *testing.T) {
	for _, tt := range []struct {
		name   string
		levelA phonegate.Level
		phone  bool   // ada has verified a phone
		step   string // where the login with rd goes; "" for B's app at once
	}{
		{"A on, a phone", phonegate.LevelEveryLogin, true, "/verify"},
		{"A on, no phone yet", phonegate.LevelEveryLogin, false, "/phone"},
		{"A trusts the computer, a new computer", phonegate.LevelPerComputer, true, "/verify"},
		{"A off too", phonegate.LevelOff, false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newTwoFactor(t)
			u, a := h.addUser("ada@example.com", goodPassword, "Apollo")
			b, err := h.db.CreateProject(context.Background(), u.ID, "Beta", h.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			h.protectID(b.ID, u.ID, bHost)
			h.setLevel(a.ID, tt.levelA)
			if tt.phone {
				first := h.browser()
				first.login("ada@example.com", goodPassword)
				h.enroll(first, testPhone)
			}

			br := h.pending()
			check := forwardCheck("GET", bHost, "/board?x=1")
			res := br.ask(check)
			if tt.step == "" {
				if res.StatusCode != http.StatusOK {
					t.Fatalf("the check with the password alone and no level on: got %d, want 200", res.StatusCode)
				}
				return
			}
			if res.StatusCode != http.StatusFound {
				t.Fatalf("the check with the password alone: got %d, want 302 to log in", res.StatusCode)
			}
			if got := br.ask(requestCheck("GET", "https://"+bHost+"/board")).StatusCode; got != http.StatusUnauthorized {
				t.Errorf("nginx's check with the password alone: got %d, want 401", got)
			}
			loc, err := url.Parse(res.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			rd := loc.Query().Get("rd")
			if want := "https://" + bHost + "/board?x=1"; rd != want {
				t.Fatalf("the check's rd = %q, want %q", rd, want)
			}

			q := "?next=" + url.QueryEscape(rd)
			res, _ = br.get("/login?rd=" + url.QueryEscape(rd))
			expectAt(t, res, tt.step+q)
			if tt.phone {
				br.get("/verify" + q)
				br.post("/verify/send", withReturn(url.Values{"channel": {"sms"}}, rd))
				res, _ = br.post("/verify", withReturn(url.Values{"code": {h.sender.lastCode(t)}}, rd))
				expectAt(t, res, rd)
			} else {
				br.get("/phone" + q)
				br.post("/phone", withReturn(url.Values{"country": {"US"}, "phone": {testPhone}, "channel": {"sms"}}, rd))
				br.get("/verify" + q)
				res, _ = br.post("/verify", withReturn(url.Values{"code": {h.sender.lastCode(t)}}, rd))
				expectAt(t, res, "/phone/done"+q)
				br.get("/phone/done" + q)
				res, _ = br.get("/login" + q)
				expectAt(t, res, rd)
			}
			res = br.ask(check)
			if res.StatusCode != http.StatusOK || res.Header.Get("Remote-Project") != "Beta" {
				t.Errorf("the check after the code: got %d for project %q, want 200 for Beta", res.StatusCode, res.Header.Get("Remote-Project"))
			}
		})
	}
}
