package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// instancesPhone is the owner's phone in the instances' story.
const instancesPhone = "+14155552681"

// TestInstancesAgree drives two instances behind HAProxy through the
// stories where they must agree: the schema migrated once, a login that
// moves between instances, concurrent codes, callbacks and a logout.
func TestInstancesAgree(t *testing.T) {
	c := startCluster(t)
	ctx := context.Background()

	t.Run("both start on an empty database and migrate once", func(t *testing.T) {
		files, err := filepath.Glob(filepath.Join("..", "..", "store", "postgres", "migrations", "*.sql"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no migrations found: %v", err)
		}
		var versions, rows int
		if err := c.queryRow(ctx, `SELECT count(DISTINCT version), count(*) FROM schema_migrations`, &versions, &rows); err != nil {
			t.Fatal(err)
		}
		if versions != len(files) || rows != len(files) {
			t.Errorf("schema_migrations has %d versions in %d rows, want %d once each", versions, rows, len(files))
		}
		for _, in := range c.instances {
			if n := in.requests(http.MethodGet, "/healthz"); n == 0 {
				t.Errorf("instance %s served no /healthz", in.name)
			}
		}
	})

	e, srv, _ := c.owner(ctx)
	var p page

	ada := newVisitor(t)
	t.Run("login on one instance, code page and code on the other", func(t *testing.T) {
		ada := ada.in(t)
		login := ada.open(c.url + "/login")
		var res page
		first := c.servedBy(http.MethodPost, "/login", func() { res = ada.loginOn(login, storyOwner) })
		other := 1 - first
		if res.Status != http.StatusSeeOther {
			t.Fatalf("login answered %d, want 303", res.Status)
		}
		c.aim(other)
		if got := c.servedBy(http.MethodGet, "/verify", func() { p = ada.get(c.url + "/verify") }); got != other {
			t.Errorf("the code page came from instance %d, want %d", got, other)
		}
		c.aim(other)
		if got := c.servedBy(http.MethodPost, "/verify/send", func() { res = ada.submit(p, "/verify/send", "channel", "sms") }); got != other {
			t.Errorf("the code was sent by instance %d, want %d", got, other)
		}
		p = ada.follow(res)
		code := e.player.NextCode(instancesPhone)
		c.waitDelivered(ctx)
		c.aim(other)
		if got := c.servedBy(http.MethodPost, "/verify", func() { res = ada.submit(p, "/verify", "code", code) }); got != other {
			t.Errorf("the code was checked by instance %d, want %d", got, other)
		}
		if res.Status != http.StatusSeeOther || urlPath(res.Location) != "/" {
			t.Fatalf("the code answered %d to %q, want 303 to /", res.Status, res.Location)
		}
		t.Logf("login on instance %s; code page, sending and code on instance %s",
			c.instances[first].name, c.instances[other].name)
	})

	t.Run("a logout on one is seen by the other at the next request", func(t *testing.T) {
		ada := ada.in(t)
		form := ada.open(c.url + "/logout")
		var res page
		at := c.servedBy(http.MethodPost, "/logout", func() { res = ada.submit(form, "/logout") })
		if res.Status >= 400 {
			t.Fatalf("logout answered %d:\n%s", res.Status, res.Body)
		}
		c.aim(1 - at)
		if got := c.servedBy(http.MethodGet, "/", func() { res = ada.get(c.url + "/") }); got != 1-at {
			t.Errorf("the next request went to instance %d, want %d", got, 1-at)
		}
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(urlPath(res.Location), "/login") {
			t.Errorf("after logging out on instance %d, / on instance %d answered %d to %q, want 303 to /login",
				at, 1-at, res.Status, res.Location)
		}
	})

	// Before the concurrent codes, whose losers count against the owner.
	t.Run("the forward-auth check agrees across instances", func(t *testing.T) { testForwardAcross(t, c, e) })
	t.Run("a Verify API code created on one is approved on the other", func(t *testing.T) { testVerifyAcross(t, c, srv) })

	t.Run("50 concurrent correct codes over both instances: one winner", func(t *testing.T) {
		v := newVisitor(t)
		p, code := c.codeSent(ctx, e, v)
		before := c.counts(http.MethodPost, "/verify")
		var mu sync.Mutex
		outcomes := map[string]int{}
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				r := v.submit(p, "/verify", "code", code)
				key := fmt.Sprint(r.Status)
				if r.Status == http.StatusSeeOther {
					key += " to " + urlPath(r.Location)
				}
				mu.Lock()
				outcomes[key]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if outcomes["303 to /"] != 1 {
			t.Errorf("outcomes of 50 concurrent right codes: %v; want exactly one 303 to /", outcomes)
		}
		after := c.counts(http.MethodPost, "/verify")
		for i := range after {
			if after[i] == before[i] {
				t.Errorf("instance %s checked none of the codes (%v then %v)", c.instances[i].name, before, after)
			}
		}
	})

	t.Run("status callbacks over both instances: stored once, never backwards", func(t *testing.T) {
		msgs := c.fake.Messages()
		m := msgs[len(msgs)-1]
		cb := m.Form.Get("StatusCallback")
		base := url.Values{"MessageSid": {m.SID}, "SmsSid": {m.SID}, "AccountSid": {fakeTwilioAccountSID},
			"From": {m.Form.Get("From")}, "To": {m.Form.Get("To")}, "ApiVersion": {"2010-04-01"}}
		u, err := url.Parse(cb)
		if err != nil {
			t.Fatal(err)
		}
		path := u.Path
		before := c.counts(http.MethodPost, path)
		var wg sync.WaitGroup
		for i := range 40 {
			status := []string{"queued", "sent", "delivered", "sending"}[i%4]
			wg.Go(func() { c.player.post(cb, with(base, "MessageStatus", status, "SmsStatus", status)) })
		}
		wg.Wait()
		if err := c.player.err(); err != nil {
			t.Fatal(err)
		}
		after := c.counts(http.MethodPost, path)
		for i := range after {
			if after[i] == before[i] {
				t.Errorf("instance %s took none of the callbacks (%v then %v)", c.instances[i].name, before, after)
			}
		}
		var status string
		var events, distinct int
		if err := c.queryRow(ctx, `SELECT d.status, count(e.status), count(DISTINCT e.status)
			FROM deliveries d LEFT JOIN delivery_events e ON e.delivery_id = d.id WHERE d.sid = $1 GROUP BY d.status`,
			&status, &events, &distinct, m.SID); err != nil {
			t.Fatal(err)
		}
		if status != "delivered" {
			t.Errorf("the delivery's status is %q, want delivered", status)
		}
		if events != distinct {
			t.Errorf("%d status events stored for %d statuses, want each once", events, distinct)
		}
	})

	t.Run("a fresh text's callbacks over both instances: one final status", func(t *testing.T) { testFinalRace(t, c) })
}

// owner adds Apollo's owner, who logs in, asks for a code at every login and enrols the phone
// with a code, through the balancer; it returns the cluster as the stories see it, a service
// on its database, and the owner's browser, whose session has passed the second factor.
func (c *cluster) owner(ctx context.Context) (*e2e, *phonegate.Service, *visitor) {
	c.t.Helper()
	e, srv := c.e2e(ctx)
	if _, err := srv.AddUser(ctx, storyOwner, "Apollo", "owner", password); err != nil {
		c.t.Fatal(err)
	}
	owner := newVisitor(c.t)
	owner.login(e, storyOwner)
	owner.setLevel(e, "every_login")
	p := owner.open(e.url + "/phone")
	p = owner.follow(owner.submit(p, "/phone", "phone", instancesPhone, "channel", "sms"))
	p = owner.follow(owner.submit(p, "/verify", "code", e.player.NextCode(instancesPhone)))
	if !strings.Contains(p.Body, `id="emergency-code"`) {
		c.t.Fatalf("after the phone's code the owner is at %s:\n%s", urlPath(p.URL), p.Body)
	}
	return e, srv, owner
}

// codeSent logs v in as the owner and has a code sent by SMS; it returns
// the code page and the code, once Twilio's callbacks for it are in.
func (c *cluster) codeSent(ctx context.Context, e *e2e, v *visitor) (page, string) {
	c.t.Helper()
	p := v.follow(v.loginOn(v.open(c.url+"/login"), storyOwner))
	p = v.follow(v.submit(p, "/verify/send", "channel", "sms"))
	code := e.player.NextCode(instancesPhone)
	c.waitDelivered(ctx)
	return p, code
}

// queryRow runs one query on the cluster's database and scans its row
// into dest; the arguments follow the destinations.
func (c *cluster) queryRow(ctx context.Context, sql string, destAndArgs ...any) error {
	conn, err := pgx.Connect(ctx, c.dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	n := strings.Count(sql, "$")
	dest, args := destAndArgs[:len(destAndArgs)-n], destAndArgs[len(destAndArgs)-n:]
	return conn.QueryRow(ctx, sql, args...).Scan(dest...)
}

// waitDelivered waits until every delivery's callbacks are in (each has its
// final status), so that
// none reaches the balancer between aim and the request it aims.
func (c *cluster) waitDelivered(ctx context.Context) {
	c.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var open int
		if err := c.queryRow(ctx, `SELECT count(*) FROM deliveries WHERE rank < $1`, &open, phonegate.RankFinal); err != nil {
			c.t.Fatal(err)
		}
		if open == 0 {
			time.Sleep(100 * time.Millisecond) // the answer of the last callback is on its way
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.t.Fatal("deliveries still open")
}

// err returns the first failure of the player's posts, if any.
func (p *twilioPlayer) err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastErr
}
