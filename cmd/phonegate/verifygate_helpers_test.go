package main

import (
	"bytes"
	"context"
	"net"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
	"github.com/phonegate/phonegate/store/sqlite"
)

// verifyGate is phonegate on loopback with the real twilio-go adapter
// sending through a fake Twilio API, and an API key of project Apollo.
type verifyGate struct {
	srv  *handlers.Server
	http *httptest.Server
	key  phonegate.NewAPIKey
}

// newVerifyGate starts a verifyGate sending through fake. Its PUBLIC_URL
// is its own address, so that the URLs it answers with (url, links,
// next_page_url) reach it.
func newVerifyGate(t *testing.T, fake *fakeTwilio) *verifyGate {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "phonegate.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	keys, err := phonegate.NewKeys(bytes.Repeat([]byte{4}, phonegate.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := handlers.New(handlers.Config{Store: db, Logger: zerolog.Nop(), Keys: keys,
		Hasher:    phonegate.NewHasher(phonegate.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}),
		PublicURL: "http://" + l.Addr().String(), Sender: twilioTestSender(t, fake.Config()),
		TwilioAuthToken: fakeTwilioAuthToken, FromNumber: "+15005550006"})
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	gate := httptest.NewUnstartedServer(srv)
	gate.Listener.Close()
	gate.Listener = l
	gate.Start()
	t.Cleanup(gate.Close)
	u, err := db.CreateUser(ctx, "ada@example.com", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateProject(ctx, u.ID, "Apollo", time.Now()); err != nil {
		t.Fatal(err)
	}
	key, err := srv.Service().CreateAPIKeyAsOperator(ctx, "Apollo", "app")
	if err != nil {
		t.Fatal(err)
	}
	return &verifyGate{srv: srv, http: gate, key: key}
}
