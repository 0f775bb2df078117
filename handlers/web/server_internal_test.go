package web

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// noSender refuses every send: the internal tests send no code.
type noSender struct{}

func (noSender) SendSMS(context.Context, phonegate.SMS) (string, error) {
	return "", errors.New("no sends in this test")
}

func (noSender) PlaceCall(context.Context, phonegate.Call) (string, error) {
	return "", errors.New("no sends in this test")
}

// newTestServer builds the pages on store, with the clock now, in dev mode
// at a loopback URL.
func newTestServer(t *testing.T, store phonegate.Store, now func() time.Time, hasher *phonegate.Hasher, keys *phonegate.Keys) *Server {
	t.Helper()
	const public = "http://127.0.0.1:8080"
	svc, err := phonegate.New(phonegate.Config{Store: store, Sender: noSender{}, Keys: keys, Hasher: hasher,
		Now: now, Logger: zerolog.Nop(), PublicURL: public})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Service: svc, Logger: zerolog.Nop(), Hasher: hasher, Keys: keys, PublicURL: public,
		DevMode: true, TrustedProxies: httpx.DefaultTrustedProxies})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
