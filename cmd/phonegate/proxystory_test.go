package main

import (
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate/internal/proxytest"
)

// TestProxyStories runs the same stories through real Caddy and through
// real nginx (issue 13, point 6), each in a world of its own. The steps
// share the world in order; one that fails skips those that need it.
func TestProxyStories(t *testing.T) {
	for _, proxy := range proxytest.Kinds {
		t.Run(proxy.Name, func(t *testing.T) {
			w := startProxyWorld(t, proxy.Start)
			ok := true
			for _, s := range proxyStories {
				t.Run(s.name, func(t *testing.T) {
					needStep(t, ok)
					ok = false
					s.run(t, w)
					ok = !t.Failed()
				})
			}
		})
	}
}

var proxyStories = []struct {
	name string
	run  func(t *testing.T, w *proxyWorld)
}{
	{"no cookie: the login page, the password, the code, and back at the app", func(t *testing.T, w *proxyWorld) {
		ada := w.ada.in(t)
		target := w.app.URL(storyPath)
		p := ada.get(target)
		w.wantLogin(t, p, target)
		p = ada.follow(ada.loginOn(ada.follow(p), storyOwner))
		if !strings.HasPrefix(urlPath(p.URL), "/verify") {
			t.Fatalf("after the password Ada is at %s, want the code page", urlPath(p.URL))
		}
		p = ada.follow(ada.submit(p, "/verify/send", "channel", "sms"))
		p = ada.submit(p, "/verify", "code", w.e.player.NextCode(storyPhone))
		ada.wantBackAt(p, target)
	}},
	{"a POST to the app without a session gets 401, not a redirect", func(t *testing.T, w *proxyWorld) {
		v := newVisitor(t)
		p := v.post(w.app.URL("/api/items"), url.Values{"name": {"x"}})
		if p.Status != http.StatusUnauthorized || p.Location != "" {
			t.Errorf("POST without a session: %d to %q, want 401", p.Status, p.Location)
		}
		req, err := http.NewRequest(http.MethodGet, w.app.URL("/api/items"), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept", "application/json")
		if p := v.do(req); p.Status != http.StatusUnauthorized || p.Location != "" {
			t.Errorf("a GET asking for JSON without a session: %d to %q, want 401", p.Status, p.Location)
		}
	}},
	{"a member of another project is refused", func(t *testing.T, w *proxyWorld) {
		bob := newVisitor(t)
		if p := bob.login(w.e, storyOther); urlPath(p.URL) != "/" {
			t.Fatalf("Bob logged in to %s", urlPath(p.URL))
		}
		if p := bob.get(w.app.URL(storyPath)); p.Status != http.StatusForbidden {
			t.Errorf("Bob at Apollo's app: %d to %q, want 403", p.Status, p.Location)
		}
	}},
	{"a host no project lists is refused", func(t *testing.T, w *proxyWorld) {
		if p := w.ada.in(t).get(w.unlisted.URL("/")); p.Status != http.StatusForbidden {
			t.Errorf("an unlisted host: %d to %q, want 403", p.Status, p.Location)
		}
	}},
	{"forwarded headers from an untrusted address are refused, the proxies still work", func(t *testing.T, w *proxyWorld) {
		ada := w.ada.in(t)
		target := w.app.URL(storyPath)
		cookies := ada.cookieHeader(target)
		trusted := &visitor{t: t, c: &http.Client{Transport: loopbackTransport("")}}
		for _, c := range []struct {
			path    string
			headers map[string]string
		}{
			{"/auth/forward", map[string]string{"X-Forwarded-Method": "GET", "X-Forwarded-Proto": "http",
				"X-Forwarded-Host": strings.TrimPrefix(w.app.URL(""), "http://"), "X-Forwarded-Uri": storyPath}},
			{"/auth/request", map[string]string{"X-Original-Method": "GET", "X-Original-URL": target}},
		} {
			req := checkRequest(t, "http://"+w.gateAddr+c.path, cookies, c.headers)
			if p := ada.do(req); p.Status != http.StatusForbidden {
				t.Errorf("%s from %s, Ada's cookie and forged headers: %d, want 403", c.path, visitorFrom, p.Status)
			}
			// The same request from the proxies' address is believed: the
			// refusal is the address's, not the cookie's.
			req = checkRequest(t, "http://"+w.gateAddr+c.path, cookies, c.headers)
			if p := trusted.do(req); p.Status != http.StatusOK {
				t.Errorf("%s from 127.0.0.1: %d, want 200", c.path, p.Status)
			}
		}
		wantApp(t, ada.get(target), target)
	}},
	{"after logout the app sends Ada back to the login page", func(t *testing.T, w *proxyWorld) {
		ada := w.ada.in(t)
		target := w.app.URL(storyPath)
		// The app's "log out" link: the gate asks, then ends the session
		// and goes back to the app.
		p := ada.open(w.e.url + "/logout?" + url.Values{"rd": {target}}.Encode())
		p = ada.submit(p, "#logout")
		if p.Status != http.StatusSeeOther || p.Location != target {
			t.Fatalf("logging out answered %d to %q, want 303 to %s", p.Status, p.Location, target)
		}
		w.wantLogin(t, ada.get(target), target)
	}},
	{"once per computer: the computer that passed the code needs only the password", func(t *testing.T, w *proxyWorld) {
		ada := w.ada.in(t)
		target := w.app.URL(storyPath)
		p := ada.get(target)
		w.wantLogin(t, p, target)
		ada.wantBackAt(ada.loginOn(ada.follow(p), storyOwner), target)
	}},
	{"the owner tightens the level to every login: the app sends Ada to the code", func(t *testing.T, w *proxyWorld) {
		w.owner.in(t).setLevel(w.e, "every_login")
		ada := w.ada.in(t)
		target := w.app.URL(storyPath)
		p := ada.get(target)
		w.wantLogin(t, p, target)
		p = ada.follow(p)
		if !strings.HasPrefix(urlPath(p.URL), "/verify") {
			t.Fatalf("with the level tightened the app's login sent Ada to %s (through %q), want the code page", urlPath(p.URL), p.Via)
		}
		p = ada.follow(ada.submit(p, "/verify/send", "channel", "sms"))
		ada.wantBackAt(ada.submit(p, "/verify", "code", w.e.player.NextCode(storyPhone)), target)
	}},
	{"the command line removes the app's site: the next request is refused", func(t *testing.T, w *proxyWorld) {
		ada := w.ada.in(t)
		target := w.app.URL(storyPath)
		for range 2 { // the second check is answered from what the gate kept
			wantApp(t, ada.get(target), target)
		}
		// Another process on the gate's database, as an operator runs it.
		var out bytes.Buffer
		if err := run(context.Background(), []string{"site", "remove", "--project", "Apollo", "--host", appHost},
			env(w.e.vars), nil, &out, io.Discard); err != nil {
			t.Fatalf("site remove: %v", err)
		}
		if p := ada.get(target); p.Status != http.StatusForbidden {
			t.Errorf("after the site was removed: %d to %q, want 403", p.Status, p.Location)
		}
	}},
}

// checkRequest is a check request as a proxy sends it, with the browser's
// cookies and the original request's headers.
func checkRequest(t *testing.T, target, cookies string, headers map[string]string) *http.Request {
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Cookie", cookies)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return req
}

// wantLogin checks that p, the app's answer to a visitor asking for
// target, sends the browser to the gate's login page with target as rd.
func (w *proxyWorld) wantLogin(t *testing.T, p page, target string) {
	t.Helper()
	u, err := url.Parse(p.Location)
	if p.Status != http.StatusFound || err != nil || u.Scheme+"://"+u.Host != w.e.url || u.Path != "/login" {
		t.Fatalf("%s answered %d to %q, want 302 to the gate's login page", target, p.Status, p.Location)
	}
	if rd := u.Query().Get("rd"); rd != target {
		t.Fatalf("the login page's rd is %q, want %q (from %s)", rd, target, p.Location)
	}
}

// wantBackAt checks that p, the gate's answer to the last step, is a 303
// to target, and that target then shows the app with Ada's identity.
func (v *visitor) wantBackAt(p page, target string) {
	v.t.Helper()
	if p.Status != http.StatusSeeOther || p.Location != target {
		v.t.Fatalf("the last step answered %d to %q, want 303 to %s\n%s", p.Status, p.Location, target, p.Body)
	}
	wantApp(v.t, v.get(target), target)
}

// wantApp checks that p is the app's page of target with Ada's identity.
func wantApp(t *testing.T, p page, target string) {
	t.Helper()
	if p.Status != http.StatusOK || !strings.Contains(p.Body, appSays) || !strings.Contains(p.Body, html.EscapeString("GET "+urlPath(target))) {
		t.Fatalf("%s: %d, want 200 from the app with %q:\n%s", target, p.Status, appSays, p.Body)
	}
}
