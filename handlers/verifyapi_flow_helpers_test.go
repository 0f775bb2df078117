package handlers_test

import (
	"context"
	"sync"
	"testing"

	verify "github.com/twilio/twilio-go/rest/verify/v2"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
)

// verifyFlow is the Verify API outside dev mode, with a sender that
// records (and refuses the numbers it is told to) in Twilio's place, the
// webhooks signed as whHarness signs them, and one service "Apollo".
type verifyFlow struct {
	*verifyAPI
	sender *refusingSender
	hooks  *whHarness // the same server, for its signed webhooks
	sid    string     // the service
	api    *verify.ApiService
}

func newVerifyFlow(t *testing.T, opts ...harnessOption) *verifyFlow {
	t.Helper()
	sender := &refusingSender{refuse: map[string]error{}}
	own := func(c *handlers.Config) {
		c.DevMode = false
		c.Sender = sender
		c.TwilioAuthToken = whToken
		c.PublicURL = whPublic
	}
	v := newVerifyAPI(t, append([]harnessOption{own}, opts...)...)
	f := &verifyFlow{verifyAPI: v, sender: sender, hooks: &whHarness{harness: v.harness, sender: &sender.recordingSender},
		api: v.client.VerifyV2}
	s, err := f.api.CreateService(new(verify.CreateServiceParams).SetFriendlyName("Apollo"))
	if err != nil {
		t.Fatal(err)
	}
	f.sid = *s.Sid
	return f
}

// start creates a verification of to by channel.
func (f *verifyFlow) start(to, channel string) (*verify.VerifyV2Verification, error) {
	return f.api.CreateVerification(f.sid, new(verify.CreateVerificationParams).SetTo(to).SetChannel(channel))
}

// mustStart is start that fails the test on an error.
func (f *verifyFlow) mustStart(to, channel string) *verify.VerifyV2Verification {
	f.t.Helper()
	v, err := f.start(to, channel)
	if err != nil {
		f.t.Fatalf("create %s by %s: %v", to, channel, err)
	}
	return v
}

// check checks code for to, or for the verification sid when to starts
// with VE.
func (f *verifyFlow) check(toOrSID, code string) (*verify.VerifyV2VerificationCheck, error) {
	p := new(verify.CreateVerificationCheckParams).SetCode(code)
	if phonegate.IsVerificationSID(toOrSID) {
		p.SetVerificationSid(toOrSID)
	} else {
		p.SetTo(toOrSID)
	}
	return f.api.CreateVerificationCheck(f.sid, p)
}

// deliveries are the sends of verification sid, which must be n.
func (f *verifyFlow) deliveries(sid string, n int) []phonegate.Delivery {
	f.t.Helper()
	ds, err := f.db.Deliveries(context.Background(), sid)
	if err != nil || len(ds) != n {
		f.t.Fatalf("deliveries of %s = %v, %v; want %d", sid, ds, err, n)
	}
	return ds
}

// projectAudit is every audit event of the flow's project, newest first.
func (f *verifyFlow) projectAudit() []phonegate.AuditEvent {
	f.t.Helper()
	es, err := f.db.AuditEvents(context.Background(), f.project.ID, 0, 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	return es
}

// refusingSender is a recordingSender that refuses the sends to the
// numbers of refuse with their error, as Twilio's API would.
type refusingSender struct {
	recordingSender
	mu     sync.Mutex
	refuse map[string]error
}

func (s *refusingSender) refuseTo(to string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse[to] = err
}

func (s *refusingSender) refused(to string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refuse[to]
}

func (s *refusingSender) SendSMS(ctx context.Context, m phonegate.SMS) (string, error) {
	if err := s.refused(m.To); err != nil {
		return "", err
	}
	return s.recordingSender.SendSMS(ctx, m)
}

func (s *refusingSender) PlaceCall(ctx context.Context, c phonegate.Call) (string, error) {
	if err := s.refused(c.To); err != nil {
		return "", err
	}
	return s.recordingSender.PlaceCall(ctx, c)
}

// sendError is the refusal Twilio's API gives for reason, as the adapter
// reports it.
func sendError(code int, reason error) error {
	return &phonegate.SendError{Code: code, Reason: reason, Detail: reason.Error()}
}
