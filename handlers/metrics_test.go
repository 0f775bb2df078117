package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/internal/teststore"
	"github.com/phonegate/phonegate/metrics"
)

// TestMetricsOffThePublicRouter: the public router never serves the
// figures, whether the server counts them or not.
func TestMetricsOffThePublicRouter(t *testing.T) {
	for _, m := range []*metrics.Metrics{nil, metrics.New()} {
		h := newHarness(t, withMetrics(m))
		for _, path := range []string{"/metrics", "/metrics/"} {
			if res, _ := h.browser().get(path); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s with metrics %v: got %d, want 404", path, m != nil, res.StatusCode)
			}
		}
	}
}

// TestMetricsRequestsByRoute: requests are counted and timed under the
// route table's pattern, never the raw path, with their status.
func TestMetricsRequestsByRoute(t *testing.T) {
	m := metrics.New()
	h := newHarness(t, withMetrics(m))
	b := h.browser()
	b.get("/login")
	b.get("/login")
	b.get("/invite/secret-invite-token")
	b.get("/no/such/page")
	text := scrape(t, m)
	tests := []struct {
		name, labels string
		want         float64
	}{
		{"phonegate_http_requests_total", `method="GET",route="/login",status="200"`, 2},
		{"phonegate_http_request_duration_seconds_count", `method="GET",route="/login",status="200"`, 2},
		{"phonegate_http_requests_total", `method="GET",route="/invite/:token",`, 1},
		{"phonegate_http_requests_total", `method="any",route="unmatched",status="404"`, 1},
		{"phonegate_http_requests_total", `method="POST",route="/login",`, 0},
	}
	for _, tt := range tests {
		if got := figure(t, text, tt.name, tt.labels); got != tt.want {
			t.Errorf("%s{%s}: got %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}
	if strings.Contains(text, "secret-invite-token") || strings.Contains(text, "/no/such") {
		t.Error("a raw request path is a label: the figures' cardinality is not bounded")
	}
}

// TestMetricsWebhookSignatureFailures: a webhook refused for its
// signature is counted under its route; a signed one is not.
func TestMetricsWebhookSignatureFailures(t *testing.T) {
	m := metrics.New()
	h := newWebhookHarness(t, withMetrics(m))
	d := h.send(h.challenge(whPhone, ""), phonegate.ChannelSMS)
	if res, _ := h.twilioSig("/twilio/sms/status?d="+d.ID, whForm(t, "sms-status-sent"), "bad"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("bad signature: got %d, want 403", res.StatusCode)
	}
	h.twilio("/twilio/sms/status?d="+d.ID, whForm(t, "sms-status-sent"))
	text := scrape(t, m)
	if got := figure(t, text, "phonegate_webhook_signature_failures_total", `route="/twilio/sms/status"`); got != 1 {
		t.Errorf("signature failures on /twilio/sms/status: got %v, want 1", got)
	}
	if got := figure(t, text, "phonegate_webhook_signature_failures_total", ""); got != 1 {
		t.Errorf("signature failures in all: got %v, want 1", got)
	}
}

// TestMetricsCodesSent: each send is counted by channel and outcome:
// sent, refused by a limit, refused for an opted-out number, failed
// upstream.
func TestMetricsCodesSent(t *testing.T) {
	m := metrics.New()
	h := newWebhookHarness(t, withMetrics(m))
	ctx := context.Background()
	c := h.challenge(whPhone, "")
	h.send(c, phonegate.ChannelSMS)
	if _, err := h.srv.SendCodeForTest(ctx, c, phonegate.ChannelSMS, false); err == nil {
		t.Fatal("a second send within the cooldown: got nil, want a refusal")
	}
	h.sender.failSMS = &phonegate.SendError{Code: 21610, Reason: phonegate.ErrOptedOut}
	h.sendRefused(h.challenge(whOther, ""), phonegate.ChannelSMS)
	h.sender.failSMS = nil
	h.sender.failCall = &phonegate.SendError{Code: 30008, Reason: phonegate.ErrSendFailed}
	h.sendRefused(h.challenge(whOther, ""), phonegate.ChannelCall)
	text := scrape(t, m)
	tests := []struct {
		labels string
		want   float64
	}{
		{`channel="sms",outcome="sent"`, 1},
		{`channel="sms",outcome="limited"`, 1},
		{`channel="sms",outcome="refused"`, 1},
		{`channel="call",outcome="failed"`, 1},
		{`channel="call",outcome="sent"`, 0},
	}
	for _, tt := range tests {
		if got := figure(t, text, "phonegate_codes_sent_total", tt.labels); got != tt.want {
			t.Errorf("codes sent {%s}: got %v, want %v", tt.labels, got, tt.want)
		}
	}
}

// sendRefused sends c's code by channel and expects a refusal.
func (h *whHarness) sendRefused(c phonegate.Challenge, channel string) {
	h.t.Helper()
	if _, err := h.srv.SendCodeForTest(context.Background(), c, channel, false); err == nil {
		h.t.Fatalf("send %s: got nil, want the sender's refusal", channel)
	}
}

// TestMetricsDeliveryStatuses: each status a callback stores is counted
// once, replays not, with a known error code as its label and any other
// as "other".
func TestMetricsDeliveryStatuses(t *testing.T) {
	m := metrics.New()
	h := newWebhookHarness(t, withMetrics(m))
	known := h.send(h.challenge(whPhone, ""), phonegate.ChannelSMS)
	unknown := h.send(h.challenge(whOther, ""), phonegate.ChannelSMS)
	for _, f := range []struct{ d, form, code string }{
		{known.ID, "sms-status-sent", ""},
		{known.ID, "sms-status-undelivered", ""},
		{known.ID, "sms-status-undelivered", ""},
		{unknown.ID, "sms-status-failed", "39999"},
	} {
		h.clock.Add(time.Second)
		form := whForm(t, f.form)
		if f.code != "" {
			form.Set("ErrorCode", f.code)
		}
		form.Set("To", h.delivery(f.d).To)
		if res, _ := h.twilio("/twilio/sms/status?d="+f.d, form); res.StatusCode != http.StatusNoContent {
			t.Fatalf("%s: got %d, want 204", f.form, res.StatusCode)
		}
	}
	text := scrape(t, m)
	tests := []struct {
		labels string
		want   float64
	}{
		{`channel="sms",error_code="none",status="sent"`, 1},
		{`channel="sms",error_code="30003",status="undelivered"`, 1},
		{`channel="sms",error_code="other",status="failed"`, 1},
		{`channel="sms",error_code="39999"`, 0},
	}
	for _, tt := range tests {
		if got := figure(t, text, "phonegate_delivery_statuses_total", tt.labels); got != tt.want {
			t.Errorf("delivery statuses {%s}: got %v, want %v", tt.labels, got, tt.want)
		}
	}
}

// TestMetricsLockouts: the tenth wrong code locks the second factor and
// is counted once; the nine before it count nothing.
func TestMetricsLockouts(t *testing.T) {
	m := metrics.New()
	h, _, _ := enrolled(t, phonegate.LevelEveryLogin, withMetrics(m))
	h.wrongCodes(phonegate.MaxMFAFailures-1, nil)
	if got := figure(t, scrape(t, m), "phonegate_lockouts_total", ""); got != 0 {
		t.Fatalf("lockouts after %d wrong codes: got %v, want 0", phonegate.MaxMFAFailures-1, got)
	}
	h.wrongCodes(1, nil)
	if got := figure(t, scrape(t, m), "phonegate_lockouts_total", ""); got != 1 {
		t.Errorf("lockouts after %d wrong codes: got %v, want 1", phonegate.MaxMFAFailures, got)
	}
}

// TestMetricsStorePools: the store's pools are in the scrape: SQLite's two
// (read and write), PostgreSQL's one.
func TestMetricsStorePools(t *testing.T) {
	m := metrics.New()
	h := newHarness(t, withMetrics(m))
	h.browser().get("/login")
	text := scrape(t, m)
	pools := []string{"read", "write"}
	if teststore.Postgres() {
		pools = []string{"postgres"}
	}
	for _, pool := range pools {
		if got := figure(t, text, "phonegate_store_max_connections", `pool="`+pool+`"`); got < 1 {
			t.Errorf("max connections of the %s pool: got %v, want 1 at least", pool, got)
		}
		if !strings.Contains(text, `phonegate_store_connections{pool="`+pool+`",state="idle"}`) {
			t.Errorf("no idle connections figure of the %s pool", pool)
		}
	}
	if !strings.Contains(text, "phonegate_store_waits_total{") {
		t.Error("no waits figure of the store's pools")
	}
}
