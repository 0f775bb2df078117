package phonegate

import (
	"context"
	"time"
)

// Session lifetimes (DESIGN §2): a session ends after SessionIdle without
// a request, and SessionAbsolute after its login whatever happens.
const (
	SessionIdle     = 30 * time.Minute
	SessionAbsolute = 12 * time.Hour
)

// Maintain ends expired challenges (wiping their sealed codes), deletes
// expired sessions and old counter events, and watches the conversion
// rate of the codes sent. Run it now and then; it is safe to run from
// several processes.
func (s *Service) Maintain(ctx context.Context) error {
	now := s.now()
	if err := s.store.EndExpiredChallenges(ctx, now); err != nil {
		return err
	}
	if _, err := s.store.DeleteExpiredSessions(ctx, now.Add(-SessionIdle), now.Add(-SessionAbsolute)); err != nil {
		return err
	}
	if err := s.WatchConversion(ctx); err != nil {
		return err
	}
	return s.store.PruneEvents(ctx, now.Add(-24*time.Hour))
}
