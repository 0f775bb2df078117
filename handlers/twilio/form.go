package twilio

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// maxFormParams bounds the parameters of a form or a query, as net/url's
// own parser does (its default limit).
const maxFormParams = 10000

// errTooLarge is a webhook body longer than MaxWebhookBytes.
var errTooLarge = errors.New("webhook body too large")

// Form is a webhook's parameters, parsed once: the name and value pairs,
// names in the order Twilio signs them (UTF-16 code units, as
// compareUTF16), a repeated name's values in the order they came. A Form
// is the handler's to read while the handler runs; the Signed middleware
// reuses its memory for the next request.
type Form struct {
	pairs []formPair
}

type formPair struct{ name, value string }

// Get returns the first value of name, or "" when the form has none.
func (f Form) Get(name string) string {
	for _, p := range f.pairs {
		if p.name == name {
			return p.value
		}
	}
	return ""
}

// Values returns the form as url.Values, for the code that wants a map
// (twilio-go's validator): a copy, allocated.
func (f Form) Values() url.Values {
	v := make(url.Values, len(f.pairs))
	for _, p := range f.pairs {
		v[p.name] = append(v[p.name], p.value)
	}
	return v
}

// FormOf returns the Form of v.
func FormOf(v url.Values) Form {
	var f Form
	for name, vs := range v {
		for _, value := range vs {
			f.pairs = append(f.pairs, formPair{name, value})
		}
	}
	// Each name's values keep their order: a stable sort over names.
	slices.SortStableFunc(f.pairs, func(a, b formPair) int { return compareUTF16(a.name, b.name) })
	return f
}

// parse appends the parameters of an application/x-www-form-urlencoded
// string to f with net/url's rules (url.ParseQuery): pairs split at "&",
// a pair without "=" is a name with an empty value, "+" is a space, a
// semicolon or a malformed escape is an error. Unescaped text is s itself,
// so only the parameters that had an escape allocate.
func (f *Form) parse(s string) error {
	if strings.Count(s, "&")+1 > maxFormParams {
		return errors.New("too many parameters")
	}
	var err error
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		if strings.Contains(pair, ";") {
			err = firstErr(err, errors.New("invalid semicolon separator"))
			continue
		}
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		name, err1 := url.QueryUnescape(name)
		if err1 == nil {
			value, err1 = url.QueryUnescape(value)
		}
		if err1 != nil {
			err = firstErr(err, err1)
			continue
		}
		f.pairs = append(f.pairs, formPair{name, value})
	}
	slices.SortStableFunc(f.pairs, func(a, b formPair) int { return compareUTF16(a.name, b.name) })
	return err
}

// firstErr keeps the first error, as url.ParseQuery reports the first.
func firstErr(first, next error) error {
	if first != nil {
		return first
	}
	return next
}

// Params is a webhook request's parameters: its POST form and its URL's
// query.
type Params struct {
	Post  Form
	Query Form
	body  []byte // the read buffer, kept for the next request
}

// paramsPool keeps Params between requests, so that a webhook's parse
// allocates only its text.
var paramsPool = sync.Pool{New: func() any { return new(Params) }}

// maxPooledParams bounds what a pooled Params keeps: a rare large form
// should not stay pinned.
const maxPooledParams = 64

// readParams parses r's query and, when the body is a form
// (application/x-www-form-urlencoded, as Twilio sends), the body of at
// most MaxWebhookBytes, with the rules of http.Request.ParseForm. It
// returns errTooLarge for a longer body. The caller gives the Params back
// with release when the handler has returned.
func readParams(r *http.Request) (*Params, error) {
	p := paramsPool.Get().(*Params)
	if err := p.Query.parse(r.URL.RawQuery); err != nil {
		return p, fmt.Errorf("query: %w", err)
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" || r.Body == nil || r.Body == http.NoBody {
		return p, nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return p, fmt.Errorf("content type: %w", err)
	}
	if mt != "application/x-www-form-urlencoded" {
		return p, nil
	}
	body, err := readBounded(r.Body, p.body[:0])
	p.body = body
	if err != nil {
		return p, err
	}
	if err := p.Post.parse(string(body)); err != nil {
		return p, fmt.Errorf("form: %w", err)
	}
	return p, nil
}

// readBounded appends all of rd to buf, or fails with errTooLarge past
// MaxWebhookBytes.
func readBounded(rd io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, 512)
		}
		n, err := rd.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > MaxWebhookBytes {
			return buf, errTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// release gives p back for another request.
func (p *Params) release() {
	if cap(p.Post.pairs) > maxPooledParams || cap(p.Query.pairs) > maxPooledParams || cap(p.body) > maxPooledBytes {
		return
	}
	clear(p.Post.pairs)
	clear(p.Query.pairs)
	p.Post.pairs, p.Query.pairs, p.body = p.Post.pairs[:0], p.Query.pairs[:0], p.body[:0]
	paramsPool.Put(p)
}
