package twilio

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// formCases are forms whose parse must agree with url.ParseQuery, the
// parser http.Request.ParseForm uses.
var formCases = []string{
	"",
	"a=1",
	"To=%2B15005550006&From=%2B15005550001&CallSid=CA123&CallStatus=in-progress",
	"Body=Hello+there%21&From=%2B1555",
	"a=1&a=2&b=3&a=0",
	"novalue&empty=&=nameless",
	"&&a=1&&",
	"a=1;b=2",
	"a=%zz&b=2",
	"a=%4",
	"a=%41%42",
	"%E2%82%AC=euro&%F0%9F%98%80=face&%EE%80%80=private",
	"k=v=w",
	"a=1&b=%&c=3",
	"Digits=1&Digits=1",
}

// TestFormParseAgreesWithParseQuery: the webhook's own parser finds the
// same parameters and the same malformed input as net/url, so that taking
// it in place of ParseForm changes no answer.
func TestFormParseAgreesWithParseQuery(t *testing.T) {
	for _, s := range formCases {
		checkFormAgrees(t, s)
	}
}

func FuzzFormParse(f *testing.F) {
	for _, s := range formCases {
		f.Add(s)
	}
	f.Fuzz(checkFormAgrees)
}

func checkFormAgrees(t *testing.T, s string) {
	t.Helper()
	want, wantErr := url.ParseQuery(s)
	var f Form
	err := f.parse(s)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("parse(%q): error %v, url.ParseQuery's %v", s, err, wantErr)
	}
	if got := f.Values(); !reflect.DeepEqual(got, want) {
		t.Fatalf("parse(%q) = %v, url.ParseQuery = %v", s, got, want)
	}
	for name, vs := range want {
		if got := f.Get(name); got != vs[0] {
			t.Fatalf("parse(%q).Get(%q) = %q, want the first value %q", s, name, got, vs[0])
		}
	}
	for i := 1; i < len(f.pairs); i++ {
		if compareUTF16(f.pairs[i-1].name, f.pairs[i].name) > 0 {
			t.Fatalf("parse(%q): names out of Twilio's order: %q before %q", s, f.pairs[i-1].name, f.pairs[i].name)
		}
	}
}

// TestFormSignsAsValues: a Form signs exactly as the url.Values it
// holds, repeated names included, so the middleware's check is the one
// TestSignerVectors pins against Twilio's own library.
func TestFormSignsAsValues(t *testing.T) {
	const token = "12345"
	const u = "https://example.com/twilio/voice?d=abc"
	s := NewSigner(token)
	for _, in := range formCases {
		var f Form
		if f.parse(in) != nil {
			continue
		}
		v := f.Values()
		if got, want := s.sum(u, f), jsSign(token, u, v); string(got[:]) != want {
			t.Errorf("form %q signs as %s, Twilio's way %s", in, got, want)
		}
		if !s.ValidForm(u, f, jsSign(token, u, v)) {
			t.Errorf("form %q: its own signature refused", in)
		}
	}
}

// TestReadParams: the body is a form only when it says so, as ParseForm
// reads it; a malformed type, query or body is an error, a body past
// MaxWebhookBytes the error for 413.
func TestReadParams(t *testing.T) {
	const body = "To=%2B15005550006&Digits=1"
	tests := []struct {
		name, target, ctype, body string
		wantTo, wantRound      string
		wantErr                bool
		tooLarge               bool
	}{
		{name: "form", target: "/twilio/voice/gather?d=x&r=2", ctype: "application/x-www-form-urlencoded", body: body, wantTo: "+15005550006", wantRound: "2"},
		{name: "form with charset", target: "/twilio/voice?d=x", ctype: "application/x-www-form-urlencoded; charset=UTF-8", body: body, wantTo: "+15005550006"},
		{name: "type in capitals", target: "/twilio/voice?d=x", ctype: "Application/X-WWW-Form-Urlencoded", body: body, wantTo: "+15005550006"},
		{name: "no type: not a form", target: "/twilio/voice?d=x", body: body},
		{name: "json: not a form", target: "/twilio/voice?d=x", ctype: "application/json", body: `{"To":"+1"}`},
		{name: "malformed type", target: "/twilio/voice?d=x", ctype: "application/x-www-form-urlencoded; =bad", body: body, wantErr: true},
		{name: "malformed query", target: "/twilio/voice?d=%zz", ctype: "application/x-www-form-urlencoded", body: body, wantErr: true},
		{name: "malformed body", target: "/twilio/voice?d=x", ctype: "application/x-www-form-urlencoded", body: "To=%2", wantErr: true},
		{name: "semicolon in body", target: "/twilio/voice?d=x", ctype: "application/x-www-form-urlencoded", body: "To=1;Digits=2", wantErr: true},
		{name: "too large", target: "/twilio/voice?d=x", ctype: "application/x-www-form-urlencoded", body: "Body=" + strings.Repeat("a", MaxWebhookBytes), wantErr: true, tooLarge: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, tt.target, strings.NewReader(tt.body))
			if tt.ctype != "" {
				r.Header.Set("Content-Type", tt.ctype)
			}
			p, err := readParams(r)
			defer p.release()
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want an error: %v", err, tt.wantErr)
			}
			if tt.tooLarge != errors.Is(err, errTooLarge) {
				t.Fatalf("error %v, want too large: %v", err, tt.tooLarge)
			}
			if err != nil {
				return
			}
			if got := p.Post.Get("To"); got != tt.wantTo {
				t.Errorf("To = %q, want %q", got, tt.wantTo)
			}
			if got := deliveryParam(p); got != "x" {
				t.Errorf("delivery = %q, want x", got)
			}
			if got := p.Query.Get("r"); got != tt.wantRound {
				t.Errorf("round = %q, want %q", got, tt.wantRound)
			}
		})
	}
}

// TestParamsReuseKeepsEarlierText: a handler's strings stay what they were
// after the Params that held them served another request (a status write
// may still hold them in the store's queue).
func TestParamsReuseKeepsEarlierText(t *testing.T) {
	read := func(body string) *Params {
		r := httptest.NewRequest(http.MethodPost, "/twilio/sms/status?d=x", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		p, err := readParams(r)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := read("MessageStatus=delivered&To=%2B15005550006")
	status, to := p.Post.Get("MessageStatus"), p.Post.Get("To")
	p.release()
	for range 20 {
		q := read("MessageStatus=xxxxxxxxx&To=%2B19999999999")
		q.release()
	}
	if status != "delivered" || to != "+15005550006" {
		t.Fatalf("after reuse: status %q, To %q", status, to)
	}
}
