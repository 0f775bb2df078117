package main

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate/internal/proxytest"
)

// The stories through real proxies: the gate as `phonegate serve` runs it
// (with the real twilio-go client against the fake Twilio API), a tiny app
// that shows the identity headers it gets, and a real Caddy or nginx in
// front of the app asking the gate about every request, configured as the
// README says. The gate is gate.example.test, the app app.example.test (a
// protected site of Ada's project Apollo), and wiki.example.test a host
// no project lists; the session cookie is shared with example.test.

const (
	storyOwner   = "ada@example.com" // owner of Apollo, which protects the app
	storyOther   = "bob@example.com" // owner of Hermes only
	storyPhone   = "+14155552680"
	appHost      = "app." + testDomain
	unlistedHost = "wiki." + testDomain
	// storyPath has two query parameters, so that a return address that
	// is not escaped on its way through the login loses the second.
	storyPath = "/dashboard?x=1&y=two%20words"
)

// proxyWorld is one gate with its app and proxies, and the browsers the
// stories share.
type proxyWorld struct {
	e        *e2e
	gateAddr string           // the gate's listening address, which the proxies ask
	app      *proxytest.Proxy // in front of appHost
	unlisted *proxytest.Proxy // in front of unlistedHost
	owner    *visitor         // Ada's own browser, logged in with a phone verified
	ada      *visitor         // Ada on another computer, where the stories start without a cookie
}

// startProxyWorld starts the gate, the app and two proxies of the kind
// start runs, and sets Apollo up as its owner would: the app host added
// with the command line, the level turned to "once per computer" on the
// settings page, a phone verified.
func startProxyWorld(t *testing.T, start func(testing.TB, proxytest.Config) *proxytest.Proxy) *proxyWorld {
	t.Helper()
	e := startGate(t, "gate."+testDomain, false, map[string]string{
		"PHONEGATE_COOKIE_DOMAIN": testDomain,
		// Loopback is one network here: the proxies connect from
		// 127.0.0.1, the visitors from visitorFrom, which is not trusted.
		"PHONEGATE_TRUSTED_PROXIES": "127.0.0.1/32",
	})
	e.player.client = &http.Client{Timeout: 10 * time.Second, Transport: loopbackTransport("")}
	u, err := url.Parse(e.url)
	if err != nil {
		t.Fatal(err)
	}
	w := &proxyWorld{e: e, gateAddr: net.JoinHostPort("127.0.0.1", u.Port())}
	app := echoApp(t)
	cfg := proxytest.Config{Host: appHost, Upstream: strings.TrimPrefix(app.URL, "http://"), Gate: w.gateAddr}
	w.app = start(t, cfg)
	cfg.Host = unlistedHost
	w.unlisted = start(t, cfg)

	ctx := context.Background()
	for _, a := range []struct{ email, project string }{{storyOwner, "Apollo"}, {storyOther, "Hermes"}} {
		if _, err := e.srv.AddUser(ctx, a.email, a.project, "owner", password); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"site", "add", "--project", "Apollo", "--host", appHost}, env(e.vars), nil, &out, io.Discard); err != nil {
		t.Fatalf("site add: %v", err)
	}

	w.owner = newVisitor(t)
	w.owner.login(e, storyOwner)
	w.owner.setLevel(e, "per_computer")
	p := w.owner.open(e.url + "/phone")
	p = w.owner.follow(w.owner.submit(p, "/phone", "phone", storyPhone, "channel", "sms"))
	p = w.owner.follow(w.owner.submit(p, "/verify", "code", e.player.NextCode(storyPhone)))
	if !strings.Contains(p.Body, `id="emergency-code"`) {
		t.Fatalf("after the phone's code the owner is at %s:\n%s", urlPath(p.URL), p.Body)
	}
	w.ada = newVisitor(t)
	return w
}

// echoApp is the protected app: it shows the identity headers it got.
func echoApp(t *testing.T) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		h := r.Header.Get
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The app</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>The app</h1><p>This page knows who you are from the headers the proxy passed on:</p>
<table style="border-collapse: collapse" cellpadding="6">`)
		for _, name := range proxytest.RemoteHeaders {
			fmt.Fprintf(w, "<tr><th style=\"text-align: left\">%s</th><td><code>%s</code></td></tr>\n",
				name, html.EscapeString(h(name)))
		}
		fmt.Fprintf(w, "</table>\n<p id=\"who\" style=\"color: #666\">user=%s email=%s name=%s groups=%s project=%s</p>\n<p id=\"uri\" style=\"color: #666\">%s %s (on %s)</p></body></html>\n",
			html.EscapeString(h("Remote-User")), html.EscapeString(h("Remote-Email")), html.EscapeString(h("Remote-Name")),
			html.EscapeString(h("Remote-Groups")), html.EscapeString(h("Remote-Project")), r.Method, html.EscapeString(r.URL.RequestURI()), html.EscapeString(r.Host))
	}))
	t.Cleanup(s.Close)
	return s
}

// appSays is what the app shows Ada when the proxy passed her identity.
const appSays = "user=" + storyOwner + " email=" + storyOwner + " name=ada groups=owner project=Apollo"

// loginOn submits the login form of p, the gate's login page, without
// following the answer.
func (v *visitor) loginOn(p page, email string) page {
	v.t.Helper()
	return v.submit(p, "/login", "email", email, "password", password)
}

// login logs in at the gate's login page and follows the answer.
func (v *visitor) login(e *e2e, email string) page {
	v.t.Helper()
	return v.follow(v.loginOn(v.open(e.url+"/login"), email))
}

// setLevel saves Apollo's two-factor level on its settings page,
// authenticating first when the page asks.
func (v *visitor) setLevel(e *e2e, level string) {
	v.t.Helper()
	const settings = "/projects/1/settings"
	p := v.open(e.url + settings)
	if strings.Contains(p.Body, `action="`+settings+`/authenticate"`) {
		p = v.follow(v.submit(p, settings+"/authenticate", "password", password))
	}
	v.follow(v.submit(p, settings, "level", level))
	if got, err := e.db.Project(context.Background(), 1); err != nil || got.MFALevel != level {
		v.t.Fatalf("level saved as %q, %v; want %q", got.MFALevel, err, level)
	}
}
