package sqlite_test

import (
	"bytes"
	"context"
	"os"
	"testing"

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
	f := newDeliveryFixture(t)
	const code = "QZ7XW9"
	c := f.challenge(phoneA, code)
	if _, err := f.db.ApproveByReply(context.Background(), phoneA, replyMAC(phoneA, "qz7 xw9"), t0); err != nil {
		t.Fatalf("approve by reply: %v", err)
	}
	got, _ := f.db.Challenge(context.Background(), c.ID)
	if !bytes.Equal(got.ReplyMAC, replyMAC(phoneA, code)) {
		t.Errorf("stored reply MAC %x, want the MAC of the phone and the code", got.ReplyMAC)
	}
	for _, file := range []string{f.db.Path(), f.db.Path() + "-wal"} {
		if raw, err := os.ReadFile(file); err == nil && bytes.Contains(raw, []byte(code)) {
			t.Errorf("%s holds the reply code", file)
		}
	}
}
