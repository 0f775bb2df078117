package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
)

// seedAPIKey makes an API key of the project named project, as the command
// line's `phonegate apikey create` does, for the verify scenario.
func seedAPIKey(ctx context.Context, db phonegate.Store, keys *phonegate.Keys, project string) (phonegate.NewAPIKey, error) {
	svc, err := phonegate.New(phonegate.Config{Store: db, Sender: noSender{}, Keys: keys,
		Hasher: phonegate.NewHasher(phonegate.DefaultArgon2), Logger: zerolog.New(io.Discard),
		PublicURL: "http://127.0.0.1"})
	if err != nil {
		return phonegate.NewAPIKey{}, fmt.Errorf("seed api key: %w", err)
	}
	k, err := svc.CreateAPIKeyAsOperator(ctx, project, "load")
	if err != nil {
		return phonegate.NewAPIKey{}, fmt.Errorf("seed api key: %w", err)
	}
	return k, nil
}

// noSender is the seed's Sender: the seed sends nothing.
type noSender struct{}

func (noSender) SendSMS(context.Context, phonegate.SMS) (string, error) {
	return "", fmt.Errorf("the seed sends nothing")
}

func (noSender) PlaceCall(context.Context, phonegate.Call) (string, error) {
	return "", fmt.Errorf("the seed sends nothing")
}

// countVerifications reads, from the database the server writes, how many
// verifications service has and how many of them were approved.
func countVerifications(ctx context.Context, dbName, service string) (created, approved int, err error) {
	db, err := openStore(ctx, dbName)
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	// Since 1970 rather than the zero time: PostgreSQL's store turns a zero
	// time into NULL, which no row's time is at or after.
	return db.CountVerifications(ctx, service, time.Unix(0, 0))
}
