package main

import (
	"context"
	"errors"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// testDomain is the domain of the hostnames the stories through real
// proxies use: the gate and the apps live below it, and nothing resolves
// them but the clients' dialers (loopbackTransport) and Chromium's
// --host-resolver-rules.
const testDomain = "example.test"

// loopbackTransport reaches every host of testDomain (and 127.0.0.1) at
// the same port on 127.0.0.1, without DNS, connecting from the loopback
// address from ("" for the system's choice, 127.0.0.1).
func loopbackTransport(from string) *http.Transport {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if from != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(from)}
	}
	return &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if host != "127.0.0.1" && !strings.HasSuffix(host, "."+testDomain) {
			return nil, errors.New("the test reaches only " + testDomain + " hosts, not " + host)
		}
		return d.DialContext(ctx, network, net.JoinHostPort("127.0.0.1", port))
	}}
}

// visitor is a Go client that stands for one browser: its own cookie jar,
// the test's hostnames reached through loopbackTransport, and redirects
// not followed by themselves, so that a story sees each one.
type visitor struct {
	t *testing.T
	c *http.Client
}

// visitorFrom is 127.0.0.2: a loopback address that is not the proxies'
// (127.0.0.1), so that the gate can tell a visitor that calls it directly
// from a trusted proxy.
const visitorFrom = "127.0.0.2"

func newVisitor(t *testing.T) *visitor {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &visitor{t: t, c: &http.Client{Jar: jar, Timeout: 15 * time.Second, Transport: loopbackTransport(visitorFrom),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// in returns the visitor bound to a (sub)test.
func (v *visitor) in(t *testing.T) *visitor { return &visitor{t: t, c: v.c} }

// page is one answer the visitor got.
type page struct {
	URL      string // what was asked for
	Status   int
	Location string // the Location header, resolved against URL
	Body     string
	Via      []string // for a page reached by following redirects: "status URL" of each hop before it
}

// do sends req and reads the answer.
func (v *visitor) do(req *http.Request) page {
	v.t.Helper()
	res, err := v.c.Do(req)
	if err != nil {
		v.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		v.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	p := page{URL: req.URL.String(), Status: res.StatusCode, Body: string(b)}
	if loc, err := res.Location(); err == nil {
		p.Location = loc.String()
	}
	return p
}

// get asks for target once.
func (v *visitor) get(target string) page {
	v.t.Helper()
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		v.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html")
	return v.do(req)
}

// post sends a form to target once.
func (v *visitor) post(target string, form url.Values) page {
	v.t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		v.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return v.do(req)
}

// follow follows p's redirects, as a browser does, to the page they end at.
func (v *visitor) follow(p page) page {
	v.t.Helper()
	var via []string
	for i := 0; p.Location != "" && p.Status >= 300 && p.Status < 400; i++ {
		if i == 10 {
			v.t.Fatalf("a redirect loop:\n%s", strings.Join(append(via, p.URL), "\n"))
		}
		via = append(via, strings.TrimSpace(http.StatusText(p.Status)+" "+p.URL))
		p = v.get(p.Location)
	}
	p.Via = via
	return p
}

// open asks for target and follows its redirects.
func (v *visitor) open(target string) page {
	v.t.Helper()
	return v.follow(v.get(target))
}

var (
	formRE   = regexp.MustCompile(`(?s)(<form[^>]*\saction="([^"]*)"[^>]*>)(.*?)</form>`)
	hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// submit posts the form of p whose action is action (or, for "#id", the
// form with that id), with its hidden fields and the fields given as
// name, value pairs, and returns the answer without following it.
func (v *visitor) submit(p page, action string, fields ...string) page {
	v.t.Helper()
	id, byID := strings.CutPrefix(action, "#")
	for _, f := range formRE.FindAllStringSubmatch(p.Body, -1) {
		tag, to, inner := f[1], html.UnescapeString(f[2]), f[3]
		if byID && !strings.Contains(tag, ` id="`+id+`"`) || !byID && to != action {
			continue
		}
		form := url.Values{}
		for _, h := range hiddenRE.FindAllStringSubmatch(inner, -1) {
			form.Set(html.UnescapeString(h[1]), html.UnescapeString(h[2]))
		}
		for i := 0; i+1 < len(fields); i += 2 {
			form.Set(fields[i], fields[i+1])
		}
		base, err := url.Parse(p.URL)
		if err != nil {
			v.t.Fatal(err)
		}
		ref, err := url.Parse(to)
		if err != nil {
			v.t.Fatal(err)
		}
		return v.post(base.ResolveReference(ref).String(), form)
	}
	v.t.Fatalf("no form to %s on %s (%d):\n%s", action, p.URL, p.Status, p.Body)
	return page{}
}

// cookieHeader is the Cookie header the visitor's jar holds for target.
func (v *visitor) cookieHeader(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		v.t.Fatal(err)
	}
	var parts []string
	for _, c := range v.c.Jar.Cookies(u) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

// urlPath is the path and query of a URL on the gate, for messages and checks.
func urlPath(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return target
	}
	return u.RequestURI()
}
