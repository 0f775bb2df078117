package twiml_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate/twiml"
)

// document wraps body lines, each indented one level, in a Response.
func document(body ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<Response>")
	for _, line := range body {
		b.WriteString("\n  " + line)
	}
	if len(body) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("</Response>\n")
	return b.String()
}

func TestVerbs(t *testing.T) {
	tests := []struct {
		name string
		verb twiml.Verb
		want []string
	}{
		{"say", twiml.Say{Text: "Hello."}, []string{`<Say>Hello.</Say>`}},
		{"say with every attribute",
			twiml.Say{Text: "Hello.", Voice: "Polly.Joanna", Language: "en-US", Loop: 2},
			[]string{`<Say voice="Polly.Joanna" language="en-US" loop="2">Hello.</Say>`}},
		{"say escaped",
			twiml.Say{Text: `a < b & "c" > 'd'`, Voice: `x"y`},
			[]string{`<Say voice="x&#34;y">a &lt; b &amp; &#34;c&#34; &gt; &#39;d&#39;</Say>`}},
		{"pause", twiml.Pause{Length: 2}, []string{`<Pause length="2"></Pause>`}},
		{"pause of default length", twiml.Pause{}, []string{`<Pause></Pause>`}},
		{"gather with every attribute",
			twiml.Gather{
				Input: "dtmf", NumDigits: 1, Timeout: 10, Action: "/g?d=1&r=2", Method: "POST",
				ActionOnEmptyResult: true,
				Verbs:               []twiml.Nested{twiml.Say{Text: "Press a key."}, twiml.Pause{Length: 1}},
			},
			[]string{
				`<Gather input="dtmf" numDigits="1" timeout="10" action="/g?d=1&amp;r=2" method="POST" actionOnEmptyResult="true">`,
				`  <Say>Press a key.</Say>`,
				`  <Pause length="1"></Pause>`,
				`</Gather>`,
			}},
		{"gather without attributes or verbs", twiml.Gather{}, []string{`<Gather></Gather>`}},
		{"gather of nil verbs", twiml.Gather{Verbs: []twiml.Nested{nil, (*twiml.Say)(nil)}},
			[]string{`<Gather></Gather>`}},
		{"hangup", twiml.Hangup{}, []string{`<Hangup></Hangup>`}},
		{"redirect", twiml.Redirect{Method: "POST", URL: "/next?a=1&b=2"},
			[]string{`<Redirect method="POST">/next?a=1&amp;b=2</Redirect>`}},
		{"message", twiml.Message{Body: "Code: <none>"}, []string{`<Message>Code: &lt;none&gt;</Message>`}},
		{"pointer verb", &twiml.Say{Text: "Hi"}, []string{`<Say>Hi</Say>`}},
		{"nil pointer verb", (*twiml.Hangup)(nil), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &twiml.Response{Verbs: []twiml.Verb{tt.verb}}
			if diff := cmp.Diff(document(tt.want...), string(r.Bytes())); diff != "" {
				t.Errorf("Bytes() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteTo(t *testing.T) {
	r := twiml.CallCode(script, 1)
	var buf bytes.Buffer
	n, err := r.WriteTo(&buf)
	if err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	if want := r.Bytes(); n != int64(len(want)) || !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("WriteTo wrote %d bytes:\n%s\nwant %d bytes:\n%s", n, buf.Bytes(), len(want), want)
	}
}

// failWriter accepts half of a write, then fails.
type failWriter struct{ err error }

func (w failWriter) Write(p []byte) (int, error) { return len(p) / 2, w.err }

func TestWriteToError(t *testing.T) {
	errBroken := errors.New("broken pipe")
	r := twiml.Sorry()
	n, err := r.WriteTo(failWriter{errBroken})
	if !errors.Is(err, errBroken) {
		t.Errorf("WriteTo error = %v, want %v", err, errBroken)
	}
	if want := int64(len(r.Bytes()) / 2); n != want {
		t.Errorf("WriteTo reported %d bytes, want %d", n, want)
	}
}

func TestWriteToConcurrent(t *testing.T) {
	// WriteTo reuses buffers across calls; concurrent calls must not share
	// one.
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			s := script
			s.Project = fmt.Sprintf("Project %d", i)
			r := twiml.CallCode(s, 1+i%3)
			want := r.Bytes()
			for range 50 {
				var buf bytes.Buffer
				if _, err := r.WriteTo(&buf); err != nil {
					t.Errorf("WriteTo: %v", err)
					return
				}
				if !bytes.Equal(buf.Bytes(), want) {
					t.Errorf("WriteTo wrote:\n%s\nwant:\n%s", buf.Bytes(), want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestContentType(t *testing.T) {
	if got, want := twiml.ContentType, "text/xml; charset=utf-8"; got != want {
		t.Errorf("ContentType = %q, want %q", got, want)
	}
}

func ExampleResponse() {
	r := &twiml.Response{Verbs: []twiml.Verb{
		twiml.Gather{
			Input:     "dtmf",
			NumDigits: 1,
			Action:    "/twilio/voice/gather?d=dlv_1",
			Method:    "POST",
			Verbs:     []twiml.Nested{twiml.Say{Text: "Press any key.", Voice: "Polly.Joanna"}},
		},
		twiml.Hangup{},
	}}
	// A handler sets the Content-Type header to twiml.ContentType first.
	if _, err := r.WriteTo(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <Response>
	//   <Gather input="dtmf" numDigits="1" action="/twilio/voice/gather?d=dlv_1" method="POST">
	//     <Say voice="Polly.Joanna">Press any key.</Say>
	//   </Gather>
	//   <Hangup></Hangup>
	// </Response>
}
