package web

import (
	"testing"
	"time"
)

func TestRetryTime(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 35, 0, 0, time.UTC)
	s := &Server{now: func() time.Time { return now }}
	for _, tt := range []struct {
		at   time.Time
		want string
	}{
		{now.Add(25 * time.Minute), "10:00 UTC"},
		{time.Date(2026, 12, 2, 9, 34, 0, 0, time.UTC), "09:34 UTC on 2 December"},
		{time.Date(2026, 12, 1, 23, 0, 0, 0, time.FixedZone("X", -5*3600)), "04:00 UTC on 2 December"},
	} {
		if got := s.retryTime(tt.at); got != tt.want {
			t.Errorf("retryTime(%v) = %q, want %q", tt.at, got, tt.want)
		}
	}
}
