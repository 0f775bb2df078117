package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// testSessionTouchedOncePerMinute: reading a session (Session), and the
// forward-auth check's TouchSession, move its idle clock only when the
// last move is a minute old or more, so that a check on every request to a
// protected app writes at most once a minute; touching a session that is
// gone is no error.
func testSessionTouchedOncePerMinute(t *testing.T, open opener) {
	for _, way := range []struct {
		name string
		// touch touches the session h at now and returns the last seen
		// time it read, zero when it reads none.
		touch func(ctx context.Context, db phonegate.Store, h []byte, now time.Time) (time.Time, error)
	}{
		{"Session", func(ctx context.Context, db phonegate.Store, h []byte, now time.Time) (time.Time, error) {
			s, err := db.Session(ctx, h, now, now.Add(-30*time.Minute), now.Add(-12*time.Hour))
			return s.LastSeenAt, err
		}},
		{"TouchSession", func(ctx context.Context, db phonegate.Store, h []byte, now time.Time) (time.Time, error) {
			return time.Time{}, db.TouchSession(ctx, h, now)
		}},
	} {
		t.Run(way.name, func(t *testing.T) {
			db := open(t)
			ctx := context.Background()
			u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
			h := addSession(t, db, u.ID, "s", false)
			for _, tt := range []struct {
				name string
				at   time.Duration // after t0
				want time.Duration // the last seen time, after t0
			}{
				{"within the minute", 30 * time.Second, 0},
				{"just under a minute", 59 * time.Second, 0},
				{"a minute on", 61 * time.Second, 61 * time.Second},
				{"within the next minute", 100 * time.Second, 61 * time.Second},
				{"the next minute", 130 * time.Second, 130 * time.Second},
			} {
				read, err := way.touch(ctx, db, h, t0.Add(tt.at))
				if err != nil {
					t.Fatalf("%s: %v", tt.name, err)
				}
				ss, err := db.UserSessions(ctx, u.ID)
				if err != nil || len(ss) != 1 {
					t.Fatalf("%s: sessions = %+v, %v", tt.name, ss, err)
				}
				want := t0.Add(tt.want)
				if (!read.IsZero() && !read.Equal(want)) || !ss[0].LastSeenAt.Equal(want) {
					t.Errorf("%s: last seen got %v (read) and %v (stored), want %v", tt.name, read, ss[0].LastSeenAt, want)
				}
			}
		})
	}
	db := open(t)
	if err := db.TouchSession(context.Background(), []byte("gone"), t0); err != nil {
		t.Errorf("touching a session that is gone: %v", err)
	}
}
