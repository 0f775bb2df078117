package phonegate_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// TestSessionLife: a started session opens with its user, a renewed one
// opens only by its new token, and one left idle past SessionIdle, or
// older than SessionAbsolute however active, is ErrNoSession.
func TestSessionLife(t *testing.T) {
	ctx := context.Background()
	w := newCodeWorld(t)
	token, _, err := w.svc.StartSession(ctx, w.user, "", "Firefox")
	if err != nil {
		t.Fatal(err)
	}
	sess, u, err := w.svc.OpenSession(ctx, token)
	if err != nil || u.ID != w.user.ID || sess.UserAgent != "Firefox" {
		t.Fatalf("OpenSession = %+v, %+v, %v; want the session of user %d", sess, u, err, w.user.ID)
	}
	renewed, _, err := w.svc.RenewSession(ctx, token, w.now)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.svc.OpenSession(ctx, token); !errors.Is(err, phonegate.ErrNoSession) {
		t.Errorf("the old token after renewal: err = %v, want ErrNoSession", err)
	}
	for range 25 { // active every 29 minutes, for more than 12 hours
		w.now = w.now.Add(29 * time.Minute)
		if w.now.Sub(sess.CreatedAt) >= phonegate.SessionAbsolute {
			break
		}
		if _, _, err := w.svc.OpenSession(ctx, renewed); err != nil {
			t.Fatalf("an active session at %v: %v", w.now.Sub(sess.CreatedAt), err)
		}
	}
	if _, _, err := w.svc.OpenSession(ctx, renewed); !errors.Is(err, phonegate.ErrNoSession) {
		t.Errorf("past SessionAbsolute: err = %v, want ErrNoSession", err)
	}

	idle, _, err := w.svc.StartSession(ctx, w.user, "", "")
	if err != nil {
		t.Fatal(err)
	}
	w.now = w.now.Add(phonegate.SessionIdle + time.Second)
	if _, _, err := w.svc.OpenSession(ctx, idle); !errors.Is(err, phonegate.ErrNoSession) {
		t.Errorf("idle past SessionIdle: err = %v, want ErrNoSession", err)
	}
	// Starting a session ends the one the browser had.
	next, _, err := w.svc.StartSession(ctx, w.user, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.svc.StartSession(ctx, w.user, next, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.svc.OpenSession(ctx, next); !errors.Is(err, phonegate.ErrNoSession) {
		t.Errorf("the session a new login replaced: err = %v, want ErrNoSession", err)
	}
}
