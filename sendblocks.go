package phonegate

import (
	"time"
)

// SendBlocks are the limits that stop every send to a number now, whoever
// asks: what the code page says before the user tries, rather than after
// a refused send. ReserveSend still decides each send.
type SendBlocks struct {
	// NumberUntil is when the number may be sent a code again after it got
	// MaxNumberSends in the last SendWindow; zero when it may now.
	NumberUntil time.Time
	// DailySMS and DailyCalls report that the server's cap of the UTC day
	// is reached for that channel (until 00:00 UTC).
	DailySMS, DailyCalls bool
}
