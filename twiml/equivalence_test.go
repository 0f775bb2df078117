package twiml_test

import (
	"encoding/xml"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate/twiml"
)

// These tests hold the reflection-free writer to encoding/xml: the package
// promises the bytes of xml.MarshalIndent, so that the structs stay the
// single description of a document.

// marshal writes r the reflective way.
func marshal(t testing.TB, r *twiml.Response) string {
	t.Helper()
	b, err := xml.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatalf("MarshalIndent: %v", err)
	}
	return xml.Header + string(b) + "\n"
}

// awkward holds strings that exercise every branch of xml.EscapeText.
const awkward = "tab\tnl\ncr\rnul\x00del\x7f quote\" apos' amp& lt< gt> é € 😀 bad\xff fffd\uFFFD end"

func TestEquivalence(t *testing.T) {
	tests := []struct {
		name string
		doc  *twiml.Response
	}{
		{"empty", &twiml.Response{}},
		{"nil verbs", &twiml.Response{Verbs: []twiml.Verb{nil, (*twiml.Say)(nil), (*twiml.Gather)(nil)}}},
		{"every verb with every attribute", &twiml.Response{Verbs: []twiml.Verb{
			twiml.Say{Text: "Hi", Voice: "v", Language: "l", Loop: 3},
			twiml.Pause{Length: 2},
			twiml.Gather{
				Input: "dtmf", NumDigits: 4, Timeout: 7, Action: "/a?b=1&c=2", Method: "GET",
				ActionOnEmptyResult: true,
				Verbs:               []twiml.Nested{twiml.Say{Text: "x"}, twiml.Pause{}, nil},
			},
			twiml.Hangup{},
			twiml.Redirect{Method: "POST", URL: "/r"},
			twiml.Message{Body: "b"},
		}}},
		{"zero verbs", &twiml.Response{Verbs: []twiml.Verb{
			twiml.Say{}, twiml.Pause{}, twiml.Gather{}, twiml.Hangup{}, twiml.Redirect{}, twiml.Message{},
		}}},
		{"pointer verbs", &twiml.Response{Verbs: []twiml.Verb{
			&twiml.Say{Text: "p"}, &twiml.Pause{Length: 1}, &twiml.Hangup{}, &twiml.Redirect{URL: "/u"},
			&twiml.Message{Body: "m"},
			&twiml.Gather{Verbs: []twiml.Nested{&twiml.Say{Text: "n"}, &twiml.Pause{}}},
		}}},
		{"gather of nil verbs only", &twiml.Response{Verbs: []twiml.Verb{
			twiml.Gather{Verbs: []twiml.Nested{nil, (*twiml.Pause)(nil)}},
		}}},
		{"negative numbers", &twiml.Response{Verbs: []twiml.Verb{
			twiml.Say{Loop: -1}, twiml.Pause{Length: -2}, twiml.Gather{NumDigits: -3, Timeout: -4},
		}}},
		{"printable signs", &twiml.Response{Verbs: []twiml.Verb{
			twiml.Say{Text: `"Tom" & 'Jerry' <Co>`, Voice: `a&b`, Language: `<>`},
			twiml.Gather{Action: `/g?d=1&r=2&'x'="y"`},
			twiml.Message{Body: `&&<<>>""''`},
		}}},
		{"awkward text", &twiml.Response{Verbs: []twiml.Verb{
			twiml.Say{Text: awkward, Voice: awkward, Language: awkward},
			twiml.Gather{Action: awkward, Method: awkward, Input: awkward},
			twiml.Redirect{Method: awkward, URL: awkward},
			twiml.Message{Body: awkward},
		}}},
		{"XMLName set by hand is ignored", &twiml.Response{
			XMLName: xml.Name{Space: "urn:x", Local: "Other"},
			Verbs:   []twiml.Verb{twiml.Say{XMLName: xml.Name{Local: "Play"}, Text: "s"}},
		}},
	}
	for _, tt := range documents {
		tests = append(tests, struct {
			name string
			doc  *twiml.Response
		}{tt.name, tt.doc()})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(marshal(t, tt.doc), string(tt.doc.Bytes())); diff != "" {
				t.Errorf("Bytes() differs from xml.MarshalIndent (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzEquivalence(f *testing.F) {
	f.Add("Hello.", "Polly.Joanna", 1)
	f.Add(`Tom & Jerry's <Co>`, "/g?d=1&r=2", 0)
	f.Add(awkward, awkward, -7)
	f.Add("", "", 0)
	f.Fuzz(func(t *testing.T, text, attr string, n int) {
		r := &twiml.Response{Verbs: []twiml.Verb{
			twiml.Say{Text: text, Voice: attr, Language: attr, Loop: n},
			twiml.Gather{
				Input: attr, NumDigits: n, Timeout: n, Action: attr, Method: attr,
				ActionOnEmptyResult: n%2 == 0,
				Verbs:               []twiml.Nested{twiml.Say{Text: text}, twiml.Pause{Length: n}},
			},
			twiml.Redirect{Method: attr, URL: text},
			twiml.Message{Body: text},
		}}
		s := twiml.CallScript{Project: text, Code: text, Voice: attr, Language: attr, GatherURL: attr}
		for _, doc := range []*twiml.Response{r, twiml.CallGate(s), twiml.CallCode(s, n)} {
			if diff := cmp.Diff(marshal(t, doc), string(doc.Bytes())); diff != "" {
				t.Errorf("Bytes() differs from xml.MarshalIndent (-want +got):\n%s", diff)
			}
		}
	})
}
