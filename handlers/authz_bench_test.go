package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/metrics"
)

// BenchmarkAuthForward is one forward-auth check of a member's live
// session, as Caddy asks it about every request to a protected app:
// routing, the cookies, the site, the session, the gate and the
// membership on a real SQLite file.
func BenchmarkAuthForward(b *testing.B) { benchAuthForward(b) }

// BenchmarkAuthForwardMetrics is BenchmarkAuthForward with the figures
// counted (PHONEGATE_METRICS_ADDR set).
func BenchmarkAuthForwardMetrics(b *testing.B) { benchAuthForward(b, withMetrics(metrics.New())) }

// benchAuthForward runs the forward-auth check on a server built with opts.
func benchAuthForward(b *testing.B, opts ...harnessOption) {
	s := newBenchServer(b, opts...)
	ctx := context.Background()
	svc := s.srv.Service()
	u, err := s.db.User(ctx, s.user)
	if err != nil {
		b.Fatal(err)
	}
	ms, err := s.db.Memberships(ctx, s.user)
	if err != nil || len(ms) != 1 {
		b.Fatalf("memberships = %+v, %v", ms, err)
	}
	if _, err := svc.AddSite(ctx, ms[0], u, phonegate.Session{ElevatedUntil: time.Now().Add(time.Hour)}, "app.example.com"); err != nil {
		b.Fatal(err)
	}
	token, _, err := svc.StartSession(ctx, u, "", "bench")
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/auth/forward", nil)
	req.RemoteAddr = "127.0.0.1:40000"
	req.Header.Set("X-Forwarded-Method", "GET")
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("X-Forwarded-Host", "app.example.com")
	req.Header.Set("X-Forwarded-Uri", "/dashboard")
	req.AddCookie(&http.Cookie{Name: "phonegate_session", Value: token})
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		s.srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d, want 200", rec.Code)
		}
	}
}
