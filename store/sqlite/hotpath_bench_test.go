package sqlite_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/sqlite"
)

// The benchmarks run on a real SQLite file with the server's pragmas, as
// every webhook does. Writes that change nothing cost less than writes
// that do, so each measured status update or code check gets a fresh
// delivery or challenge; they are made in batches with the timer stopped.

// benchStore is a database with a user and a project, and the server's keys.
type benchStore struct {
	b    *testing.B
	db   *sqlite.DB
	keys *phonegate.Keys
	user int64
	n    int // challenges made so far
	now  time.Time
}

func newBenchStore(b *testing.B) *benchStore {
	b.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	keys, err := phonegate.NewKeys(bytes.Repeat([]byte{7}, phonegate.KeySize))
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	u, err := db.CreateUser(ctx, "bench@example.com", "h", now)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.CreateProject(ctx, u.ID, "Bench", now); err != nil {
		b.Fatal(err)
	}
	return &benchStore{b: b, db: db, keys: keys, user: u.ID, now: now}
}

// challenge stores a pending challenge with the code 042917, in a session
// and for a number of its own, so that no limit is shared between them.
func (s *benchStore) challenge() phonegate.Challenge {
	s.b.Helper()
	s.n++
	id := fmt.Sprintf("bench-challenge-%d", s.n)
	c := phonegate.Challenge{
		ID:          id,
		UserID:      s.user,
		SessionHash: phonegate.HashToken(id),
		Purpose:     phonegate.PurposeLogin,
		Label:       "Bench",
		Phone:       fmt.Sprintf("+1202%07d", s.n),
		CodeMAC:     s.keys.CodeMAC(id, "042917"),
		CodeSealed:  s.keys.Seal(id, "042917"),
		CreatedAt:   s.now,
		ExpiresAt:   s.now.Add(time.Hour),
	}
	if err := s.db.CreateChallenge(context.Background(), c); err != nil {
		s.b.Fatal(err)
	}
	return c
}

// deliveries stores n deliveries of channel, MaxChallengeSends per challenge.
func (s *benchStore) deliveries(channel string, n int) []phonegate.Delivery {
	s.b.Helper()
	var ds []phonegate.Delivery
	for len(ds) < n {
		c := s.challenge()
		for range min(phonegate.MaxChallengeSends, n-len(ds)) {
			d, err := s.db.ReserveSend(context.Background(), phonegate.SendRequest{ChallengeID: c.ID, Channel: channel, To: c.Phone, Now: s.now, Automatic: true, Caps: seedCaps})
			if err != nil {
				s.b.Fatal(err)
			}
			ds = append(ds, d)
		}
	}
	return ds
}

const benchBatch = 500

// BenchmarkUpdateDeliveryStatus is one status callback that moves a
// delivery forward: the compare-and-set UPDATE and the event INSERT in one
// write transaction. Each delivery takes three: sending, sent, delivered.
func BenchmarkUpdateDeliveryStatus(b *testing.B) {
	s := newBenchStore(b)
	ctx := context.Background()
	statuses := [...]string{"sending", "sent", "delivered"}
	var ds []phonegate.Delivery
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if i == len(ds)*len(statuses) {
			b.StopTimer()
			ds, i = s.deliveries(phonegate.ChannelSMS, benchBatch), 0
			b.StartTimer()
		}
		d := ds[i%len(ds)]
		changed, _, err := s.db.UpdateDeliveryStatus(ctx, d.ID, statuses[i/len(ds)], 0, s.now)
		if err != nil || !changed {
			b.Fatalf("UpdateDeliveryStatus = %v, %v; want a change", changed, err)
		}
		i++
	}
}

// BenchmarkUpdateDeliveryStatusParallel is status callbacks arriving 64 at
// a time, as under a burst: the updates queued together share one
// transaction (group commit). ns/op is wall time per update.
func BenchmarkUpdateDeliveryStatusParallel(b *testing.B) {
	s := newBenchStore(b)
	ctx := context.Background()
	statuses := [...]string{"sending", "sent", "delivered"}
	ds := s.deliveries(phonegate.ChannelSMS, b.N/len(statuses)+1) // every update a first one
	var next atomic.Int64
	b.SetParallelism(32) // 64 goroutines on 2 cores
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			// Each delivery's three statuses come len(ds) updates apart.
			n := int(next.Add(1) - 1)
			d, st := ds[n%len(ds)], statuses[n/len(ds)]
			if _, _, err := s.db.UpdateDeliveryStatus(ctx, d.ID, st, 0, s.now); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkUpdateDeliveryStatusReplay is a callback Twilio sent twice: the
// UPDATE matches nothing and the current state is read back.
func BenchmarkUpdateDeliveryStatusReplay(b *testing.B) {
	s := newBenchStore(b)
	ctx := context.Background()
	d := s.deliveries(phonegate.ChannelSMS, 1)[0]
	if _, _, err := s.db.UpdateDeliveryStatus(ctx, d.ID, "delivered", 0, s.now); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		changed, _, err := s.db.UpdateDeliveryStatus(ctx, d.ID, "sent", 0, s.now)
		if err != nil || changed {
			b.Fatalf("UpdateDeliveryStatus = %v, %v; want no change", changed, err)
		}
	}
}

// BenchmarkDeliveryForVoice is the read behind /twilio/voice.
func BenchmarkDeliveryForVoice(b *testing.B) {
	s := newBenchStore(b)
	ctx := context.Background()
	ds := s.deliveries(phonegate.ChannelCall, benchBatch)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		v, err := s.db.DeliveryForVoice(ctx, ds[i%len(ds)].ID)
		if err != nil || !v.Speakable(s.now) {
			b.Fatalf("DeliveryForVoice = %+v, %v", v, err)
		}
		i++
	}
}

// BenchmarkCodeCheck is a right code typed at the code page: the check is
// counted (TakeCheck), the MAC compared, and the challenge passed, as the
// handler does it.
func BenchmarkCodeCheck(b *testing.B) {
	s := newBenchStore(b)
	ctx := context.Background()
	var cs []phonegate.Challenge
	b.ReportAllocs()
	for b.Loop() {
		if len(cs) == 0 {
			b.StopTimer()
			for range benchBatch {
				cs = append(cs, s.challenge())
			}
			b.StartTimer()
		}
		c := cs[len(cs)-1]
		cs = cs[:len(cs)-1]
		mac, err := s.db.TakeCheck(ctx, c.ID, c.SessionHash, s.now)
		if err != nil {
			b.Fatal(err)
		}
		if !s.keys.CheckCode(c.ID, "042917", mac) {
			b.Fatal("the right code was refused")
		}
		if _, err := s.db.PassChallenge(ctx, c.ID, c.SessionHash, phonegate.Pass{Detail: "code by SMS"}, s.now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCodeCheckWrong is a wrong code: the check is counted and the
// MAC comparison fails. The failure's own write (FailSecondFactor) is left
// out. The attempts count toward the user's lock: before the one that
// would lock, a right code, off the clock, starts the count again.
func BenchmarkCodeCheckWrong(b *testing.B) {
	s := newBenchStore(b)
	ctx := context.Background()
	var c phonegate.Challenge
	left, attempts := 0, 0
	b.ReportAllocs()
	for b.Loop() {
		if left == 0 || attempts == phonegate.MaxMFAFailures-1 {
			b.StopTimer()
			if attempts == phonegate.MaxMFAFailures-1 {
				ok := s.challenge()
				if _, err := s.db.TakeCheck(ctx, ok.ID, ok.SessionHash, s.now); err != nil {
					b.Fatal(err)
				}
				if _, err := s.db.PassChallenge(ctx, ok.ID, ok.SessionHash, phonegate.Pass{Detail: "code by SMS"}, s.now); err != nil {
					b.Fatal(err)
				}
				attempts = 0
			}
			if left == 0 {
				c, left = s.challenge(), phonegate.MaxChecks
			}
			b.StartTimer()
		}
		attempts++
		mac, err := s.db.TakeCheck(ctx, c.ID, c.SessionHash, s.now)
		if err != nil {
			b.Fatal(err)
		}
		if s.keys.CheckCode(c.ID, "999999", mac) {
			b.Fatal("a wrong code was accepted")
		}
		left--
	}
}
