package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/phonegate/phonegate"
)

// protect makes host a protected site of project p, owned by u.
func (h *harness) protect(u phonegate.User, p phonegate.Project, host string) {
	h.t.Helper()
	owner := phonegate.Membership{Project: p, UserID: u.ID, Role: phonegate.RoleOwner}
	elevated := phonegate.Session{ElevatedUntil: h.clock.Now().Add(time.Minute)}
	if _, err := h.srv.Service().AddSite(context.Background(), owner, u, elevated, host); err != nil {
		h.t.Fatal(err)
	}
}

// check is one question a proxy asks the gate.
type check struct {
	path    string            // "/auth/forward" or "/auth/request"
	peer    string            // the proxy's address; loopback when ""
	headers map[string]string // the copy of the original request
}

// forwardCheck is Caddy's question about method host uri.
func forwardCheck(method, host, uri string) check {
	return check{path: "/auth/forward", headers: map[string]string{"X-Forwarded-Method": method,
		"X-Forwarded-Proto": "https", "X-Forwarded-Host": host, "X-Forwarded-Uri": uri}}
}

// requestCheck is nginx's question about method url.
func requestCheck(method, url string) check {
	return check{path: "/auth/request", headers: map[string]string{"X-Original-Method": method, "X-Original-URL": url}}
}

// ask sends the check c with the browser's session and trust cookies, as a
// proxy that copied the browser's request would.
func (b *browser) ask(c check) *http.Response {
	b.h.t.Helper()
	req := httptest.NewRequest(http.MethodGet, c.path, nil)
	req.RemoteAddr = "127.0.0.1:40000"
	if c.peer != "" {
		req.RemoteAddr = c.peer
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	for _, name := range []string{"phonegate_session", "phonegate_trust"} {
		if ck := b.cookie(name); ck != nil {
			req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
		}
	}
	rec := httptest.NewRecorder()
	b.h.srv.ServeHTTP(rec, req)
	return rec.Result()
}
