package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

var (
	auditDetailRE = regexp.MustCompile(`event (\d{3})`)
	auditOlderRE  = regexp.MustCompile(`href="(/projects/\d+/audit\?before=\d+)"`)
	auditNewerRE  = regexp.MustCompile(`href="(/projects/\d+/audit\?after=\d+)"`)
)

// auditPage reads one page of the audit log: the events' numbers and the
// links to the newer and older pages.
func auditPage(t *testing.T, b *browser, path string) (events []string, newer, older string) {
	t.Helper()
	res, body := b.get(path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: got %d", path, res.StatusCode)
	}
	for _, m := range auditDetailRE.FindAllStringSubmatch(body, -1) {
		events = append(events, m[1])
	}
	if m := auditNewerRE.FindStringSubmatch(body); m != nil {
		newer = m[1]
	}
	if m := auditOlderRE.FindStringSubmatch(body); m != nil {
		older = m[1]
	}
	return events, newer, older
}

// TestAuditLogPagesBothWays walks the audit log to its oldest page through
// the "Older" links, then back to the newest through the "Newer" links,
// and expects the same pages on the way back.
func TestAuditLogPagesBothWays(t *testing.T) {
	h := newTwoFactor(t)
	_, p := h.addUser("owner@example.com", goodPassword, "Engine") // project.created is event 1
	ctx := context.Background()
	for i := range 119 {
		if err := h.db.AddAudit(ctx, phonegate.AuditEvent{ProjectID: p.ID, Kind: "test.event",
			Detail: fmt.Sprintf("event %03d", i+2), At: h.clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	b := h.as("owner@example.com") // its login is event 121
	path := "/projects/" + strconvFormat(p.ID) + "/audit"

	type pageSeen struct {
		first, last string
		n           int
	}
	seen := func(es []string) pageSeen { return pageSeen{es[0], es[len(es)-1], len(es)} }
	var down []pageSeen
	events, newer, older := auditPage(t, b, path)
	if newer != "" {
		t.Errorf("the newest page links to newer events: %s", newer)
	}
	down = append(down, seen(events))
	for older != "" {
		events, newer, older = auditPage(t, b, older)
		if newer == "" {
			t.Errorf("page %d has no link to newer events", len(down)+1)
		}
		down = append(down, seen(events))
		if len(down) > 5 {
			t.Fatal("the pages do not end")
		}
	}
	// 121 events: the login (no "event" detail) and 120..002, then 001 is project.created.
	want := []pageSeen{{"120", "072", 49}, {"071", "022", 50}, {"021", "002", 20}}
	if diff := cmp.Diff(want, down, cmp.AllowUnexported(pageSeen{})); diff != "" {
		t.Fatalf("pages going back (-want +got):\n%s", diff)
	}
	var up []pageSeen
	for newer != "" {
		events, newer, older = auditPage(t, b, newer)
		if older == "" {
			t.Errorf("a page reached by Newer has no link to older events")
		}
		up = append(up, seen(events))
		if len(up) > 5 {
			t.Fatal("the pages do not end")
		}
	}
	slices.Reverse(up)
	if diff := cmp.Diff(down[:2], up, cmp.AllowUnexported(pageSeen{})); diff != "" {
		t.Errorf("pages coming back (-want +got):\n%s", diff)
	}
	// Past either end: an empty page that links back.
	if events, newer, older := auditPage(t, b, path+"?after=10000"); len(events) != 0 || newer != "" || older == "" {
		t.Errorf("past the newest: %d events, newer %q, older %q", len(events), newer, older)
	}
	for _, bad := range []string{"?before=x", "?after=-1", "?before=5&after=3"} {
		if res, _ := b.get(path + bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("GET audit%s: got %d, want 400", bad, res.StatusCode)
		}
	}
}

// TestAuditLogWords checks that the audit log says logins, failed logins,
// "Authenticate to make changes" and level changes in words, with each
// time in a <time> element that carries the ISO time.
func TestAuditLogWords(t *testing.T) {
	h, p := team(t)
	ctx := context.Background()
	owner, _ := h.db.UserByEmail(ctx, "owner@example.com")
	// The kind that failed logins are written under.
	if err := h.db.AddUserAudit(ctx, phonegate.AuditEvent{UserID: owner.ID, Kind: "login.failed",
		Detail: "wrong password from 198.51.100.23", At: h.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	b := h.browser()
	b.get("/login")
	b.post("/login", url.Values{"email": {"admin@example.com"}, "password": {goodPassword}}, "User-Agent",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0")
	settings := "/projects/" + strconvFormat(p.ID) + "/settings"
	b.get(settings)
	b.post(settings+"/authenticate", url.Values{"password": {goodPassword}})
	b.post(settings, url.Values{"level": {"every_login"}})

	o := h.as("owner@example.com")
	h.enroll(o, testPhone)
	_, body := o.get("/projects/" + strconvFormat(p.ID) + "/audit")
	for _, want := range []string{
		"<td>Logged in</td><td>admin@example.com</td><td>admin@example.com</td><td>Firefox 125 on Windows from 127.0.0.1</td>",
		"<td>Failed login</td><td>owner@example.com</td><td>phonegate</td><td>wrong password from 198.51.100.23</td>",
		"<td>Authenticated to make changes</td><td>admin@example.com</td><td>admin@example.com</td><td>for 10 minutes</td>",
		"<td>Two-factor level changed</td><td></td><td>admin@example.com</td><td>Off → Every time you log in</td>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the audit log lacks %q", want)
		}
	}
	iso := h.clock.Now().UTC().Format(time.RFC3339)
	if want := `<td class="nowrap"><time datetime="` + iso + `" title="` + iso + `" data-local>`; !strings.Contains(body, want) {
		t.Errorf("the audit log lacks %q", want)
	}
	if !strings.Contains(body, `src="/static/localtime.js"`) {
		t.Error("the audit log does not load the script that shows local times")
	}
	if strings.Contains(body, "every_login") {
		t.Error("the audit log shows a level by its stored name")
	}
}
