package handlers_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/twilio/twilio-go/client"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
	"github.com/phonegate/phonegate/internal/teststore"
)

// The webhook benchmarks run a whole request through the server's handler
// (routing, the form, the signature check, the store on a real SQLite file,
// or PostgreSQL when PHONEGATE_TEST_POSTGRES is set, the TwiML) into an httptest.ResponseRecorder: what one request costs the
// server, without the network. The load tool (cmd/phonegate-load) measures
// the same routes over loopback under concurrency.

const (
	benchToken  = "0123456789abcdef0123456789abcdef"
	benchPublic = "http://127.0.0.1:8080"
	benchFrom   = "+15005550006"
)

// benchSender sends nothing: no benchmarked request should send.
type benchSender struct{}

func (benchSender) SendSMS(context.Context, phonegate.SMS) (string, error)    { return "SM0", nil }
func (benchSender) PlaceCall(context.Context, phonegate.Call) (string, error) { return "CA0", nil }

// benchServer is a server in Twilio mode on a fresh database with a user
// who owns a project.
type benchServer struct {
	b    *testing.B
	srv  *handlers.Server
	db   phonegate.Store
	keys *phonegate.Keys
	user int64
	n    int
	now  time.Time
}

func newBenchServer(b *testing.B, opts ...harnessOption) *benchServer {
	b.Helper()
	ctx := context.Background()
	db := teststore.Open(b)
	keys, err := phonegate.NewKeys(bytes.Repeat([]byte{7}, phonegate.KeySize))
	if err != nil {
		b.Fatal(err)
	}
	cfg := handlers.Config{
		Store:           db,
		Logger:          zerolog.Nop(),
		Now:             time.Now,
		Hasher:          phonegate.NewHasher(phonegate.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}),
		Keys:            keys,
		PublicURL:       benchPublic,
		Sender:          benchSender{},
		TwilioAuthToken: benchToken,
	}
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := handlers.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	u, err := db.CreateUser(ctx, "bench@example.com", "h", now)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.CreateProject(ctx, u.ID, "Bench", now); err != nil {
		b.Fatal(err)
	}
	return &benchServer{b: b, srv: srv, db: db, keys: keys, user: u.ID, now: now}
}

// deliveries stores n deliveries of channel for pending challenges with
// the code 042917, MaxChallengeSends per challenge and one number each.
func (s *benchServer) deliveries(channel string, n int) []phonegate.Delivery {
	s.b.Helper()
	ctx := context.Background()
	var ds []phonegate.Delivery
	for len(ds) < n {
		s.n++
		id := fmt.Sprintf("bench-challenge-%d", s.n)
		c := phonegate.Challenge{
			ID:          id,
			UserID:      s.user,
			SessionHash: phonegate.HashToken(id),
			Purpose:     phonegate.PurposeLogin,
			Label:       "Bench",
			Phone:       fmt.Sprintf("+1202%07d", s.n),
			CodeMAC:     s.keys.CodeMAC(id, "042917"),
			CodeSealed:  s.keys.Seal(id, "042917"),
			CreatedAt:   s.now,
			ExpiresAt:   s.now.Add(time.Hour),
		}
		if err := s.db.CreateChallenge(ctx, c); err != nil {
			s.b.Fatal(err)
		}
		for range min(phonegate.MaxChallengeSends, n-len(ds)) {
			d, err := s.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: id, Channel: channel, To: c.Phone, Now: s.now, Automatic: true, Caps: seedCaps})
			if err != nil {
				s.b.Fatal(err)
			}
			ds = append(ds, d)
		}
	}
	return ds
}

// benchRequest is a signed webhook request, body and signature computed
// once so that the benchmark measures the server.
type benchRequest struct {
	target, body, sig string
}

func newBenchRequest(target string, form url.Values) benchRequest {
	return benchRequest{target: target, body: form.Encode(), sig: benchSign(benchToken, benchPublic+target, form)}
}

// serve runs the request through the server and returns the recorder.
func (s *benchServer) serve(br benchRequest) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, br.target, strings.NewReader(br.body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", br.sig)
	rec := httptest.NewRecorder()
	s.srv.ServeHTTP(rec, req)
	return rec
}

// benchSign is Twilio's signature: the URL, then each parameter's name and
// value sorted by name, HMAC-SHA1 under the auth token, base64.
func benchSign(token, fullURL string, form url.Values) string {
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range form {
			if !yield(k) {
				return
			}
		}
	})
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(fullURL))
	for _, k := range names {
		for _, v := range slices.Sorted(slices.Values(form[k])) {
			m.Write([]byte(k + v))
		}
	}
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func benchVoiceForm(to string) url.Values {
	return url.Values{
		"AccountSid": {"AC00000000000000000000000000000001"}, "ApiVersion": {"2010-04-01"},
		"CallSid": {"CA0123456789abcdef0123456789abcdef"}, "CallStatus": {"in-progress"},
		"Called": {to}, "Caller": {benchFrom}, "Direction": {"outbound-api"}, "From": {benchFrom}, "To": {to},
	}
}

func benchStatusForm(to, status string) url.Values {
	return url.Values{
		"AccountSid": {"AC00000000000000000000000000000001"}, "ApiVersion": {"2010-04-01"},
		"From": {benchFrom}, "MessageSid": {"SM0123456789abcdef0123456789abcdef"}, "MessageStatus": {status},
		"SmsSid": {"SM0123456789abcdef0123456789abcdef"}, "SmsStatus": {status}, "To": {to},
	}
}

const benchBatch = 500

// BenchmarkTwilioRequestValidator is the signature check of one status
// callback with twilio-go's validator, as the webhooks' middleware calls it.
func BenchmarkTwilioRequestValidator(b *testing.B) {
	form := benchStatusForm("+14155552671", "delivered")
	fullURL := benchPublic + "/twilio/sms/status?d=dk3bq5n2vxw7c4m9p1r6t8y0zahq"
	sig := benchSign(benchToken, fullURL, form)
	params := make(map[string]string, len(form))
	for k, v := range form {
		params[k] = v[0]
	}
	v := client.NewRequestValidator(benchToken)
	b.ReportAllocs()
	for b.Loop() {
		if !v.Validate(fullURL, params, sig) {
			b.Fatal("a good signature was refused")
		}
	}
}

// BenchmarkTwilioSignature is the same check with the webhooks' own
// signer, which the middleware tries first.
func BenchmarkTwilioSignature(b *testing.B) {
	form := benchStatusForm("+14155552671", "delivered")
	fullURL := benchPublic + "/twilio/sms/status?d=dk3bq5n2vxw7c4m9p1r6t8y0zahq"
	sig := benchSign(benchToken, fullURL, form)
	valid := handlers.NewSignerForTest(benchToken)
	b.ReportAllocs()
	for b.Loop() {
		if !valid(fullURL, form, sig) {
			b.Fatal("a good signature was refused")
		}
	}
}

// BenchmarkWebhookVoice is Twilio fetching an answered call's TwiML: the
// greeting and the gate, for one of 500 live calls.
func BenchmarkWebhookVoice(b *testing.B) {
	s := newBenchServer(b)
	ds := s.deliveries(phonegate.ChannelCall, benchBatch)
	reqs := make([]benchRequest, len(ds))
	for i, d := range ds {
		reqs[i] = newBenchRequest("/twilio/voice?d="+d.ID, benchVoiceForm(d.To))
	}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		rec := s.serve(reqs[i%len(reqs)])
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<Gather") {
			b.Fatalf("voice: %d %s", rec.Code, rec.Body)
		}
		i++
	}
}

// BenchmarkWebhookVoiceGather is the key press that reads the code: the
// sealed code is opened and spoken digit by digit.
func BenchmarkWebhookVoiceGather(b *testing.B) {
	s := newBenchServer(b)
	ds := s.deliveries(phonegate.ChannelCall, benchBatch)
	reqs := make([]benchRequest, len(ds))
	for i, d := range ds {
		form := benchVoiceForm(d.To)
		form.Set("Digits", "1")
		reqs[i] = newBenchRequest("/twilio/voice/gather?d="+d.ID+"&round=1", form)
	}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		rec := s.serve(reqs[i%len(reqs)])
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<Say") {
			b.Fatalf("gather: %d %s", rec.Code, rec.Body)
		}
		i++
	}
}

// BenchmarkWebhookSMSStatus is a message status callback that moves a
// delivery forward. Each delivery takes three, sending, sent and
// delivered, the last of which also writes the outcome to the audit log,
// as in production.
func BenchmarkWebhookSMSStatus(b *testing.B) {
	s := newBenchServer(b)
	statuses := [...]string{"sending", "sent", "delivered"}
	var reqs []benchRequest
	var last phonegate.Delivery
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if i == len(reqs) {
			b.StopTimer()
			ds := s.deliveries(phonegate.ChannelSMS, benchBatch)
			reqs, i = reqs[:0], 0
			for _, st := range statuses {
				for _, d := range ds {
					reqs = append(reqs, newBenchRequest("/twilio/sms/status?d="+d.ID, benchStatusForm(d.To, st)))
				}
			}
			last = ds[len(ds)-1]
			b.StartTimer()
		}
		if rec := s.serve(reqs[i]); rec.Code != http.StatusNoContent {
			b.Fatalf("status: %d %s", rec.Code, rec.Body)
		}
		i++
	}
	// The status route answers 204 even when the store fails: check that
	// the updates were stored.
	if i == len(reqs) {
		if d, err := s.db.Delivery(context.Background(), last.ID); err != nil || d.Status != "delivered" {
			b.Fatalf("last delivery = %+v, %v; want delivered", d, err)
		}
	}
}

// BenchmarkWebhookSMSStatusReplay is a status callback Twilio sent twice:
// nothing changes.
func BenchmarkWebhookSMSStatusReplay(b *testing.B) {
	s := newBenchServer(b)
	d := s.deliveries(phonegate.ChannelSMS, 1)[0]
	done := newBenchRequest("/twilio/sms/status?d="+d.ID, benchStatusForm(d.To, "delivered"))
	if rec := s.serve(done); rec.Code != http.StatusNoContent {
		b.Fatalf("status: %d %s", rec.Code, rec.Body)
	}
	replay := newBenchRequest("/twilio/sms/status?d="+d.ID, benchStatusForm(d.To, "sent"))
	b.ReportAllocs()
	for b.Loop() {
		if rec := s.serve(replay); rec.Code != http.StatusNoContent {
			b.Fatalf("status: %d %s", rec.Code, rec.Body)
		}
	}
}
