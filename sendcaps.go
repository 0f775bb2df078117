package phonegate

import (
	"time"
)

// Send caps beside the per-challenge and per-number limits (DESIGN §2,
// "send abuse"). ReserveSend counts them in the transaction that reserves
// the send, so concurrent requests cannot slip under one.
const (
	MaxSessionSends   = 10             // sends asked by one session in SessionSendWindow
	SessionSendWindow = 12 * time.Hour // a session's whole life
	MaxAddressSends   = 60             // sends asked from one client address in AddressSendWindow
	AddressSendWindow = time.Hour
	MaxNewNumbers     = 3              // different numbers one account may enroll in NewNumberWindow
	NewNumberWindow   = 24 * time.Hour //
	MaxRangeNumbers   = 3              // different numbers of one range enrolled in RangeWindow, by anyone
	RangeWindow       = time.Hour
	RangeDigits       = 4 // a range is the numbers that differ only in their last RangeDigits digits

	DefaultDailySMS   = 1000 // text messages per UTC day, when DailyCaps.SMS is 0
	DefaultDailyCalls = 500  // calls per UTC day, when DailyCaps.Calls is 0
)

// More reasons of a SendLimitError.
const (
	LimitSession    = "session"     // the session asked for MaxSessionSends in SessionSendWindow
	LimitAddress    = "address"     // the client address asked for MaxAddressSends in AddressSendWindow
	LimitNewNumbers = "new-numbers" // the account enrolled MaxNewNumbers other numbers in NewNumberWindow
	LimitRange      = "range"       // MaxRangeNumbers numbers of the number's range were enrolled in RangeWindow
	LimitDaily      = "daily"       // the channel's global cap of the UTC day is reached
)

// DailyCaps are the global caps of sends per UTC day, by channel. A zero
// field means its default.
type DailyCaps struct {
	SMS, Calls int
}

// Of returns the cap of channel.
func (c DailyCaps) Of(channel string) int {
	if channel == ChannelCall {
		if c.Calls > 0 {
			return c.Calls
		}
		return DefaultDailyCalls
	}
	if c.SMS > 0 {
		return c.SMS
	}
	return DefaultDailySMS
}

// SendRequest is one send to reserve.
type SendRequest struct {
	ChallengeID string
	Channel     string // ChannelSMS or ChannelCall
	To          string // E.164
	// ClientAddr is the client that asked for the send, as the rate limits
	// name it; the caps count it. Empty for an automatic send, which counts
	// against the address that asked for the challenge's earlier sends.
	ClientAddr string
	// Automatic marks the fallback call after a failed SMS: exempt from the
	// cooldown, counted by every cap like any other send.
	Automatic bool
	Now       time.Time
	Caps      DailyCaps
}
