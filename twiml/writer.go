package twiml

import (
	"encoding/xml"
	"strconv"
)

// The helpers below append XML to a byte slice the way
// xml.MarshalIndent(v, "", "  ") writes it: every start tag below the root
// on a line of its own, indented two spaces per level, and an end tag on a
// line of its own only when its element has child elements. The equivalence
// tests hold them to that.

// indent is the indentation of one nesting level.
const indent = "  "

// appendOpen appends the start of a start tag, leaving it open for
// attributes. The root (depth 0) follows the XML declaration, which ends
// with its own newline.
func appendOpen(b []byte, depth int, name string) []byte {
	if depth > 0 {
		b = append(b, '\n')
		for range depth {
			b = append(b, indent...)
		}
	}
	b = append(b, '<')
	return append(b, name...)
}

// appendClose appends an end tag.
func appendClose(b []byte, depth int, name string, children bool) []byte {
	if children {
		b = append(b, '\n')
		for range depth {
			b = append(b, indent...)
		}
	}
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, '>')
}

// appendAttr appends a string attribute, or nothing when value is empty
// (encoding/xml's omitempty).
func appendAttr(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	b = append(b, ' ')
	b = append(b, name...)
	b = append(b, `="`...)
	b = appendText(b, value)
	return append(b, '"')
}

// appendIntAttr appends an integer attribute, or nothing when v is zero.
func appendIntAttr(b []byte, name string, v int) []byte {
	if v == 0 {
		return b
	}
	b = append(b, ' ')
	b = append(b, name...)
	b = append(b, `="`...)
	b = strconv.AppendInt(b, int64(v), 10)
	return append(b, '"')
}

// appendBoolAttr appends a boolean attribute, or nothing when v is false.
func appendBoolAttr(b []byte, name string, v bool) []byte {
	if !v {
		return b
	}
	b = append(b, ' ')
	b = append(b, name...)
	return append(b, `="true"`...)
}

// appendText appends s escaped as xml.EscapeText escapes attribute values
// and character data. Most strings here are printable ASCII, of which it
// replaces only the five signs below, so those are escaped directly; any
// other byte (a control character, UTF-8) hands the whole string to
// xml.EscapeText.
func appendText(b []byte, s string) []byte {
	start, last := len(b), 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch c := s[i]; c {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		default:
			if c < ' ' || c > '~' {
				return appendEscaped(b[:start], s)
			}
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}

// appendEscaped appends s as xml.EscapeText writes it.
func appendEscaped(b []byte, s string) []byte {
	w := &sliceWriter{b: b}
	// EscapeText fails only when its writer does, and sliceWriter never does.
	_ = xml.EscapeText(w, []byte(s))
	return w.b
}

// sliceWriter is an io.Writer that appends to a byte slice.
type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// appendVerbs appends vs one level below their parent and reports whether
// it wrote any; nil verbs write nothing.
func appendVerbs[V Verb](b []byte, depth int, vs []V) ([]byte, bool) {
	wrote := false
	for _, v := range vs {
		if isNil(v) {
			continue
		}
		b = v.appendXML(b, depth)
		wrote = true
	}
	return b, wrote
}

// isNil reports whether v is nil or a nil pointer, which encoding/xml skips
// and whose value methods would panic.
func isNil(v Verb) bool {
	switch v := v.(type) {
	case nil:
		return true
	case *Say:
		return v == nil
	case *Pause:
		return v == nil
	case *Gather:
		return v == nil
	case *Hangup:
		return v == nil
	case *Redirect:
		return v == nil
	case *Message:
		return v == nil
	}
	return false
}
