package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// verifyConcurrency is the concurrency of the verify scenario (issue 14).
const verifyConcurrency = 16

// verifyStats is what the verify scenario saw.
type verifyStats struct {
	Created, Approved, Failed, Status5xx int
	Elapsed                              time.Duration
	Lat                                  result // P50, P99 of whole verifications, create and check
	FirstError                           string
}

// Rate is the verifications approved per second.
func (s verifyStats) Rate() float64 { return ratio(float64(s.Approved), s.Elapsed.Seconds()) }

// verifyAPI runs verifications through the Verify v2 API as an app does:
// each worker creates a verification by SMS for a number of its own, reads
// the code from the fake Twilio, and checks it. Every verification must be
// approved, exactly once, with no 5xx.
func (r *runner) verifyAPI(ctx context.Context) error {
	key := r.seed.VerifyKey
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: verifyConcurrency}}
	defer client.CloseIdleConnections()
	api := verifyClient{c: client, base: r.pgFront, user: key.SID, secret: key.Secret}
	var svc struct {
		SID string `json:"sid"`
	}
	if status, err := api.post(ctx, "/v2/Services", url.Values{"FriendlyName": {"Load"}}, &svc); err != nil || status != http.StatusCreated {
		return fmt.Errorf("verify: create the service: %d, %v", status, err)
	}
	r.settle(ctx)
	vctx, stop := context.WithTimeout(ctx, r.opt.Warmup+r.opt.Duration)
	defer stop()

	var (
		mu   sync.Mutex
		st   verifyStats
		lat  []time.Duration
		next atomic.Int64
		wg   sync.WaitGroup
	)
	fail := func(err error, status int) {
		mu.Lock()
		defer mu.Unlock()
		st.Failed++
		if status >= 500 {
			st.Status5xx++
		}
		if st.FirstError == "" {
			st.FirstError = err.Error()
		}
	}
	start := time.Now()
	for range verifyConcurrency {
		wg.Go(func() {
			for vctx.Err() == nil {
				to := verifyNumber(int(next.Add(1)))
				t0 := time.Now()
				created, status, err := r.oneVerification(context.WithoutCancel(vctx), api, svc.SID, to)
				if created {
					mu.Lock()
					st.Created++
					mu.Unlock()
				}
				if err != nil {
					fail(err, status)
					continue
				}
				mu.Lock()
				st.Approved++
				lat = append(lat, time.Since(t0))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	st.Elapsed = time.Since(start)
	summarize(&st.Lat, lat)

	stored, approved, err := countVerifications(ctx, r.db, svc.SID)
	if err != nil {
		return fmt.Errorf("verify: count the stored verifications: %w", err)
	}
	r.logf("verify    c=%d %8.1f verifications/s  p50 %6s ms  p99 %7s ms  %d created, %d approved, %d failed (5xx %d); stored %d, approved %d",
		verifyConcurrency, st.Rate(), ms(st.Lat.P50), ms(st.Lat.P99), st.Created, st.Approved, st.Failed, st.Status5xx, stored, approved)
	if st.FirstError != "" {
		r.logf("    first error: %s", st.FirstError)
	}
	r.check(fmt.Sprintf("verify c=%d every verification approved once", verifyConcurrency),
		st.Created > 0 && st.Failed == 0 && st.Approved == st.Created && stored == st.Created && approved == st.Created,
		"%d created, %d approved through the API, %d failed; %d stored, %d approved in the store",
		st.Created, st.Approved, st.Failed, stored, approved)
	r.check("verify no 5xx", st.Status5xx == 0, "%d answers 5xx", st.Status5xx)
	r.notes = append(r.notes, fmt.Sprintf("verify: %.1f verifications/s (create + check) at c=%d, p99 %s ms",
		st.Rate(), verifyConcurrency, ms(st.Lat.P99)))
	return nil
}

// verifyNumber is the i-th number of the scenario: US numbers that
// libphonenumber takes, none used twice in a run, so that no number's
// send limit is reached.
func verifyNumber(i int) string {
	return fmt.Sprintf("+1415%03d%04d", 220+(i/10000)%80, i%10000)
}

// oneVerification creates a verification of to and checks the code the
// fake Twilio got; created says whether the create answered 201.
func (r *runner) oneVerification(ctx context.Context, api verifyClient, service, to string) (created bool, status int, err error) {
	path := "/v2/Services/" + service
	var v struct {
		SID    string `json:"sid"`
		Status string `json:"status"`
	}
	status, err = api.post(ctx, path+"/Verifications", url.Values{"To": {to}, "Channel": {"sms"}}, &v)
	if err != nil || status != http.StatusCreated || v.Status != "pending" {
		return false, status, fmt.Errorf("create for %s: %d %q, %v", to, status, v.Status, err)
	}
	code, ok := r.twilio.code(to)
	if !ok {
		return true, 0, fmt.Errorf("create for %s: no SMS reached the fake Twilio", to)
	}
	var c struct {
		Status string `json:"status"`
		Valid  bool   `json:"valid"`
	}
	status, err = api.post(ctx, path+"/VerificationCheck", url.Values{"To": {to}, "Code": {code}}, &c)
	if err != nil || status != http.StatusOK || c.Status != "approved" || !c.Valid {
		return true, status, fmt.Errorf("check of %s: %d %q, %v", v.SID, status, c.Status, err)
	}
	return true, status, nil
}

// verifyClient speaks to the Verify API as an app would, with an API key.
type verifyClient struct {
	c            *http.Client
	base         string
	user, secret string
}

// post sends form to path and decodes the JSON answer into out.
func (a verifyClient) post(ctx context.Context, path string, form url.Values, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(a.user, a.secret)
	resp, err := a.c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("%s", strings.TrimSpace(string(body)))
	}
	return resp.StatusCode, json.Unmarshal(body, out)
}
