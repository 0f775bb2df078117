package handlers_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	verify "github.com/twilio/twilio-go/rest/verify/v2"
)

// apiDo sends a raw request to the Verify API with v's key.
func (v *verifyAPI) apiDo(method, path string, body io.Reader) (*http.Response, string) {
	v.t.Helper()
	req, _ := http.NewRequest(method, v.http.URL+path, body)
	req.SetBasicAuth(v.key.SID, v.key.Secret)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// TestVerifyAPIWire: the bytes of an answer as Verify v2 writes them (ISO
// 8601 UTC dates to the second, null rather than missing, JSON), and a
// body too large refused in Twilio's error JSON.
func TestVerifyAPIWire(t *testing.T) {
	v := newVerifyAPI(t)
	res, body := v.apiDo(http.MethodPost, "/v2/Services", strings.NewReader(url.Values{"FriendlyName": {"Apollo"}}.Encode()))
	if res.StatusCode != http.StatusCreated || res.Header.Get("Content-Type") != "application/json" ||
		res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d %q %q\n%s", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"), body)
	}
	for _, want := range []string{`"date_created":"2026-03-01T09:00:00Z"`, `"date_updated":"2026-03-01T09:00:00Z"`,
		`"tts_name":null`, `"lookup_enabled":false`, `"code_length":6`, `"account_sid":"` + v.key.AccountSID + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the answer lacks %s:\n%s", want, body)
		}
	}
	res, body = v.apiDo(http.MethodGet, "/v2/Services?PageSize=1", nil)
	for _, want := range []string{`"previous_page_url":null`, `"next_page_url":null`, `"key":"services"`, `"page":0`,
		`"first_page_url":"http://127.0.0.1:8080/v2/Services?Page=0&PageSize=1"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the list lacks %s:\n%s", want, body)
		}
	}
	big := "FriendlyName=" + strings.Repeat("a", 70<<10)
	res, body = v.apiDo(http.MethodPost, "/v2/Services", strings.NewReader(big))
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, `"code":60200`) {
		t.Errorf("a body too large: %d\n%s", res.StatusCode, body)
	}
	res, body = v.apiDo(http.MethodGet, "/v2/Services?Page=x", nil)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `"message":"Invalid parameter: Page"`) {
		t.Errorf("a bad page: %d\n%s", res.StatusCode, body)
	}
}

// TestVerifyAPIUnsupported: a Verify resource phonegate has not answers
// Twilio's 404 JSON, which twilio-go reads as a *client.TwilioRestError;
// pages elsewhere keep their own 404.
func TestVerifyAPIUnsupported(t *testing.T) {
	v := newVerifyAPI(t)
	s, err := v.client.VerifyV2.CreateService(new(verify.CreateServiceParams).SetFriendlyName("Apollo"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.client.VerifyV2.ListRateLimit(*s.Sid, nil)
	wantRestError(t, err, http.StatusNotFound, 20404)
	res, body := v.apiDo(http.MethodGet, "/no-such-page", nil)
	if res.StatusCode != http.StatusNotFound || strings.Contains(body, `"code":20404`) {
		t.Errorf("a page that does not exist: %d\n%s", res.StatusCode, body)
	}
}
