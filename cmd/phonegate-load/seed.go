package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/phonegate/phonegate"
)

// delivery is a seeded delivery as the load tool addresses it.
type delivery struct {
	ID string
	To string
}

// seedPlan says how many deliveries of each kind to seed.
type seedPlan struct {
	Voice  int // call deliveries of pending challenges, for /twilio/voice
	Status int // SMS deliveries for the status scenario
	Burst  int // SMS deliveries for the burst
	Crash  int // SMS deliveries for the crash
}

// seeded is the fresh database's content the scenarios drive.
type seeded struct {
	Email, Password string
	Voice           []delivery
	Status          []delivery
	Burst           []delivery
	Crash           []delivery
	VerifyKey       phonegate.NewAPIKey // the project's API key, for the verify scenario
	Forward         forwardSeed
}

// loadPassword is the seeded user's password; the mixed scenario logs in
// with it. It follows the password rules like any other.
const loadPassword = "correct horse battery staple"

// writeKey writes a new server key where PHONEGATE_SECRET_FILE will point,
// in the form the server reads, and returns the keys derived from it, so
// that the sealed codes the seed stores are the ones the server can open.
func writeKey(path string) (*phonegate.Keys, error) {
	key := make([]byte, phonegate.KeySize)
	rand.Read(key)
	if err := os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write server key: %w", err)
	}
	return phonegate.NewKeys(key)
}

// seed fills a fresh database through the store's own API, as the server
// would have: one user with a project, then challenges with their sealed
// codes and deliveries reserved within the send limits (one number per
// challenge, at most MaxChallengeSends deliveries each). The challenges
// live long enough to outlast the run.
func seed(ctx context.Context, dbName string, keys *phonegate.Keys, plan seedPlan) (*seeded, error) {
	db, err := openStore(ctx, dbName)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	defer db.Close()
	switch n, err := db.CountUsers(ctx); {
	case err != nil:
		return nil, fmt.Errorf("seed: %w", err)
	case n > 0:
		return nil, fmt.Errorf("seed: the database already has %d users; give the load tool an empty database", n)
	}
	now := time.Now()
	hasher := phonegate.NewHasher(phonegate.DefaultArgon2)
	hash, err := hasher.Hash(ctx, loadPassword)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	s := &seeded{Email: "load@example.com", Password: loadPassword}
	u, err := db.CreateUser(ctx, s.Email, hash, now)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	p, err := db.CreateProject(ctx, u.ID, "Load Test", now)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	sd := &seeder{db: db, keys: keys, user: u.ID, label: p.Name, now: now}
	if s.Voice, err = sd.deliveries(ctx, phonegate.ChannelCall, plan.Voice); err != nil {
		return nil, err
	}
	if s.Status, err = sd.deliveries(ctx, phonegate.ChannelSMS, plan.Status); err != nil {
		return nil, err
	}
	if s.Burst, err = sd.deliveries(ctx, phonegate.ChannelSMS, plan.Burst); err != nil {
		return nil, err
	}
	if s.Crash, err = sd.deliveries(ctx, phonegate.ChannelSMS, plan.Crash); err != nil {
		return nil, err
	}
	if s.VerifyKey, err = seedAPIKey(ctx, db, keys, p.Name); err != nil {
		return nil, err
	}
	if s.Forward, err = seedForward(ctx, db, hasher, hash, now); err != nil {
		return nil, err
	}
	return s, nil
}

type seeder struct {
	db    phonegate.Store
	keys  *phonegate.Keys
	user  int64
	label string
	now   time.Time
	n     atomic.Int64 // challenges made so far; numbers the phones
}

// seedWorkers write the seed's challenges at once: on PostgreSQL each
// write is a round trip, which several connections overlap; SQLite takes
// them one at a time either way.
const seedWorkers = 8

// seedLife is how long seeded challenges stay pending: far longer than a
// code's ten minutes, so that a slow run still finds them speakable.
const seedLife = 3 * time.Hour

// deliveries seeds n deliveries of channel, MaxChallengeSends to a
// challenge, with seedWorkers challenges written at once.
func (sd *seeder) deliveries(ctx context.Context, channel string, n int) ([]delivery, error) {
	out := make([]delivery, n)
	per := phonegate.MaxChallengeSends
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next  atomic.Int64 // the slot of out the next challenge fills from
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for range seedWorkers {
		wg.Go(func() {
			for ctx.Err() == nil {
				at := int(next.Add(int64(per))) - per
				if at >= n {
					return
				}
				if err := sd.challenge(ctx, channel, out[at:min(at+per, n)]); err != nil {
					mu.Lock()
					first = cmp.Or(first, err)
					mu.Unlock()
					cancel()
				}
			}
		})
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return out, ctx.Err()
}

// challenge seeds one pending challenge with a delivery of channel for
// each slot of out.
func (sd *seeder) challenge(ctx context.Context, channel string, out []delivery) error {
	id := phonegate.NewToken()
	code := phonegate.NewCode()
	phone := fmt.Sprintf("+1202%07d", sd.n.Add(1))
	c := phonegate.Challenge{
		ID:          id,
		UserID:      sd.user,
		SessionHash: phonegate.HashToken(phonegate.NewToken()),
		Purpose:     phonegate.PurposeLogin,
		Label:       sd.label,
		Phone:       phone,
		CodeMAC:     sd.keys.CodeMAC(id, code),
		CodeSealed:  sd.keys.Seal(id, code),
		CreatedAt:   sd.now,
		ExpiresAt:   sd.now.Add(seedLife),
	}
	if err := sd.db.CreateChallenge(ctx, c); err != nil {
		return fmt.Errorf("seed challenge: %w", err)
	}
	for i := range out {
		// Automatic sends skip the cooldown between sends, so that one
		// challenge can hold several deliveries at once.
		d, err := sd.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: id, Channel: channel, To: phone, Now: sd.now, Automatic: true, Caps: seedCaps})
		if err != nil {
			return fmt.Errorf("seed delivery: %w", err)
		}
		out[i] = delivery{ID: d.ID, To: phone}
	}
	return nil
}

// seedCaps lift the global daily send caps for the seeder, which stores
// far more deliveries at once than a day of real traffic may send.
var seedCaps = phonegate.DailyCaps{SMS: 1 << 30, Calls: 1 << 30}
