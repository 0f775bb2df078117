package sqlite_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// replyKeys stand for the server key in the store's reply code tests.
var replyKeys = func() *phonegate.Keys {
	k, err := phonegate.NewKeys(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		panic(err)
	}
	return k
}()

// replyMAC is what a challenge keeps of the reply code code for phone, as
// the server computes it; nil for an empty code.
func replyMAC(phone, code string) []byte { return replyKeys.ReplyMAC(phone, code) }

// TestReplyCodeNotAtRest: a challenge's reply code is found by its MAC and
// is nowhere in the database file.
func TestReplyCodeNotAtRest(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	const phoneA, code = "+14155552671", "QZ7XW9"
	u, err := db.CreateUser(ctx, "ada@example.com", "h", t0)
	if err != nil {
		t.Fatal(err)
	}
	c := phonegate.Challenge{ID: "ch1", UserID: u.ID, SessionHash: []byte("session 1"), Purpose: phonegate.PurposeLogin,
		Label: "Apollo", Phone: phoneA, CodeMAC: []byte("mac"), CodeSealed: []byte("sealed"), ReplyMAC: replyMAC(phoneA, code),
		CreatedAt: t0, ExpiresAt: t0.Add(10 * time.Minute)}
	if err := db.CreateChallenge(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApproveByReply(ctx, phoneA, replyMAC(phoneA, "qz7 xw9"), t0); err != nil {
		t.Fatalf("approve by reply: %v", err)
	}
	got, _ := db.Challenge(ctx, c.ID)
	if !bytes.Equal(got.ReplyMAC, replyMAC(phoneA, code)) {
		t.Errorf("stored reply MAC %x, want the MAC of the phone and the code", got.ReplyMAC)
	}
	for _, file := range []string{db.Path(), db.Path() + "-wal"} {
		if raw, err := os.ReadFile(file); err == nil && bytes.Contains(raw, []byte(code)) {
			t.Errorf("%s holds the reply code", file)
		}
	}
}
