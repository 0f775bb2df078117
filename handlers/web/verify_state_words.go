package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/phonegate/phonegate"
)

// The words of the code page's states (verify_state.go).

// otherWay is " "+words when the other channel can be used, else "".
func otherWay(ok bool, words string) string {
	if !ok {
		return ""
	}
	return " " + words
}

// limitWords says why no code can be sent, after lead: the number's hourly
// limit (until when) or the day's caps.
func limitWords(f phonegate.CodeFacts, numberBlocked bool, lead string) (string, time.Time) {
	if lead != "" && !strings.HasSuffix(lead, " ") {
		lead += " "
	}
	if numberBlocked {
		return lead + fmt.Sprintf("No more codes can be sent to this number now: it was sent %d in the last hour, the most it may get. "+
			"Try again at {at}.", phonegate.MaxNumberSends), f.Blocks.NumberUntil
	}
	day := f.Now.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	return lead + "Codes cannot be sent now: this server has sent all the text messages and calls it may send today. " +
		"Try again at {at}.", day
}

// Text is the message in words, with its time in UTC, for /verify/status
// and for browsers that run no script.
func (st codeState) Text() string {
	return strings.ReplaceAll(st.Message, "{at}", clockUTC(st.At))
}

// HTML is the message for the page: its time in a <time> element that the
// page's script shows in the browser's local time, UTC until then.
func (st codeState) HTML() template.HTML {
	before, after, ok := strings.Cut(st.Message, "{at}")
	if !ok {
		return template.HTML(template.HTMLEscapeString(st.Message))
	}
	return template.HTML(template.HTMLEscapeString(before) +
		`<time class="local" datetime="` + st.At.UTC().Format(time.RFC3339) + `">` + clockUTC(st.At) + `</time>` +
		template.HTMLEscapeString(after))
}

// clockUTC says a time within the next day in UTC: "09:15 UTC".
func clockUTC(t time.Time) string { return t.UTC().Format("15:04 UTC") }

// plural says n things: "1 try", "2 tries".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
