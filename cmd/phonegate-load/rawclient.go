package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// conn is one worker's keep-alive HTTP/1.1 connection. The load is driven
// through these rather than net/http's client, whose transport costs more
// CPU per request than the bare baseline server does: on two shared cores
// a heavy client flattens every ratio towards 1. Requests are written by
// hand and answers read with http.ReadResponse, much as wrk does it.
type conn struct {
	addr string // host:port
	host string // the Host header
	c    net.Conn
	br   *bufio.Reader
	bw   *bufio.Writer
}

// newConns returns n connections to t, each dialed at its first request.
func newConns(t target, n int) []*conn {
	host := strings.TrimPrefix(t.base, "http://")
	cs := make([]*conn, n)
	for i := range cs {
		cs[i] = &conn{addr: host, host: host}
	}
	return cs
}

func closeConns(cs []*conn) {
	for _, c := range cs {
		c.close()
	}
}

func (c *conn) close() {
	if c.c != nil {
		c.c.Close()
		c.c = nil
	}
}

// errNotSent marks a request that never left: the level was over, or the
// server could not be reached. The status workload knows such a callback
// cannot have been stored.
var errNotSent = errors.New("request not sent")

// do sends one signed request and returns the answer's status. On any
// error the connection is dropped; the next request dials again.
func (c *conn) do(ctx context.Context, t target, it item) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("%w: %w", errNotSent, err)
	}
	if c.c == nil {
		d := net.Dialer{Timeout: 5 * time.Second}
		nc, err := d.DialContext(ctx, "tcp", c.addr)
		if err != nil {
			return 0, fmt.Errorf("%w: %w", errNotSent, err)
		}
		c.c, c.br, c.bw = nc, bufio.NewReaderSize(nc, 8<<10), bufio.NewWriterSize(nc, 8<<10)
	}
	status, err := c.roundTrip(t, it)
	if err != nil {
		c.close()
		return 0, err
	}
	return status, nil
}

func (c *conn) roundTrip(t target, it item) (int, error) {
	c.c.SetDeadline(time.Now().Add(requestTimeout))
	w := c.bw
	if it.get {
		w.WriteString("GET ")
		w.WriteString(it.path)
		w.WriteString(" HTTP/1.1\r\nHost: ")
		w.WriteString(c.host)
		w.WriteString("\r\n")
		w.WriteString(it.header)
		w.WriteString("\r\n")
		return c.answer()
	}
	body := it.form.Encode()
	sig := twilioSignature(t.token, t.base+it.path, it.form)
	w.WriteString("POST ")
	w.WriteString(it.path)
	w.WriteString(" HTTP/1.1\r\nHost: ")
	w.WriteString(c.host)
	w.WriteString("\r\nUser-Agent: TwilioProxy/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: ")
	w.WriteString(sig)
	w.WriteString("\r\nContent-Length: ")
	w.WriteString(strconv.Itoa(len(body)))
	w.WriteString("\r\n\r\n")
	w.WriteString(body)
	return c.answer()
}

// answer sends what roundTrip wrote and reads the answer's status, the
// body to the end so that the connection is reused.
func (c *conn) answer() (int, error) {
	if err := c.bw.Flush(); err != nil {
		return 0, fmt.Errorf("write request: %w", err)
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return 0, fmt.Errorf("read answer: %w", err)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, fmt.Errorf("read answer: %w", err)
	}
	if resp.Close {
		c.close()
	}
	return resp.StatusCode, nil
}
