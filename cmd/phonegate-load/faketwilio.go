package main

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
)

// fakeTwilio is the smallest stand-in for Twilio's REST API that lets a
// send succeed. No scenario should make the server send anything; calls
// counts the requests so that the report can say if one did.
type fakeTwilio struct {
	srv   *http.Server
	url   string
	calls atomic.Int64
}

func startFakeTwilio() (*fakeTwilio, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fake twilio: %w", err)
	}
	f := &fakeTwilio{url: "http://" + ln.Addr().String()}
	f.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := f.calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/Messages.json"):
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"sid":"SM%032x","status":"queued"}`, n)
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/Calls.json"):
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"sid":"CA%032x","status":"queued"}`, n)
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"code":20404,"message":"The requested resource was not found","status":404}`)
		}
	})}
	go f.srv.Serve(ln)
	return f, nil
}

func (f *fakeTwilio) close() { f.srv.Close() }
