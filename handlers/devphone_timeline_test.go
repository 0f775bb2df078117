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

// devEntryRE finds each entry of the dev phone's timelines: its ID and
// its markup up to the next entry.
var devEntryRE = regexp.MustCompile(`(?s)<li class="dev-entry ([a-z-]+)" data-entry="(\d+)">(.*?)</li>`)

type devEntrySeen struct {
	class, id, text string
	answer          bool // the entry offers "Answer"
}

// devEntries reads the dev phone page's entries for one number, newest
// first.
func devEntries(t *testing.T, body, number string) []devEntrySeen {
	t.Helper()
	i := strings.Index(body, `<h2 id="n`+html.EscapeString(number)+`">`)
	if i < 0 {
		i = strings.Index(body, `<h2 id="n&#43;`+strings.TrimPrefix(number, "+")+`">`)
	}
	if i < 0 {
		t.Fatalf("no timeline for %s", number)
	}
	section := body[i:]
	if j := strings.Index(section[1:], "<section"); j >= 0 {
		section = section[:j+1]
	}
	var out []devEntrySeen
	for _, m := range devEntryRE.FindAllStringSubmatch(section, -1) {
		out = append(out, devEntrySeen{class: m[1], id: m[2], text: html.UnescapeString(m[3]),
			answer: strings.Contains(m[3], `action="/dev/phone/answer"`)})
	}
	return out
}

// TestDevPhoneTimeline checks that what the developer texts to the server
// is on the number's timeline beside what the server sent, newest first.
func TestDevPhoneTimeline(t *testing.T) {
	h := newDevPhoneHarness(t)
	c := h.challenge(whPhone, "K7Q4M")
	h.send(c, "sms")
	b := h.browser()
	b.login("ada@example.com", "correct horse battery")
	b.get("/dev/phone")
	for _, form := range []url.Values{{"from": {whPhone}, "quick": {"HELP"}}, {"from": {whPhone}, "text": {"k7q4m"}}} {
		if res, _ := b.post("/dev/phone/sms", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST /dev/phone/sms %v: %d", form, res.StatusCode)
		}
	}
	_, body := b.get("/dev/phone")
	got := devEntries(t, body, whPhone)
	want := []struct{ class, words string }{
		{"to-phone", "your phone is verified"}, // the answer to the reply code
		{"from-phone", "Sent from this phone"}, // the reply code
		{"to-phone", replyHelpText},            // the answer to HELP
		{"from-phone", "Sent from this phone"}, // HELP
		{"to-phone", "Your phonegate code is 042917 for Apollo."},
	}
	if len(got) != len(want) {
		t.Fatalf("%d entries on the timeline, want %d:\n%+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].class != w.class || !strings.Contains(got[i].text, w.words) {
			t.Errorf("entry %d = %s %q, want %s saying %q", i, got[i].class, got[i].text, w.class, w.words)
		}
	}
	if !strings.Contains(got[1].text, "k7q4m") || !strings.Contains(got[3].text, "HELP") {
		t.Errorf("the phone's own messages do not say what was sent: %q, %q", got[1].text, got[3].text)
	}
	if strings.Contains(got[1].text, "Delivered") || strings.Contains(got[3].text, `name="status"`) {
		t.Error("a message from the phone offers status callbacks")
	}
	for _, want := range []string{`id="dev-banner"`, "exists only while the server runs", "every code"} {
		if !strings.Contains(body, want) {
			t.Errorf("the dev phone lacks %q", want)
		}
	}
	// The phone's messages are sealed at rest like the server's.
	es, err := h.db.DevPhoneEntries(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Direction == phonegate.DevPhoneIn && strings.Contains(e.Body, "k7q4m") {
			t.Error("a reply code from the phone is stored readable")
		}
	}
}

// TestDevPhoneAnswerOffered checks that "Answer" is offered on a call only
// while it can still be answered, and that the button's route refuses a
// call that cannot.
func TestDevPhoneAnswerOffered(t *testing.T) {
	tests := []struct {
		name   string
		phone  string
		act    string // "" (leave it ringing), "answer", or a status button
		offers bool
	}{
		{"ringing", "+14155550101", "", true},
		{"answered", "+14155550102", "answer", false},
		{"completed", "+14155550103", "completed", false},
		{"no answer", "+14155550104", "no-answer", false},
		{"busy", "+14155550105", "busy", false},
	}
	h := newDevPhoneHarness(t)
	b := h.browser()
	b.login("ada@example.com", "correct horse battery")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			call := h.send(h.challenge(tt.phone, ""), "call")
			waitFor(t, "the ringing callback", func() bool { return h.delivery(call.ID).Status == "ringing" })
			_, body := b.get("/dev/phone")
			entries := devEntries(t, body, tt.phone)
			if len(entries) != 1 || !entries[0].answer {
				t.Fatalf("a ringing call: %+v, want one entry offering Answer", entries)
			}
			id := entries[0].id
			switch tt.act {
			case "":
			case "answer":
				if res, body := b.post("/dev/phone/answer", url.Values{"entry": {id}}); res.StatusCode != http.StatusOK {
					t.Fatalf("Answer: %d\n%s", res.StatusCode, body)
				}
			default:
				if res, _ := b.post("/dev/phone/status", url.Values{"entry": {id}, "status": {tt.act}}); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("status %s: %d", tt.act, res.StatusCode)
				}
			}
			_, body = b.get("/dev/phone")
			if got := devEntries(t, body, tt.phone)[0].answer; got != tt.offers {
				t.Errorf("Answer offered = %v, want %v", got, tt.offers)
			}
			if !tt.offers {
				res, body := b.post("/dev/phone/answer", url.Values{"entry": {id}})
				if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "can no longer be answered") {
					t.Errorf("Answer on a call that cannot be answered: %d\n%s", res.StatusCode, body)
				}
			}
		})
	}
}
