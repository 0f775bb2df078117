package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// testFinalRace: the first callbacks of a fresh text message, every status Twilio may report
// and two final ones among them (delivered, undelivered, failed), several copies of each, all
// at once over both instances. Exactly one final status is stored, each status once, the
// delivery is never seen going backwards, its final status is audited once, the automatic
// call follows a failure once, and the code page's status says the same on either instance.
func testFinalRace(t *testing.T, c *cluster) {
	ctx := context.Background()
	c.player.SMSOutcome(instancesPhone, playerSilent, 0)
	defer c.player.SMSOutcome(instancesPhone, "delivered", 0)
	v := newVisitor(t)
	p := v.follow(v.loginOn(v.open(c.url+"/login"), storyOwner))
	sent, calls := len(c.fake.Messages()), len(c.fake.Calls())
	if res := v.submit(p, "/verify/send", "channel", "sms"); res.Status != http.StatusSeeOther {
		t.Fatalf("sending the code answered %d:\n%s", res.Status, res.Body)
	}
	msgs := c.fake.Messages()
	if len(msgs) != sent+1 {
		t.Fatalf("%d messages sent, want %d", len(msgs), sent+1)
	}
	m := msgs[len(msgs)-1]
	var id, status string
	var auditBefore int64
	if err := c.queryRow(ctx, `SELECT id, status, (SELECT COALESCE(max(id), 0) FROM audit_events) FROM deliveries WHERE sid = $1`,
		&id, &status, &auditBefore, m.SID); err != nil {
		t.Fatal(err)
	}
	if phonegate.DeliveryFinal(status) {
		t.Fatalf("the fresh delivery is %s already", status)
	}

	cb := m.Form.Get("StatusCallback")
	target, err := url.Parse(cb)
	if err != nil {
		t.Fatal(err)
	}
	base := url.Values{"MessageSid": {m.SID}, "SmsSid": {m.SID}, "AccountSid": {fakeTwilioAccountSID},
		"From": {m.Form.Get("From")}, "To": {m.Form.Get("To")}, "ApiVersion": {"2010-04-01"}}
	updates := []struct {
		status string
		code   int
	}{{"queued", 0}, {"sending", 0}, {"sent", 0}, {"delivered", 0}, {"undelivered", 30003}, {"failed", 30006}}
	const copies = 4
	before := c.counts(http.MethodPost, target.Path)
	stop := make(chan struct{})
	watched := make(chan error, 1)
	go func() { watched <- c.watchRank(ctx, id, stop) }()
	var wg sync.WaitGroup
	for range copies {
		for _, u := range updates {
			form := with(base, "MessageStatus", u.status, "SmsStatus", u.status)
			if u.code != 0 {
				form = with(form, "ErrorCode", fmt.Sprint(u.code))
			}
			wg.Go(func() { c.player.post(cb, form) })
		}
	}
	wg.Wait()
	close(stop)
	if err := <-watched; err != nil {
		t.Error(err)
	}
	if err := c.player.err(); err != nil {
		t.Fatal(err)
	}
	after := c.counts(http.MethodPost, target.Path)
	for i := range after {
		if after[i] == before[i] {
			t.Errorf("instance %s took none of the callbacks (%v then %v)", c.instances[i].name, before, after)
		}
	}

	events := c.deliveryEvents(ctx, id)
	var stored []string
	var final deliveryEventRow
	finals := 0
	for k, ev := range events {
		stored = append(stored, ev.status)
		if phonegate.DeliveryFinal(ev.status) {
			final = ev
			finals++
		}
		if k > 0 && phonegate.DeliveryRank(ev.status) <= phonegate.DeliveryRank(events[k-1].status) {
			t.Errorf("events %v do not rise", stored)
		}
	}
	if finals != 1 {
		t.Fatalf("%d final statuses stored (%v), want exactly 1", finals, stored)
	}
	var nowStatus string
	var nowCode, audited, projects int
	if err := c.queryRow(ctx, `SELECT d.status, d.error_code,
		(SELECT count(*) FROM audit_events a WHERE a.id > $1 AND a.kind IN ('code.delivered', 'code.undelivered') AND a.detail LIKE 'text message%'),
		(SELECT count(DISTINCT a.project_id) FROM audit_events a WHERE a.id > $2 AND a.kind IN ('code.delivered', 'code.undelivered') AND a.detail LIKE 'text message%')
		FROM deliveries d WHERE d.id = $3`, &nowStatus, &nowCode, &audited, &projects, auditBefore, auditBefore, id); err != nil {
		t.Fatal(err)
	}
	if nowStatus != final.status || nowCode != final.errorCode {
		t.Errorf("the delivery is %s (%d), its final event %s (%d)", nowStatus, nowCode, final.status, final.errorCode)
	}
	if audited == 0 || audited != projects {
		t.Errorf("the final status audited %d times in %d projects, want once in each", audited, projects)
	}
	t.Logf("stored %v; %s won", stored, final.status)

	// A failure places the automatic call, once whichever instance took the winning callback;
	// waitDelivered lets its callbacks in.
	wantCalls := calls
	if phonegate.DeliveryOutcome(phonegate.ChannelSMS, final.status) == phonegate.OutcomeFailed {
		wantCalls++
		deadline := time.Now().Add(15 * time.Second)
		for len(c.fake.Calls()) < wantCalls && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	c.waitDelivered(ctx)
	if got := len(c.fake.Calls()); got != wantCalls {
		t.Errorf("%d calls placed after the %s text, want %d", got-calls, final.status, wantCalls-calls)
	}

	var seen [2]codeStatusJSON
	for i := range c.instances {
		c.aim(i)
		var res page
		if got := c.servedBy(http.MethodGet, "/verify/status", func() { res = v.get(c.url + "/verify/status") }); got != i {
			t.Errorf("the code page's status came from instance %d, want %d", got, i)
		}
		if err := json.Unmarshal([]byte(res.Body), &seen[i]); err != nil {
			t.Fatalf("instance %s: /verify/status answered %d %q: %v", c.instances[i].name, res.Status, res.Body, err)
		}
		if !slices.ContainsFunc(seen[i].Deliveries, func(d codeStatusDelivery) bool {
			return d.Channel == phonegate.ChannelSMS && d.Status == final.status && d.ErrorCode == final.errorCode
		}) {
			t.Errorf("instance %s: the code page's status shows %+v, without the text's %s", c.instances[i].name, seen[i].Deliveries, final.status)
		}
	}
	if seen[0].State != seen[1].State || !slices.Equal(seen[0].Deliveries, seen[1].Deliveries) {
		t.Errorf("the instances' code page status differ:\n%+v\n%+v", seen[0], seen[1])
	}
}

// codeStatusJSON is the part of the code page's status (GET /verify/status) the test compares.
type codeStatusJSON struct {
	State      string               `json:"state"`
	Deliveries []codeStatusDelivery `json:"deliveries"`
}

type codeStatusDelivery struct {
	Channel   string `json:"channel"`
	Status    string `json:"status"`
	Words     string `json:"words"`
	ErrorCode int    `json:"error_code"`
}

// deliveryEventRow is one stored status event of a delivery.
type deliveryEventRow struct {
	status    string
	errorCode int
}

// deliveryEvents returns the stored events of delivery id, in the order they were stored.
func (c *cluster) deliveryEvents(ctx context.Context, id string) []deliveryEventRow {
	c.t.Helper()
	conn, err := pgx.Connect(ctx, c.dsn)
	if err != nil {
		c.t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT status, error_code FROM delivery_events WHERE delivery_id = $1 ORDER BY seq`, id)
	if err != nil {
		c.t.Fatal(err)
	}
	events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (deliveryEventRow, error) {
		var e deliveryEventRow
		err := row.Scan(&e.status, &e.errorCode)
		return e, err
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return events
}

// watchRank reads delivery id's rank over and over until stop is closed, and reports it if it
// ever went down.
func (c *cluster) watchRank(ctx context.Context, id string, stop <-chan struct{}) error {
	conn, err := pgx.Connect(ctx, c.dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	last := -1
	for {
		select {
		case <-stop:
			return nil
		default:
		}
		var rank int
		if err := conn.QueryRow(ctx, `SELECT rank FROM deliveries WHERE id = $1`, id).Scan(&rank); err != nil {
			return err
		}
		if rank < last {
			return fmt.Errorf("delivery %s went back from rank %d to %d", id, last, rank)
		}
		last = rank
	}
}
