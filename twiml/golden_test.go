package twiml_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate/twiml"
)

var update = flag.Bool("update", false, "rewrite golden files")

// script is the call script most tests use. Its code appears nowhere else
// in the documents, so a search for it finds only a leak.
var script = twiml.CallScript{
	Project:   "Acme",
	Code:      "493817",
	GatherURL: "https://gate.example.com/twilio/voice/gather?d=dlv_7Hq2",
}

// with returns script changed by edit.
func with(edit func(*twiml.CallScript)) twiml.CallScript {
	s := script
	edit(&s)
	return s
}

// documents lists every document the package writes for phonegate, each
// with the golden file that pins it. They are functions so that each test
// renders freshly built values.
var documents = []struct {
	name string
	doc  func() *twiml.Response
}{
	{"gate", func() *twiml.Response { return twiml.CallGate(script) }},
	{"gate-escaped", func() *twiml.Response {
		return twiml.CallGate(with(func(s *twiml.CallScript) { s.Project = `Tom & Jerry's <Co>` }))
	}},
	{"gate-attacker-name", func() *twiml.Response {
		return twiml.CallGate(with(func(s *twiml.CallScript) { s.Project = attackerName }))
	}},
	{"gate-no-project", func() *twiml.Response {
		return twiml.CallGate(with(func(s *twiml.CallScript) { s.Project = "" }))
	}},
	{"gate-custom-voice", func() *twiml.Response { return twiml.CallGate(customVoice) }},
	{"goodbye", func() *twiml.Response { return twiml.CallGoodbye(script) }},
	{"code-round-1", func() *twiml.Response { return twiml.CallCode(script, 1) }},
	{"code-round-2", func() *twiml.Response { return twiml.CallCode(script, 2) }},
	{"code-round-3", func() *twiml.Response { return twiml.CallCode(script, 3) }},
	{"code-leading-zero", func() *twiml.Response {
		return twiml.CallCode(with(func(s *twiml.CallScript) { s.Code = "012345" }), 1)
	}},
	{"code-custom-voice", func() *twiml.Response { return twiml.CallCode(customVoice, 1) }},
	{"sorry", twiml.Sorry},
	{"unknown", twiml.Unknown},
	{"inbound-call", func() *twiml.Response { return twiml.InboundCall("Acme") }},
	{"inbound-call-no-project", func() *twiml.Response { return twiml.InboundCall("") }},
	{"reply", func() *twiml.Response { return twiml.Reply("Reply STOP to stop, HELP for help.") }},
	{"empty", twiml.Empty},
}

// attackerName is a project name written to be read out as a message of
// its own: no call may speak it.
const attackerName = "URGENT: Bank account locked. Call +1 415 555 0199 now"

var customVoice = with(func(s *twiml.CallScript) {
	s.Voice = "Polly.Vicki"
	s.Language = "de-DE"
})

// TestGolden pins the bytes of every document, both as Bytes returns them
// and as WriteTo writes them, which is how a webhook sends them.
func TestGolden(t *testing.T) {
	for _, tt := range documents {
		t.Run(tt.name, func(t *testing.T) {
			checkGolden(t, tt.name, tt.doc().Bytes())
			var buf bytes.Buffer
			if _, err := tt.doc().WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.name, buf.Bytes())
		})
	}
}

// checkGolden compares got with testdata/twiml/name.xml, or rewrites the
// file when the -update flag is set.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden := filepath.Join("..", "testdata", "twiml", name+".xml")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", golden, diff)
	}
}

func TestDeterministic(t *testing.T) {
	for _, tt := range documents {
		t.Run(tt.name, func(t *testing.T) {
			first := tt.doc().Bytes()
			for i := range 100 {
				var buf bytes.Buffer
				if _, err := tt.doc().WriteTo(&buf); err != nil {
					t.Fatal(err)
				}
				if got := tt.doc().Bytes(); !bytes.Equal(got, first) {
					t.Fatalf("Bytes render %d differs:\n%s\nfirst:\n%s", i, got, first)
				}
				if !bytes.Equal(buf.Bytes(), first) {
					t.Fatalf("WriteTo render %d differs:\n%s\nfirst:\n%s", i, buf.Bytes(), first)
				}
			}
		})
	}
}

func TestWellFormed(t *testing.T) {
	const prefix = `<?xml version="1.0" encoding="UTF-8"?>` + "\n<Response"
	for _, tt := range documents {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.doc().Bytes()
			if !bytes.HasPrefix(b, []byte(prefix)) {
				t.Errorf("document starts %.60q, want %q", b, prefix)
			}
			d := xml.NewDecoder(bytes.NewReader(b))
			roots := 0
			depth := 0
			for {
				tok, err := d.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("parse: %v\n%s", err, b)
				}
				switch tok.(type) {
				case xml.StartElement:
					if depth == 0 {
						roots++
					}
					depth++
				case xml.EndElement:
					depth--
				}
			}
			if roots != 1 {
				t.Errorf("document has %d root elements, want 1", roots)
			}
		})
	}
}

// node is a parsed element, for tests that look at a document's meaning
// rather than its bytes.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []node     `xml:",any"`
}

// parse decodes a document written by the package.
func parse(t *testing.T, r *twiml.Response) node {
	t.Helper()
	b := r.Bytes()
	var n node
	if err := xml.Unmarshal(b, &n); err != nil {
		t.Fatalf("parse: %v\n%s", err, b)
	}
	return n
}

// attr returns the value of n's attribute name, or "" if it has none.
func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// walk calls f for n and every element below it, in document order.
func (n node) walk(f func(node)) {
	f(n)
	for _, c := range n.Nodes {
		c.walk(f)
	}
}
