package twiml

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Defaults for a Say whose voice or language is not configured. A voice of
// Amazon Polly speaks digits far more clearly than Twilio's basic voices.
const (
	DefaultVoice    = "Polly.Joanna"
	DefaultLanguage = "en-US"
)

// MaxRounds is how many times, at most, a call reads the code: the first
// round after the gate and up to two more on request.
const MaxRounds = 3

// RoundParam is the query parameter that CallCode adds to the repeat
// Gather's action URL: the number of the round that the request asks for,
// 2 or 3. The first round has no parameter.
const RoundParam = "r"

// Timeouts of the two gathers, in seconds. The gate's is longer because the
// callee may first have to take the phone from their ear.
const (
	gateTimeout   = 10
	repeatTimeout = 5
)

// CallScript is what the documents of one code call need.
type CallScript struct {
	// Project names the project the code is for. The greeting says it
	// after its fixed words, and only when it fits the project name rule
	// (letters, digits, spaces and "-._", up to 30); any other name is
	// said as "your project".
	Project string
	// Code is the six-digit code. Only CallCode reads it.
	Code string
	// Voice and Language are set on every Say; empty means DefaultVoice
	// and DefaultLanguage.
	Voice, Language string
	// GatherURL is the action of every Gather, absolute or relative to the
	// document's URL. It carries the opaque delivery ID (?d=...) and never
	// the code, which must not appear in any URL.
	GatherURL string
}

// CallGate returns the document that answers a code call. It names the
// project and waits for a key before the code is read: a voicemail box
// presses no key, so it never records the code. No key within the timeout
// still requests GatherURL (with no Digits), which answers CallGoodbye; the
// goodbye after the Gather is a safety net for a request that Twilio skips.
func CallGate(s CallScript) *Response {
	p := phrasesFor(s.Voice, s.Language)
	greeting := "Hello. This is a call with your phonegate verification code."
	if name := strings.TrimSpace(s.Project); name != "" {
		greeting = "Hello. This is a call with your phonegate verification code for " + spokenName(name) + "."
	}
	// One allocation holds the document and the verbs that are its own,
	// which it holds by pointer; the phrases are shared.
	d := new(struct {
		r      Response
		verbs  [4]Verb
		greet  Say
		gather Gather
		prompt [1]Nested
	})
	d.greet = p.say(greeting)
	d.prompt[0] = p.gatePrompt
	d.gather = Gather{
		Input:               "dtmf",
		NumDigits:           1,
		Timeout:             gateTimeout,
		Action:              s.GatherURL,
		Method:              "POST",
		ActionOnEmptyResult: true,
		Verbs:               d.prompt[:],
	}
	d.verbs = [...]Verb{&d.greet, &d.gather, p.noKey, hangup}
	d.r.Verbs = d.verbs[:]
	return &d.r
}

// CallGoodbye returns the document for a gate that saw no key: a goodbye,
// without the code.
func CallGoodbye(s CallScript) *Response {
	d := new(struct {
		r     Response
		verbs [2]Verb
	})
	d.verbs = [...]Verb{phrasesFor(s.Voice, s.Language).noKey, hangup}
	d.r.Verbs = d.verbs[:]
	return &d.r
}

const noKey = "No key was pressed. Goodbye."

// CallCode returns the document that reads the code in round round, counted
// from 1. It reads the code twice, one digit per Say with a pause after each,
// so that every text-to-speech voice says each digit on its own ("zero" for
// a leading 0) and the callee has time to write it down. Before the last
// round it offers a repeat: pressing 1 requests GatherURL with RoundParam
// set to round+1. A round outside 1 to MaxRounds is taken as the nearest
// one.
func CallCode(s CallScript, round int) *Response {
	round = min(max(round, 1), MaxRounds)
	p := phrasesFor(s.Voice, s.Language)
	// As in CallGate, with the verbs apart, as their number follows the
	// code's length.
	d := new(struct {
		r      Response
		gather Gather
		prompt [1]Nested
	})
	// Two readings of an intro, a pause and the digits with a pause after
	// each, then the repeat prompt, the goodbye and the hangup.
	verbs := make([]Verb, 0, 2*(2+2*utf8.RuneCountInString(s.Code))+3)
	for _, intro := range [...]Verb{p.yourCode, p.againCode} {
		verbs = append(verbs, intro, pause)
		for i := 0; i < len(s.Code); {
			_, n := utf8.DecodeRuneInString(s.Code[i:])
			verbs = append(verbs, p.digit(s.Code[i:i+n]), pause)
			i += n
		}
	}
	if round < MaxRounds {
		d.prompt[0] = p.repeatPrompt
		d.gather = Gather{
			Input:     "dtmf",
			NumDigits: 1,
			Timeout:   repeatTimeout,
			Action:    withRound(s.GatherURL, round+1),
			Method:    "POST",
			Verbs:     d.prompt[:],
		}
		verbs = append(verbs, &d.gather)
	}
	d.r.Verbs = append(verbs, p.goodbye, hangup)
	return &d.r
}

// withRound adds RoundParam to an action URL that may already have a query.
func withRound(url string, round int) string {
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + RoundParam + "=" + strconv.Itoa(round)
}

func voiced(text, voice, language string) Say {
	if voice == "" {
		voice = DefaultVoice
	}
	if language == "" {
		language = DefaultLanguage
	}
	return Say{Text: text, Voice: voice, Language: language}
}

// Sorry returns the document for a voice request that failed on our side.
// It speaks in DefaultVoice, as it may answer before any script is known.
func Sorry() *Response {
	return goodbye("Sorry, an error occurred. Goodbye.")
}

// Unknown returns the document for a call that has no code to read, such as
// a delivery that is unknown or whose challenge has ended. It says why only
// in general terms, since anyone may be on the line.
func Unknown() *Response {
	return goodbye("Sorry, this call can not be completed. Goodbye.")
}

// InboundCall returns the document for a call to the Twilio number: it only
// places calls. Project, when not empty, names who it places them for.
func InboundCall(project string) *Response {
	text := "Hello. This number only places verification calls and does not take calls. Goodbye."
	if p := strings.TrimSpace(project); p != "" {
		text = "Hello. This number only places verification calls for " + spokenName(p) +
			" and does not take calls. Goodbye."
	}
	return goodbye(text)
}

func goodbye(text string) *Response {
	return &Response{Verbs: []Verb{voiced(text, "", ""), hangup}}
}

// Empty returns a document with no verbs: Twilio does nothing more, which
// is the answer to an incoming message that needs no reply.
func Empty() *Response {
	return &Response{}
}

// Reply returns a document that answers an incoming message with body.
func Reply(body string) *Response {
	return &Response{Verbs: []Verb{Message{Body: body}}}
}
