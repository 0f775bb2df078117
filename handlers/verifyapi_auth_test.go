package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	verify "github.com/twilio/twilio-go/rest/verify/v2"

	"github.com/phonegate/phonegate"
)

// TestVerifyAPIAuthentication: a key's SID or its project's account SID
// with a live key's secret gets in; anything else is Twilio's 401 20003.
func TestVerifyAPIAuthentication(t *testing.T) {
	v := newVerifyAPI(t)
	eve, other := v.addUser("eve@example.com", goodPassword, "Gemini")
	otherKey := v.newKey(eve, other, "eve's")
	revoked := v.newKey(v.owner, v.project, "old")
	owner := phonegate.Membership{Project: v.project, UserID: v.owner.ID, Role: phonegate.RoleOwner}
	elevated := phonegate.Session{ElevatedUntil: v.clock.Now().Add(time.Minute)}
	if err := v.srv.Service().RevokeAPIKey(context.Background(), owner, v.owner, elevated, revoked.SID); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, user, secret string
		ok                 bool
	}{
		{"the key", v.key.SID, v.key.Secret, true},
		{"the account SID with the key's secret", v.key.AccountSID, v.key.Secret, true},
		{"a wrong secret", v.key.SID, otherKey.Secret[:63] + "0", false},
		{"another key's secret", v.key.SID, otherKey.Secret, false},
		{"another project's account with this key's secret", otherKey.AccountSID, v.key.Secret, false},
		{"a revoked key", revoked.SID, revoked.Secret, false},
		{"the account SID with a revoked key's secret", v.key.AccountSID, revoked.Secret, false},
		{"no such key", "SK00000000000000000000000000000000", v.key.Secret, false},
		{"a username that is no SID", "admin", v.key.Secret, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.twilioClient(tt.user, tt.secret).VerifyV2.CreateService(
				new(verify.CreateServiceParams).SetFriendlyName("App"))
			if tt.ok {
				if err != nil {
					t.Fatalf("err = %v, want the service made", err)
				}
				return
			}
			wantRestError(t, err, http.StatusUnauthorized, 20003)
			if re := restError(t, err); re.Message != "Authenticate" {
				t.Errorf("message = %q, want Authenticate", re.Message)
			}
		})
	}
	// No credentials at all: the same answer, with a Basic challenge.
	res, err := http.Get(v.http.URL + "/v2/Services")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"code": 20003.0, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401.0}
	for k, w := range want {
		if body[k] != w {
			t.Errorf("body[%s] = %v, want %v", k, body[k], w)
		}
	}
	if res.StatusCode != http.StatusUnauthorized || res.Header.Get("WWW-Authenticate") == "" ||
		res.Header.Get("Content-Type") != "application/json" {
		t.Errorf("no credentials: %d, WWW-Authenticate %q, Content-Type %q", res.StatusCode,
			res.Header.Get("WWW-Authenticate"), res.Header.Get("Content-Type"))
	}
}

// apiGet asks GET /v2/Services with the credentials, from the client
// address addr (X-Forwarded-For, believed from the loopback proxy).
func (h *harness) apiGet(user, secret, addr string) int {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.http.URL+"/v2/Services", nil)
	req.SetBasicAuth(user, secret)
	req.Header.Set("X-Forwarded-For", addr)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestVerifyAPIThrottle: failed authentications are limited per client
// address and per key; past a limit the answer is 429 with Twilio's
// 20429 and Retry-After, the right secret included; other addresses and
// keys are not held back.
func TestVerifyAPIThrottle(t *testing.T) {
	t.Run("per address", func(t *testing.T) {
		v := newVerifyAPI(t)
		for i := range phonegate.APIAuthAddrLimit {
			user := "SK" + strconv.Itoa(10000000+i) + "000000000000000000000000"
			if got := v.apiGet(user, "wrong", "203.0.113.7"); got != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d, want 401", i+1, got)
			}
		}
		if got := v.apiGet(v.key.SID, v.key.Secret, "203.0.113.7"); got != http.StatusTooManyRequests {
			t.Errorf("past the address's limit: %d, want 429", got)
		}
		if got := v.apiGet(v.key.SID, v.key.Secret, "203.0.113.8"); got != http.StatusOK {
			t.Errorf("another address: %d, want 200", got)
		}
		v.clock.Add(phonegate.APIAuthAddrWindow + time.Second)
		if got := v.apiGet(v.key.SID, v.key.Secret, "203.0.113.7"); got != http.StatusOK {
			t.Errorf("after the window: %d, want 200", got)
		}
	})
	t.Run("per key", func(t *testing.T) {
		v := newVerifyAPI(t)
		other := v.newKey(v.owner, v.project, "cron")
		for i := range phonegate.APIAuthKeyLimit {
			addr := "198.51.100." + strconv.Itoa(i%200+1)
			if i >= 200 {
				t.Fatal("limit above the addresses of the test")
			}
			if got := v.apiGet(v.key.SID, "wrong", addr); got != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d, want 401", i+1, got)
			}
		}
		req, _ := http.NewRequest(http.MethodGet, v.http.URL+"/v2/Services", nil)
		req.SetBasicAuth(v.key.SID, v.key.Secret)
		req.Header.Set("X-Forwarded-For", "192.0.2.1")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Code, Status int }
		json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if res.StatusCode != http.StatusTooManyRequests || body.Code != 20429 || body.Status != 429 ||
			res.Header.Get("Retry-After") == "" {
			t.Errorf("past the key's limit: %d %+v Retry-After %q, want 429 20429 with Retry-After", res.StatusCode, body,
				res.Header.Get("Retry-After"))
		}
		if got := v.apiGet(other.SID, other.Secret, "192.0.2.1"); got != http.StatusOK {
			t.Errorf("another key: %d, want 200", got)
		}
	})
}

// TestVerifyAPIKeyLastUsed: a key's last use is written when it is used,
// and then not again within a minute.
func TestVerifyAPIKeyLastUsed(t *testing.T) {
	v := newVerifyAPI(t)
	lastUsed := func() time.Time {
		k, err := v.db.APIKey(context.Background(), v.key.SID)
		if err != nil {
			t.Fatal(err)
		}
		return k.LastUsedAt
	}
	if !lastUsed().IsZero() {
		t.Fatalf("a new key was used at %v", lastUsed())
	}
	steps := []struct {
		after time.Duration
		want  time.Duration // from testStart
	}{{0, 0}, {30 * time.Second, 0}, {30 * time.Second, time.Minute}, {10 * time.Second, time.Minute}}
	for i, s := range steps {
		v.clock.Add(s.after)
		if got := v.apiGet(v.key.SID, v.key.Secret, "127.0.0.1"); got != http.StatusOK {
			t.Fatalf("step %d: %d", i, got)
		}
		if got, want := lastUsed(), testStart.Add(s.want); !got.Equal(want) {
			t.Errorf("step %d: last used %v, want %v", i, got, want)
		}
	}
}
