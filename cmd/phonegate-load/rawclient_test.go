package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/twilio/twilio-go/client"
)

// TestConn sends signed requests through conn to a server that checks
// them with twilio-go's validator and closes every other connection.
func TestConn(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		params := map[string]string{}
		for k, v := range r.PostForm {
			params[k] = v[0]
		}
		v := client.NewRequestValidator(loadAuthToken)
		if !v.Validate("http://"+r.Host+r.URL.RequestURI(), params, r.Header.Get("X-Twilio-Signature")) {
			http.Error(w, "bad signature", http.StatusForbidden)
			return
		}
		if n.Add(1)%2 == 0 {
			w.Header().Set("Connection", "close")
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	tg := target{name: "test", base: srv.URL, token: loadAuthToken}
	c := newConns(tg, 1)[0]
	defer c.close()
	ctx := context.Background()
	for i := range 5 {
		it := item{path: "/twilio/sms/status?d=d1", form: smsStatusForm(messageSID(i), "+14155552671", "sent")}
		status, err := c.do(ctx, tg, it)
		if err != nil || status != http.StatusNoContent {
			t.Fatalf("request %d: %d, %v; want 204", i, status, err)
		}
	}
	tg.token = "wrong"
	if status, err := c.do(ctx, tg, item{path: "/twilio/voice?d=d1", form: voiceForm(callSID(1), "+14155552671")}); err != nil || status != http.StatusForbidden {
		t.Errorf("badly signed request: %d, %v; want 403", status, err)
	}
}
