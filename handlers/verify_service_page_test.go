package handlers_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	verify "github.com/twilio/twilio-go/rest/verify/v2"

	"github.com/phonegate/phonegate"
)

// TestVerifyServicePage: a service's page shows its recent verifications,
// masked, with each send's state, and the conversion of the last hour and
// day, to every member of the project and to nobody else.
func TestVerifyServicePage(t *testing.T) {
	f := newVerifyFlow(t)
	ctx := context.Background()
	dev, _ := f.addUser("dev@example.com", goodPassword, "Dev's own")
	if err := f.db.AddMember(ctx, f.project.ID, dev.ID, phonegate.RoleDeveloper, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	f.addUser("stranger@example.com", goodPassword, "Elsewhere")

	// A day-old approved one, an approved one and two pending, one of
	// them by call too.
	old := f.mustStart(whOther, "sms")
	if _, err := f.check(*old.Sid, f.sender.lastCode(t)); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(2 * time.Hour)
	approved := f.mustStart(whOther, "sms")
	code := f.sender.lastCode(t)
	if _, err := f.check(*approved.Sid, code); err != nil {
		t.Fatal(err)
	}
	f.mustStart(whPhone, "sms")
	f.mustStart(whPhone, "call")
	f.mustStart("+14155550199", "sms")

	path := "/projects/" + strconvFormat(f.project.ID) + "/verify/" + f.sid
	for _, email := range []string{"ada@example.com", "dev@example.com"} {
		t.Run(email, func(t *testing.T) {
			b := f.browser()
			if res := b.login(email, goodPassword); !loggedIn(res) {
				t.Fatalf("login: %d", res.StatusCode)
			}
			res, body := b.get(path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", path, res.StatusCode)
			}
			text := html.UnescapeString(strings.Join(strings.Fields(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(body, " ")), " "))
			for _, want := range []string{
				"Last hour 3 1 33%", "Last day 4 2 50%",
				"+1 ••• ••• •671 call pending SMS: Queued Call: Queued",
				"+1 ••• ••• •100 sms approved SMS: Queued",
			} {
				if !strings.Contains(text, want) {
					t.Errorf("page lacks %q:\n%s", want, text)
				}
			}
			if strings.Contains(body, whPhone) || strings.Contains(body, code) {
				t.Error("the page shows a whole number or a code")
			}
		})
	}
	b := f.browser()
	if res := b.login("stranger@example.com", goodPassword); !loggedIn(res) {
		t.Fatal("stranger's login")
	}
	for _, p := range []string{path, "/projects/" + strconvFormat(f.project.ID) + "/verify/VA" + strings.Repeat("0", 32),
		"/projects/" + strconvFormat(f.project.ID) + "/verify/nope"} {
		if res, _ := b.get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("stranger GET %s: %d, want 404", p, res.StatusCode)
		}
	}
}

// TestVerifyAuditLog: the project's audit log tells a verification's
// create, check and cancel in words, with the number masked.
func TestVerifyAuditLog(t *testing.T) {
	f := newVerifyFlow(t)
	v := f.mustStart(whPhone, "sms")
	code := f.sender.lastCode(t)
	if _, err := f.check(*v.Sid, wrongCode(code)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.api.UpdateVerification(f.sid, *v.Sid, new(verify.UpdateVerificationParams).SetStatus("canceled")); err != nil {
		t.Fatal(err)
	}
	b := f.browser()
	if res := b.login("ada@example.com", goodPassword); !loggedIn(res) {
		t.Fatalf("login: %d", res.StatusCode)
	}
	_, body := b.get("/projects/" + strconvFormat(f.project.ID) + "/audit")
	body = html.UnescapeString(body)
	for _, want := range []string{"Verification started", "Verification code checked", "Verification canceled",
		*v.Sid + " to +1 ••• ••• •671: pending"} {
		if !strings.Contains(body, want) {
			t.Errorf("the audit log lacks %q", want)
		}
	}
	if strings.Contains(body, code) || strings.Contains(body, whPhone) {
		t.Error("the audit log shows a code or a whole number")
	}
}
