package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Targets of the flood scenario (issue 10).
const (
	floodLogins      = 400         // anonymous logins in flight at once
	floodOwnerMax    = time.Second // every real login beside them
	floodOwnerPeriod = 250 * time.Millisecond
)

// floodStats is what the flood scenario saw.
type floodStats struct {
	Statuses     map[int]int // of the anonymous logins' POSTs
	Transport    int
	OwnerOK      int
	OwnerFailed  int
	OwnerLat     result // P50, P99, Max of the real logins
	FirstOwnerEr string
	OtherCPU     float64 // share of the machine other processes took meanwhile
}

// flood sends floodLogins anonymous logins at once, each from an address
// of its own (X-Forwarded-For through the loopback proxy the server
// trusts by default, as a botnet behind a reverse proxy would look): half
// with wrong passwords for the seeded account, which fill its
// account-wide throttle, half with unknown emails. Each goes on posting
// as soon as it has an answer, never waiting for Retry-After. Beside
// them, the seeded user logs in every floodOwnerPeriod from a browser
// that logged in once before the flood and so holds a device cookie.
func (r *runner) flood(ctx context.Context) error {
	base := r.pgFront
	device, err := floodDeviceCookie(ctx, base, r.seed.Email, r.seed.Password)
	if err != nil {
		return err
	}
	r.settle(ctx)
	// The load tool's own share is no neighbour's: it is the attacker.
	cpu := newCPUMeter(r.serverPIDs()...)
	fctx, stop := context.WithTimeout(ctx, r.opt.Warmup+r.opt.Duration)
	defer stop()
	var st floodStats
	st.Statuses = map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	tr := &http.Transport{MaxIdleConnsPerHost: floodLogins + 8}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for i := range floodLogins {
		wg.Go(func() {
			addr := fmt.Sprintf("10.%d.%d.%d", 1+i/62500, i/250%250, 1+i%250)
			email := r.seed.Email
			if i%2 == 1 {
				email = fmt.Sprintf("nobody%d@example.com", i)
			}
			statuses, transport := floodWorker(fctx, client, base, addr, email)
			mu.Lock()
			defer mu.Unlock()
			for s, n := range statuses {
				st.Statuses[s] += n
			}
			st.Transport += transport
		})
	}
	// The owner starts once the flood is under way.
	select {
	case <-time.After(r.opt.Warmup):
	case <-ctx.Done():
	}
	var lat []time.Duration
	tick := time.NewTicker(floodOwnerPeriod)
	for fctx.Err() == nil {
		t0 := time.Now()
		err := ownerLogin(context.WithoutCancel(fctx), tr, base, r.seed.Email, r.seed.Password, device)
		if err != nil {
			st.OwnerFailed++
			if st.FirstOwnerEr == "" {
				st.FirstOwnerEr = err.Error()
			}
		} else {
			st.OwnerOK++
			lat = append(lat, time.Since(t0))
		}
		select {
		case <-tick.C:
		case <-fctx.Done():
		}
	}
	tick.Stop()
	wg.Wait()
	summarize(&st.OwnerLat, lat)
	st.OtherCPU = cpu.otherShare()
	r.floodStats = st

	r.logf("flood: %d anonymous logins at once: answers %v, %d transport errors; the owner's logins: %d ok, %d failed, p50 %s ms, p99 %s ms, max %s ms; other cpu %s",
		floodLogins, st.Statuses, st.Transport, st.OwnerOK, st.OwnerFailed, ms(st.OwnerLat.P50), ms(st.OwnerLat.P99), ms(st.OwnerLat.Max),
		percent(st.OtherCPU))
	if st.FirstOwnerEr != "" {
		r.logf("    first owner login error: %s", st.FirstOwnerEr)
	}
	r.check("flood: owner logs in under 1 s", st.OwnerOK > 0 && st.OwnerFailed == 0 && st.OwnerLat.Max < floodOwnerMax,
		"%d of %d real logins ok beside %d anonymous ones, max %s ms, p50 %s ms (target: all ok, each < %s ms)",
		st.OwnerOK, st.OwnerOK+st.OwnerFailed, floodLogins, ms(st.OwnerLat.Max), ms(st.OwnerLat.P50), ms(floodOwnerMax))
	other := st.Transport
	for s, n := range st.Statuses {
		// A refused login answers 303 back to the login page (post,
		// redirect, get), a limit 429, a full hash queue 503.
		if s != http.StatusSeeOther && s != http.StatusTooManyRequests && s != http.StatusServiceUnavailable {
			other += n
		}
	}
	r.check("flood: answers 303 (refused, back to the login), 429 or 503 only", other == 0 && st.Statuses[http.StatusServiceUnavailable] > 0,
		"%d other answers or transport errors; %d refused at once with 503", other, st.Statuses[http.StatusServiceUnavailable])
	return nil
}

// floodWorker posts wrong logins for email from addr until ctx ends, on
// one keep-alive connection of its own with the request written once by
// hand: net/http's client would take more of the two cores than the
// server's refusals do, and the attacker's CPU is not the server's.
func floodWorker(ctx context.Context, c *http.Client, base, addr, email string) (map[int]int, int) {
	statuses := map[int]int{}
	transport := 0
	csrf, cookies, err := loginPage(ctx, c, base, nil, addr)
	if err != nil {
		return statuses, 1
	}
	body := url.Values{"csrf_token": {csrf}, "email": {email}, "password": {"wrong password " + addr}}.Encode()
	host := strings.TrimPrefix(base, "http://")
	var req strings.Builder
	req.WriteString("POST /login HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/x-www-form-urlencoded\r\n")
	req.WriteString("X-Forwarded-For: " + addr + "\r\nCookie: ")
	for i, ck := range cookies {
		if i > 0 {
			req.WriteString("; ")
		}
		req.WriteString(ck.Name + "=" + ck.Value)
	}
	req.WriteString("\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
	raw := []byte(req.String())
	var nc net.Conn
	var br *bufio.Reader
	for ctx.Err() == nil {
		if nc == nil {
			d := net.Dialer{Timeout: 5 * time.Second}
			if nc, err = d.DialContext(ctx, "tcp", host); err != nil {
				nc = nil
				if ctx.Err() == nil {
					transport++
				}
				continue
			}
			br = bufio.NewReader(nc)
		}
		nc.SetDeadline(time.Now().Add(30 * time.Second))
		status, err := floodRoundTrip(nc, br, raw)
		if err != nil {
			nc.Close()
			nc = nil
			if ctx.Err() == nil {
				transport++
			}
			continue
		}
		statuses[status]++
	}
	if nc != nil {
		nc.Close()
	}
	return statuses, transport
}

func floodRoundTrip(nc net.Conn, br *bufio.Reader, raw []byte) (int, error) {
	if _, err := nc.Write(raw); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, err
}

// loginPage gets /login and returns its CSRF field and the cookies to send back.
func loginPage(ctx context.Context, c *http.Client, base string, extra []*http.Cookie, addr string) (string, []*http.Cookie, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/login", nil)
	if addr != "" {
		req.Header.Set("X-Forwarded-For", addr)
	}
	for _, ck := range extra {
		req.AddCookie(ck)
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", nil, fmt.Errorf("get /login: %w", err)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		return "", nil, fmt.Errorf("get /login: status %d, %v", resp.StatusCode, err)
	}
	m := csrfField.FindSubmatch(body)
	if m == nil {
		return "", nil, fmt.Errorf("get /login: no csrf_token field")
	}
	cookies := append([]*http.Cookie(nil), extra...)
	for _, ck := range resp.Cookies() {
		cookies = append(cookies, &http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	return string(m[1]), cookies, nil
}

// ownerLogin logs in as a browser holding the device cookie does: GET
// and POST /login, 303 with a session.
func ownerLogin(ctx context.Context, tr http.RoundTripper, base, email, password string, device *http.Cookie) error {
	c := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	csrf, cookies, err := loginPage(ctx, c, base, []*http.Cookie{device}, "")
	if err != nil {
		return err
	}
	form := url.Values{"csrf_token": {csrf}, "email": {email}, "password": {password}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, ck := range cookies {
		req.AddCookie(ck)
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("post /login: %w", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("post /login: status %d, want 303", resp.StatusCode)
	}
	return nil
}

// floodDeviceCookie logs the seeded user in once, before the flood, and
// returns the device cookie the server gave that browser.
func floodDeviceCookie(ctx context.Context, base, email, password string) (*http.Cookie, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer c.CloseIdleConnections()
	if err := login(ctx, c, base, email, password); err != nil {
		return nil, fmt.Errorf("flood: the owner's first login: %w", err)
	}
	u, _ := url.Parse(base)
	for _, ck := range jar.Cookies(u) {
		if strings.HasSuffix(ck.Name, "phonegate_device") {
			return &http.Cookie{Name: ck.Name, Value: ck.Value}, nil
		}
	}
	return nil, fmt.Errorf("flood: no device cookie after the owner's first login")
}
