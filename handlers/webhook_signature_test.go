package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phonegate/phonegate/handlers"
)

// signatureCase is one case of testdata/twilio/twilio-signatures.json,
// computed with Twilio's Node.js library.
type signatureCase struct {
	Name      string            `json:"name"`
	AuthToken string            `json:"auth_token"`
	URL       string            `json:"url"`
	Params    map[string]string `json:"params"`
	Signature string            `json:"signature"`
	Valid     bool              `json:"valid"`
}

// signatureCases reads testdata/twilio/twilio-signatures.json.
func signatureCases(t *testing.T) []signatureCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "twilio", "twilio-signatures.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Cases []signatureCase }
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no cases")
	}
	return file.Cases
}

// TestSignatureVectors runs every case through the real signature
// middleware, on a server whose public URL is the case's.
func TestSignatureVectors(t *testing.T) {
	for _, c := range signatureCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			u, err := url.Parse(c.URL)
			if err != nil {
				t.Fatal(err)
			}
			form := url.Values{}
			for k, v := range c.Params {
				form.Set(k, v)
			}
			got := signedThrough(t, u.Scheme+"://"+u.Host, c.AuthToken, u.RequestURI(), form, c.Signature)
			want := http.StatusForbidden
			if c.Valid {
				want = http.StatusOK
			}
			if got != want {
				t.Errorf("status = %d, want %d", got, want)
			}
		})
	}
}

// TestSignatureRepeatedParameters: Twilio signs a repeated parameter once
// per distinct value, values sorted. twilio-go's ValidateBody signs only
// the first value; the middleware must follow Twilio, and refuse what
// signs only the first.
func TestSignatureRepeatedParameters(t *testing.T) {
	const public, token = "https://phonegate.example.com", "f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8"
	const path = "/twilio/sms/inbound"
	form := url.Values{"From": {"+14155552671"}, "MediaUrl": {"https://b.example/2", "https://a.example/1", "https://b.example/2"}}
	firstOnly := url.Values{"From": {"+14155552671"}, "MediaUrl": {"https://b.example/2"}}
	tests := []struct {
		name string
		sig  string
		want int
	}{
		{"every distinct value, sorted", twilioSign(token, public+path, form), http.StatusOK},
		{"hand-computed", hmacSHA1Base64(token, public+path+"From+14155552671"+
			"MediaUrlhttps://a.example/1"+"MediaUrlhttps://b.example/2"), http.StatusOK},
		{"only the first value", twilioSign(token, public+path, firstOnly), http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := signedThrough(t, public, token, path, form, tt.sig); got != tt.want {
				t.Errorf("status = %d, want %d", got, tt.want)
			}
		})
	}
}

// signedThrough posts form to path on a server with the given public URL
// and auth token, through the signature middleware alone, and returns the
// status: 200 when the request got through.
func signedThrough(t *testing.T, public, token, path string, form url.Values, sig string) int {
	t.Helper()
	h := newHarness(t, func(c *handlers.Config) {
		c.PublicURL = public
		c.TwilioAuthToken = token
	})
	reached := false
	mw := h.srv.TwilioSignedForTest(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = true
	}))
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", sig)
	rec := httptest.NewRecorder()
	mw.ServeHTTP(rec, req)
	if reached != (rec.Code == http.StatusOK) {
		t.Errorf("handler reached = %v with status %d", reached, rec.Code)
	}
	return rec.Code
}

// TestWebhookSignatures sends each webhook route a well-signed request and
// refused ones: no signature, another token, another URL, a changed
// parameter. A refused request gets 403 and leaves the database as it was.
func TestWebhookSignatures(t *testing.T) {
	h := newWebhookHarness(t)
	c := h.challenge(whPhone, "K7Q4M")
	sms := h.send(c, "sms")
	routes := []struct {
		path string
		form url.Values
		ok   int
	}{
		{"/twilio/voice?d=" + sms.ID, whForm(t, "voice"), http.StatusOK},
		{"/twilio/voice/gather?d=" + sms.ID, whForm(t, "gather-digit"), http.StatusOK},
		{"/twilio/voice/status?d=" + sms.ID, whForm(t, "call-status-completed"), http.StatusNoContent},
		{"/twilio/sms/status?d=" + sms.ID, whForm(t, "sms-status-delivered"), http.StatusNoContent},
		{"/twilio/sms/inbound", whForm(t, "sms-inbound", "Body", "K7Q4M"), http.StatusOK},
		{"/twilio/voice/inbound", whForm(t, "voice-inbound"), http.StatusOK},
	}
	for _, rt := range routes {
		full := whPublic + rt.path
		changed := url.Values{}
		for k, v := range rt.form {
			changed[k] = v
		}
		changed.Set("From", whOther)
		refusals := []struct {
			name string
			form url.Values
			sig  string
		}{
			{"no signature", rt.form, ""},
			{"another token", rt.form, twilioSign("another-token", full, rt.form)},
			{"another URL", rt.form, twilioSign(whToken, whPublic+rt.path+"x", rt.form)},
			{"http instead of https", rt.form, twilioSign(whToken, "http://phonegate.example.com"+rt.path, rt.form)},
			{"a changed parameter", changed, twilioSign(whToken, full, rt.form)},
			{"garbage", rt.form, "not a signature"},
		}
		for _, ref := range refusals {
			t.Run(rt.path+"/"+ref.name, func(t *testing.T) {
				before := dump(t, h.db)
				res, _ := h.twilioSig(rt.path, ref.form, ref.sig)
				if res.StatusCode != http.StatusForbidden {
					t.Errorf("status = %d, want 403", res.StatusCode)
				}
				if after := dump(t, h.db); after != before {
					t.Errorf("a refused request changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
				}
			})
		}
	}
	// Signed, each route does its work; the inbound reply code comes last
	// among the changes, so the earlier refusals had something to change.
	for _, rt := range routes {
		t.Run(rt.path+"/signed", func(t *testing.T) {
			if res, body := h.twilio(rt.path, rt.form); res.StatusCode != rt.ok {
				t.Errorf("status = %d, want %d\n%s", res.StatusCode, rt.ok, body)
			}
		})
	}
}

// TestWebhookMalformed: a form that cannot be read is refused with 400
// (413 when too large), signed or not, never with a 5xx.
func TestWebhookMalformed(t *testing.T) {
	h := newWebhookHarness(t)
	tests := []struct {
		name string
		path string
		body string
		want int
	}{
		{"bad escape in the body", "/twilio/sms/status?d=x", "MessageStatus=sent&To=%zz", http.StatusBadRequest},
		{"bad escape in the query", "/twilio/voice?d=%zz", "CallStatus=in-progress", http.StatusBadRequest},
		{"semicolon in the query", "/twilio/voice/gather?d=x;r=2", "Digits=1", http.StatusBadRequest},
		{"too large", "/twilio/sms/inbound", "Body=" + strings.Repeat("a", 70<<10), http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form, _ := url.ParseQuery("")
			sig := twilioSign(whToken, whPublic+tt.path, form)
			req, _ := http.NewRequest(http.MethodPost, h.http.URL+tt.path, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Twilio-Signature", sig)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.want)
			}
		})
	}
	t.Run("GET", func(t *testing.T) {
		res, err := http.Get(h.http.URL + "/twilio/voice?d=x")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("status = %d, want 405", res.StatusCode)
		}
	})
}
