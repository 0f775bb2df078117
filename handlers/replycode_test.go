package handlers_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/internal/teststore"
)

var replyCodeRE = regexp.MustCompile(`id="reply-code">([^<]+)<`)

// TestReplyCodeShownNotStored: when the SMS fails, the code page shows the
// session its reply code; the store keeps only its MAC; the code texted
// back from the phone, typed loosely, approves the challenge, and from
// another phone it does nothing.
func TestReplyCodeShownNotStored(t *testing.T) {
	h, _, _ := enrolled(t, phonegate.LevelEveryLogin)
	b := h.pending()
	h.sendSMS(b)
	ctx := context.Background()
	ch := h.sessionChallenge(b)
	ds, _ := h.db.Deliveries(ctx, ch.ID)
	if _, _, err := h.db.ApplyStatus(ctx, phonegate.StatusUpdate{ID: ds[0].ID, Status: "undelivered", ErrorCode: 30003, At: h.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	_, page := b.get("/verify")
	m := replyCodeRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no reply code on the page after a failed SMS:\n%s", page)
	}
	code := m[1]
	if again := replyCodeRE.FindStringSubmatch(func() string { _, p := b.get("/verify"); return p }()); again == nil || again[1] != code {
		t.Errorf("the reply code changed between two views: %q, then %v", code, again)
	}
	if bytes.Contains(ch.ReplyMAC, []byte(code)) || len(ch.ReplyMAC) != 32 {
		t.Errorf("the challenge keeps %x for reply code %s, want its 32-byte MAC", ch.ReplyMAC, code)
	}
	if bytes.Contains(teststore.AtRest(t, h.db.Store), []byte(code)) {
		t.Error("the store holds the reply code")
	}

	inbound := func(from, body string) string {
		t.Helper()
		form := url.Values{"From": {from}, "To": {"+15005550006"}, "Body": {body}, "MessageSid": {"SM1"}}
		sig := twilioSign("test-auth-token", "http://127.0.0.1:8080/twilio/sms/inbound", form)
		res, answer := (&whHarness{harness: h.harness}).twilioSig("/twilio/sms/inbound", form, sig)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("inbound message: got %d", res.StatusCode)
		}
		return answer
	}
	loose := strings.ToLower(code[:3]) + " " + strings.ToLower(code[3:]) + "."
	if answer := inbound(whOther, code); !strings.Contains(answer, replyUnknownText) {
		t.Errorf("the reply code from another phone: %s", answer)
	}
	if got, _ := h.db.Challenge(ctx, ch.ID); got.State != phonegate.ChallengePending {
		t.Fatalf("after a reply from another phone: %s, want pending", got.State)
	}
	if answer := inbound(ch.Phone, loose); !strings.Contains(answer, replyVerifiedText) {
		t.Errorf("the reply code %q from the phone: %s", loose, answer)
	}
	if got, _ := h.db.Challenge(ctx, ch.ID); got.State != phonegate.ChallengeApproved {
		t.Errorf("after the reply: %s, want approved", got.State)
	}
}
