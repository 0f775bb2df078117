package handlers

import (
	"context"
	"time"
)

// watchConversion measures the conversion rate of the codes sent (passed
// / sent, per hour; store.CheckConversion) and, when it is low, logs it
// at error level. The store decides, across processes, that the alarm is
// raised at most once an hour, and writes its audit event.
func (s *Server) watchConversion(ctx context.Context, now time.Time) error {
	c, raised, err := s.db.CheckConversion(ctx, now)
	if err != nil || !raised {
		return err
	}
	s.log.Error().Int("sent", c.Sent).Int("passed", c.Passed).Float64("rate", c.Rate()).
		Time("from", c.From).Time("to", c.To).
		Msg("conversion rate low: few of the codes sent were typed; codes may be going to numbers nobody holds (SMS pumping)")
	return nil
}
