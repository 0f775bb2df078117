// Package twiml writes TwiML, the XML documents that tell Twilio what to do
// on a call or with an incoming message.
//
// A document is a Response holding verbs (Say, Pause, Gather, Hangup,
// Redirect, Message). They are plain structs that encoding/xml marshals as
// Twilio expects. Response.Bytes and Response.WriteTo write the same bytes
// without reflection, because Twilio fetches a document at every step of a
// call and the webhook path is hot. Their output is exactly
//
//	xml.Header + xml.MarshalIndent(r, "", "  ") + "\n"
//
// and depends on nothing but the values, so golden files can pin it.
//
// The package also holds the call script that speaks a verification code
// (CallGate, CallCode and the short documents around them). It imports only
// the standard library and never logs.
package twiml

import (
	"encoding/xml"
	"io"
	"sync"
)

// ContentType is the Content-Type of a TwiML answer.
const ContentType = "text/xml; charset=utf-8"

// Response is a TwiML document: its verbs run in order.
type Response struct {
	XMLName xml.Name `xml:"Response"`
	Verbs   []Verb
}

// Verb is a TwiML verb that a Response can hold. The set is closed: only
// the verb types of this package implement it, since each one also knows
// how to write itself without reflection. Nil verbs are skipped, as
// encoding/xml skips them.
type Verb interface {
	appendXML(b []byte, depth int) []byte
}

// Nested is a verb that may be nested in a Gather, which Twilio allows only
// for Say and Pause (and Play, which phonegate does not use).
type Nested interface {
	Verb
	nested()
}

// Bytes returns the document, starting with the XML declaration and ending
// with a newline.
func (r *Response) Bytes() []byte {
	return r.appendTo(make([]byte, 0, sizeHint(r)))
}

// WriteTo writes the document to w in one Write call and reports the
// number of bytes written.
func (r *Response) WriteTo(w io.Writer) (int64, error) {
	bp := bufPool.Get().(*[]byte)
	b := r.appendTo((*bp)[:0])
	n, err := w.Write(b)
	// An odd huge document must not pin its buffer in the pool forever.
	if cap(b) <= maxPooled {
		*bp = b
		bufPool.Put(bp)
	}
	return int64(n), err
}

// maxPooled bounds the buffers WriteTo keeps for reuse; the call documents
// take about 2 KiB.
const maxPooled = 16 << 10

var bufPool = sync.Pool{
	New: func() any {
		b := make([]byte, 0, 4<<10)
		return &b
	},
}

// sizeHint guesses the size of the document so that Bytes rarely grows its
// buffer: a verb with its attributes and indentation takes about 80 bytes.
func sizeHint(r *Response) int {
	n := len(r.Verbs)
	for _, v := range r.Verbs {
		switch g := v.(type) {
		case Gather:
			n += len(g.Verbs)
		case *Gather:
			if g != nil {
				n += len(g.Verbs)
			}
		}
	}
	return len(xml.Header) + len("<Response></Response>\n") + 80*n
}

func (r *Response) appendTo(b []byte) []byte {
	b = append(b, xml.Header...)
	b = appendOpen(b, 0, "Response")
	b = append(b, '>')
	b, children := appendVerbs(b, 1, r.Verbs)
	b = appendClose(b, 0, "Response", children)
	return append(b, '\n')
}
