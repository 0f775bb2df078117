package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// testInviteCaps: invitations count toward the inviting account's cap and
// the client address's, only when they are made (a refusal for another
// reason counts nothing), and leave the count CapWindow later.
func testInviteCaps(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	eve, _ := db.CreateUser(ctx, "eve@example.com", "h", t0)
	evecorp, _ := db.CreateProject(ctx, eve.ID, "EveCorp", t0)
	by := phonegate.Inviter{UserID: eve.ID, Addr: "203.0.113.7"}
	invite := func(email string, now time.Time) error {
		_, err := db.InviteMemberCapped(ctx, email, evecorp.ID, phonegate.RoleDeveloper, by, []byte("t "+email), now.Add(week), now)
		return err
	}
	if err := invite("eve@example.com", t0); !errors.Is(err, phonegate.ErrConflict) {
		t.Fatalf("inviting a member: err = %v, want ErrConflict", err)
	}
	for i := range phonegate.MaxInvitesPerAccount {
		if err := invite(fmt.Sprintf("bot%02d@attacker.example", i), t0.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatalf("invitation %d: %v", i+1, err)
		}
	}
	err := invite("one-more@attacker.example", t0.Add(time.Hour))
	var le *phonegate.LimitedError
	if !errors.As(err, &le) || le.Key != phonegate.InviteAccountKey(eve.ID) || !le.RetryAt.Equal(t0.Add(phonegate.CapWindow)) {
		t.Fatalf("past the cap: err = %v (%+v), want the account's cap until %v", err, le, t0.Add(phonegate.CapWindow))
	}
	if _, err := db.UserByEmail(ctx, "one-more@attacker.example"); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("the refused invitation made an account: %v", err)
	}
	if err := invite("one-more@attacker.example", t0.Add(phonegate.CapWindow)); err != nil {
		t.Errorf("once the first invitation left the window: %v", err)
	}
}

// testCreateCapsConcurrent: projects created and invitations sent at
// once, from many goroutines released together, stop at exactly the cap.
func testCreateCapsConcurrent(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	var owners []phonegate.User
	var projects []phonegate.Project
	for i := range 3 {
		u, _ := db.CreateUser(ctx, fmt.Sprintf("owner%d@example.com", i), "h", t0)
		p, _ := db.CreateProject(ctx, u.ID, fmt.Sprintf("P%d", i), t0)
		owners, projects = append(owners, u), append(projects, p)
	}
	race := func(n int, do func(i int) error) (ok int) {
		start := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		for i := range n {
			wg.Go(func() {
				<-start
				err := do(i)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case !errors.Is(err, phonegate.ErrLimited):
					t.Errorf("%d: %v", i, err)
				}
			})
		}
		close(start)
		wg.Wait()
		return ok
	}
	t.Run("projects of one account", func(t *testing.T) {
		got := race(30, func(i int) error {
			_, err := db.CreateProjectCapped(ctx, owners[0].ID, fmt.Sprintf("Spam %d", i), t0)
			return err
		})
		if got != phonegate.MaxProjectsPerAccount {
			t.Errorf("%d projects created, want %d", got, phonegate.MaxProjectsPerAccount)
		}
	})
	t.Run("invitations from one address", func(t *testing.T) {
		// 3 accounts × 19 stays under each account's cap, not under the address's.
		got := race(57, func(i int) error {
			by := phonegate.Inviter{UserID: owners[i%3].ID, Addr: "203.0.113.7"}
			email := fmt.Sprintf("bot%d@attacker.example", i)
			_, err := db.InviteMemberCapped(ctx, email, projects[i%3].ID, phonegate.RoleDeveloper, by, []byte(email), t0.Add(week), t0)
			return err
		})
		if got != phonegate.MaxInvitesPerAddress {
			t.Errorf("%d invitations made, want %d", got, phonegate.MaxInvitesPerAddress)
		}
	})
}
