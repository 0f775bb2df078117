package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// Counter keys of the caps, named as every store names them.
var (
	sessionSendsKey  = phonegate.SessionSendsKey
	addressSendsKey  = phonegate.AddressSendsKey
	newNumbersPrefix = phonegate.NewNumbersPrefix
	rangePrefix      = phonegate.RangePrefix
)

// checkSendCaps returns why req may not be sent under the caps, or nil;
// then countSendCaps counts it. Both run inside ReserveSend's transaction.
func checkSendCaps(ctx context.Context, tx *sql.Tx, req phonegate.SendRequest) (sendOrigin, error) {
	var o sendOrigin
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(user_id, 0), session_hash, purpose, send_addr FROM challenges WHERE id = ?`,
		req.ChallengeID).Scan(&o.userID, &o.sessionHash, &o.purpose, &o.addr)
	if err != nil {
		return o, notFound(err, "challenge")
	}
	if !req.Automatic && req.ClientAddr != "" {
		if req.ClientAddr != o.addr {
			o.newAddr = req.ClientAddr
		}
		o.addr = req.ClientAddr
	}
	now := req.Now
	if at, limited, err := windowLimited(ctx, tx, sessionSendsKey(o.sessionHash), phonegate.MaxSessionSends, phonegate.SessionSendWindow, now); err != nil {
		return o, err
	} else if limited {
		return o, &phonegate.SendLimitError{Reason: phonegate.LimitSession, RetryAt: at}
	}
	if o.addr != "" {
		at, limited, err := windowLimited(ctx, tx, addressSendsKey(o.addr), phonegate.MaxAddressSends, phonegate.AddressSendWindow, now)
		if err != nil {
			return o, err
		} else if limited {
			return o, &phonegate.SendLimitError{Reason: phonegate.LimitAddress, RetryAt: at}
		}
	}
	if o.purpose == phonegate.PurposeEnroll {
		prefix := newNumbersPrefix(o.userID)
		at, limited, err := distinctLimited(ctx, tx, prefix, prefix+req.To, phonegate.MaxNewNumbers, phonegate.NewNumberWindow, now)
		if err != nil {
			return o, err
		} else if limited {
			return o, &phonegate.SendLimitError{Reason: phonegate.LimitNewNumbers, RetryAt: at}
		}
		if len(req.To) > phonegate.RangeDigits+1 {
			prefix := rangePrefix(req.To)
			at, limited, err := distinctLimited(ctx, tx, prefix, prefix+req.To, phonegate.MaxRangeNumbers, phonegate.RangeWindow, now)
			if err != nil {
				return o, err
			} else if limited {
				return o, &phonegate.SendLimitError{Reason: phonegate.LimitRange, RetryAt: at}
			}
		}
	}
	day := now.Unix() / 86400
	var n int
	err = tx.QueryRowContext(ctx, `SELECT n FROM send_totals WHERE day = ? AND channel = ?`, day, req.Channel).Scan(&n)
	if err != nil && err != sql.ErrNoRows {
		return o, fmt.Errorf("store: daily sends: %w", err)
	}
	if n >= req.Caps.Of(req.Channel) {
		return o, &phonegate.SendLimitError{Reason: phonegate.LimitDaily, RetryAt: time.Unix((day+1)*86400, 0).UTC()}
	}
	return o, nil
}

// sendOrigin is who asked for a send, as the caps count it.
type sendOrigin struct {
	userID      int64
	sessionHash []byte
	purpose     string
	addr        string // the address counted: the request's, or the challenge's for an automatic send
	newAddr     string // the request's address, to remember on the challenge; "" to keep it
}

// countSendCaps counts a send that checkSendCaps allowed.
func countSendCaps(ctx context.Context, tx *sql.Tx, req phonegate.SendRequest, o sendOrigin) error {
	now := req.Now
	keys := []string{sessionSendsKey(o.sessionHash)}
	if o.addr != "" {
		keys = append(keys, addressSendsKey(o.addr))
	}
	if o.purpose == phonegate.PurposeEnroll {
		keys = append(keys, newNumbersPrefix(o.userID)+req.To)
		if len(req.To) > phonegate.RangeDigits+1 {
			keys = append(keys, rangePrefix(req.To)+req.To)
		}
	}
	for _, k := range keys {
		if err := addEvent(ctx, tx, k, now); err != nil {
			return err
		}
	}
	if o.newAddr != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE challenges SET send_addr = ? WHERE id = ?`, o.newAddr, req.ChallengeID); err != nil {
			return fmt.Errorf("store: send address: %w", err)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO send_totals (day, channel, n) VALUES (?, ?, 1)
		ON CONFLICT (day, channel) DO UPDATE SET n = n + 1`, now.Unix()/86400, req.Channel)
	if err != nil {
		return fmt.Errorf("store: daily sends: %w", err)
	}
	return nil
}

// windowLimited reports whether limit events of key happened in the window
// before now (open at its start, as the per-number limit's), and if so
// when the oldest of them that keeps the count at the limit leaves it.
func windowLimited(ctx context.Context, tx *sql.Tx, key string, limit int, window time.Duration, now time.Time) (time.Time, bool, error) {
	since := now.Add(-window + time.Second)
	n, err := countEvents(ctx, tx, key, since)
	if err != nil || n < limit {
		return time.Time{}, false, err
	}
	var at int64
	err = tx.QueryRowContext(ctx, `SELECT at FROM counter_events WHERE key = ? AND at >= ? ORDER BY at LIMIT 1 OFFSET ?`,
		key, since.Unix(), n-limit).Scan(&at)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: send window %s: %w", key, err)
	}
	return time.Unix(at, 0).Add(window).UTC(), true, nil
}

// distinctLimited reports whether key, one of the keys that start with
// prefix, would make more than limit different keys of prefix seen in the
// window before now: a key seen in the window already is never limited.
// When limited, it says when enough keys will have left the window.
func distinctLimited(ctx context.Context, tx *sql.Tx, prefix, key string, limit int, window time.Duration, now time.Time) (time.Time, bool, error) {
	since := now.Add(-window + time.Second)
	// Keys that start with prefix sort from prefix to just before the
	// prefix with its last byte (':') raised by one.
	end := prefix[:len(prefix)-1] + string(rune(prefix[len(prefix)-1]+1))
	rows, err := tx.QueryContext(ctx, `SELECT key, MAX(at) AS last FROM counter_events
		WHERE key >= ? AND key < ? AND at >= ? GROUP BY key ORDER BY last`, prefix, end, since.Unix())
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: count %s: %w", prefix, err)
	}
	defer rows.Close()
	var lasts []int64
	for rows.Next() {
		var k string
		var last int64
		if err := rows.Scan(&k, &last); err != nil {
			return time.Time{}, false, fmt.Errorf("store: count %s: %w", prefix, err)
		}
		if k == key {
			return time.Time{}, false, nil
		}
		lasts = append(lasts, last)
	}
	if err := rows.Err(); err != nil {
		return time.Time{}, false, fmt.Errorf("store: count %s: %w", prefix, err)
	}
	if len(lasts) < limit {
		return time.Time{}, false, nil
	}
	// Below the limit again once the len-limit+1 keys seen longest ago have
	// left the window.
	return time.Unix(lasts[len(lasts)-limit], 0).Add(window).UTC(), true, nil
}

// DailySends returns how many codes went out by channel on now's UTC day.
func (db *DB) DailySends(ctx context.Context, channel string, now time.Time) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT n FROM send_totals WHERE day = ? AND channel = ?`,
		now.Unix()/86400, channel).Scan(&n)
	if err != nil && err != sql.ErrNoRows {
		return 0, fmt.Errorf("store: daily sends: %w", err)
	}
	return n, nil
}
