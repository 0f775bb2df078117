package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
	"weak"
)

// Send limits (DESIGN §2). ReserveSend enforces them in one transaction.
const (
	MaxChallengeSends = 5                // sends per challenge
	SendCooldown      = 30 * time.Second // between two sends of one challenge
	MaxNumberSends    = 10               // sends per phone number per SendWindow
	SendWindow        = time.Hour
)

// Reasons of a SendLimitError.
const (
	LimitCooldown  = "cooldown"  // the last send of the challenge was under SendCooldown ago
	LimitChallenge = "challenge" // the challenge used its MaxChallengeSends
	LimitNumber    = "number"    // the number got MaxNumberSends in the last SendWindow
)

// ErrChallengeEnded means a challenge is no longer pending: it expired, was
// used, died of wrong codes or was cancelled. Nothing more is sent for it.
var ErrChallengeEnded = errors.New("challenge has ended")

// SendLimitError is a send refused by a limit. It wraps ErrLimited and says
// which limit and when the next send is allowed, so that the page can show
// the wait.
type SendLimitError struct {
	Reason  string    // LimitCooldown, LimitChallenge or LimitNumber
	RetryAt time.Time // when a send may be tried again; zero when never (LimitChallenge)
}

func (e *SendLimitError) Error() string {
	if e.RetryAt.IsZero() {
		return "store: send limit " + e.Reason + ": " + ErrLimited.Error()
	}
	return fmt.Sprintf("store: send limit %s until %s: %v", e.Reason, e.RetryAt.UTC().Format(time.RFC3339), ErrLimited)
}

func (e *SendLimitError) Unwrap() error { return ErrLimited }

// SendsKey is the counter key of the sends to a phone number.
func SendsKey(phone string) string { return "sends:" + phone }

// ReserveSend checks the send limits of a challenge and of its number and,
// if they allow it, counts the send and records a queued delivery, all in
// one transaction so that concurrent sends cannot slip past a limit. An
// automatic send (the fallback call after a failed SMS) is exempt from the
// cooldown but counts like any other. It returns ErrChallengeEnded for a
// challenge that is not pending or has expired, and a *SendLimitError when
// a limit is reached.
func (db *DB) ReserveSend(ctx context.Context, challengeID, channel, to string, now time.Time, automatic bool) (Delivery, error) {
	if channel != ChannelSMS && channel != ChannelCall {
		return Delivery{}, fmt.Errorf("store: reserve send: unknown channel %q", channel)
	}
	d := Delivery{ID: newDeliveryID(), ChallengeID: challengeID, Channel: channel, To: to, Status: "queued",
		CreatedAt: unix(now.Unix()), UpdatedAt: unix(now.Unix())}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkSendLimits(ctx, tx, challengeID, to, now, automatic); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE challenges SET sends = sends + 1, last_send_at = ? WHERE id = ?`,
			now.Unix(), challengeID); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, SendsKey(to), now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO deliveries (id, challenge_id, channel, to_number, status, rank,
			created_at, updated_at) VALUES (?, ?, ?, ?, 'queued', 0, ?, ?)`, d.ID, challengeID, channel, to, now.Unix(), now.Unix())
		return err
	})
	if err != nil {
		var le *SendLimitError
		if errors.As(err, &le) || errors.Is(err, ErrChallengeEnded) || errors.Is(err, ErrNotFound) {
			return Delivery{}, err
		}
		return Delivery{}, fmt.Errorf("store: reserve send: %w", err)
	}
	return d, nil
}

// checkSendLimits returns why a send of the challenge to the number may not
// happen now, or nil.
func checkSendLimits(ctx context.Context, tx *sql.Tx, challengeID, to string, now time.Time, automatic bool) error {
	var state string
	var sends int
	var last, expires int64
	err := tx.QueryRowContext(ctx, `SELECT state, sends, last_send_at, expires_at FROM challenges WHERE id = ?`,
		challengeID).Scan(&state, &sends, &last, &expires)
	if err != nil {
		return notFound(err, "challenge")
	}
	if state != ChallengePending || now.Unix() >= expires {
		return fmt.Errorf("store: send for challenge: %w", ErrChallengeEnded)
	}
	if sends >= MaxChallengeSends {
		return &SendLimitError{Reason: LimitChallenge}
	}
	if next := time.Unix(last, 0).Add(SendCooldown); !automatic && last != 0 && now.Before(next) {
		return &SendLimitError{Reason: LimitCooldown, RetryAt: next.UTC()}
	}
	// The window is the hour before now, open at its start: a send exactly
	// an hour old has left it, so RetryAt below is when a send may go.
	since := now.Add(-SendWindow + time.Second)
	n, err := countEvents(ctx, tx, SendsKey(to), since)
	if err != nil {
		return err
	}
	if n < MaxNumberSends {
		return nil
	}
	// The window frees a slot when the oldest send that keeps the count at
	// the limit leaves it.
	var at int64
	err = tx.QueryRowContext(ctx, `SELECT at FROM counter_events WHERE key = ? AND at >= ? ORDER BY at LIMIT 1 OFFSET ?`,
		SendsKey(to), since.Unix(), n-MaxNumberSends).Scan(&at)
	if err != nil {
		return fmt.Errorf("store: send window: %w", err)
	}
	return &SendLimitError{Reason: LimitNumber, RetryAt: time.Unix(at, 0).Add(SendWindow).UTC()}
}

// newDeliveryID returns an opaque delivery ID: "d" and 128 random bits.
// It travels in webhook URLs, so it must not be guessable.
func newDeliveryID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return "d" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

const deliveryColumns = `id, challenge_id, channel, to_number, sid, status, error_code, created_at, updated_at`

func scanDelivery(row interface{ Scan(...any) error }) (Delivery, error) {
	var d Delivery
	var created, updated int64
	err := row.Scan(&d.ID, &d.ChallengeID, &d.Channel, &d.To, &d.SID, &d.Status, &d.ErrorCode, &created, &updated)
	d.CreatedAt, d.UpdatedAt = unix(created), unix(updated)
	return d, err
}

// SetDeliverySID records the SID Twilio gave the message or call.
func (db *DB) SetDeliverySID(ctx context.Context, id, sid string) error {
	res, err := db.write.ExecContext(ctx, `UPDATE deliveries SET sid = ? WHERE id = ?`, sid, id)
	if err != nil {
		return fmt.Errorf("store: set delivery sid: %w", err)
	}
	return mustAffect(res, "delivery")
}

// FailDelivery marks a delivery failed because the send itself was refused
// (the API answered an error), with the provider's error code. Nothing was
// sent, so the send is given back to the challenge: its count drops and its
// cooldown runs from the last send that did go out. The per-number count
// stays, so refused sends still cannot hammer the API.
func (db *DB) FailDelivery(ctx context.Context, id string, errorCode int, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var challengeID string
		err := tx.QueryRowContext(ctx, `UPDATE deliveries SET status = 'failed', rank = ?, error_code = ?, updated_at = ?
			WHERE id = ? AND rank < ? RETURNING challenge_id`, rankFinal, errorCode, now.Unix(), id, rankFinal).Scan(&challengeID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // already final: a refusal after a final status changes nothing
		}
		if err != nil {
			return fmt.Errorf("store: fail delivery: %w", err)
		}
		if err := addDeliveryEvent(ctx, tx, id, "failed", errorCode, now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE challenges SET sends = MAX(sends - 1, 0),
			last_send_at = COALESCE((SELECT MAX(created_at) FROM deliveries
				WHERE challenge_id = ?1 AND NOT (status = 'failed' AND sid = '')), 0)
			WHERE id = ?1`, challengeID)
		if err != nil {
			return fmt.Errorf("store: fail delivery: %w", err)
		}
		return nil
	})
}

// Delivery returns a delivery by ID.
func (db *DB) Delivery(ctx context.Context, id string) (Delivery, error) {
	d, err := scanDelivery(db.read.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE id = ?`, id))
	if err != nil {
		return Delivery{}, notFound(err, "delivery")
	}
	return d, nil
}

// Deliveries returns the deliveries of a challenge, oldest first.
func (db *DB) Deliveries(ctx context.Context, challengeID string) ([]Delivery, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE challenge_id = ? ORDER BY created_at, rowid`, challengeID)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	defer rows.Close()
	var ds []Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("store: deliveries: %w", err)
		}
		ds = append(ds, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	return ds, nil
}

// ClaimAutoCall marks that the automatic fallback call of a pending
// challenge is being placed. It reports true to exactly one caller per
// challenge, however many failure callbacks race for it.
func (db *DB) ClaimAutoCall(ctx context.Context, challengeID string) (bool, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE challenges SET auto_call_done = 1
		WHERE id = ? AND auto_call_done = 0 AND state = 'pending'`, challengeID)
	if err != nil {
		return false, fmt.Errorf("store: claim auto call: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: claim auto call: %w", err)
	}
	return n == 1, nil
}

// Ranks of delivery statuses. A status update never lowers a delivery's
// rank, so callbacks that Twilio sends out of order or twice leave the
// latest state in place: a late "sent" after "delivered" changes nothing.
// Statuses of equal rank do not replace each other either, so the first
// final status wins.
const (
	rankQueued   = 0 // accepted, scheduled, queued; a call's initiated
	rankSending  = 1 // sending; a call's ringing
	rankSent     = 2 // sent; a call's in-progress (answered)
	rankFinal    = 3 // delivered, undelivered, failed, read; completed, busy, no-answer, canceled
	rankUnknown  = -1
	statusFailed = "failed"
)

var statusRanks = map[string]int{
	"accepted": rankQueued, "scheduled": rankQueued, "queued": rankQueued, "initiated": rankQueued,
	"sending": rankSending, "ringing": rankSending,
	"sent": rankSent, "in-progress": rankSent, "answered": rankSent,
	"delivered": rankFinal, "undelivered": rankFinal, statusFailed: rankFinal, "read": rankFinal,
	"completed": rankFinal, "busy": rankFinal, "no-answer": rankFinal, "canceled": rankFinal,
}

// DeliveryRank returns the rank of a Twilio message or call status, or -1
// for a status phonegate does not know (and does not store).
func DeliveryRank(status string) int {
	if r, ok := statusRanks[status]; ok {
		return r
	}
	return rankUnknown
}

// DeliveryFinal reports whether a status is final: nothing follows it.
func DeliveryFinal(status string) bool { return DeliveryRank(status) == rankFinal }

// StatusUpdate is what a status callback reports of a delivery.
type StatusUpdate struct {
	ID        string
	Status    string
	ErrorCode int // the provider's error code; 0 for none
	At        time.Time
	// Audit, if set, gives the audit event of the update that makes the
	// delivery final. It is written, about the challenge's user, in the
	// same transaction as the status. It runs inside the store's write
	// and must only compute the event.
	Audit func(Delivery) AuditEvent
}

// UpdateDeliveryStatus is ApplyStatus without an audit event.
func (db *DB) UpdateDeliveryStatus(ctx context.Context, id, status string, errorCode int, now time.Time) (bool, Delivery, error) {
	return db.ApplyStatus(ctx, StatusUpdate{ID: id, Status: status, ErrorCode: errorCode, At: now})
}

// ApplyStatus moves a delivery to u.Status, with the provider's error
// code, if that status ranks above the current one. It reports whether the
// delivery changed and returns it as it now is. The compare and the change
// are one UPDATE, so concurrent callbacks cannot move a delivery
// backwards, and each status is recorded once in delivery_events: a
// replayed callback adds nothing. An unknown delivery gives ErrNotFound.
//
// Status updates are group-committed (see batcher): ApplyStatus returns
// once the transaction holding the update has committed.
func (db *DB) ApplyStatus(ctx context.Context, u StatusUpdate) (bool, Delivery, error) {
	rank := DeliveryRank(u.Status)
	if rank == rankUnknown {
		return false, Delivery{}, fmt.Errorf("store: update delivery: unknown status %q", u.Status)
	}
	h := db.hot()
	h.prepareStatus(ctx)
	var d Delivery
	var changed, found bool
	err := db.batched(ctx, func(ctx context.Context, tx *sql.Tx) error {
		changed, found = false, false
		var err error
		d, err = scanDelivery(h.advance.row(ctx, tx, u.Status, rank, u.ErrorCode, u.At.Unix(), u.ID, rank))
		switch {
		case err == nil:
			changed, found = true, true
			if _, err := h.event.exec(ctx, tx, u.ID, u.Status, u.ErrorCode, u.At.Unix()); err != nil {
				return fmt.Errorf("store: delivery event: %w", err)
			}
			if u.Audit != nil && DeliveryFinal(d.Status) {
				e := u.Audit(d)
				if err := h.challengeUser.row(ctx, tx, d.ChallengeID).Scan(&e.UserID); err != nil {
					return fmt.Errorf("store: audit delivery: %w", err)
				}
				if _, err := h.userAudit.exec(ctx, tx, nullID(e.UserID), nullID(e.ActorID), e.Kind, e.Detail, e.At.Unix(), e.UserID); err != nil {
					return fmt.Errorf("store: audit delivery: %w", err)
				}
			}
			return nil
		case errors.Is(err, sql.ErrNoRows):
			// Unchanged, or unknown: neither is an error of the batch.
			d, err = scanDelivery(h.current.row(ctx, tx, u.ID))
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			found = err == nil
			return err
		default:
			return err
		}
	})
	if err != nil {
		return false, Delivery{}, fmt.Errorf("store: update delivery: %w", err)
	}
	if !found {
		return false, Delivery{}, fmt.Errorf("store: update delivery: %w", ErrNotFound)
	}
	return changed, d, nil
}

// advanceSQL is the compare-and-set of UpdateDeliveryStatus. The error code
// of a status without one keeps the code an earlier status reported.
const advanceSQL = `UPDATE deliveries SET status = ?1, rank = ?2,
	error_code = CASE WHEN ?3 != 0 THEN ?3 ELSE error_code END, updated_at = ?4
	WHERE id = ?5 AND rank < ?6 RETURNING ` + deliveryColumns

func addDeliveryEvent(ctx context.Context, tx *sql.Tx, id, status string, errorCode int, now time.Time) error {
	if _, err := tx.ExecContext(ctx, eventSQL, id, status, errorCode, now.Unix()); err != nil {
		return fmt.Errorf("store: delivery event: %w", err)
	}
	return nil
}

// The other statements of ApplyStatus, prepared once (see hotPath).
const (
	eventSQL = `INSERT INTO delivery_events (delivery_id, status, error_code, at)
		VALUES (?, ?, ?, ?) ON CONFLICT (delivery_id, status) DO NOTHING`
	currentSQL       = `SELECT ` + deliveryColumns + ` FROM deliveries WHERE id = ?`
	challengeUserSQL = `SELECT user_id FROM challenges WHERE id = ?`
)

// DeliveryEvent is one recorded status change of a delivery.
type DeliveryEvent struct {
	Status    string
	ErrorCode int
	At        time.Time
}

// DeliveryEvents returns the status changes of a delivery, oldest first.
func (db *DB) DeliveryEvents(ctx context.Context, id string) ([]DeliveryEvent, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT status, error_code, at FROM delivery_events
		WHERE delivery_id = ? ORDER BY at, rowid`, id)
	if err != nil {
		return nil, fmt.Errorf("store: delivery events: %w", err)
	}
	defer rows.Close()
	var es []DeliveryEvent
	for rows.Next() {
		var e DeliveryEvent
		var at int64
		if err := rows.Scan(&e.Status, &e.ErrorCode, &at); err != nil {
			return nil, fmt.Errorf("store: delivery events: %w", err)
		}
		e.At = unix(at)
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: delivery events: %w", err)
	}
	return es, nil
}

// VoiceDelivery is what the voice webhook needs to answer a call: which
// challenge it speaks for, the project named in the greeting, the
// challenge's state and sealed code, and the call the delivery placed,
// read fresh at every request.
type VoiceDelivery struct {
	ID          string
	ChallengeID string
	Channel     string
	Label       string
	State       string
	ExpiresAt   time.Time
	CodeSealed  []byte // nil once the challenge has ended
	SID         string // the call's SID; empty until the REST answer or the first webhook stores it
	Status      string // the delivery's status
}

// Speakable reports whether the call may read the code at now: a call
// delivery that has not ended, of a pending, unexpired challenge that
// still has its code. Whether the request comes from the delivery's own
// call is for the caller to check against SID (see BindCallSID).
func (v VoiceDelivery) Speakable(now time.Time) bool {
	return v.Channel == ChannelCall && !DeliveryFinal(v.Status) &&
		v.State == ChallengePending && now.Before(v.ExpiresAt) && len(v.CodeSealed) > 0
}

// DeliveryForVoice returns what the voice webhook needs for a delivery in
// one read. What never changes for a delivery (its challenge, channel and
// label) is cached in process; the state, sealed code, SID and status
// never are, so a challenge that ends mid-call stops reading its code at
// the next request, whichever process serves it.
func (db *DB) DeliveryForVoice(ctx context.Context, id string) (VoiceDelivery, error) {
	h := db.hot()
	v := VoiceDelivery{ID: id}
	var expires int64
	if st, ok := h.cached(id); ok {
		v.ChallengeID, v.Channel, v.Label = st.challengeID, st.channel, st.label
		err := h.voiceState.row(ctx, nil, st.challengeID, id).Scan(&v.State, &expires, &v.CodeSealed, &v.SID, &v.Status)
		if err != nil {
			return VoiceDelivery{}, notFound(err, "delivery")
		}
	} else {
		err := h.voice.row(ctx, nil, id).Scan(&v.ChallengeID, &v.Channel, &v.Label, &v.State, &expires, &v.CodeSealed,
			&v.SID, &v.Status)
		if err != nil {
			return VoiceDelivery{}, notFound(err, "delivery")
		}
		h.remember(id, voiceStatic{challengeID: v.ChallengeID, channel: v.Channel, label: v.Label})
	}
	v.ExpiresAt = unix(expires)
	return v, nil
}

// The voice reads look the challenge up with scalar subqueries rather
// than a join: with the SQLite this is built with, a prepared join is
// compiled again at every run (BenchmarkDeliveryForVoice: about 18 µs a
// read as a join, 11 µs this way), while single-table statements with
// subqueries keep their program.
const (
	voiceSQL = `SELECT challenge_id, channel,
		(SELECT label FROM challenges WHERE id = d.challenge_id),
		(SELECT state FROM challenges WHERE id = d.challenge_id),
		(SELECT expires_at FROM challenges WHERE id = d.challenge_id),
		(SELECT code_sealed FROM challenges WHERE id = d.challenge_id),
		sid, status
		FROM deliveries d WHERE id = ?`
	voiceStateSQL = `SELECT
		(SELECT state FROM challenges WHERE id = ?1),
		(SELECT expires_at FROM challenges WHERE id = ?1),
		(SELECT code_sealed FROM challenges WHERE id = ?1),
		sid, status
		FROM deliveries WHERE id = ?2`
)

// BindCallSID ties a call delivery to the call that asks for its TwiML,
// and reports whether callSID is that call. Twilio may request the TwiML
// before the REST answer carrying the call's SID is stored, so a delivery
// without a SID takes the first call that asks; from then on, as when the
// REST answer came first, only that call matches. The compare and the
// store are one statement, so that of concurrent first requests of
// different calls exactly one is taken.
func (db *DB) BindCallSID(ctx context.Context, id, callSID string) (bool, error) {
	if callSID == "" {
		return false, nil
	}
	res, err := db.write.ExecContext(ctx, `UPDATE deliveries SET sid = ?2
		WHERE id = ?1 AND channel = 'call' AND (sid = '' OR sid = ?2)`, id, callSID)
	if err != nil {
		return false, fmt.Errorf("store: bind call: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: bind call: %w", err)
	}
	return n == 1, nil
}

// hotPath holds, for one DB, the prepared statements of the webhook hot
// path and the cache of what never changes for a delivery.
type hotPath struct {
	advance, event, current, challengeUser, userAudit lazyStmt
	voice, voiceState                                 lazyStmt

	mu     sync.Mutex
	static map[string]voiceStatic
}

type voiceStatic struct{ challengeID, channel, label string }

// maxStatic bounds the cache. Deliveries live minutes, so dropping the
// whole cache when it fills costs one join per live call, and no more.
const maxStatic = 4096

func (h *hotPath) cached(id string) (voiceStatic, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	st, ok := h.static[id]
	return st, ok
}

func (h *hotPath) remember(id string, st voiceStatic) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.static) >= maxStatic {
		clear(h.static)
	}
	h.static[id] = st
}

// hotPaths maps each open DB (weakly, so that a DB nobody holds can still
// be collected) to its hotPath.
var hotPaths sync.Map // weak.Pointer[DB] -> *hotPath

func (db *DB) hot() *hotPath {
	key := weak.Make(db)
	if h, ok := hotPaths.Load(key); ok {
		return h.(*hotPath)
	}
	h, loaded := hotPaths.LoadOrStore(key, &hotPath{
		advance:       lazyStmt{db: db.write, query: advanceSQL},
		event:         lazyStmt{db: db.write, query: eventSQL},
		current:       lazyStmt{db: db.write, query: currentSQL},
		challengeUser: lazyStmt{db: db.write, query: challengeUserSQL},
		userAudit:     lazyStmt{db: db.write, query: userAuditSQL},
		voice:         lazyStmt{db: db.read, query: voiceSQL},
		voiceState:    lazyStmt{db: db.read, query: voiceStateSQL},
		static:        make(map[string]voiceStatic),
	})
	if !loaded {
		// The statements need no closing of their own: they belong to the
		// DB's connection pools, which Close closes.
		runtime.AddCleanup(db, func(key weak.Pointer[DB]) { hotPaths.Delete(key) }, key)
	}
	return h.(*hotPath)
}

// prepareStatus prepares the statements of ApplyStatus. It must run
// before the write transaction: preparing needs the write connection,
// which the transaction holds.
func (h *hotPath) prepareStatus(ctx context.Context) {
	for _, s := range []*lazyStmt{&h.advance, &h.event, &h.current, &h.challengeUser, &h.userAudit} {
		s.prepare(ctx)
	}
}

// lazyStmt is a statement prepared at its first use. If preparing fails
// (the database is closing, say), the plain query runs instead: a prepared
// statement is only a speed-up.
type lazyStmt struct {
	once  sync.Once
	db    *sql.DB
	query string
	stmt  *sql.Stmt
}

// prepare prepares the statement once. A statement for a transaction must
// be prepared before the transaction starts: the write pool has a single
// connection, which the transaction holds.
func (s *lazyStmt) prepare(ctx context.Context) *sql.Stmt {
	s.once.Do(func() {
		s.stmt, _ = s.db.PrepareContext(context.WithoutCancel(ctx), s.query)
	})
	return s.stmt
}

// exec runs the statement with args in tx.
func (s *lazyStmt) exec(ctx context.Context, tx *sql.Tx, args ...any) (sql.Result, error) {
	if st := s.prepare(ctx); st != nil {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, s.query, args...)
}

// row runs the statement with args, in tx unless tx is nil.
func (s *lazyStmt) row(ctx context.Context, tx *sql.Tx, args ...any) *sql.Row {
	if tx == nil {
		if st := s.prepare(ctx); st != nil {
			return st.QueryRowContext(ctx, args...)
		}
		return s.db.QueryRowContext(ctx, s.query, args...)
	}
	if st := s.prepare(ctx); st != nil {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, s.query, args...)
}
