package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
)

// Queue timing.
const (
	// PollEvery is how often Run looks for due messages when nothing woke
	// it: another server process may have queued some.
	PollEvery = 15 * time.Second
	// FirstRetry is the wait after a first failed attempt; each further
	// failure doubles it, up to MaxRetry.
	FirstRetry = 30 * time.Second
	MaxRetry   = time.Hour
	// GiveUpAfter is how long a message is retried before it is dropped.
	GiveUpAfter = 3 * 24 * time.Hour
	// sendTimeout bounds one attempt; lease is how long a claimed message
	// waits before another worker may try it (a worker that died).
	sendTimeout = 30 * time.Second
	lease       = 2 * time.Minute
	claimBatch  = 20
	keepSent    = 30 * 24 * time.Hour
)

// permanent marks an error that no retry can mend, such as a malformed
// recipient: the message is given up at once.
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// Permanent marks err as one that no retry can mend.
func Permanent(err error) error { return permanent{err} }

// Store is what the outbox keeps in the store: the queue, and in dev mode
// the dev mailbox.
type Store interface {
	phonegate.OutboxStore
	AddDevMail(ctx context.Context, m phonegate.DevMail) error
	DevMailbox(ctx context.Context, limit int) ([]phonegate.DevMail, error)
}

// Config is what an Outbox needs.
type Config struct {
	Store  Store
	Site   string          // the server's public URL, for the messages' footer
	Keys   *phonegate.Keys // seals messages at rest
	Sender Sender          // nil: the dev mailbox
	Now    func() time.Time
	Logger zerolog.Logger
	// Tick wakes Run to look for due messages; nil: every PollEvery.
	Tick <-chan time.Time
}

// Outbox is the mail queue: Queue stores a message in the request that
// causes it, and Run (or SendDue) sends it, retrying with backoff. A dead
// SMTP server delays mail; it never fails the request that queued it.
type Outbox struct {
	cfg  Config
	wake chan struct{}
}

// New checks cfg and returns its Outbox.
func New(cfg Config) (*Outbox, error) {
	if cfg.Store == nil || cfg.Keys == nil {
		return nil, errors.New("mail: Config.Store and Config.Keys are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Outbox{cfg: cfg, wake: make(chan struct{}, 1)}, nil
}

// DevMailbox reports whether mail goes to the dev mailbox (no SMTP).
func (o *Outbox) DevMailbox() bool { return o.cfg.Sender == nil }

// Queue stores m for sending and wakes Run. A non-empty dedupe key lets
// one message of that key be queued ever: queued is false for a repeat.
func (o *Outbox) Queue(ctx context.Context, m Message, dedupe string) (queued bool, err error) {
	sealed, err := seal(o.cfg.Keys, m)
	if err != nil {
		return false, fmt.Errorf("mail: queue: %w", err)
	}
	queued, err = o.cfg.Store.QueueMail(ctx, phonegate.Mail{To: m.To, Kind: m.Kind, Sealed: sealed, Dedupe: dedupe}, o.cfg.Now())
	if err != nil {
		return false, err
	}
	select {
	case o.wake <- struct{}{}:
	default:
	}
	return queued, nil
}

// retryAfter is the wait after the attempts-th failed attempt.
func retryAfter(attempts int) time.Duration {
	d := FirstRetry
	for i := 1; i < attempts && d < MaxRetry; i++ {
		d *= 2
	}
	return min(d, MaxRetry)
}

// SendDue sends every message due now, each once, and returns how many
// went. A failed send is scheduled again; only a store error is returned.
func (o *Outbox) SendDue(ctx context.Context) (sent int, err error) {
	for {
		ms, err := o.cfg.Store.ClaimMail(ctx, o.cfg.Now(), lease, claimBatch)
		if err != nil {
			return sent, err
		}
		for _, m := range ms {
			ok, err := o.send(ctx, m)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
		if len(ms) < claimBatch {
			return sent, nil
		}
	}
}

// send makes one attempt at m and records its outcome.
func (o *Outbox) send(ctx context.Context, m phonegate.Mail) (bool, error) {
	log := o.cfg.Logger.With().Int64("mail", m.ID).Str("kind", m.Kind).Int("attempt", m.Attempts).Logger()
	msg, err := open(o.cfg.Keys, m.To, m.Kind, m.Sealed)
	if err == nil {
		// The attempt outlives a shutdown that starts meanwhile, within
		// sendTimeout, so that a message is not cut off half sent.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
		err = o.deliver(sctx, msg)
		cancel()
	} else {
		err = Permanent(err)
	}
	now := o.cfg.Now()
	if err == nil {
		log.Info().Msg("mail sent")
		return true, o.cfg.Store.MailSent(ctx, m.ID, now)
	}
	var p permanent
	giveUp := errors.As(err, &p) || now.Sub(m.CreatedAt) >= GiveUpAfter
	next := now.Add(retryAfter(m.Attempts))
	if giveUp {
		log.Error().Err(err).Msg("mail given up")
	} else {
		log.Warn().Err(err).Time("retry_at", next).Msg("mail not sent; will retry")
	}
	return false, o.cfg.Store.MailRetry(ctx, m.ID, err.Error(), next, giveUp, now)
}

func (o *Outbox) deliver(ctx context.Context, m Message) error {
	if o.cfg.Sender != nil {
		return o.cfg.Sender.Send(ctx, m)
	}
	sealed, err := seal(o.cfg.Keys, m)
	if err != nil {
		return err
	}
	return o.cfg.Store.AddDevMail(ctx, phonegate.DevMail{To: m.To, Kind: m.Kind, Sealed: sealed, CreatedAt: o.cfg.Now()})
}

// Run sends due messages until ctx ends: at once, whenever Queue wakes
// it, and on every tick. Sent messages are pruned after 30 days.
func (o *Outbox) Run(ctx context.Context) {
	tick := o.cfg.Tick
	if tick == nil {
		t := time.NewTicker(PollEvery)
		defer t.Stop()
		tick = t.C
	}
	var pruned time.Time
	for {
		if _, err := o.SendDue(ctx); err != nil && ctx.Err() == nil {
			o.cfg.Logger.Warn().Err(err).Msg("mail queue")
		}
		if now := o.cfg.Now(); now.Sub(pruned) >= time.Hour {
			if err := o.cfg.Store.PruneMail(ctx, now.Add(-keepSent)); err != nil && ctx.Err() == nil {
				o.cfg.Logger.Warn().Err(err).Msg("mail queue: prune")
			}
			pruned = now
		}
		select {
		case <-ctx.Done():
			return
		case <-o.wake:
		case <-tick:
		}
	}
}

// DevMessage is a message of the dev mailbox.
type DevMessage struct {
	Message
	ID int64
	At time.Time
}

// DevMessages returns the newest limit messages of the dev mailbox, newest
// first.
func (o *Outbox) DevMessages(ctx context.Context, limit int) ([]DevMessage, error) {
	ms, err := o.cfg.Store.DevMailbox(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]DevMessage, 0, len(ms))
	for _, m := range ms {
		msg, err := open(o.cfg.Keys, m.To, m.Kind, m.Sealed)
		if err != nil {
			msg = Message{To: m.To, Kind: m.Kind, Subject: "(cannot be opened with this server key)"}
		}
		out = append(out, DevMessage{Message: msg, ID: m.ID, At: m.CreatedAt})
	}
	return out, nil
}
