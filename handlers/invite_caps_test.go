package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// countUsers returns how many accounts exist.
func (h *harness) countUsers() int {
	h.t.Helper()
	n, err := h.db.CountUsers(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// postFrom is postRaw (lock_race_test.go) with headers, returning the
// answer's Location too: it only reads the browser's state, so goroutines
// may share the browser.
func (b *browser) postFrom(path string, form url.Values, header ...string) (int, string, error) {
	form.Set("csrf_token", b.csrf)
	req, err := http.NewRequest(http.MethodPost, b.h.http.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := b.c.Do(req)
	if err != nil {
		return 0, "", err
	}
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location"), nil
}

// TestInviteFlood is the replay of the security review: one account sends
// 40 invitations at once. Only MaxInvitesPerAccount make accounts and
// mail; the rest go back to the members page, which says in words when to
// try again and answers 429 with Retry-After; a day later invitations go
// again.
func TestInviteFlood(t *testing.T) {
	h := newTwoFactor(t, withMailbox())
	_, evecorp := h.addUser("eve@example.com", goodPassword, "EveCorp")
	eve := h.as("eve@example.com")
	members := "/projects/" + strconvFormat(evecorp.ID) + "/members"
	eve.get(members)
	users := h.countUsers()

	var refused int
	for i := range 40 {
		email := fmt.Sprintf("bot%02d@attacker.example", i)
		res, body := eve.post(members, url.Values{"email": {email}, "role": {"developer"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("invitation %d: got %d, want 303\n%s", i+1, res.StatusCode, body)
		}
		if loc := res.Header.Get("Location"); loc == members {
			refused++
			if res.Header.Get("Retry-After") == "" {
				t.Errorf("invitation %d: refused without Retry-After", i+1)
			}
		}
	}
	if want := 40 - phonegate.MaxInvitesPerAccount; refused != want {
		t.Errorf("%d invitations refused, want %d", refused, want)
	}
	if got, want := h.countUsers()-users, phonegate.MaxInvitesPerAccount; got != want {
		t.Errorf("the flood made %d accounts, want %d", got, want)
	}
	var mailed int
	for i := range 40 {
		mailed += len(h.mailTo(fmt.Sprintf("bot%02d@attacker.example", i)))
	}
	if mailed != phonegate.MaxInvitesPerAccount {
		t.Errorf("the flood queued %d messages, want %d", mailed, phonegate.MaxInvitesPerAccount)
	}

	// The page after the refusal says so, in words, beside the form, with
	// the address typed filled in again.
	h.clock.Add(20 * time.Minute)
	res, _ := eve.post(members, url.Values{"email": {"late@attacker.example"}, "role": {"developer"}})
	expectRedirect(t, res, members)
	res, page := eve.get(members)
	if res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the members page after the refusal: got %d, want 429", res.StatusCode)
	}
	secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if want := int((24*time.Hour - 20*time.Minute) / time.Second); err != nil || secs != want {
		t.Errorf("Retry-After = %q, want %d", res.Header.Get("Retry-After"), want)
	}
	for _, want := range []string{"You have sent 20 invitations in the last 24 hours", "try again after 09:00 UTC on 2 March",
		`value="late@attacker.example"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the members page lacks %q:\n%s", want, page)
		}
	}
	if res, _ := eve.get(members); res.StatusCode != http.StatusOK || res.Header.Get("Retry-After") != "" {
		t.Errorf("the members page reloaded: got %d (Retry-After %q), want 200", res.StatusCode, res.Header.Get("Retry-After"))
	}

	h.clock.Add(24*time.Hour - 20*time.Minute)
	eve = h.as("eve@example.com") // the session has ended meanwhile
	if page := addByPage(t, eve, evecorp.ID, "next-day@attacker.example", "developer"); !strings.Contains(page, invitedWords) {
		t.Errorf("an invitation a day later:\n%s", page)
	}
}

// TestInviteCapsConcurrent: invitations sent at once, released together,
// cannot slip under the caps: exactly the cap's worth go through, per
// account (from many addresses) and per address (from several accounts).
func TestInviteCapsConcurrent(t *testing.T) {
	type sender struct {
		b       *browser
		members string
	}
	tests := []struct {
		name     string
		accounts int
		each     int // invitations per account
		sameAddr bool
		want     int
	}{
		{"one account, many addresses", 1, 40, false, phonegate.MaxInvitesPerAccount},
		// 3 × 19 stays under each account's cap and over the address's.
		{"one address, three accounts", 3, 19, true, phonegate.MaxInvitesPerAddress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTwoFactor(t, withMailbox())
			var senders []sender
			for i := range tt.accounts {
				email := fmt.Sprintf("owner%d@example.com", i)
				_, p := h.addUser(email, goodPassword, fmt.Sprintf("Project %d", i))
				b := h.as(email)
				members := "/projects/" + strconvFormat(p.ID) + "/members"
				b.get(members)
				senders = append(senders, sender{b: b, members: members})
			}
			users := h.countUsers()

			start := make(chan struct{})
			var wg sync.WaitGroup
			var mu sync.Mutex
			var invited int
			var errs []string
			for i := range tt.accounts {
				for j := range tt.each {
					s := senders[i]
					addr := "203.0.113.7"
					if !tt.sameAddr {
						addr = fmt.Sprintf("198.51.100.%d", j+1)
					}
					email := fmt.Sprintf("bot%d-%d@attacker.example", i, j)
					wg.Go(func() {
						<-start
						status, loc, err := s.b.postFrom(s.members,
							url.Values{"email": {email}, "role": {"developer"}}, from(addr)...)
						mu.Lock()
						defer mu.Unlock()
						switch {
						case err != nil:
							errs = append(errs, err.Error())
						case status != http.StatusSeeOther:
							errs = append(errs, fmt.Sprintf("%s: got %d", email, status))
						case strings.HasSuffix(loc, "/invited"):
							invited++
						}
					})
				}
			}
			close(start)
			wg.Wait()
			if len(errs) > 0 {
				t.Fatalf("invitations failed: %v", errs)
			}
			if invited != tt.want {
				t.Errorf("%d invitations went through, want exactly %d", invited, tt.want)
			}
			if got := h.countUsers() - users; got != tt.want {
				t.Errorf("%d accounts made, want %d", got, tt.want)
			}
		})
	}
}

// TestProjectCap: an account creates at most MaxProjectsPerAccount
// projects a day, however many it asks for at once; the home page says so
// and answers 429 with Retry-After.
func TestProjectCap(t *testing.T) {
	h := newTwoFactor(t)
	h.addUser("eve@example.com", goodPassword, "EveCorp")
	eve := h.as("eve@example.com")
	eve.get("/")

	start := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var created int
	var errs []string
	for i := range 25 {
		wg.Go(func() {
			<-start
			status, loc, err := eve.postFrom("/projects", url.Values{"name": {fmt.Sprintf("Spam %02d", i)}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				errs = append(errs, err.Error())
			case status != http.StatusSeeOther:
				errs = append(errs, fmt.Sprintf("project %d: got %d", i, status))
			case strings.HasPrefix(loc, "/projects/"):
				created++
			}
		})
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("project creations failed: %v", errs)
	}
	if created != phonegate.MaxProjectsPerAccount {
		t.Errorf("%d projects created at once, want exactly %d", created, phonegate.MaxProjectsPerAccount)
	}
	u, _ := h.db.UserByEmail(context.Background(), "eve@example.com")
	ms, _ := h.db.Memberships(context.Background(), u.ID)
	if got, want := len(ms), 1+phonegate.MaxProjectsPerAccount; got != want {
		t.Errorf("Eve has %d projects, want %d", got, want)
	}

	res, _ := eve.post("/projects", url.Values{"name": {"One more"}})
	expectRedirect(t, res, "/")
	if res.Header.Get("Retry-After") == "" {
		t.Error("the refusal carries no Retry-After")
	}
	res, page := eve.get("/")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("the home page after the refusal: got %d (Retry-After %q), want 429 with Retry-After",
			res.StatusCode, res.Header.Get("Retry-After"))
	}
	for _, want := range []string{"You have created 10 projects in the last 24 hours", "try again after 09:00 UTC on 2 March",
		`value="One more"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the home page lacks %q:\n%s", want, page)
		}
	}

	h.clock.Add(24 * time.Hour)
	eve = h.as("eve@example.com") // the session has ended meanwhile
	eve.get("/")
	res, _ = eve.post("/projects", url.Values{"name": {"Next day"}})
	expectRedirect(t, res, "/projects/")
}

// TestCommandLineNotCapped: the operator speaks for the server, so
// `user add` invites and creates projects past the pages' caps, and what
// it adds counts toward no account's cap.
func TestCommandLineNotCapped(t *testing.T) {
	h := newTwoFactor(t, withMailbox())
	ctx := context.Background()
	_, engine := h.addUser("ada@example.com", goodPassword, "Engine")
	for i := range phonegate.MaxInvitesPerAccount + 5 {
		res, err := h.srv.AddUser(ctx, fmt.Sprintf("user%02d@example.com", i), "Engine", "developer", "")
		if err != nil || res.InviteURL == "" {
			t.Fatalf("user add %d: %+v, %v", i+1, res, err)
		}
	}
	for i := range phonegate.MaxProjectsPerAccount + 5 {
		if _, err := h.srv.AddUser(ctx, "ada@example.com", fmt.Sprintf("Project %02d", i), "owner", ""); err != nil {
			t.Fatalf("user add to new project %d: %v", i+1, err)
		}
	}
	ada := h.as("ada@example.com")
	if page := addByPage(t, ada, engine.ID, "carol@example.com", "developer"); !strings.Contains(page, invitedWords) {
		t.Errorf("Ada's own invitation after the command line's:\n%s", page)
	}
	ada.get("/")
	res, _ := ada.post("/projects", url.Values{"name": {"Her own"}})
	expectRedirect(t, res, "/projects/")
}

// TestMembersFormLimitedByAddress: refused additions (here an address that
// is already a member) count toward the members form's per-address limit;
// past it the form answers 429 with Retry-After before doing anything.
func TestMembersFormLimitedByAddress(t *testing.T) {
	h := newTwoFactor(t, withMailbox())
	_, p := h.addUser("eve@example.com", goodPassword, "EveCorp")
	eve := h.as("eve@example.com")
	members := "/projects/" + strconvFormat(p.ID) + "/members"
	eve.get(members)
	for i := range 60 {
		res, _ := eve.post(members, url.Values{"email": {"eve@example.com"}, "role": {"developer"}}, from("203.0.113.9")...)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("refused addition %d: got %d, want 303", i+1, res.StatusCode)
		}
	}
	res, body := eve.post(members, url.Values{"email": {"new@example.com"}, "role": {"developer"}}, from("203.0.113.9")...)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("past the limit: got %d (Retry-After %q), want 429\n%s", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	if _, err := h.db.UserByEmail(context.Background(), "new@example.com"); err == nil {
		t.Error("the refused addition made an account")
	}
	if page := addByPage(t, eve, p.ID, "new@example.com", "developer"); !strings.Contains(page, invitedWords) {
		t.Errorf("from another address:\n%s", page)
	}
}
