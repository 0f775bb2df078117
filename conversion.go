package phonegate

import (
	"context"
	"time"
)

// The conversion alarm (DESIGN §2, "send abuse"). SMS pumping sends many
// codes that nobody types: a low share of passed codes is its mark.
const (
	ConversionWindow   = time.Hour // the challenges of one hour are measured together
	ConversionMinSends = 20        // fewer sends than this say nothing
	ConversionLow      = 0.5       // below this share of passes, the alarm goes
)

// Conversion is the conversion rate of the challenges made in [From, To):
// Sent codes went out for them (sends the provider refused are not
// counted), Passed of them were passed with the code or a reply.
type Conversion struct {
	From, To     time.Time
	Sent, Passed int
}

// Rate is Passed / Sent, or 1 when nothing was sent.
func (c Conversion) Rate() float64 {
	if c.Sent == 0 {
		return 1
	}
	return float64(c.Passed) / float64(c.Sent)
}

// Low reports whether the rate says something is wrong: at least
// ConversionMinSends sends and a rate below ConversionLow.
func (c Conversion) Low() bool { return c.Sent >= ConversionMinSends && c.Rate() < ConversionLow }

// WatchConversion measures the conversion rate of the codes sent (passed
// / sent, per hour; Store.CheckConversion) and, when it is low, logs it
// at error level. The store decides, across processes, that the alarm is
// raised at most once an hour, and writes its audit event.
func (s *Service) WatchConversion(ctx context.Context) error {
	c, raised, err := s.store.CheckConversion(ctx, s.now())
	if err != nil || !raised {
		return err
	}
	s.log.Error().Int("sent", c.Sent).Int("passed", c.Passed).Float64("rate", c.Rate()).
		Time("from", c.From).Time("to", c.To).
		Msg("conversion rate low: few of the codes sent were typed; codes may be going to numbers nobody holds (SMS pumping)")
	return nil
}
