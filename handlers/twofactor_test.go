package handlers_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/internal/teststore"
)

// TestNoSecretAtRest walks a whole life through the pages (2FA switched
// on, a phone enrolled by SMS, logins with and without trust, a wrong
// code, a resend, the emergency code used and a phone enrolled again) and
// then reads the SQLite file and its WAL byte by byte, and every log line:
// none may hold a code, an emergency code, the password, or a session or
// trusted-computer token.
func TestNoSecretAtRest(t *testing.T) {
	h := newTwoFactor(t)
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	secrets := map[string]string{goodPassword: "the password"}
	var codes []string
	b := h.browser()
	keep := func() {
		for _, name := range []string{"phonegate_session", "phonegate_trust"} {
			if c := b.cookie(name); c != nil && c.Value != "" {
				secrets[c.Value] = name + " token"
			}
		}
	}
	step := func(res *http.Response, prefix string) {
		t.Helper()
		expectRedirect(t, res, prefix)
		keep()
	}

	b.login("ada@example.com", goodPassword)
	keep()
	settings := "/projects/" + strconvFormat(p.ID) + "/settings"
	b.get(settings)
	res, _ := b.post(settings+"/authenticate", url.Values{"password": {goodPassword}})
	step(res, settings)
	res, _ = b.post(settings, url.Values{"level": {string(phonegate.LevelPerComputer)}})
	step(res, "/phone?on=") // no phone yet: it comes first

	emergency := h.enroll(b, testPhone)
	secrets[emergency] = "the emergency code"
	codes = append(codes, h.sender.lastCode(t))
	keep()

	// A trusted login, then the level tightened and a login with a wrong
	// code, a resend and the right code.
	b.post("/logout", url.Values{})
	b.login("ada@example.com", goodPassword)
	keep()
	b.get("/")
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	code := h.sendSMS(b)
	codes = append(codes, code)
	b.get("/verify")
	b.post("/verify", url.Values{"code": {wrongCode(code)}})
	h.clock.Add(time.Minute) // past the resend wait
	b.get("/verify")
	res, _ = b.post("/verify/send", url.Values{"channel": {"sms"}})
	step(res, "/verify")
	b.get("/verify")
	res, _ = b.post("/verify", url.Values{"code": {code}})
	step(res, "/")

	// The emergency code, then a new phone and a new emergency code.
	b.get("/")
	b.post("/logout", url.Values{})
	b.login("ada@example.com", goodPassword)
	keep()
	b.get("/verify")
	res, _ = b.post("/verify/emergency", url.Values{"emergency_code": {emergency}})
	step(res, "/phone")
	second := h.enroll(b, testPhone2)
	secrets[second] = "the second emergency code"
	codes = append(codes, h.sender.lastCode(t))
	keep()

	// Every request has finished, its log line written, once the server is closed.
	h.http.Close()
	disk := teststore.AtRest(t, h.db.Store)
	logs := h.logs.Bytes()
	if len(logs) == 0 || len(disk) == 0 {
		t.Fatalf("nothing to search: %d bytes of logs, %d of database", len(logs), len(disk))
	}
	for where, data := range map[string][]byte{"the database": disk, "the logs": logs} {
		for secret, what := range secrets {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s holds %s", where, what)
			}
		}
		for _, c := range codes {
			// A code is six digits: look for it standing alone, not inside
			// a longer number such as a duration.
			if regexp.MustCompile(`(^|[^0-9])` + c + `([^0-9]|$)`).Match(data) {
				t.Errorf("%s holds the code %s", where, c)
			}
		}
	}
	if len(codes) != 3 || len(secrets) < 6 {
		t.Errorf("the walk gathered %d codes and %d other secrets, want 3 and at least 6", len(codes), len(secrets))
	}
}
