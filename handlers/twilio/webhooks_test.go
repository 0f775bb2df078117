package twilio

import (
	"net/url"
	"testing"
)

// requestTargets are request targets as a server reads them from the
// request line, with the awkward cases of url.URL.RequestURI.
var requestTargets = []string{
	"/twilio/voice?d=dk3bq5n2vxw7c4m9p1r6t8y0zahq",
	"/twilio/voice/gather?d=dk3bq5n2&r=2",
	"/twilio/voice/inbound",
	"/twilio/voice?",
	"/twilio/voice?d=a%20b&x=%26",
	"/twilio/a%2Fb?d=1",
	"/caf%C3%A9?d=1",
	"/caf\u00e9",
	"//twilio/voice?d=1",
	"/",
	"*",
	"http://gate.example.com/twilio/voice?d=1",
}

// TestRequestURL holds requestURL to the URL the signature check signs
// today, publicURL(u.RequestURI()), for each public URL form New accepts.
func TestRequestURL(t *testing.T) {
	extra := []*url.URL{
		{},
		{Path: "/p", ForceQuery: true},
		{Opaque: "//host/p", Scheme: "http", RawQuery: "d=1"},
		{Opaque: "p"},
		{Path: "/a b", RawQuery: "d=1"},
	}
	for _, base := range []string{"https://gate.example.com", "http://127.0.0.1:8080/pg"} {
		s := &Webhooks{base: base}
		for _, target := range requestTargets {
			u, err := url.ParseRequestURI(target)
			if err != nil {
				t.Fatalf("%q: %v", target, err)
			}
			if got, want := s.requestURL(u), s.publicURL(u.RequestURI()); got != want {
				t.Errorf("requestURL(%q) = %q, want %q", target, got, want)
			}
		}
		for _, u := range extra {
			if got, want := s.requestURL(u), s.publicURL(u.RequestURI()); got != want {
				t.Errorf("requestURL(%#v) = %q, want %q", u, got, want)
			}
		}
	}
}

func FuzzRequestURL(f *testing.F) {
	for _, target := range requestTargets {
		f.Add(target)
	}
	s := &Webhooks{base: "https://gate.example.com"}
	f.Fuzz(func(t *testing.T, target string) {
		u, err := url.ParseRequestURI(target)
		if err != nil {
			return
		}
		if got, want := s.requestURL(u), s.publicURL(u.RequestURI()); got != want {
			t.Errorf("requestURL(%q) = %q, want %q", target, got, want)
		}
	})
}

// BenchmarkRequestURL is the signed URL of a voice webhook, built the way
// the signature check builds it and with requestURL.
func BenchmarkRequestURL(b *testing.B) {
	s := &Webhooks{base: "https://gate.example.com"}
	u, err := url.ParseRequestURI("/twilio/voice?d=dk3bq5n2vxw7c4m9p1r6t8y0zahq")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("publicURL(RequestURI)", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if s.publicURL(u.RequestURI()) == "" {
				b.Fatal("empty URL")
			}
		}
	})
	b.Run("requestURL", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if s.requestURL(u) == "" {
				b.Fatal("empty URL")
			}
		}
	})
}
