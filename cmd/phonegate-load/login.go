package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// loginStats is what the login load of the mixed scenario did.
type loginStats struct {
	Started, OK, Failed, Dropped int
	Window                       time.Duration // while logins were started
	P50, P99                     time.Duration // of whole logins, GET and POST
	FirstError                   string
}

// Rate is the logins started per second. Each is waited for and counted
// as OK or Failed, however long it takes.
func (s loginStats) Rate() float64 { return ratio(float64(s.Started), s.Window.Seconds()) }

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// runLogins logs the seeded user in rate times a second until ctx ends, as
// a browser does: GET /login for the CSRF cookie and field, then POST
// /login, which must answer 303 with a session. Logins run open loop: a
// slow server does not slow the arrivals down, it piles them up, up to
// maxInFlight; beyond that a login is dropped and counted.
func runLogins(ctx context.Context, base, email, password string, rate int) loginStats {
	const maxInFlight = 64
	client := &http.Client{Timeout: 30 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: maxInFlight},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer client.CloseIdleConnections()

	var (
		mu    sync.Mutex
		st    loginStats
		lat   []time.Duration
		wg    sync.WaitGroup
		slots = make(chan struct{}, maxInFlight)
	)
	start := time.Now()
	tick := time.NewTicker(time.Second / time.Duration(max(rate, 1)))
	defer tick.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-tick.C:
		}
		select {
		case slots <- struct{}{}:
		default:
			mu.Lock()
			st.Dropped++
			mu.Unlock()
			continue
		}
		mu.Lock()
		st.Started++
		mu.Unlock()
		wg.Go(func() {
			defer func() { <-slots }()
			t0 := time.Now()
			// A login already started is finished even if ctx ends now,
			// so that the count is of whole logins.
			err := login(context.WithoutCancel(ctx), client, base, email, password)
			d := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				st.Failed++
				if st.FirstError == "" {
					st.FirstError = err.Error()
				}
				return
			}
			st.OK++
			lat = append(lat, d)
		})
	}
	st.Window = time.Since(start)
	wg.Wait()
	var r result
	summarize(&r, lat)
	st.P50, st.P99 = r.P50, r.P99
	return st
}

// login does one GET and POST of /login.
func login(ctx context.Context, c *http.Client, base, email, password string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/login", nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("get /login: %w", err)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("get /login: status %d, %v", resp.StatusCode, err)
	}
	m := csrfField.FindSubmatch(body)
	if m == nil {
		return fmt.Errorf("get /login: no csrf_token field")
	}
	form := url.Values{"csrf_token": {string(m[1])}, "email": {email}, "password": {password}}
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, ck := range resp.Cookies() {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	resp, err = c.Do(req)
	if err != nil {
		return fmt.Errorf("post /login: %w", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("post /login: status %d, want 303", resp.StatusCode)
	}
	for _, ck := range resp.Cookies() {
		if strings.HasSuffix(ck.Name, "phonegate_session") && ck.Value != "" {
			return nil
		}
	}
	return fmt.Errorf("post /login: 303 without a session cookie")
}
