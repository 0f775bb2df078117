package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// item is one request of a workload: a signed webhook POST, or a GET.
type item struct {
	path   string     // path and query, e.g. /twilio/voice?d=...
	form   url.Values // the POST body
	tag    any        // the workload's own bookkeeping, handed back to done
	get    bool       // a GET with header, instead of the signed POST of form
	header string     // for a GET: header lines, each ending in CRLF
}

// workload makes the requests of a scenario and learns their outcomes.
// next may block (the status workload waits until the previous status of
// the same delivery has been answered) and reports false when the
// workload has nothing more to send.
type workload interface {
	next(ctx context.Context) (item, bool)
	done(it item, status int, err error)
}

// level says how long to drive a target; the concurrency is the number of
// connections drive is given.
type level struct {
	Concurrency int
	Warmup      time.Duration // driven but not measured
	Duration    time.Duration // measured; the level ends when it is over...
	MaxRequests int           // ...or after this many requests, measured or not (0: no count bound)
}

// hardMaxRequests bounds every level, whatever its flags say.
const hardMaxRequests = 5_000_000

// requestTimeout is what Twilio gives a webhook.
const requestTimeout = 15 * time.Second

// target is a server to drive: its base URL (which is also the URL the
// requests are signed for) and the auth token to sign with.
type target struct {
	name  string
	base  string // http://127.0.0.1:port
	token string
}

// newClient returns a net/http keep-alive client for the few requests not
// driven through conns (the preflight).
func newClient(concurrency int) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        concurrency,
		MaxIdleConnsPerHost: concurrency,
		MaxConnsPerHost:     concurrency,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &http.Client{Transport: tr, Timeout: requestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// send posts one signed request and returns the status; the body is read
// to the end so that the connection is reused.
func send(ctx context.Context, c *http.Client, t target, it item) (int, error) {
	body := it.form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base+it.path, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	req.Header.Set("X-Twilio-Signature", twilioSignature(t.token, t.base+it.path, it.form))
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, err
}

// probe is what drive watches on the side: the server's RSS, and which
// processes are ours when the CPU time of others is counted.
type probe struct {
	rss  *rssWatch
	pids []int
}

// drive runs one level against t, one worker on each of conns, and
// measures it. Cancelling
// ctx ends the level early (the crash scenario does, once the server is
// dead). It returns the latencies of the measured requests with the result,
// so that rounds of one level can be merged.
func drive(ctx context.Context, conns []*conn, t target, w workload, lv level, pr probe) (result, []time.Duration) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	measureFrom := start.Add(lv.Warmup)
	deadline := measureFrom.Add(lv.Duration)
	maxReq := lv.MaxRequests
	if maxReq <= 0 || maxReq > hardMaxRequests {
		maxReq = hardMaxRequests
	}
	var taken atomic.Int64
	var meter atomic.Pointer[cpuMeter]
	startMeasuring := func() {
		if meter.CompareAndSwap(nil, newCPUMeter(pr.pids...)) && pr.rss != nil {
			pr.rss.reset()
		}
	}
	if lv.Warmup <= 0 {
		startMeasuring()
	}

	type tally struct {
		lat                        []time.Duration
		answered, non2xx, s5xx, tx int
		last                       time.Time
	}
	tallies := make([]tally, len(conns))
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Go(func() {
			tl := &tallies[i]
			tl.lat = make([]time.Duration, 0, 4096)
			for ctx.Err() == nil && time.Now().Before(deadline) {
				if taken.Add(1) > int64(maxReq) {
					return
				}
				it, ok := w.next(ctx)
				if !ok {
					return
				}
				t0 := time.Now()
				measured := !t0.Before(measureFrom)
				if measured && meter.Load() == nil {
					startMeasuring()
				}
				status, err := c.do(ctx, t, it)
				t1 := time.Now()
				w.done(it, status, err)
				if !measured {
					continue
				}
				tl.last = t1
				if err != nil {
					if !errors.Is(err, context.Canceled) {
						tl.tx++
					}
					continue
				}
				tl.answered++
				tl.lat = append(tl.lat, t1.Sub(t0))
				if status < 200 || status > 299 {
					tl.non2xx++
				}
				if status >= 500 {
					tl.s5xx++
				}
			}
		})
	}
	wg.Wait()

	r := result{Target: t.name, Concurrency: len(conns)}
	var all []time.Duration
	end := measureFrom
	for _, tl := range tallies {
		all = append(all, tl.lat...)
		r.Requests += tl.answered
		r.Non2xx += tl.non2xx
		r.Status5xx += tl.s5xx
		r.Transport += tl.tx
		if tl.last.After(end) {
			end = tl.last
		}
	}
	// A level bounded by count may end before its duration: the elapsed
	// time is up to the last answer, not up to the deadline.
	r.Elapsed = end.Sub(measureFrom)
	if m := meter.Load(); m != nil {
		r.OtherCPU = m.otherShare()
	}
	if pr.rss != nil {
		r.PeakRSS = pr.rss.peak()
	}
	summarize(&r, slices.Clone(all))
	return r, all
}
