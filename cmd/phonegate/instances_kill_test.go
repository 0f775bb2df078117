package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// TestInstanceKilled: while logins, code checks, forward-auth checks and status callbacks go
// through HAProxy, one instance is killed with SIGKILL. HAProxy routes around it; the survivor
// answers every request it gets; the only requests that fail are those in flight on the dead
// instance; every callback answered 2xx is stored; a session made before the kill still works;
// and the killed instance, started again on the same database, migrates nothing and serves.
func TestInstanceKilled(t *testing.T) {
	c := startCluster(t)
	ctx := context.Background()
	e, _, owner := c.owner(ctx)
	if err := run(ctx, []string{"site", "add", "--project", "Apollo", "--host", appHost}, env(c.vars), nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("site add: %v", err)
	}
	cookie := owner.cookieHeader(c.url + "/")
	if status, user := c.forwardAsk(cookie); status != http.StatusOK || user != storyOwner {
		t.Fatalf("the owner's session before the kill: %d %q", status, user)
	}
	// Code pages with a code sent, each typed during the load.
	var codes []url.Values
	for range 4 {
		v := newVisitor(t)
		p, code := c.codeSent(ctx, e, v)
		codes = append(codes, withCookies(formOf(t, p, "/verify", "code", code), v, c.url))
	}
	ids := c.openDeliveries(ctx, e.db, 400)
	var migrations, migratedAt string
	if err := c.queryRow(ctx, `SELECT count(*)::text, max(applied_at)::text FROM schema_migrations`, &migrations, &migratedAt); err != nil {
		t.Fatal(err)
	}

	l := &load{url: c.url, authToken: fakeTwilioAuthToken}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { l.logins(stop) })
		wg.Go(func() { l.forwardChecks(stop, cookie) })
	}
	var nextDelivery atomic.Int64
	for range 3 {
		wg.Go(func() { l.callbacks(stop, ids, &nextDelivery) })
	}
	// Two codes typed before the kill, two after.
	killed := make(chan struct{})
	wg.Go(func() {
		l.codeChecks(codes, func(i int) {
			if i >= len(codes)/2 {
				<-killed
			}
			l.waitFor(l.n.Load() + 50)
		})
	})

	const dead, survivor = 1, 0
	l.waitFor(200)
	killedAt := time.Now()
	if err := c.instances[dead].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-c.instances[dead].done
	goneAt, goneN := time.Now(), l.n.Load() // its sockets are closed: nothing more can reach it
	close(killed)
	l.waitFor(goneN + 400)
	close(stop)
	wg.Wait()

	// A request may fail only if it was in flight on the dead instance: sent before the
	// process was gone and not answered when it was killed. HAProxy then either answers 502
	// (the server broke the connection off: term S…), or, when it had sent the request over
	// a kept-alive connection to that server, closes the client's connection without an
	// answer and without a log line, as a server closing an idle connection would, so that a
	// client may send an idempotent request again. It sends neither to the other server,
	// since it cannot know whether the dead one applied it. A request whose connection the
	// dead instance refused is sent to the survivor (retries "+1" in HAProxy's log).
	served := c.lbServed()
	var gateway, closed, redispatched, afterGone, codesFailed int
	byServer := map[string]int{}
	for _, r := range l.all() {
		lb, logged := served[r.id]
		byServer[lb.server]++
		if r.id > goneN {
			afterGone++
		}
		if strings.HasPrefix(lb.retries, "+") {
			redispatched++
		}
		if r.ok {
			continue
		}
		if r.kind == "code check" {
			codesFailed++
		}
		inFlight := r.sent.Before(goneAt) && r.answered.After(killedAt)
		switch {
		case inFlight && logged && lb.server == c.instances[dead].name && r.status == http.StatusBadGateway && strings.HasPrefix(lb.term, "S"):
			gateway++
		case inFlight && !logged && r.err != nil:
			closed++
		default:
			t.Errorf("request %d (%s) failed: %d %v %q; HAProxy: %+v; sent %v and answered %v after the kill",
				r.id, r.kind, r.status, r.err, r.body, lb, r.sent.Sub(killedAt), r.answered.Sub(killedAt))
		}
	}
	t.Logf("%d requests (by server %v); in flight on the killed instance: %d answered 502 by HAProxy, %d closed without an answer; %d sent to the survivor after a refused connection; %d sent after the killed process was gone",
		len(l.all()), byServer, gateway, closed, redispatched, afterGone)
	if afterGone < 300 {
		t.Errorf("%d requests sent after the killed process was gone, want the load to go on", afterGone)
	}
	for _, ln := range c.instances[survivor].lines() {
		if ln.Message == "request" && ln.Status >= 500 {
			t.Errorf("the survivor answered %s %s with %d", ln.Method, ln.Path, ln.Status)
		}
	}

	// Nothing answered 2xx is lost.
	stored := c.deliveredCount(ctx, l.stored())
	if stored != len(l.stored()) {
		t.Errorf("%d callbacks answered 2xx, %d of their deliveries stored delivered", len(l.stored()), stored)
	}
	// Every code typed passed, but one in flight on the killed instance; those typed after it
	// was gone all did, on the survivor.
	passed, refused := int(l.codesPassed.Load()), int(l.codesRefused.Load())
	if passed+codesFailed != len(codes) || refused != 0 || passed < len(codes)/2 {
		t.Errorf("%d codes typed during the load: %d passed, %d refused, %d in flight on the killed instance", len(codes), passed, refused, codesFailed)
	}
	t.Logf("%d callbacks answered 2xx, each stored; %d of %d codes passed", len(l.stored()), l.codesPassed.Load(), len(codes))
	// The session made before the kill, on the survivor.
	if got := c.servedBy(http.MethodGet, "/", func() {
		if p := owner.get(c.url + "/"); p.Status != http.StatusOK {
			t.Errorf("the owner's session after the kill: / answered %d", p.Status)
		}
	}); got != survivor {
		t.Errorf("/ after the kill came from instance %d, want the survivor", got)
	}

	// Started again on the same database: nothing to migrate, and it serves.
	c.restart(dead)
	var migrationsAfter, migratedAtAfter string
	if err := c.queryRow(ctx, `SELECT count(*)::text, max(applied_at)::text FROM schema_migrations`, &migrationsAfter, &migratedAtAfter); err != nil {
		t.Fatal(err)
	}
	if migrationsAfter != migrations || migratedAtAfter != migratedAt {
		t.Errorf("schema_migrations went from %s rows (last %s) to %s (last %s) on the restart", migrations, migratedAt, migrationsAfter, migratedAtAfter)
	}
	c.waitBalanced()
	c.aim(dead)
	var status int
	var user string
	if got := c.servedBy(http.MethodGet, "/auth/forward", func() { status, user = c.forwardAsk(cookie) }); got != dead {
		t.Errorf("the check after the restart went to instance %d, want the restarted %d", got, dead)
	}
	if status != http.StatusOK || user != storyOwner {
		t.Errorf("the owner's session on the restarted instance: %d %q", status, user)
	}
}

// restart starts instance i again, on its address and the cluster's database, and waits until
// it answers.
func (c *cluster) restart(i int) {
	c.t.Helper()
	old := c.instances[i]
	in := &instance{name: old.name, addr: old.addr, logs: &syncBuffer{}, done: make(chan error, 1)}
	in.cmd = exec.Command(old.cmd.Path, old.cmd.Args[1:]...)
	in.cmd.Env = old.cmd.Env
	in.cmd.Stdout, in.cmd.Stderr = in.logs, in.logs
	in.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := in.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	go func() { in.done <- in.cmd.Wait() }()
	c.instances[i] = in // stopped by startCluster's cleanup
	c.waitUp(in)
}

// openDeliveries stores n text messages waiting for their status, each of a challenge and a
// number of its own, and returns their IDs.
func (c *cluster) openDeliveries(ctx context.Context, db phonegate.Store, n int) []string {
	c.t.Helper()
	u, err := db.UserByEmail(ctx, storyOwner)
	if err != nil {
		c.t.Fatal(err)
	}
	now := time.Now()
	var ids []string
	for i := range n {
		ch := phonegate.Challenge{ID: fmt.Sprintf("load-%d", i), UserID: u.ID, SessionHash: phonegate.HashToken(fmt.Sprint("load session ", i)),
			Purpose: phonegate.PurposeLogin, Label: "Apollo", Phone: fmt.Sprintf("+1202555%04d", i), CodeMAC: []byte("mac"),
			CodeSealed: []byte("sealed"), CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := db.CreateChallenge(ctx, ch); err != nil {
			c.t.Fatal(err)
		}
		d, err := db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: ch.ID, Channel: phonegate.ChannelSMS, To: ch.Phone, Now: now,
			Automatic: true, Caps: phonegate.DailyCaps{SMS: 1 << 20, Calls: 1 << 20}})
		if err != nil {
			c.t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	return ids
}

// deliveredCount returns how many of the deliveries ids are stored delivered, with the event.
func (c *cluster) deliveredCount(ctx context.Context, ids []string) int {
	c.t.Helper()
	var n int
	if err := c.queryRow(ctx, `SELECT count(*) FROM deliveries d JOIN delivery_events e ON e.delivery_id = d.id AND e.status = 'delivered'
		WHERE d.id = ANY($1) AND d.status = 'delivered'`, &n, ids); err != nil {
		c.t.Fatal(err)
	}
	return n
}

// lbRequest is what HAProxy logged of one request of the load.
type lbRequest struct {
	server  string // the instance that got it
	status  string
	term    string // how the session ended: "----" normally, "S…" when the server broke it off
	retries string // "+n" when it went to another server after its connection was refused
}

// lbServed reads HAProxy's log: the requests of the load by id.
func (c *cluster) lbServed() map[int64]lbRequest {
	out := map[int64]lbRequest{}
	for _, line := range strings.Split(c.lb.Log(), "\n") {
		if !strings.HasPrefix(line, "lb ") {
			continue
		}
		f := map[string]string{}
		for _, kv := range strings.Fields(line)[1:] {
			k, v, _ := strings.Cut(kv, "=")
			f[k] = v
		}
		var id int64
		if _, err := fmt.Sscan(f["id"], &id); err != nil {
			continue
		}
		out[id] = lbRequest{server: f["server"], status: f["status"], term: f["term"], retries: f["retries"]}
	}
	return out
}

// formOf returns the fields p's form to action posts (its hidden ones and fields), for a client
// of the load that posts it later; "action" holds the form's URL.
func formOf(t *testing.T, p page, action string, fields ...string) url.Values {
	t.Helper()
	for _, f := range formRE.FindAllStringSubmatch(p.Body, -1) {
		if html.UnescapeString(f[2]) != action {
			continue
		}
		form := url.Values{}
		for _, h := range hiddenRE.FindAllStringSubmatch(f[3], -1) {
			form.Set(html.UnescapeString(h[1]), html.UnescapeString(h[2]))
		}
		for i := 0; i+1 < len(fields); i += 2 {
			form.Set(fields[i], fields[i+1])
		}
		return form
	}
	t.Fatalf("no form to %s on %s", action, p.URL)
	return nil
}

// withCookies adds to form, under "cookie", the visitor's Cookie header for base.
func withCookies(form url.Values, v *visitor, base string) url.Values {
	form.Set("cookie", v.cookieHeader(base+"/"))
	return form
}

// load is the traffic of TestInstanceKilled: clients that each send one request at a time
// through the balancer until stopped, each request numbered (the x-load-id header, which
// HAProxy logs) and its outcome kept.
type load struct {
	url       string
	authToken string
	n         atomic.Int64 // requests sent

	codesPassed, codesRefused atomic.Int32 // code checks answered by a redirect into the app, or elsewhere

	mu      sync.Mutex
	results []loadResult
	done    []string // deliveries whose callback was answered 2xx
}

// loadResult is one request of the load and its answer.
type loadResult struct {
	id     int64
	kind   string
	ok     bool // answered as it must be
	status int
	err    error
	body   string

	sent, answered time.Time
}

// send sends req, numbered, and keeps whether its answer had status want.
func (l *load) send(client *http.Client, kind string, req *http.Request, want int) (*http.Response, string, bool) {
	id := l.n.Add(1)
	req.Header.Set("X-Load-ID", fmt.Sprint(id))
	r := loadResult{id: id, kind: kind, sent: time.Now()}
	res, err := client.Do(req)
	var body string
	if err == nil {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		body = string(b)
		r.status = res.StatusCode
	}
	r.answered = time.Now()
	r.err, r.ok = err, err == nil && r.status == want
	if !r.ok {
		r.body = body
		if len(r.body) > 200 {
			r.body = r.body[:200]
		}
	}
	l.mu.Lock()
	l.results = append(l.results, r)
	l.mu.Unlock()
	return res, body, r.ok
}

func (l *load) all() []loadResult {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]loadResult(nil), l.results...)
}

func (l *load) stored() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.done...)
}

// waitFor waits until n requests have been sent.
func (l *load) waitFor(n int64) {
	deadline := time.Now().Add(60 * time.Second)
	for l.n.Load() < n && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// logins logs the owner in with the password, a new browser each time: the login page, then
// the form, answered by a redirect to the code page.
func (l *load) logins(stop <-chan struct{}) {
	for !stopped(stop) {
		jar, _ := cookiejar.New(nil)
		client := &http.Client{Jar: jar, Timeout: 15 * time.Second, Transport: loopbackTransport(visitorFrom), CheckRedirect: noRedirects}
		req, _ := http.NewRequest(http.MethodGet, l.url+"/login", nil)
		req.Header.Set("Accept", "text/html")
		_, body, ok := l.send(client, "login page", req, http.StatusOK)
		if !ok {
			continue
		}
		form := url.Values{}
		for _, f := range formRE.FindAllStringSubmatch(body, -1) {
			if html.UnescapeString(f[2]) == "/login" {
				for _, h := range hiddenRE.FindAllStringSubmatch(f[3], -1) {
					form.Set(html.UnescapeString(h[1]), html.UnescapeString(h[2]))
				}
			}
		}
		form.Set("email", storyOwner)
		form.Set("password", password)
		req, _ = http.NewRequest(http.MethodPost, l.url+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		l.send(client, "login", req, http.StatusSeeOther)
	}
}

// forwardChecks asks the forward-auth check about the session cookie, as a proxy in front of
// an app does for each of its requests: 200 while the session holds.
func (l *load) forwardChecks(stop <-chan struct{}, cookie string) {
	client := &http.Client{Timeout: 15 * time.Second, Transport: loopbackTransport("127.0.0.1"), CheckRedirect: noRedirects}
	for !stopped(stop) {
		req, _ := http.NewRequest(http.MethodGet, l.url+"/auth/forward", nil)
		for k, v := range map[string]string{"X-Forwarded-Method": "GET", "X-Forwarded-Proto": "https",
			"X-Forwarded-Host": appHost, "X-Forwarded-Uri": storyPath, "Cookie": cookie} {
			req.Header.Set(k, v)
		}
		l.send(client, "forward auth", req, http.StatusOK)
	}
}

// callbacks posts Twilio's signed "delivered" callback for the next delivery of ids, one each,
// and keeps those answered 2xx (the webhook's promise: stored).
func (l *load) callbacks(stop <-chan struct{}, ids []string, next *atomic.Int64) {
	client := &http.Client{Timeout: 15 * time.Second}
	for !stopped(stop) {
		i := int(next.Add(1) - 1)
		if i >= len(ids) {
			return
		}
		target := l.url + "/twilio/sms/status?d=" + url.QueryEscape(ids[i])
		form := url.Values{"MessageSid": {fmt.Sprint("SMload", i)}, "AccountSid": {fakeTwilioAccountSID},
			"MessageStatus": {"delivered"}, "SmsStatus": {"delivered"}, "ApiVersion": {"2010-04-01"}}
		req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", twilioSign(l.authToken, target, form))
		if _, _, ok := l.send(client, "status callback", req, http.StatusNoContent); ok {
			l.mu.Lock()
			l.done = append(l.done, ids[i])
			l.mu.Unlock()
		}
	}
}

// codeChecks types the codes of the forms (one code page each), each once wait(i) returns: a
// right code is answered by a redirect into the app.
func (l *load) codeChecks(forms []url.Values, wait func(i int)) {
	client := &http.Client{Timeout: 15 * time.Second, Transport: loopbackTransport(visitorFrom), CheckRedirect: noRedirects}
	for i, form := range forms {
		wait(i)
		cookie := form.Get("cookie")
		form := maps.Clone(form)
		form.Del("cookie")
		req, _ := http.NewRequest(http.MethodPost, l.url+"/verify", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", cookie)
		res, _, ok := l.send(client, "code check", req, http.StatusSeeOther)
		switch {
		case ok && urlPath(res.Header.Get("Location")) == "/":
			l.codesPassed.Add(1)
		case ok:
			l.codesRefused.Add(1)
		}
	}
}
