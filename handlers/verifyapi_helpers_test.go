package handlers_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"

	"github.com/phonegate/phonegate"
)

// verifyAPI is a whole server on httptest with a project, its owner and
// one API key, and twilio-go's real client pointed at it.
type verifyAPI struct {
	*harness
	owner   phonegate.User
	project phonegate.Project
	key     phonegate.NewAPIKey
	client  *twilio.RestClient // speaks with key
}

// newVerifyAPI starts the server, makes the project "Apollo" and an API
// key of it through the service, and returns twilio-go's client for it.
func newVerifyAPI(t *testing.T, opts ...harnessOption) *verifyAPI {
	t.Helper()
	v := &verifyAPI{harness: newHarness(t, opts...)}
	v.owner, v.project = v.addUser("ada@example.com", goodPassword, "Apollo")
	v.key = v.newKey(v.owner, v.project, "web app")
	v.client = v.twilioClient(v.key.SID, v.key.Secret)
	return v
}

// newKey makes an API key of project p as its owner u would on the
// settings page, from an elevated session.
func (h *harness) newKey(u phonegate.User, p phonegate.Project, name string) phonegate.NewAPIKey {
	h.t.Helper()
	owner := phonegate.Membership{Project: p, UserID: u.ID, Role: phonegate.RoleOwner}
	elevated := phonegate.Session{ElevatedUntil: h.clock.Now().Add(time.Minute)}
	k, err := h.srv.Service().CreateAPIKey(context.Background(), owner, u, elevated, name)
	if err != nil {
		h.t.Fatal(err)
	}
	return k
}

// twilioClient is twilio-go's REST client with the credentials username
// and password, whose requests to Twilio's hosts (https://verify.twilio.com
// and the rest) reach the test server instead: the README's client
// (verifyapi_readme_test.go).
func (h *harness) twilioClient(username, password string) *twilio.RestClient {
	h.t.Helper()
	c, err := newVerifyClient(h.http.URL, username, password)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// restError is the Twilio error twilio-go decoded from err.
func restError(t *testing.T, err error) *client.TwilioRestError {
	t.Helper()
	var re *client.TwilioRestError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v (%T), want a *client.TwilioRestError", err, err)
	}
	return re
}

// wantRestError checks that err is Twilio's error code with status.
func wantRestError(t *testing.T, err error, status, code int) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want %d with code %d", status, code)
	}
	re := restError(t, err)
	if re.Status != status || re.Code != code {
		t.Errorf("error = %d %d %q, want %d with code %d", re.Status, re.Code, re.Message, status, code)
	}
	if want := "https://www.twilio.com/docs/errors/" + itoa(int64(code)); re.MoreInfo != want {
		t.Errorf("more_info = %q, want %q", re.MoreInfo, want)
	}
}
