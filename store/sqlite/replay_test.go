package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// TestReplayAnsweredWithoutTheWriter: once a status is committed, a replay
// of it (or of any status it outranks) is answered from the read pool even
// while the writer is busy, with the delivery as stored; a new status
// still waits for the writer.
func TestReplayAnsweredWithoutTheWriter(t *testing.T) {
	db := openBatchTest(t)
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	u, err := db.CreateUser(ctx, "ada@example.com", "h", now)
	if err != nil {
		t.Fatal(err)
	}
	c := phonegate.Challenge{ID: "ch1", UserID: u.ID, SessionHash: []byte("s"), Purpose: phonegate.PurposeLogin, Phone: "+14155552671",
		CodeMAC: []byte("mac"), CreatedAt: now, ExpiresAt: now.Add(10 * time.Minute)}
	if err := db.CreateChallenge(ctx, c); err != nil {
		t.Fatal(err)
	}
	d, err := db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: phonegate.ChannelSMS, To: c.Phone, Now: now, Automatic: false})
	if err != nil {
		t.Fatal(err)
	}
	if changed, _, err := db.UpdateDeliveryStatus(ctx, d.ID, "sent", 0, now); err != nil || !changed {
		t.Fatalf("sent: changed %v, err %v", changed, err)
	}

	release := holdBatcher(t, db)
	for _, status := range []string{"sent", "queued"} {
		changed, got, err := db.UpdateDeliveryStatus(ctx, d.ID, status, 0, now)
		if err != nil || changed || got.Status != "sent" {
			t.Errorf("replay %s with the writer busy: changed %v, status %q, err %v; want unchanged sent", status, changed, got.Status, err)
		}
	}
	done := make(chan error, 1)
	go func() {
		_, _, err := db.UpdateDeliveryStatus(ctx, d.ID, "delivered", 0, now)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("a new status was answered (%v) before the writer could apply it", err)
	case <-time.After(50 * time.Millisecond):
	}
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got, err := db.Delivery(ctx, d.ID)
	if err != nil || got.Status != "delivered" {
		t.Errorf("after the writer: %q, %v; want delivered", got.Status, err)
	}
}
