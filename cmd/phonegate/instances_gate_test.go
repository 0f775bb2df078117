package main

import (
	"context"
	"io"
	"net/http"
	"testing"

	verify "github.com/twilio/twilio-go/rest/verify/v2"

	"github.com/phonegate/phonegate"
)

// The forward-auth check and the Verify API across the two instances of
// TestInstancesAgree's cluster.

// forwardAsk asks the gate, through the balancer, about a request for
// appHost that carried cookie, as a proxy on loopback (trusted) does; it
// returns the status and the Remote-User header of the answer.
func (c *cluster) forwardAsk(cookie string) (int, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.url+"/auth/forward", nil)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range map[string]string{"X-Forwarded-Method": "GET", "X-Forwarded-Proto": "https",
		"X-Forwarded-Host": appHost, "X-Forwarded-Uri": storyPath, "Cookie": cookie} {
		req.Header.Set(k, v)
	}
	res, err := (&http.Client{Transport: loopbackTransport("127.0.0.1"),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, res.Header.Get("Remote-User")
}

// testForwardAcross checks that a session that passed its code on one
// instance is let through by the check on each, and that after a logout
// on one the other refuses it.
func testForwardAcross(t *testing.T, c *cluster, e *e2e) {
	ctx := context.Background()
	if err := run(ctx, []string{"site", "add", "--project", "Apollo", "--host", appHost}, env(c.vars), nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("site add: %v", err)
	}
	v := newVisitor(t)
	p, code := c.codeSent(ctx, e, v)
	if res := v.submit(p, "/verify", "code", code); res.Status != http.StatusSeeOther {
		t.Fatalf("the code answered %d", res.Status)
	}
	cookie := v.cookieHeader(c.url + "/")
	for i := range c.instances {
		c.aim(i)
		var status int
		var user string
		if got := c.servedBy(http.MethodGet, "/auth/forward", func() { status, user = c.forwardAsk(cookie) }); got != i {
			t.Errorf("the check went to instance %d, want %d", got, i)
		}
		if status != http.StatusOK || user != storyOwner {
			t.Errorf("instance %s answered the check %d with Remote-User %q, want 200 with %q",
				c.instances[i].name, status, user, storyOwner)
		}
	}
	form := v.open(c.url + "/logout")
	at := c.servedBy(http.MethodPost, "/logout", func() { v.submit(form, "/logout") })
	c.aim(1 - at)
	var status int
	if got := c.servedBy(http.MethodGet, "/auth/forward", func() { status, _ = c.forwardAsk(cookie) }); got != 1-at {
		t.Errorf("the check went to instance %d, want %d", got, 1-at)
	}
	if status == http.StatusOK {
		t.Errorf("after a logout on instance %d, instance %d let the session through", at, 1-at)
	}
}

// testVerifyAcross creates a verification through twilio-go on one
// instance and checks its code on the other.
func testVerifyAcross(t *testing.T, c *cluster, srv *phonegate.Service) {
	ctx := context.Background()
	key, err := srv.CreateAPIKeyAsOperator(ctx, "Apollo", "app")
	if err != nil {
		t.Fatal(err)
	}
	api := twilioRESTClient(ctx, twilioConfig{AccountSID: key.AccountSID, APIKey: key.SID, APISecret: key.Secret,
		APIURL: c.url}, twilioBaseTransport()).VerifyV2
	svc, err := api.CreateService(new(verify.CreateServiceParams).SetFriendlyName("Apollo"))
	if err != nil {
		t.Fatal(err)
	}
	const to = "+14155552682"
	c.waitDelivered(ctx)
	c.aim(0)
	var v *verify.VerifyV2Verification
	created := c.servedBy(http.MethodPost, "/v2/Services/"+*svc.Sid+"/Verifications", func() {
		v, err = api.CreateVerification(*svc.Sid, new(verify.CreateVerificationParams).SetTo(to).SetChannel("sms"))
	})
	if err != nil {
		t.Fatal(err)
	}
	code := c.player.NextCode(to)
	c.waitDelivered(ctx)
	c.aim(1 - created)
	var got *verify.VerifyV2VerificationCheck
	checked := c.servedBy(http.MethodPost, "/v2/Services/"+*svc.Sid+"/VerificationCheck", func() {
		got, err = api.CreateVerificationCheck(*svc.Sid, new(verify.CreateVerificationCheckParams).SetVerificationSid(*v.Sid).SetCode(code))
	})
	if checked == created {
		t.Errorf("created and checked on instance %d, want the other", created)
	}
	if err != nil || *got.Status != "approved" || !*got.Valid {
		t.Errorf("check = %+v, %v; want approved", got, err)
	}
}
