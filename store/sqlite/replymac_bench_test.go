package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/sqlite"
)

// BenchmarkApproveByReplyMiss times an inbound message that is no reply
// code (the common case: "thanks", "ok") among 10,000 pending challenges,
// 20 of them for the sender's phone.
func BenchmarkApproveByReplyMiss(b *testing.B) {
	db, err := sqlite.Open(context.Background(), b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	u, err := db.CreateUser(ctx, "ada@example.com", "h", t0)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 10_000 {
		phone := fmt.Sprintf("+1415555%04d", i%500)
		id := fmt.Sprintf("ch%d", i)
		if err := db.CreateChallenge(ctx, phonegate.Challenge{ID: id, UserID: u.ID, SessionHash: []byte(id),
			Purpose: phonegate.PurposeLogin, Label: "Apollo", Phone: phone, CodeMAC: []byte("mac"),
			ReplyMAC: replyMAC(phone, id), CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
			b.Fatal(err)
		}
	}
	mac := replyMAC("+14155550007", "OK THANKS")
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.ApproveByReply(ctx, "+14155550007", mac, t0); !errors.Is(err, phonegate.ErrNotFound) {
			b.Fatal(err)
		}
	}
}
