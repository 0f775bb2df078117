package twiml_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate/twiml"
)

// outline describes a parsed document one line per verb, nested verbs
// indented: the verb, its attributes other than voice and language (which
// TestVoice checks), and its text.
func outline(n node) []string {
	var lines []string
	var visit func(n node, prefix string)
	visit = func(n node, prefix string) {
		for _, c := range n.Nodes {
			line := prefix + c.XMLName.Local
			for _, a := range c.Attrs {
				if a.Name.Local != "voice" && a.Name.Local != "language" {
					line += " " + a.Name.Local + "=" + a.Value
				}
			}
			if text := strings.TrimSpace(c.Text); text != "" {
				line += ": " + text
			}
			lines = append(lines, line)
			visit(c, prefix+"  ")
		}
	}
	visit(n, "")
	return lines
}

// reading is the outline of the code read twice.
func reading(code string) []string {
	var lines []string
	for _, intro := range []string{"Your code is", "Again, your code is"} {
		lines = append(lines, "Say: "+intro, "Pause length=1")
		for _, d := range code {
			lines = append(lines, "Say: "+string(d), "Pause length=1")
		}
	}
	return lines
}

func concat(parts ...[]string) []string {
	var all []string
	for _, p := range parts {
		all = append(all, p...)
	}
	return all
}

func TestCallScripts(t *testing.T) {
	const gather = "https://gate.example.com/twilio/voice/gather?d=dlv_7Hq2"
	repeat := func(round string) []string {
		return []string{
			"Gather input=dtmf numDigits=1 timeout=5 action=" + gather + "&r=" + round + " method=POST",
			"  Say: Press 1 to hear it again.",
		}
	}
	end := []string{"Say: Goodbye.", "Hangup"}
	tests := []struct {
		name string
		doc  *twiml.Response
		want []string
	}{
		{"gate", twiml.CallGate(script), []string{
			"Say: Hello. This is a call with your phonegate verification code for Acme.",
			"Gather input=dtmf numDigits=1 timeout=10 action=" + gather + " method=POST actionOnEmptyResult=true",
			"  Say: Press any key to hear your code.",
			"Say: No key was pressed. Goodbye.",
			"Hangup",
		}},
		{"gate without project", twiml.CallGate(with(func(s *twiml.CallScript) { s.Project = " " })), []string{
			"Say: Hello. This is a call with your phonegate verification code.",
			"Gather input=dtmf numDigits=1 timeout=10 action=" + gather + " method=POST actionOnEmptyResult=true",
			"  Say: Press any key to hear your code.",
			"Say: No key was pressed. Goodbye.",
			"Hangup",
		}},
		{"goodbye", twiml.CallGoodbye(script), []string{"Say: No key was pressed. Goodbye.", "Hangup"}},
		{"round 1", twiml.CallCode(script, 1), concat(reading("493817"), repeat("2"), end)},
		{"round 2", twiml.CallCode(script, 2), concat(reading("493817"), repeat("3"), end)},
		{"round 3 offers no repeat", twiml.CallCode(script, 3), concat(reading("493817"), end)},
		{"round 0 is round 1", twiml.CallCode(script, 0), concat(reading("493817"), repeat("2"), end)},
		{"round 4 is round 3", twiml.CallCode(script, 4), concat(reading("493817"), end)},
		{"leading zero", twiml.CallCode(with(func(s *twiml.CallScript) { s.Code = "012345" }), 1),
			concat(reading("012345"), repeat("2"), end)},
		{"gather URL without query", twiml.CallCode(with(func(s *twiml.CallScript) { s.GatherURL = "/g" }), 2),
			concat(reading("493817"), []string{
				"Gather input=dtmf numDigits=1 timeout=5 action=/g?r=3 method=POST",
				"  Say: Press 1 to hear it again.",
			}, end)},
		{"sorry", twiml.Sorry(), []string{"Say: Sorry, an error occurred. Goodbye.", "Hangup"}},
		{"unknown", twiml.Unknown(), []string{"Say: Sorry, this call can not be completed. Goodbye.", "Hangup"}},
		{"inbound call", twiml.InboundCall("Acme"), []string{
			"Say: Hello. This number only places verification calls for Acme and does not take calls. Goodbye.",
			"Hangup",
		}},
		{"reply", twiml.Reply("Hi & bye"), []string{"Message: Hi & bye"}},
		{"empty", twiml.Empty(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := outline(parse(t, tt.doc))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("document outline mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCallGateHidesCode(t *testing.T) {
	// A voicemail box records whatever the gate says, so the gate must not
	// say the code or any digit of it.
	doc := twiml.CallGate(script)
	if b := doc.Bytes(); bytes.Contains(b, []byte(script.Code)) {
		t.Errorf("gate document contains the code %q:\n%s", script.Code, b)
	}
	parse(t, doc).walk(func(n node) {
		if n.XMLName.Local == "Say" && strings.ContainsAny(n.Text, "0123456789") {
			t.Errorf("gate says %q, want no digits", n.Text)
		}
	})
}

func TestVoice(t *testing.T) {
	tests := []struct {
		name           string
		doc            *twiml.Response
		voice, lang    string
		wantSayAtLeast int
	}{
		{"gate default", twiml.CallGate(script), "Polly.Joanna", "en-US", 3},
		{"gate custom", twiml.CallGate(customVoice), "Polly.Vicki", "de-DE", 3},
		{"code default", twiml.CallCode(script, 1), "Polly.Joanna", "en-US", 16},
		{"code custom", twiml.CallCode(customVoice, 2), "Polly.Vicki", "de-DE", 16},
		{"goodbye custom", twiml.CallGoodbye(customVoice), "Polly.Vicki", "de-DE", 1},
		{"sorry", twiml.Sorry(), twiml.DefaultVoice, twiml.DefaultLanguage, 1},
		{"unknown", twiml.Unknown(), twiml.DefaultVoice, twiml.DefaultLanguage, 1},
		{"inbound call", twiml.InboundCall("Acme"), twiml.DefaultVoice, twiml.DefaultLanguage, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			says := 0
			parse(t, tt.doc).walk(func(n node) {
				if n.XMLName.Local != "Say" {
					return
				}
				says++
				if got := n.attr("voice"); got != tt.voice {
					t.Errorf("Say %q has voice %q, want %q", n.Text, got, tt.voice)
				}
				if got := n.attr("language"); got != tt.lang {
					t.Errorf("Say %q has language %q, want %q", n.Text, got, tt.lang)
				}
			})
			if says < tt.wantSayAtLeast {
				t.Errorf("document has %d Say verbs, want at least %d", says, tt.wantSayAtLeast)
			}
		})
	}
}

// TestEscaping: text is escaped on the way out. A project name with such
// signs is never spoken (it says "your project"), so a reply carries them.
func TestEscaping(t *testing.T) {
	const body = `Tom & Jerry's <Co>`
	doc := twiml.Reply(body)
	b := doc.Bytes()
	if want := `Tom &amp; Jerry&#39;s &lt;Co&gt;`; !bytes.Contains(b, []byte(want)) {
		t.Errorf("document lacks escaped text %q:\n%s", want, b)
	}
	if got := parse(t, doc).Nodes[0].Text; got != body {
		t.Errorf("message parses as %q, want %q", got, body)
	}
}

// The benchmarks build and write a document, as a webhook does for every
// request.

func BenchmarkCallGate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := twiml.CallGate(script).WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCallCode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := twiml.CallCode(script, 1).WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCallCodeEncodingXML is the reflective baseline that
// BenchmarkCallCode is measured against.
func BenchmarkCallCodeEncodingXML(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		out, err := xml.MarshalIndent(twiml.CallCode(script, 1), "", "  ")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Discard.Write(append([]byte(xml.Header), out...)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestVoicesAtOnce: documents in two voices built at once each come out in
// their own voice, though the verbs that never change are shared between
// the documents of one voice.
func TestVoicesAtOnce(t *testing.T) {
	docs := map[string]func() *twiml.Response{
		"gate":              func() *twiml.Response { return twiml.CallGate(script) },
		"gate-custom-voice": func() *twiml.Response { return twiml.CallGate(customVoice) },
		"code-round-1":      func() *twiml.Response { return twiml.CallCode(script, 1) },
		"code-custom-voice": func() *twiml.Response { return twiml.CallCode(customVoice, 1) },
	}
	want := map[string][]byte{}
	for name := range docs {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "twiml", name+".xml"))
		if err != nil {
			t.Fatal(err)
		}
		want[name] = b
	}
	var wg sync.WaitGroup
	for name, doc := range docs {
		wg.Go(func() {
			for range 200 {
				var buf bytes.Buffer
				if _, err := doc().WriteTo(&buf); err != nil {
					t.Error(err)
					return
				}
				if !bytes.Equal(buf.Bytes(), want[name]) {
					t.Errorf("%s differs from its golden file:\n%s", name, buf.Bytes())
					return
				}
			}
		})
	}
	wg.Wait()
}
