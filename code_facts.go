package phonegate

import (
	"context"
	"time"
)

// CodeFacts are what the state of a challenge's code page is derived
// from: the challenge, what its deliveries say, the user's lock and
// preference, the number's opt-out and the send limits. The code page
// and its JSON status say them in words.
type CodeFacts struct {
	Challenge   Challenge
	Deliveries  []Delivery // oldest first
	Now         time.Time
	LockedUntil time.Time  // the user's lock; in the past when none
	OptedOut    bool       // the number replied STOP
	NoSMS       bool       // the number cannot take text messages
	Blocks      SendBlocks // the number's and the day's limits
	Preferred   string     // the channel the account page names
	Emergency   bool       // the user has an emergency code to offer
}

// CodeFacts reads the facts of challenge c of user u.
func (s *Service) CodeFacts(ctx context.Context, u User, c Challenge) (CodeFacts, error) {
	now := s.now()
	f := CodeFacts{Challenge: c, Now: now, LockedUntil: u.MFALockedUntil, Preferred: u.PreferredChannel,
		Emergency: c.Purpose == PurposeLogin && u.PhoneVerified && u.EmergencyHash != ""}
	var err error
	if f.Deliveries, err = s.store.Deliveries(ctx, c.ID); err != nil {
		return CodeFacts{}, err
	}
	// An enrollment goes first by the channel picked on the phone page.
	if c.Purpose == PurposeEnroll && len(f.Deliveries) > 0 {
		f.Preferred = f.Deliveries[0].Channel
	}
	if f.OptedOut, err = s.store.OptedOut(ctx, c.Phone); err != nil {
		return CodeFacts{}, err
	}
	if ph, err := ParsePhone(c.Phone, "", nil); err == nil {
		f.NoSMS = !ph.SMS
	}
	if f.Blocks, err = s.store.SendBlocks(ctx, c.Phone, s.caps, now); err != nil {
		return CodeFacts{}, err
	}
	return f, nil
}

// ReplyCode is the code the holder of challenge c's phone may text back
// instead of typing the code, derived again from the challenge ID: the
// store keeps only its MAC.
func (s *Service) ReplyCode(c Challenge) string { return s.keys.ReplyCode(c.ID) }
