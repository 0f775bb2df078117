package handlers_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"
	verify "github.com/twilio/twilio-go/rest/verify/v2"
)

// toGate and newVerifyClient are the README's twilio-go example ("Use
// phonegate as Twilio Verify"), as it is there.

// toGate sends the requests twilio-go makes to Twilio's hosts to phonegate.
type toGate struct{ gate *url.URL }

func (t toGate) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = t.gate.Scheme, t.gate.Host, ""
	return http.DefaultTransport.RoundTrip(r)
}

// newVerifyClient is twilio-go's client for phonegate at gateURL.
func newVerifyClient(gateURL, keySID, secret string) (*twilio.RestClient, error) {
	gate, err := url.Parse(gateURL)
	if err != nil {
		return nil, err
	}
	c := &client.Client{
		Credentials: client.NewCredentials(keySID, secret),
		HTTPClient:  &http.Client{Transport: toGate{gate}},
	}
	return twilio.NewRestClientWithParams(twilio.ClientParams{Client: c}), nil
}

// TestVerifyAPIReadmeClient: the README's client, given only the gate's
// URL and a key, reaches the API.
func TestVerifyAPIReadmeClient(t *testing.T) {
	v := newVerifyAPI(t)
	tw, err := newVerifyClient(v.http.URL, v.key.SID, v.key.Secret)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := tw.VerifyV2.CreateService(new(verify.CreateServiceParams).SetFriendlyName("Billing"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := tw.VerifyV2.FetchService(*svc.Sid)
	if err != nil || *got.FriendlyName != "Billing" {
		t.Errorf("fetch = %+v, %v", got, err)
	}
}
