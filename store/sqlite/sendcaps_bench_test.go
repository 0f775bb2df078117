package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/sqlite"
)

// seedCaps lift the global daily caps for benchmarks that store more
// deliveries than a day may send.
var seedCaps = phonegate.DailyCaps{SMS: 1 << 30, Calls: 1 << 30}

// BenchmarkReserveSend is the send path: one send of a login challenge,
// through every limit and cap, for a client address seen before.
func BenchmarkReserveSend(b *testing.B) {
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	u, err := db.CreateUser(ctx, "ada@example.com", "h", t0)
	if err != nil {
		b.Fatal(err)
	}
	cs := make([]phonegate.Challenge, b.N)
	for i := range cs {
		id := fmt.Sprintf("bench%d", i)
		cs[i] = phonegate.Challenge{ID: id, UserID: u.ID, SessionHash: []byte(id), Purpose: phonegate.PurposeLogin, Label: "Bench",
			Phone: fmt.Sprintf("+1202%07d", i), CodeMAC: []byte("mac"), CodeSealed: []byte("sealed"),
			CreatedAt: t0, ExpiresAt: t0.Add(phonegate.ChallengeLife)}
		if err := db.CreateChallenge(ctx, cs[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i, c := range cs {
		if _, err := db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "sms", To: c.Phone,
			ClientAddr: fmt.Sprintf("198.51.%d.%d", i/200%256, i%200), Now: t0, Caps: seedCaps}); err != nil {
			b.Fatal(err)
		}
	}
}
