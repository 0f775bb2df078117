package twiml

import "encoding/xml"

// The field order of each verb is its attribute order in the output, and
// every appendXML method writes the attributes in that same order. Zero
// values are left out, so Twilio applies its own defaults.

// Say speaks Text with text-to-speech.
type Say struct {
	XMLName xml.Name `xml:"Say"`
	Text    string   `xml:",chardata"`
	// Voice is a Twilio voice such as "Polly.Joanna".
	Voice string `xml:"voice,attr,omitempty"`
	// Language is a BCP 47 tag such as "en-US".
	Language string `xml:"language,attr,omitempty"`
	// Loop repeats the text. Zero leaves the attribute out (Twilio says it
	// once); the loop="0" that means "forever" cannot be written, which
	// suits a call that must end.
	Loop int `xml:"loop,attr,omitempty"`
}

func (s Say) appendXML(b []byte, depth int) []byte {
	b = appendOpen(b, depth, "Say")
	b = appendAttr(b, "voice", s.Voice)
	b = appendAttr(b, "language", s.Language)
	b = appendIntAttr(b, "loop", s.Loop)
	b = append(b, '>')
	b = appendText(b, s.Text)
	return appendClose(b, depth, "Say", false)
}

func (Say) nested() {}

// Pause waits in silence.
type Pause struct {
	XMLName xml.Name `xml:"Pause"`
	// Length is the silence in seconds; zero means Twilio's default of one.
	Length int `xml:"length,attr,omitempty"`
}

func (p Pause) appendXML(b []byte, depth int) []byte {
	b = appendOpen(b, depth, "Pause")
	b = appendIntAttr(b, "length", p.Length)
	b = append(b, '>')
	return appendClose(b, depth, "Pause", false)
}

func (Pause) nested() {}

// Gather collects key presses while its nested verbs play, then requests
// Action with the keys in the Digits parameter. When nothing is pressed,
// Twilio moves on to the verb after the Gather, unless ActionOnEmptyResult
// is set.
type Gather struct {
	XMLName xml.Name `xml:"Gather"`
	// Input is "dtmf" for key presses.
	Input string `xml:"input,attr,omitempty"`
	// NumDigits ends the gather after that many keys.
	NumDigits int `xml:"numDigits,attr,omitempty"`
	// Timeout is how many seconds Twilio waits for a key.
	Timeout int `xml:"timeout,attr,omitempty"`
	// Action is the URL that receives the keys, absolute or relative to
	// the document's URL; empty means the document's own URL.
	Action string `xml:"action,attr,omitempty"`
	// Method is the HTTP method of the Action request.
	Method string `xml:"method,attr,omitempty"`
	// ActionOnEmptyResult requests Action even when no key was pressed.
	ActionOnEmptyResult bool `xml:"actionOnEmptyResult,attr,omitempty"`
	// Verbs play while Twilio waits for keys.
	Verbs []Nested
}

func (g Gather) appendXML(b []byte, depth int) []byte {
	b = appendOpen(b, depth, "Gather")
	b = appendAttr(b, "input", g.Input)
	b = appendIntAttr(b, "numDigits", g.NumDigits)
	b = appendIntAttr(b, "timeout", g.Timeout)
	b = appendAttr(b, "action", g.Action)
	b = appendAttr(b, "method", g.Method)
	b = appendBoolAttr(b, "actionOnEmptyResult", g.ActionOnEmptyResult)
	b = append(b, '>')
	b, children := appendVerbs(b, depth+1, g.Verbs)
	return appendClose(b, depth, "Gather", children)
}

// Hangup ends the call.
type Hangup struct {
	XMLName xml.Name `xml:"Hangup"`
}

func (Hangup) appendXML(b []byte, depth int) []byte {
	b = appendOpen(b, depth, "Hangup")
	b = append(b, '>')
	return appendClose(b, depth, "Hangup", false)
}

// Redirect hands the call or message over to the TwiML at URL.
type Redirect struct {
	XMLName xml.Name `xml:"Redirect"`
	// Method is the HTTP method of the request for URL.
	Method string `xml:"method,attr,omitempty"`
	// URL is absolute or relative to the document's URL.
	URL string `xml:",chardata"`
}

func (r Redirect) appendXML(b []byte, depth int) []byte {
	b = appendOpen(b, depth, "Redirect")
	b = appendAttr(b, "method", r.Method)
	b = append(b, '>')
	b = appendText(b, r.URL)
	return appendClose(b, depth, "Redirect", false)
}

// Message replies to an incoming message with Body.
type Message struct {
	XMLName xml.Name `xml:"Message"`
	Body    string   `xml:",chardata"`
}

func (m Message) appendXML(b []byte, depth int) []byte {
	b = appendOpen(b, depth, "Message")
	b = append(b, '>')
	b = appendText(b, m.Body)
	return appendClose(b, depth, "Message", false)
}
