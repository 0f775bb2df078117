package main

import (
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
)

// fakeTwilio is the smallest stand-in for Twilio's REST API that lets a
// send succeed. No scenario but verify should make the server send
// anything; calls counts the requests so that the report can say if one
// did, and codes keeps what the verify scenario's SMS carried.
type fakeTwilio struct {
	srv   *http.Server
	url   string
	calls atomic.Int64
	codes sync.Map // the number an SMS went to → the verification code it carried (the verify scenario)
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
			if m := verificationCode.FindStringSubmatch(r.PostFormValue("Body")); m != nil {
				f.codes.Store(r.PostFormValue("To"), m[1])
			}
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

// verificationCode finds the code in a verification's SMS.
var verificationCode = regexp.MustCompile(`verification code is: ([0-9]+)`)

// code is the verification code last sent to to, if any.
func (f *fakeTwilio) code(to string) (string, bool) {
	v, ok := f.codes.Load(to)
	if !ok {
		return "", false
	}
	return v.(string), true
}

func (f *fakeTwilio) close() { f.srv.Close() }
