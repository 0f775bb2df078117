package twiml

import "sync/atomic"

// Verbs that every document shares. A Verb holds a value, which no one can
// change through the interface, so one boxed value serves them all.
var (
	hangup Verb = Hangup{}
	pause  Verb = Pause{Length: 1}
)

// phrases are the Say verbs of the call documents whose text never
// changes, in one voice and language, boxed once for all the documents in
// that voice.
type phrases struct {
	voice, language string

	gatePrompt, repeatPrompt            Nested
	noKey, yourCode, againCode, goodbye Verb
	digits                              [10]Verb // "0" to "9"
}

// lastPhrases holds the phrases of the voice used last. A server speaks in
// the one voice it is configured with, so its documents find theirs here;
// a document in another voice replaces them.
var lastPhrases atomic.Pointer[phrases]

// phrasesFor returns the phrases in voice and language, which default to
// DefaultVoice and DefaultLanguage.
func phrasesFor(voice, language string) *phrases {
	if voice == "" {
		voice = DefaultVoice
	}
	if language == "" {
		language = DefaultLanguage
	}
	if p := lastPhrases.Load(); p != nil && p.voice == voice && p.language == language {
		return p
	}
	p := &phrases{voice: voice, language: language}
	p.gatePrompt = p.say("Press any key to hear your code.")
	p.repeatPrompt = p.say("Press 1 to hear it again.")
	p.noKey = p.say(noKey)
	p.yourCode = p.say("Your code is")
	p.againCode = p.say("Again, your code is")
	p.goodbye = p.say("Goodbye.")
	for i := range p.digits {
		p.digits[i] = p.say(string(rune('0' + i)))
	}
	lastPhrases.Store(p)
	return p
}

// say returns a Say of text in the phrases' voice.
func (p *phrases) say(text string) Say {
	return Say{Text: text, Voice: p.voice, Language: p.language}
}

// digit returns the Say of one character of a code: a shared one for a
// decimal digit, a new one for anything else.
func (p *phrases) digit(c string) Verb {
	if len(c) == 1 && '0' <= c[0] && c[0] <= '9' {
		return p.digits[c[0]-'0']
	}
	return p.say(c)
}
