package phonegate

import (
	"context"
	"time"
)

// SendOrigin is who asked for a send, as the send caps count it: read by
// the store from the send's challenge inside ReserveSend's transaction.
type SendOrigin struct {
	UserID      int64
	SessionHash []byte
	Purpose     string
	Addr        string // the address counted: the request's, or the challenge's for an automatic send
	NewAddr     string // the request's address, to remember on the challenge; "" to keep it
}

// Asked returns o as the send req counts it: a send a person asked for
// counts at the address it came from (and that address is remembered on
// the challenge); an automatic one at the challenge's.
func (o SendOrigin) Asked(req SendRequest) SendOrigin {
	if !req.Automatic && req.ClientAddr != "" {
		if req.ClientAddr != o.Addr {
			o.NewAddr = req.ClientAddr
		}
		o.Addr = req.ClientAddr
	}
	return o
}

// SendCapCounts is what a store answers, inside ReserveSend's transaction,
// for CheckSendCaps.
type SendCapCounts interface {
	// WindowLimited reports whether limit events of key happened in the
	// window before now (open at its start: an event exactly window old
	// has left it), and if so when the oldest of them that keeps the count
	// at the limit leaves it.
	WindowLimited(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (time.Time, bool, error)
	// DistinctLimited reports whether key, one of the keys that start with
	// prefix, would make more than limit different keys of prefix seen in
	// the window before now (a key seen in the window already never is),
	// and if so when enough keys will have left the window.
	DistinctLimited(ctx context.Context, prefix, key string, limit int, window time.Duration, now time.Time) (time.Time, bool, error)
	// DailySent returns how many sends of channel went out on now's UTC day.
	DailySent(ctx context.Context, channel string, now time.Time) (int, error)
}

// CheckSendCaps returns why req, asked by o, may not be sent under the
// caps of its session, client address, account, number range and day (a
// *SendLimitError), or nil; SendCapKeys then names what to count. Both
// stores call it inside ReserveSend's transaction, so the rule is one.
func CheckSendCaps(ctx context.Context, c SendCapCounts, req SendRequest, o SendOrigin) error {
	now := req.Now
	if at, limited, err := c.WindowLimited(ctx, SessionSendsKey(o.SessionHash), MaxSessionSends, SessionSendWindow, now); err != nil || limited {
		return limitErr(LimitSession, at, err)
	}
	if o.Addr != "" {
		if at, limited, err := c.WindowLimited(ctx, AddressSendsKey(o.Addr), MaxAddressSends, AddressSendWindow, now); err != nil || limited {
			return limitErr(LimitAddress, at, err)
		}
	}
	if o.Purpose == PurposeEnroll {
		prefix := NewNumbersPrefix(o.UserID)
		if at, limited, err := c.DistinctLimited(ctx, prefix, prefix+req.To, MaxNewNumbers, NewNumberWindow, now); err != nil || limited {
			return limitErr(LimitNewNumbers, at, err)
		}
		if len(req.To) > RangeDigits+1 {
			prefix := RangePrefix(req.To)
			if at, limited, err := c.DistinctLimited(ctx, prefix, prefix+req.To, MaxRangeNumbers, RangeWindow, now); err != nil || limited {
				return limitErr(LimitRange, at, err)
			}
		}
	}
	n, err := c.DailySent(ctx, req.Channel, now)
	if err != nil {
		return err
	}
	if n >= req.Caps.Of(req.Channel) {
		day := now.Unix() / 86400
		return &SendLimitError{Reason: LimitDaily, RetryAt: time.Unix((day+1)*86400, 0).UTC()}
	}
	return nil
}

// limitErr is err when there is one, else the refusal of reason until at.
func limitErr(reason string, at time.Time, err error) error {
	if err != nil {
		return err
	}
	return &SendLimitError{Reason: reason, RetryAt: at}
}

// SendCapKeys are the counter keys that a send CheckSendCaps allowed
// counts an event of, at req.Now.
func SendCapKeys(req SendRequest, o SendOrigin) []string {
	keys := []string{SessionSendsKey(o.SessionHash)}
	if o.Addr != "" {
		keys = append(keys, AddressSendsKey(o.Addr))
	}
	if o.Purpose == PurposeEnroll {
		keys = append(keys, NewNumbersPrefix(o.UserID)+req.To)
		if len(req.To) > RangeDigits+1 {
			keys = append(keys, RangePrefix(req.To)+req.To)
		}
	}
	return keys
}
